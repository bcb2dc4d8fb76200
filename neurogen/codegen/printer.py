"""sympy → C++ expressions.

A subclass of sympy's ``C99CodePrinter``: a ``float`` type alias gives ``expf``/``1.0F``
for single precision, and every symbol is looked up in a table (symbol → C local name
or :class:`Access` of a buffer), so a name that was not declared can never reach the
generated code. Each backend owns a printer class (:mod:`neurogen.backends`).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.codegen.ast import float32, real
from sympy.printing.c import C99CodePrinter

from ..errors import NeurogenError


@dataclass(frozen=True)
class Access:
    """Element ``index`` of the generated buffer ``buffer`` (both generated identifiers)."""
    buffer: str
    index: str

    def __str__(self):
        return f"{self.buffer}[{self.index}]"


class NeurogenPrinter(C99CodePrinter):
    """Prints with a symbol table; ``precision`` is ``'double'`` or ``'float'``."""

    def __init__(self, table: dict, precision: str = "double"):
        settings = {"type_aliases": {real: float32}} if precision == "float" else {}
        super().__init__(settings)
        self.table = table

    def _print_Symbol(self, expr):
        try:
            return str(self.table[expr])
        except KeyError:
            raise NeurogenError(f"internal error: no C name for symbol '{expr}'") from None

    def _print_modulo(self, expr):
        a, b = (self._print(arg) for arg in expr.args)
        return f"ng_modulo({a}, {b})"

    def _print_Piecewise(self, expr):
        text = self._print(expr.args[-1].expr)
        for branch, cond in reversed(expr.args[:-1]):
            text = f"(({self._print(cond)}) ? ({self._print(branch)}) : ({text}))"
        if expr.args[-1].cond != sp.true:
            text = f"(({self._print(expr.args[-1].cond)}) ? ({text}) : (NAN))"
        return text

    def _print_BooleanTrue(self, expr):
        return "true"

    def _print_BooleanFalse(self, expr):
        return "false"


class CudaPrinter(NeurogenPrinter):
    """Device code: small integer powers become products (``pow`` is a slow library call
    on GPUs). The math functions need no renaming: CUDA has device overloads of
    ``exp``/``expf``… with the C names the parent prints."""

    def _print_Pow(self, expr):
        if expr.exp.is_Integer and 2 <= int(expr.exp) <= 4:
            base = f"({self._print(expr.base)})"
            return "(" + " * ".join([base] * int(expr.exp)) + ")"
        return super()._print_Pow(expr)


def print_expr(expr, table: dict, precision: str = "double",
               printer: type = NeurogenPrinter) -> str:
    return printer(table, precision).doprint(expr)
