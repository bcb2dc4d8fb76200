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
from sympy.printing.cxx import CXX17CodePrinter

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

    def doprint(self, expr, assign_to=None):
        """A reciprocal the table names (``1/tau`` of a value read once per step) is
        printed as that name: ``x / tau`` becomes ``x * tau_inv``, a multiplication
        (a division per neuron costs several times more, in vectorised loops too)."""
        swaps = {key: sp.Dummy(value) for key, value in self.table.items()
                 if isinstance(key, sp.Pow)}
        if swaps and isinstance(expr, sp.Basic):
            self.table = {**self.table, **{d: str(d.name) for d in swaps.values()}}
            expr = expr.xreplace(swaps)
        return super().doprint(expr, assign_to)

    def _print_Symbol(self, expr):
        try:
            return str(self.table[expr])
        except KeyError:
            raise NeurogenError(f"internal error: no C name for symbol '{expr}'") from None

    _print_Dummy = _print_Symbol

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

    def _print_Max(self, expr):
        return self._minmax(expr, "ng_fmax")

    def _print_Min(self, expr):
        return self._minmax(expr, "ng_fmin")

    def _minmax(self, expr, fn):
        """``fn(fn(a, b), c)``...: ng_fmax/ng_fmin are fmax/fmin's results (a NaN
        argument loses) as comparisons, since the library calls keep a loop from
        vectorising (common_math.j2); the adjoint printer passes ng_max/ng_min."""
        args = [self._print(a) for a in expr.args]
        out = args[0]
        for a in args[1:]:
            out = f"{fn}({out}, {a})"
        return out

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


class AdjointPrinter(NeurogenPrinter):
    """The training kernels' C++ (forward pass and its adjoint, :mod:`neurogen.training`).

    The kernel is C++ whose ``real`` is a typedef, so functions are ``std::`` overloads
    (no ``f`` suffixes) and every number is printed in the kernel's precision; powers of
    small integers become products. Subgradients: ``Heaviside(x)`` (the derivative of
    ``max``/``min``/``pos``) is 0 at 0, as in PyTorch and JAX, and ``sign(0) = 0``;
    ``Max``/``Min`` are ``ng_max``/``ng_min`` (comparisons, which vectorise).
    """
    _ns = "std::"

    def __init__(self, table: dict, precision: str = "double"):
        super().__init__(table)         # no type alias: ``real`` picks the overloads
        self.single = precision == "float"
        self._kf = dict(CXX17CodePrinter().known_functions)   # C++17's std:: functions
        self.known_functions = dict(self._kf)

    def _number(self, value: str) -> str:
        value = value if any(c in value for c in ".e") else value + ".0"
        return f"{value}f" if self.single else value

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

    def _print_Max(self, expr):
        return self._minmax(expr, "ng_max")

    def _print_Min(self, expr):
        return self._minmax(expr, "ng_min")

    def _print_Heaviside(self, expr):
        return f"(({self._print(expr.args[0])}) > 0 ? {self._number('1')} : {self._number('0')})"

    def _print_sign(self, expr):
        x = self._print(expr.args[0])
        return f"(real)((({x}) > 0) - (({x}) < 0))"
