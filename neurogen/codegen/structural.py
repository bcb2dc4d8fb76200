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
                  "enabled": table.int(S.RuleEnabled(j, rule.kind)),
                  "period": table.int(S.RulePeriod(j, rule.kind)),
                  "offset": table.int(S.RuleOffset(j, rule.kind)),
                  "comment": comment(f"{rule.kind}: {rule.text}")}
        if rule.kind == "pruning":
            record["flags"] = f"rule{j}_flags"
            pointers.append((record["flags"], "uint8_t", table.ptr(S.PruneFlags(j)),
                             "prune flags"))
            record["count"] = table.int(S.PruneCount(j))
        else:
            record["offsets"], record["list"] = f"rule{j}_offsets", f"rule{j}_list"
            pointers.append((record["offsets"], "int64_t", table.ptr(S.CreateOffsets(j)),
                             "creations per row, then offsets"))
            pointers.append((record["list"], "int32_t", table.ptr(S.CreateList(j)),
                             "created presynaptic ranks"))
            record["capacity"] = table.int(S.CreateCapacity(j))
            record["total"] = table.int(S.CreateTotal(j))
            record["same"] = proj.pre == proj.post
        records.append(record)
    return records
