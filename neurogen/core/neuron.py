"""Declarative neuron types: equation strings kept as written, parsed on demand."""
from __future__ import annotations

import itertools

from ..errors import NeurogenError
from ..ir import NeuronIR
from ..parser.neuron import parse_neuron
from ..parser.user_functions import functions_version
from .definitions import equations_text, parameters_text

#: Numbers the default names of unnamed definitions (as ANNarchy: Neuron1, Neuron2...).
_UNNAMED = itertools.count(1)

#: ANNarchy's spiking-neuron fields (axonal spikes: docs/spiking.md)
SPIKING_FIELDS = ("spike", "reset", "refractory", "axon_spike", "axon_reset")


class Neuron:
    """A neuron type, written as in ANNarchy: rate-coded, or spiking with ``spike=``.

    Example::

        Neuron(parameters="tau = 10.0 : population",
               equations="tau * dr/dt + r = sum(exc) : min=0.0")
        Neuron(parameters="tau = 20.0; v_th = -50.0; v_reset = -60.0",
               equations="tau * dv/dt = -60.0 - v + g_exc",
               spike="v > v_th", reset="v = v_reset", refractory=5.0)
    """


    def __init__(self, parameters="", equations="", functions: str | None = None,
                 name: str | None = None, description: str | None = None, **extra):
        unknown = sorted(set(extra) - set(SPIKING_FIELDS))
        if unknown:
            import difflib
            hints = [h for u in unknown for h in difflib.get_close_matches(
                u, ["parameters", "equations", "functions", "name", "description"], n=1)]
            raise NeurogenError(f"Neuron() got unexpected arguments: {', '.join(unknown)}"
                                + (f"; did you mean {', '.join(map(repr, hints))}?"
                                   if hints else ""))
        self.name = name or f"Neuron{next(_UNNAMED)}"
        #: ANNarchy's spike=/reset=/refractory=/axon_spike=/axon_reset= (empty: rate-coded)
        self.spiking = {k: v for k, v in extra.items() if v is not None}
        for field in ("reset", "axon_reset"):  # ANNarchy 5: a string, a Variable or a list
            if field in self.spiking:
                self.spiking[field] = equations_text(self.spiking[field], False, self.name,
                                                     field=field)
        self.parameters = parameters_text(parameters, False, self.name)
        self.equations = equations_text(equations, False, self.name)
        self.functions = functions
        self.description = description or ""
        self._cache: dict = {}

    def parse(self, constants: dict | None = None, method: str = "explicit") -> NeuronIR:
        """The IR of this neuron given the network's constants and default method."""
        constants = dict(constants or {})
        # values, not only names: a constant's value can become an initial value
        key = (tuple(sorted(constants.items())), method, functions_version())
        if key not in self._cache:
            self._cache[key] = parse_neuron(self.parameters, self.equations, self.functions,
                                            self.name, constants, method, self.description,
                                            self.spiking)
        return self._cache[key]

    def python_function(self, name: str):
        """A function of ``functions=`` as a NumPy callable (``pop.sigmoid(x)``)."""
        return python_function(self.functions, self.name, name)

    @property
    def type(self) -> str:
        """``'spike'`` or ``'rate'``, as ANNarchy's ``neuron.type``."""
        return "spike" if self.spiking else "rate"

    def __repr__(self):
        return f"Neuron(name={self.name!r})"


def python_function(text, owner: str, name: str):
    """``name`` from a ``functions=`` field, compiled to a NumPy function, or None."""
    if not text:
        return None
    import sympy as sp
    from ..parser.neuron import parse_functions
    functions = parse_functions(text, owner)
    if name not in functions:
        return None
    params, body = functions[name]
    compiled = sp.lambdify(params, body, modules=[{"modulo": _c_modulo}, "numpy"])

    def function(*args):
        import numpy as np
        return compiled(*(np.asarray(a, dtype=float) for a in args))
    function.__name__ = name
    return function


def _c_modulo(a, b):
    """C's ``long(a) % long(b)``, as the generated code computes ``modulo``."""
    import numpy as np
    return np.fmod(np.trunc(a), np.trunc(b))
