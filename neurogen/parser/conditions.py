"""Stop conditions: ``Population(..., stop_condition='r > 1.0 : any')``."""
from __future__ import annotations

from ..errors import ParseError
from .attributes import check_flags
from .context import ErrorContext
from .expressions import Scope, parse_expression
from .lines import split_lines


def parse_condition(text: str, ir, obj: str):
    """``'r > 1.0 : any'`` → (sympy condition, 'any' | 'all')."""
    lines = split_lines(text)
    if len(lines) != 1:
        raise ParseError("a stop condition is one line", obj=obj, field="stop_condition",
                         equation=text)
    line = lines[0]
    with ErrorContext(obj, "stop_condition", line):
        check_flags(line.flags, {"any", "all"})
        condition = parse_expression(line.body, Scope(names={**ir.symbols}))
        mode = "any" if "any" in line.flags else "all"
    return condition, mode
