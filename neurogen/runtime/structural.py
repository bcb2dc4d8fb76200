"""The runtime side of structural plasticity: the generated step evaluates the started
``pruning``/``creating`` rules (:mod:`neurogen.codegen.structural`) and, when one chose
synapses, hands back to Python; this module turns the decisions it wrote (per-synapse
prune flags, per-row offsets and a list of created presynaptic ranks) into edits
(:mod:`neurogen.storage.csr_edit`) applied to the projection, which asks the simulator
to re-bind its buffers.

A creation list too small for a step's choices is never cut: the step records how many
it chose, this module grows the list and calls the code once more to fill it for that
same step (the draws are counter-based, so it chooses the same pairs).
"""
from __future__ import annotations

import numpy as np

from ..codegen import slots as S
from ..storage import csr_edit

#: initial room of a creation list, per postsynaptic neuron (it grows when needed)
ROOM_PER_NEURON = 4


class Rules:
    """The rules of one compiled network: their runtime integers and their edits."""

    def __init__(self, sim):
        self.sim = sim
        self.projections = [p for p in sim.ir.projections if p.rules]
        self.fired_slot = sim.plan.slots.int_index(S.RulesFired())
        self.refill_slot = sim.plan.slots.int_index(S.RulesRefill())

    def _int(self, slot) -> int:
        return self.sim.plan.slots.int_index(slot)

    def schedule(self, proj: int, kind: str, period: int | None, offset: int = 0):
        """Start a rule (every ``period`` steps from step count ``offset``) or, with
        ``period=None``, stop it."""
        ints = self.sim.ints
        ints[self._int(S.RuleEnabled(proj, kind))] = int(period is not None)
        if period is not None:
            ints[self._int(S.RulePeriod(proj, kind))] = period
            ints[self._int(S.RuleOffset(proj, kind))] = offset

    def fired(self) -> bool:
        return self.fired_slot is not None and bool(self.sim.ints[self.fired_slot])

    def apply(self):
        """Apply what the last step's rules chose (after growing the creation lists that
        were too small, and having them filled)."""
        sim, ints = self.sim, self.sim.ints
        ints[self.fired_slot] = 0
        grown = False
        for p in self.projections:
            if any(r.kind == "creating" for r in p.rules):
                total = int(ints[self._int(S.CreateTotal(p.id))])
                if total > int(ints[self._int(S.CreateCapacity(p.id))]):
                    sim.owned[S.CreateList(p.id)] = np.zeros(total + total // 2, np.int32)
                    grown = True
        if grown:
            sim.bind()
            ints[self.refill_slot] = 1
            sim.kernel.run(0)          # fills the grown lists; runs no step
        step = sim.step_count - 1
        for p in self.projections:
            self._apply(p, step)

    def _apply(self, p, step: int):
        sim, ints = self.sim, self.sim.ints
        pruned = offsets = created = None
        weights, delays = None, None
        for rule in p.rules:
            if rule.kind == "pruning":
                count = self._int(S.PruneCount(p.id))
                if ints[count]:
                    pruned = sim.owned[S.PruneFlags(p.id)]
                ints[count] = 0
            else:
                total = self._int(S.CreateTotal(p.id))
                if ints[total]:
                    offsets = sim.owned[S.CreateOffsets(p.id)]
                    created = sim.owned[S.CreateList(p.id)]
                    weights, delays = rule.w, rule.d
                ints[total] = 0
        if pruned is None and offsets is None:
            return
        proj = sim.net.projections[p.id]
        keep, rows, cols = csr_edit.decisions(proj.connectivity.row_ptr, pruned, offsets,
                                              created)
        proj.edit_synapses(keep, rows, cols, weights, delays, ("rules", p.id, step))

    # -- buffers (Simulator slot dispatch) -----------------------------------------------
    def buffer(self, slot) -> np.ndarray:
        """The runtime-owned buffers of the rules, made at their current size."""
        sim = self.sim
        proj = sim.net.projections[slot.proj]
        if isinstance(slot, S.PruneFlags):
            shape, dtype = max(1, proj.nb_synapses), np.uint8
        elif isinstance(slot, S.CreateOffsets):
            shape, dtype = proj.post.size + 1, np.int64
        else:
            shape, dtype = max(16, ROOM_PER_NEURON * proj.post.size), np.int32
        array = sim.owned.get(slot)
        if array is None or (isinstance(slot, S.PruneFlags) and array.size < shape):
            array = sim.owned[slot] = np.zeros(shape, dtype=dtype)
        return array
