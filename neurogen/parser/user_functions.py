"""User functions: ``functions=`` of a neuron or synapse, and ``add_function()`` ones
visible in every equation. A call is inlined (the body with the arguments substituted),
so functions never reach the generated code as such."""
from __future__ import annotations

import sympy as sp

from ..errors import ParseError
from .context import ErrorContext
from .expressions import Scope, parse_expression
from .lines import split_assignment, split_lines

#: functions declared with add_function(): name -> (parameters, body)
GLOBAL_FUNCTIONS: dict = {}
_version = [0]


def parse_functions(text: str | None, obj: str, known: dict | None = None) -> dict:
    """``name(x, y) = expr`` lines → {name: (params, body)}; bodies may call ``known``
    functions and the ones defined above them."""
    functions: dict = dict(known or {})
    defined: dict = {}
    for line in split_lines(text):
        with ErrorContext(obj, "functions", line):
            pair = split_assignment(line.body)
            head = pair[0] if pair else ""
            if not pair or "(" not in head or not head.endswith(")"):
                raise ParseError("a function is written 'name(x, y) = expression'",
                                 token=line.body)
            name = head[:head.index("(")].strip()
            params = [p.strip() for p in head[head.index("(") + 1:-1].split(",") if p.strip()]
            if not name.isidentifier() or not all(p.isidentifier() for p in params):
                raise ParseError("a function is written 'name(x, y) = expression'", token=head)
            symbols = {p: sp.Symbol(p) for p in params}
            body = parse_expression(pair[1], Scope(names=symbols, functions=functions))
            functions[name] = defined[name] = (tuple(symbols[p] for p in params), body)
    return defined


def add_function(text: str):
    """Declare functions usable in every equation: ``add_function("sig(x) = 1/(1+exp(-x))")``."""
    GLOBAL_FUNCTIONS.update(parse_functions(text, "add_function", GLOBAL_FUNCTIONS))
    _version[0] += 1


def functions_version() -> int:
    """Changes whenever add_function() is called (parsed models cache on it)."""
    return _version[0]


def visible_functions(text: str | None, obj: str) -> dict:
    """The global functions, then the object's own ones (which may shadow them)."""
    return {**GLOBAL_FUNCTIONS, **parse_functions(text, obj, GLOBAL_FUNCTIONS)}
