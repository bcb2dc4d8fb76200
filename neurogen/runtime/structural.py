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
        self.fired_slot = self._index(S.RulesFired())
        self.refill_slot = self._index(S.RulesRefill())

    def _index(self, slot) -> int:
        return self.sim.plan.slots.int_index(slot)

    def schedule(self, proj: int, kind: str, period: int | None, offset: int = 0):
        """Start a rule (every ``period`` steps from step count ``offset``) or, with
        ``period=None``, stop it."""
        values = {"enabled": int(period is not None)}
        if period is not None:
            values.update(period=period, offset=offset)
        for name, value in values.items():
            self.sim.ints[self._index(S.RuleSchedule(proj, kind, name))] = value

    def fired(self) -> bool:
        return bool(self.sim.ints[self.fired_slot])

    def apply(self):
        """Apply what the last step's rules chose (after growing the creation lists that
        were too small, and having them filled)."""
        sim, ints = self.sim, self.sim.ints
        ints[self.fired_slot] = 0
        grown = False
        for p in self.projections:
            if any(r.kind == "creating" for r in p.rules):
                total = int(ints[self._index(S.RuleChosen(p.id, "creating"))])
                if total > int(ints[self._index(S.CreateCapacity(p.id))]):
                    sim.state.allocate(S.RuleBuffer(p.id, "create_list"),
                                       total + total // 2, np.int32)
                    grown = True
        if grown:
            sim.bind()
            ints[self.refill_slot] = 1
            sim.kernel.run(0)          # fills the grown lists; runs no step
        step = sim.step_count - 1
        for p in self.projections:
            self._apply(p, step)

    def _apply(self, p, step: int):
        """One projection's edits, from its buffers; the counts go back to 0."""
        state, ints = self.sim.state, self.sim.ints
        chosen, creating = {}, None
        for rule in p.rules:
            slot = self._index(S.RuleChosen(p.id, rule.kind))
            chosen[rule.kind] = int(ints[slot])
            ints[slot] = 0
            if rule.kind == "creating":
                creating = rule
        if not any(chosen.values()):
            return
        proj = self.sim.net.projections[p.id]
        keep, rows, cols = csr_edit.decisions(
            proj.connectivity.row_ptr,
            state[S.RuleBuffer(p.id, "prune_flags")] if chosen.get("pruning") else None,
            state[S.RuleBuffer(p.id, "create_offsets")] if chosen.get("creating") else None,
            state.get(S.RuleBuffer(p.id, "create_list")))
        proj.edit_synapses(keep, rows, cols, creating.w if creating else None,
                           creating.d if creating else None, ("rules", p.id, step))

    # -- buffers (Simulator slot dispatch) -----------------------------------------------
    def buffer(self, slot) -> np.ndarray:
        """A rule buffer: made at its size; prune flags grow with the synapses. A
        creating rule's ``dendrites`` marks the postsynaptic neurons that had synapses
        when it was made (compile()): as ANNarchy's, synapses are created only in existing
        dendrites, which stay when pruning empties them."""
        sim = self.sim
        proj = sim.net.projections[slot.proj]
        size, dtype = {"prune_flags": (max(1, proj.nb_synapses), np.uint8),
                       "create_offsets": (proj.post.size + 1, np.int64),
                       "create_list": (max(16, ROOM_PER_NEURON * proj.post.size),
                                       np.int32),
                       "dendrites": (proj.post.size, np.uint8)}[slot.name]
        array = sim.state.get(slot)
        if array is None or (slot.name == "prune_flags" and array.size < size):
            array = sim.state.allocate(slot, size, dtype)
            if slot.name == "dendrites":
                array[proj.post_ranks] = 1
        return array
