"""A synapse's structural-plasticity rules: ``creating=`` / ``pruning=`` strings → IR.

``"pre.r * post.r > 0.9 : proba = 1.0, w = 1.0"``: a condition over the names the
synapse knows (its attributes, ``pre.x``, ``post.x``, constants, ``t``), then flags. The
rules become :class:`~neurogen.ir.StructuralRule` records of the synapse's IR, compiled
into the step like its equations (:mod:`neurogen.codegen.structural`).
"""
from __future__ import annotations

from ..errors import ModelError, ParseError
from ..ir import LOCAL, StructuralRule
from .expressions import Scope, parse_expression

#: the flags each rule takes
FLAGS = {"creating": ("proba", "w", "d"), "pruning": ("proba",)}


def _flags(text: str, kind: str, obj: str, flags: str) -> dict:
    values = {}
    for item in filter(None, (f.strip() for f in flags.split(","))):
        name, eq, value = (p.strip() for p in item.partition("="))
        if not eq or name not in FLAGS[kind]:
            raise ParseError(f"{kind}: unknown flag {item!r}; {kind} takes "
                             f"{', '.join(sorted(FLAGS[kind]))}", obj=obj, field=kind,
                             equation=text, token=name or item)
        try:
            values[name] = float(value)
        except ValueError:
            raise ParseError(f"{kind}: {name} must be a number, got {value!r}", obj=obj,
                             field=kind, equation=text, token=value) from None
    if not 0.0 <= values.get("proba", 1.0) <= 1.0:
        raise ParseError(f"{kind}: proba must lie in [0, 1], got {values['proba']:g}",
                         obj=obj, field=kind, equation=text, token="proba")
    return values


def parse_rule(text, kind: str, obj: str, names: dict, functions: dict,
               per_synapse: set) -> StructuralRule | None:
    """One rule, or None when ``text`` is empty. A creating rule may not read
    ``per_synapse`` names (``w``, local variables): the synapse does not exist yet."""
    if text is None or not str(text).strip():
        return None
    text = " ".join(str(text).split())
    condition, _, flags = text.partition(":")
    values = _flags(text, kind, obj, flags)
    try:
        expr = parse_expression(condition.strip(), Scope(names=names, functions=functions))
    except ModelError as exc:
        raise type(exc)(exc.reason, obj=obj, field=kind, equation=text,
                        token=exc.token) from None
    used = sorted(s.name for s in expr.free_symbols if s.name in per_synapse)
    if kind == "creating" and used:
        raise ModelError(f"creating: the condition reads {', '.join(used)}, which a synapse "
                         "that does not exist yet has no value of", obj=obj, field=kind,
                         equation=text, token=used[0])
    return StructuralRule(kind=kind, condition=expr, proba=values.get("proba", 1.0),
                          w=values.get("w", 0.0), d=values.get("d"), text=text)


def parse_rules(creating, pruning, obj: str, names: dict, functions: dict,
                attributes) -> dict:
    """``{'pruning': rule | None, 'creating': rule | None}`` for a synapse whose
    attributes are ``attributes``, over the synapse's ``names``."""
    per_synapse = {"w"} | {a.name for a in attributes if a.locality == LOCAL}
    return {kind: parse_rule(text, kind, obj, names, functions, per_synapse)
            for kind, text in (("pruning", pruning), ("creating", creating))}
