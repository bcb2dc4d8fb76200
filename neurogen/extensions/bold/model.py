"""``BoldModel``: a rate-coded neuron type that turns the input signals it receives into
a BOLD signal, declaring which of its weighted sums are inputs and which variables are
its outputs."""
from __future__ import annotations

from ...core.neuron import Neuron
from ...errors import ModelError


def _names(value, what: str, owner: str) -> list[str]:
    """One name or a list of names, each an identifier, none twice."""
    names = [value] if isinstance(value, str) else value
    try:
        names = list(names)
    except TypeError:
        names = None
    if not names or not all(isinstance(n, str) and n.isidentifier() for n in names):
        raise ModelError(f"{what} must be a name or a non-empty list of names, got "
                         f"{value!r}", obj=owner, field=what)
    if len(set(names)) != len(names):
        raise ModelError(f"{what} names one variable twice: {names}", obj=owner, field=what)
    return names


class BoldModel(Neuron):
    """A BOLD model for :class:`~neurogen.extensions.bold.BoldMonitor`, as ANNarchy's:
    a rate-coded :class:`~neurogen.Neuron` whose weighted sums receive the input signals
    (``inputs``) and whose ``output`` variables (default ``'BOLD'``) are always
    recorded::

        model = BoldModel(
            parameters="tau = 1000.0 : population",
            equations='''
                I = sum(CBF)
                tau * dBOLD/dt = I - BOLD
            ''',
            inputs="CBF")

    ``inputs`` names the weighted sums (``'CBF'``, or a list for several), which are
    the keys of a monitor's ``mapping``. A sum may be named like the variable it feeds,
    as in ANNarchy's ``I_CBF = sum(I_CBF)``; ``inputs`` may also be a dict
    ``{input: sum}`` (``inputs={'I_CBF': 'CBF'}`` with ``I_CBF = sum(CBF)``), as the
    predefined models do.

    The predefined balloon models (``balloon_RN``, ``balloon_RL``, ``balloon_CN``,
    ``balloon_CL``, ``balloon_maith2021``, ``balloon_two_inputs``) are subclasses.
    """

    def __init__(self, parameters, equations, inputs, output="BOLD",
                 name: str | None = "Custom BOLD model", description: str | None = "",
                 functions: str | None = None):
        owner = name if isinstance(name, str) else "BoldModel"
        if isinstance(inputs, dict):
            keys = _names(list(inputs), "inputs", owner)
            sums = _names(list(inputs.values()), "inputs (weighted sums)", owner)
            self._targets = dict(zip(keys, sums))
        else:
            self._targets = {n: n for n in _names(inputs, "inputs", owner)}
        #: the variables always recorded (ANNarchy's ``_output``)
        self.output = _names(output, "output", owner)
        super().__init__(parameters=parameters, equations=equations, functions=functions,
                         name=name, description=description)

    @property
    def inputs(self) -> list[str]:
        """The input names: the keys of a monitor's ``mapping`` (ANNarchy's ``_inputs``)."""
        return list(self._targets)

    @property
    def targets(self) -> dict[str, str]:
        """``{input: the weighted sum (target) it feeds}``."""
        return dict(self._targets)

    # ANNarchy's names of the two lists
    @property
    def _inputs(self) -> list[str]:
        return self.inputs

    @property
    def _output(self) -> list[str]:
        return self.output

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r}, inputs={self.inputs}, " \
               f"output={self.output})"
