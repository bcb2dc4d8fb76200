"""The network IR: what ``compile()`` freezes of a network, and all the code generator reads.

Structure only, by index: populations (their neuron IR, geometry, stop condition,
whether they replay a TimedArray), projections (pre/post indices, which weighted sum of
the postsynaptic neuron they feed, delay kind, synapse IR, chosen storage kernel),
monitors, the constant names, the precision and whether it runs a batch of copies. Names of user objects are deliberately
absent: they never reach generated code. Values (parameters, weights, delays, constants,
sizes) are runtime data and absent too, except sizes kept for cost estimates and checks.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import NeuronIR, SynapseIR

DELAY_NONE, DELAY_UNIFORM, DELAY_SYNAPSE = "none", "uniform", "synapse"


@dataclass(frozen=True)
class StopIR:
    """``stop_condition``: a condition over the neuron's symbols, met by ``any``/``all``."""
    condition: sp.Basic
    mode: str


@dataclass(frozen=True)
class PopulationIR:
    id: int
    geometry: tuple
    neuron: NeuronIR
    stop: StopIR | None = None
    timed: bool = False      # a TimedArray: ``r`` replayed from a table of rates
    spike_source: bool = False   # a SpikeSourceArray: spikes read from a table of times
    targets: tuple = ()      # weighted sums: the neuron's, then those only projections feed

    @property
    def size(self) -> int:
        n = 1
        for g in self.geometry:
            n *= g
        return n


@dataclass(frozen=True)
class ProjectionIR:
    id: int
    pre: int
    post: int
    target: int              # index into the post population's ``targets``
    delay: str               # DELAY_NONE | DELAY_UNIFORM | DELAY_SYNAPSE
    synapse: SynapseIR | None
    storage: str             # a storage kernel's name (neurogen.storage)
    rules: tuple = ()        # StructuralRule records compiled into the step (pruning first)
    decoding: bool = False   # a DecodingProjection: spikes counted into a rate (a window)
    more_targets: tuple = () # further targets receiving the same spikes (ANNarchy's list)


@dataclass(frozen=True)
class MonitorIR:
    """Monitors record through a runtime table (no generated code per monitor); listed so
    that passes over the whole network (batching, adjoints) can see what is observed."""
    kind: str                # "population" | "dendrite"
    source: int              # population or projection index
    variables: tuple


@dataclass(frozen=True)
class NetworkIR:
    populations: tuple
    projections: tuple
    monitors: tuple
    constants: tuple         # names, sorted; values are runtime data
    precision: str           # "double" | "float"
    batched: bool = False    # B > 1 copies (the size B is a runtime slot, not structure)

    @property
    def real(self) -> str:
        return "float" if self.precision == "float" else "double"
