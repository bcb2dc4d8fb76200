"""Declarative synapse types: rate-coded (learning rules, custom psp and summation) or
spiking (``pre_spike=``, ``post_spike=``, event-driven variables)."""
from __future__ import annotations

import itertools

from ..errors import NeurogenError
from ..ir import SynapseIR
from ..parser.neuron import parse_synapse
from .definitions import equations_text, parameters_text, rule_text

#: Numbers the default names of unnamed definitions (as ANNarchy: Neuron1, Neuron2...).
_UNNAMED = itertools.count(1)


_SPIKING_FIELDS = {"pre_spike", "post_spike", "pre_axon_spike"}


class Synapse:
    """A rate-coded synapse, written as in ANNarchy::

        Synapse(parameters="eta = 0.01 : projection",
                equations="dw/dt = eta * pre.r * post.r : min=0.0",
                psp="w * pre.r", operation="sum")

    ``w`` is the weight (one per synapse); ``pre.x``/``post.x`` read the attributes of
    the pre- and postsynaptic neurons. Flags ``projection`` (one value per projection)
    and ``postsynaptic`` (one per postsynaptic neuron) set an attribute's locality.
    """


    def __init__(self, parameters="", equations="", psp: str | None = None,
                 operation: str = "sum", functions: str | None = None,
                 name: str | None = None, description: str | None = None,
                 creating: str | None = None, pruning: str | None = None, **extra):
        self.name = name or f"Synapse{next(_UNNAMED)}"
        # structural plasticity rules (text, or ANNarchy 5's Creating/Pruning)
        self.creating = rule_text(creating, "creating", self.name)
        self.pruning = rule_text(pruning, "pruning", self.name)
        unknown = sorted(set(extra) - _SPIKING_FIELDS)
        if unknown:
            import difflib
            known = ["parameters", "equations", "psp", "operation", "functions", "name",
                     "description", "creating", "pruning", *sorted(_SPIKING_FIELDS)]
            hints = [h for u in unknown for h in difflib.get_close_matches(u, known, n=1)]
            raise NeurogenError(f"Synapse '{self.name}': unexpected arguments: "
                                f"{', '.join(unknown)}"
                                + (f"; did you mean {', '.join(map(repr, hints))}?"
                                   if hints else ""))
        #: ANNarchy's pre_spike=/post_spike=/pre_axon_spike= (empty: a rate-coded synapse)
        self.spiking = {k: equations_text(v, True, self.name, field=k)   # text, a Variable
                        for k, v in extra.items() if v is not None}     # or a list
        self.parameters = parameters_text(parameters, True, self.name)
        self.equations = equations_text(equations, True, self.name)
        self.psp, self.operation, self.functions = psp, operation, functions
        self.description = description or ""

    def parse(self, pre_ir, post_ir, constants: dict, method: str) -> SynapseIR:
        return parse_synapse(self.parameters, self.equations, self.functions, self.psp,
                             self.operation, self.name, dict(constants), pre_ir, post_ir,
                             method, self.description, self.creating, self.pruning,
                             self.spiking)

    def python_function(self, name: str):
        from .neuron import python_function
        return python_function(self.functions, self.name, name)

    @property
    def type(self) -> str:
        """``'spike'`` when it has spike statements, else ``'rate'`` (as ANNarchy)."""
        return "spike" if self.spiking else "rate"

    def __repr__(self):
        return f"Synapse(name={self.name!r})"
