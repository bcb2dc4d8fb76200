"""Typed runtime slots: which value each entry of the three runtime tables holds.

The generated ``ng_run(P, I, R, nsteps)`` reads buffer addresses from ``P``, integers
from ``I`` and reals from ``R``. The plan decides the layout and records, for every
entry, a small frozen descriptor saying what it holds; the runtime fills the tables by
dispatching on the descriptor's type (see :mod:`neurogen.runtime.simulator`). Nothing
here refers to model objects: only indices into the :class:`~neurogen.ir.network.NetworkIR`.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class Slot:
    """Base of every descriptor (frozen dataclasses below)."""


# ---- pointer slots (P) ------------------------------------------------------------------
@dataclass(frozen=True)
class MonitorAddresses(Slot):
    """(source, buffer) addresses of every recorded quantity."""


@dataclass(frozen=True)
class MonitorFields(Slot):
    """Per recording: nbytes, period, offset, count, capacity, active."""


@dataclass(frozen=True)
class PopAttribute(Slot):
    pop: int
    name: str


@dataclass(frozen=True)
class PopSum(Slot):
    """The weighted sum ``sum(target)`` of a population (runtime-owned)."""
    pop: int
    target: str


@dataclass(frozen=True)
class PopReduction(Slot):
    """One global operation's value (runtime-owned, double)."""
    pop: int
    name: str


@dataclass(frozen=True)
class TimedRates(Slot):
    pop: int


@dataclass(frozen=True)
class DelayRing(Slot):
    """Past values of a population's attribute (``r``, or another one a delayed psp
    reads) for delayed projections (runtime-owned)."""
    pop: int
    name: str = "r"


@dataclass(frozen=True)
class ProjWeights(Slot):
    proj: int


@dataclass(frozen=True)
class SynAttribute(Slot):
    proj: int
    name: str


@dataclass(frozen=True)
class SynDelays(Slot):
    """Per-synapse delays in steps (int32)."""
    proj: int


@dataclass(frozen=True)
class KernelTable(Slot):
    """An array of a projection's storage kernel (CSR indices, FFT spectrum…)."""
    proj: int
    name: str


@dataclass(frozen=True)
class RuleBuffer(Slot):
    """A runtime-owned array of a projection's structural rules: ``prune_flags`` (uint8,
    one per synapse: 1 where the pruning rule chose it at the last due step),
    ``create_offsets`` (int64, post size + 1: per-row counts of the creating rule, then
    their prefix sum), ``create_list`` (int32: the created presynaptic ranks in (post,
    pre) order; its length is :class:`CreateCapacity`)."""
    proj: int
    name: str


@dataclass(frozen=True)
class SpikeRing(Slot):
    """The ranks of the neurons of a spiking population that spiked at each of the last
    ``depth`` steps (int32, depth x size; runtime-owned)."""
    pop: int


@dataclass(frozen=True)
class SpikeCounts(Slot):
    """How many neurons spiked at each of the last ``depth`` steps (int64, runtime-owned)."""
    pop: int


@dataclass(frozen=True)
class AxonSpikes(Slot):
    """The axonal spikes of a population's last step: their count, then their ranks
    (int32, 1 + size; runtime-owned). Undelayed, so one step is all it keeps."""
    pop: int


@dataclass(frozen=True)
class DecodeHistory(Slot):
    """A DecodingProjection's weighted spike counts of the last ``window`` steps (real,
    window x post size; runtime-owned)."""
    proj: int


@dataclass(frozen=True)
class SourcePtr(Slot):
    """A SpikeSourceArray's offsets of each neuron's spike steps (int64, size + 1)."""
    pop: int


@dataclass(frozen=True)
class SourceTimes(Slot):
    """A SpikeSourceArray's spike steps, neuron after neuron, increasing (int64)."""
    pop: int


@dataclass(frozen=True)
class SourceCursor(Slot):
    """A SpikeSourceArray's next spike of each neuron (an index into the steps; int64)."""
    pop: int


# ---- integer slots (I) ------------------------------------------------------------------
@dataclass(frozen=True)
class Step(Slot):
    pass


@dataclass(frozen=True)
class Threads(Slot):
    pass


@dataclass(frozen=True)
class MonitorCount(Slot):
    pass


@dataclass(frozen=True)
class Seed(Slot):
    pass


@dataclass(frozen=True)
class StopMode(Slot):
    pass


@dataclass(frozen=True)
class CheckFinite(Slot):
    """1: the step flags non-finite values of real variables (``setup(check_finite=)``)."""


@dataclass(frozen=True)
class NonFinite(Slot):
    """Set by the step to 1 + the id of the first population with a non-finite value."""


@dataclass(frozen=True)
class PopSize(Slot):
    pop: int


@dataclass(frozen=True)
class TimedEntries(Slot):
    pop: int


@dataclass(frozen=True)
class TimedSchedule(Slot):
    pop: int


@dataclass(frozen=True)
class TimedPeriod(Slot):
    pop: int


@dataclass(frozen=True)
class StopFlag(Slot):
    pop: int


@dataclass(frozen=True)
class StopSelected(Slot):
    pop: int


@dataclass(frozen=True)
class UniformDelay(Slot):
    proj: int


@dataclass(frozen=True)
class TimedStart(Slot):
    """The step a TimedArray's sequence (re)started at (``update(..., reset=True)``)."""
    pop: int


@dataclass(frozen=True)
class LearningEnabled(Slot):
    """1 while the projection's synapse equations run, 0 after disable_learning()."""
    proj: int


@dataclass(frozen=True)
class LearningPeriod(Slot):
    """The synapse equations run every this many steps (``enable_learning(period=)``)."""
    proj: int


@dataclass(frozen=True)
class LearningOffset(Slot):
    """... at the steps ``offset + k * period`` (``enable_learning(offset=)``)."""
    proj: int


@dataclass(frozen=True)
class RingDepth(Slot):
    pop: int


@dataclass(frozen=True)
class RingHead(Slot):
    pop: int
    name: str = "r"       # every ring of a population advances with the one of ``r``


@dataclass(frozen=True)
class SpikeDepth(Slot):
    """Steps of spikes a spiking population keeps: its projections' longest delay."""
    pop: int


@dataclass(frozen=True)
class RateWindow(Slot):
    """``compute_firing_rate(window)``: the window in steps (0: off) and the step the
    counting started at (``field`` 'steps' | 'start')."""
    pop: int
    field: str


@dataclass(frozen=True)
class DecodeWindow(Slot):
    """A DecodingProjection's window in steps (at least one)."""
    proj: int


@dataclass(frozen=True)
class SourceStart(Slot):
    """The step a SpikeSourceArray's times count from (its last ``reset()``)."""
    pop: int


@dataclass(frozen=True)
class KernelSize(Slot):
    """An integer of a projection's storage kernel (FFT extents…)."""
    proj: int
    name: str


@dataclass(frozen=True)
class BatchSize(Slot):
    """B, the number of independent copies of a batched network (only when batched)."""


@dataclass(frozen=True)
class BufferBytes(Slot):
    """Byte size of the buffer in pointer slot ``ptr`` (device mirrors)."""
    ptr: int


@dataclass(frozen=True)
class RuleSchedule(Slot):
    """A structural rule's ``enabled`` (1 between ``start_*`` and ``stop_*``),
    ``period`` (steps between evaluations) or ``offset`` (the step count it started at:
    due when the period divides the steps since)."""
    proj: int
    kind: str        # "pruning" | "creating"
    field: str


@dataclass(frozen=True)
class RuleChosen(Slot):
    """Synapses a rule chose at its last due step (written by the step; for creating,
    more than :class:`CreateCapacity` means the list must grow and be filled again)."""
    proj: int
    kind: str


@dataclass(frozen=True)
class CreateCapacity(Slot):
    proj: int


@dataclass(frozen=True)
class RulesFired(Slot):
    """Set by the step when a rule changed synapses: it hands back to Python, which
    applies the edits (only in networks with rules)."""


@dataclass(frozen=True)
class RulesRefill(Slot):
    """Set by Python to make the next call only fill grown creation lists (no step)."""


# ---- real slots (R) ---------------------------------------------------------------------
@dataclass(frozen=True)
class Dt(Slot):
    pass


@dataclass(frozen=True)
class ConstantValue(Slot):
    index: int      # into NetworkIR.constants


@dataclass(frozen=True)
class RuleProba(Slot):
    """The ``proba`` of a projection's pruning or creating rule."""
    proj: int
    kind: str


# fixed positions, shared with the runtime
INT_STEP, INT_THREADS, INT_NMON, INT_SEED, INT_STOP_MODE = 0, 1, 2, 3, 4
INT_CHECK_FINITE, INT_NONFINITE = 5, 6
STOP_OFF, STOP_OR, STOP_AND = 0, 1, 2
REAL_DT = 0
PTR_MON_ADDR, PTR_MON_INT = 0, 1
MONITOR_FIELDS = ("nbytes", "period", "offset", "count", "capacity", "active", "phase",
                  "source")
#: monitor phases: at the end of a step, after the spikes arrived (conductances), and
#: spike events (records of [step, count, ranks...] of a spiking population: ``source``)
PHASE_END, PHASE_ARRIVED, PHASE_SPIKES = 0, 1, 2


@dataclass
class SlotTable:
    """The layout of the three tables, in order; ``index`` finds a descriptor."""
    ptrs: list = field(default_factory=lambda: [MonitorAddresses(), MonitorFields()])
    ints: list = field(default_factory=lambda: [Step(), Threads(), MonitorCount(), Seed(),
                                                StopMode(), CheckFinite(), NonFinite()])
    reals: list = field(default_factory=lambda: [Dt()])

    def ptr(self, slot: Slot) -> int:
        self.ptrs.append(slot)
        return len(self.ptrs) - 1

    def int(self, slot: Slot) -> int:
        self.ints.append(slot)
        return len(self.ints) - 1

    def real(self, slot: Slot) -> int:
        self.reals.append(slot)
        return len(self.reals) - 1

    def int_index(self, slot: Slot) -> int | None:
        try:
            return self.ints.index(slot)
        except ValueError:
            return None
