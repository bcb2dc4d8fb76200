"""The intermediate representation: what a neuron *is*, independent of any backend.

Frozen dataclasses holding sympy expressions. A neuron's IR is built once by the parser;
integrators, code generators and the runtime only read it. It holds structure and the
initial values; parameter and initial values are runtime data that never reach generated
code, so the rendered sources (the build cache's key) depend on structure only.
The whole network's IR is :mod:`neurogen.ir.network`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

LOCAL, GLOBAL, POSTSYNAPTIC = "local", "global", "postsynaptic"
METHODS = ("explicit", "euler", "midpoint", "rk4", "exponential", "implicit")


@dataclass(frozen=True)
class Attribute:
    """A parameter or variable of a neuron: one value per neuron (``local``) or per
    population (``global``)."""
    name: str
    kind: str             # "parameter" | "variable"
    locality: str         # LOCAL | GLOBAL
    ctype: str            # "real" | "int" | "bool"
    init: float | int | bool
    # the ``trainable`` flag: what training fits (neurogen.training); no part of the
    # simulation, so not of equality either (the same code with or without it)
    trainable: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Equation:
    """``target = rhs`` (assignment) or ``d target/dt = rhs`` (ODE)."""
    target: str
    kind: str             # "ode" | "assign"
    rhs: sp.Expr
    method: str
    locality: str
    bounds: tuple         # (min expr or None, max expr or None)
    text: str
    line: int


@dataclass(frozen=True)
class RandomVariable:
    """A fresh draw per neuron (or per population) and per step."""
    symbol: sp.Symbol
    distribution: str
    args: tuple
    locality: str


@dataclass(frozen=True)
class Reduction:
    """A population-wide reduction of an expression (``mean(r)``, ``total(u**2)``…).

    ANNarchy's operations (``mean``, ``max``, ``min``, ``norm1``, ``norm2``) are computed
    at the end of each step and read one step later; ``total`` is computed in place,
    right before the first equation that uses it.
    """
    symbol: sp.Symbol
    op: str
    expr: sp.Expr

    @property
    def in_place(self) -> bool:
        return self.op == "total"


@dataclass(frozen=True)
class StructuralRule:
    """A synapse's ``pruning`` or ``creating`` rule (``condition : proba = p, w = v, d = d``):
    at a due step each existing synapse (pruning) or absent pair (creating) whose
    condition holds is changed with probability ``proba``. ``proba`` is a runtime value;
    ``w``/``d`` are the new synapses' weight and delay (applied by the runtime)."""
    kind: str             # "pruning" | "creating"
    condition: sp.Expr
    proba: float
    w: float
    d: float | None
    text: str


@dataclass(frozen=True)
class SpikeIR:
    """What makes a neuron spiking (ANNarchy's ``spike=``, ``reset=``, ``refractory=``):
    the condition checked after the equations, the assignments applied where it holds,
    the attribute holding each neuron's refractory period (ms), and the conductances
    ``g_<target>`` that incoming spikes increment (targets in declaration order); and
    ANNarchy's axonal spikes (``axon_spike=``, ``axon_reset=``): None where it has none."""
    condition: sp.Expr
    reset: tuple           # Equation records (assignments), in order
    refractory: str        # attribute name, in ms (``refractory`` unless the neuron names one)
    conductances: tuple    # target names: spikes of a projection add to g_<target>
    text: str
    axon_condition: sp.Expr | None = None
    axon_reset: tuple = ()     # Equation records, run where an axonal spike is emitted
    axon_text: str = ""


#: per-neuron runtime state of a spiking neuron (hidden attributes: not in
#: ``pop.attributes``): spiked at this step, step of the last spike, refractory steps left
SPIKED, LAST_SPIKE, REFRACTORY_LEFT = "_spiked", "_last_spike", "_refractory_left"
#: spikes of each neuron in the window of ``compute_firing_rate`` (``r`` = count / window)
SPIKE_COUNT = "_spike_count"


@dataclass(frozen=True)
class NeuronIR:
    name: str
    attributes: tuple[Attribute, ...]
    equations: tuple[Equation, ...]
    targets: tuple[str, ...]
    randoms: tuple[RandomVariable, ...] = ()
    reductions: tuple[Reduction, ...] = ()
    constants: tuple[str, ...] = ()
    description: str = ""
    symbols: dict = field(default_factory=dict, compare=False, hash=False)
    spike: SpikeIR | None = None

    @property
    def is_spiking(self) -> bool:
        return self.spike is not None

    def attribute(self, name: str) -> Attribute:
        for a in self.attributes:
            if a.name == name:
                return a
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.attributes)

    @property
    def public_names(self) -> tuple[str, ...]:
        """The attributes users see (the hidden spiking state excluded)."""
        return tuple(a.name for a in self.attributes if not a.name.startswith("_"))


@dataclass(frozen=True)
class SynapseIR(NeuronIR):
    """A rate-coded synapse: its own attributes (per synapse, per postsynaptic neuron
    or per projection), equations over ``w``, ``pre.x``, ``post.x``, and the
    postsynaptic potential ``psp`` summed with ``operation``."""
    psp: sp.Expr | None = None
    operation: str = "sum"
    pruning: StructuralRule | None = None
    creating: StructuralRule | None = None
    # a spiking synapse: statements at pre-/postsynaptic spikes (Equation records,
    # target ``g_target`` or a synapse variable) and event-driven decays (name, rate)
    spiking: bool = False
    pre_spike: tuple = ()
    post_spike: tuple = ()
    event_driven: tuple = ()
    # ``pre_axon_spike``: ``g_target += expr`` records run per axonal spike of pre
    pre_axon_spike: tuple = ()

    @property
    def is_static(self) -> bool:
        return not self.equations and self.psp is None and self.operation == "sum" \
            and not self.post_spike and not self.event_driven

    @property
    def transmits_weight(self) -> bool:
        """A presynaptic spike only adds ``w`` to ``g_target`` (the default spiking
        synapse: ``pre_spike="g_target += w"``, nothing event-driven)."""
        if len(self.pre_spike) != 1 or self.event_driven:
            return False
        statement = self.pre_spike[0]
        return statement.target == "g_target" and \
            statement.rhs == sp.Symbol("g_target") + sp.Symbol("w")

    @property
    def fixed_weights(self) -> bool:
        """Spikes transmit ``w`` and nothing in the model ever writes it."""
        return self.transmits_weight and self.is_static
