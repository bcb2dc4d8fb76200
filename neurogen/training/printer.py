"""sympy → C++ for the training kernels.

Every symbol is looked up in a table (name → C expression), so no user text reaches the
generated code; numbers are printed in the kernel's precision (``real``). Subgradients:
``Heaviside(x)`` (the derivative of ``max``/``min``/``pos``) is 0 at 0, as in PyTorch and
JAX, and ``sign(0) = 0``.
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.cxx import CXX17CodePrinter


class TrainingPrinter(CXX17CodePrinter):
    def __init__(self, table: dict, precision: str):
        super().__init__({"strict": True})
        self.table, self.single = table, precision == "float"

    def _print_Symbol(self, expr):
        try:
            return self.table[expr]
        except KeyError:
            raise KeyError(f"internal: no storage for symbol {expr.name}") from None

    def _number(self, value: str) -> str:
        if self.single:
            value = value if any(c in value for c in ".e") else value + ".0"
            return f"{value}f"
        return value if any(c in value for c in ".e") else value + ".0"

    def _print_Float(self, expr):
        return self._number(repr(float(expr)))

    def _print_Integer(self, expr):
        return self._number(str(int(expr)))

    def _print_Rational(self, expr):
        return f"({self._number(str(expr.p))} / {self._number(str(expr.q))})"

    def _print_Pow(self, expr):
        base, exp = expr.args
        if exp.is_Integer and 1 <= abs(int(exp)) <= 4:
            product = " * ".join([f"({self._print(base)})"] * abs(int(exp)))
            return f"({product})" if exp > 0 else f"({self._number('1')} / ({product}))"
        if exp == sp.Rational(1, 2):
            return f"std::sqrt({self._print(base)})"
        if exp == -sp.Rational(1, 2):
            return f"({self._number('1')} / std::sqrt({self._print(base)}))"
        return f"std::pow({self._print(base)}, {self._print(exp)})"

    def _minmax(self, expr, fn):
        args = [self._print(a) for a in expr.args]
        out = args[0]
        for a in args[1:]:
            out = f"{fn}({out}, {a})"
        return out

    def _print_Max(self, expr):
        return self._minmax(expr, "ng_max")

    def _print_Min(self, expr):
        return self._minmax(expr, "ng_min")

    def _print_Heaviside(self, expr):
        return f"(({self._print(expr.args[0])}) > 0 ? {self._number('1')} : {self._number('0')})"

    def _print_sign(self, expr):
        x = self._print(expr.args[0])
        return f"(real)((({x}) > 0) - (({x}) < 0))"


def print_expr(expr, table: dict, precision: str) -> str:
    return TrainingPrinter(table, precision).doprint(expr)
