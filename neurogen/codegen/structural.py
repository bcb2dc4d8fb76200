"""Lowering of structural plasticity: a projection's ``pruning``/``creating`` rules →
records the step's templates render (``templates/macros.j2``: ``prune_rows``,
``create_rows``), with the synapse's symbol table and printer, as its equations.

At a due step (every ``period`` steps since the rule was started: runtime integers, so
starting and stopping never recompiles) the generated code evaluates, row by row over
the postsynaptic neurons (parallel, nothing shared between rows):

- pruning: for every existing synapse, the condition and a Philox draw ``< proba``;
  the result goes to a per-synapse flag array and a count;
- creating: for every absent (post, pre) pair (no self-connection within one
  population), the condition and a draw; per-row counts become offsets (a prefix sum)
  and the chosen presynaptic ranks fill a list in (post, pre) order, if it has room.

Draws are keyed on (seed, rule stream, step, post * pre_size + pre), so decisions do not
depend on the thread count. When a rule fired, the step hands back to Python
(:mod:`neurogen.runtime.structural`), which applies the edits
(:mod:`neurogen.storage.csr_edit`) and, when the list was too small, grows it and has
the code fill it again for that step.
"""
from __future__ import annotations

from ..ir import LOCAL
from . import slots as S
from .printer import Access
from .sanitize import comment

#: random streams of the rules: (STREAM | projection) << 16 | rule (populations use
#: their id << 16, learning rules (0x8000 | projection) << 16)
STREAM = 0x4000

#: the runtime-owned arrays of each rule (:class:`~neurogen.codegen.slots.RuleBuffer`)
BUFFERS = {"pruning": (("prune_flags", "uint8_t"),),
           "creating": (("create_offsets", "int64_t"), ("create_list", "int32_t"),
                        ("dendrites", "uint8_t"))}


def lower_rules(proj, syn, table: S.SlotTable, pointers: list, reals: list) -> list[dict]:
    """Template records of ``proj``'s rules; ``syn`` is its synapse lowering (symbol
    table, printer); pointer and real slots are appended to ``pointers``/``reals``."""
    j, records = proj.id, []
    for n, rule in enumerate(proj.rules):
        symbols = syn.table(Access(syn.pre.buffers["r"], "j"))
        if rule.kind == "creating":     # no synapse yet: nothing indexed by k
            local = {"w"} | {a.name for a in syn.ir.attributes if a.locality == LOCAL}
            symbols = {s: v for s, v in symbols.items() if getattr(s, "name", "") not in local}
        proba = f"rule{j}_{n}_p"
        reals.append((proba, table.real(S.RuleProba(j, rule.kind))))
        record = {"kind": rule.kind, "condition": syn.emit.expr(rule.condition, symbols),
                  "proba": proba, "stream": (STREAM | j) << 16 | n,
                  "chosen": table.int(S.RuleChosen(j, rule.kind)),
                  "comment": comment(f"{rule.kind}: {rule.text}")}
        for name in ("enabled", "period", "offset"):
            record[name] = table.int(S.RuleSchedule(j, rule.kind, name))
        for name, ctype in BUFFERS[rule.kind]:
            record[name] = f"rule{j}_{name}"
            pointers.append((record[name], ctype, table.ptr(S.RuleBuffer(j, name)), name))
        if rule.kind == "creating":
            record["capacity"] = table.int(S.CreateCapacity(j))
        records.append(record)
    return records
