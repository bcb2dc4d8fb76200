"""The functions an equation may call, and how each becomes sympy.

ANNarchy's definitions are kept: ``pos(x)`` is ``max(x, 0)``, ``neg(x)`` is ``min(x, 0)``
(the negative part itself), ``modulo(a, b)`` is C's ``long(a) % long(b)``,
``clip(x, a, b)`` bounds ``x`` to ``[a, b]``, ``ite(c, a, b)`` is ``c ? a : b``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp

from ..errors import ParseError
from .arithmetic import power


class modulo(sp.Function):
    """Integer remainder with C semantics (truncation), printed as ``ng_modulo``."""
    nargs = 2

    @classmethod
    def eval(cls, a, b):
        """Numbers are computed now (as C would), a zero divisor is refused."""
        if isinstance(b, sp.Number) and int(b) == 0:
            raise ParseError("modulo by zero: modulo(a, b) needs b != 0 (as an integer)",
                             token="modulo")
        if isinstance(a, sp.Number) and isinstance(b, sp.Number):
            x, d = int(a), abs(int(b))
            return sp.Integer(abs(x) % d * (-1 if x < 0 else 1))   # C: sign of the dividend
        return None


def _pow(args):
    return power(args[0], args[1])     # bounds numeric powers before sympy evaluates them


def _ite(args):
    cond, yes, no = args
    if not isinstance(cond, (sp.logic.boolalg.Boolean, sp.core.relational.Relational)):
        cond = sp.Ne(cond, 0)
    return sp.Piecewise((yes, cond), (no, True))


@dataclass(frozen=True)
class Builtin:
    nargs: tuple[int, ...]          # accepted argument counts; () means 2 or more
    build: Callable[[tuple], sp.Expr]

    def accepts(self, n: int) -> bool:
        return n in self.nargs if self.nargs else n >= 2


def _unary(f):
    return Builtin((1,), lambda a: f(a[0]))


BUILTIN_FUNCTIONS: dict[str, Builtin] = {
    "exp": _unary(sp.exp), "log": _unary(sp.log), "sqrt": _unary(sp.sqrt),
    "log10": _unary(lambda x: sp.log(x, 10)), "log2": _unary(lambda x: sp.log(x, 2)),
    "sin": _unary(sp.sin), "cos": _unary(sp.cos), "tan": _unary(sp.tan),
    "asin": _unary(sp.asin), "acos": _unary(sp.acos), "atan": _unary(sp.atan),
    "arcsin": _unary(sp.asin), "arccos": _unary(sp.acos), "arctan": _unary(sp.atan),
    "sinh": _unary(sp.sinh), "cosh": _unary(sp.cosh), "tanh": _unary(sp.tanh),
    "fabs": _unary(sp.Abs), "abs": _unary(sp.Abs),
    "floor": _unary(sp.floor), "ceil": _unary(sp.ceiling),
    "pos": _unary(lambda x: sp.Max(x, 0)), "positive": _unary(lambda x: sp.Max(x, 0)),
    "neg": _unary(lambda x: sp.Min(x, 0)), "negative": _unary(lambda x: sp.Min(x, 0)),
    "heaviside": _unary(lambda x: sp.Piecewise((1, sp.Gt(x, 0)), (0, True))),
    "pow": Builtin((2,), _pow),
    "power": Builtin((2,), _pow),
    "atan2": Builtin((2,), lambda a: sp.atan2(a[0], a[1])),
    "modulo": Builtin((2,), lambda a: modulo(a[0], a[1])),
    "clip": Builtin((3,), lambda a: sp.Min(sp.Max(a[0], a[1]), a[2])),
    "ite": Builtin((3,), _ite),
    "max": Builtin((), lambda a: sp.Max(*a)),
    "min": Builtin((), lambda a: sp.Min(*a)),
}

#: one-argument calls that reduce over the whole population (ANNarchy's global operations)
GLOBAL_OPERATIONS = ("mean", "max", "min", "norm1", "norm2", "total")

#: random distributions usable inside equations, with their number of arguments
RANDOM_DISTRIBUTIONS = {"Uniform": 2, "Normal": 2, "LogNormal": 2, "Exponential": 1,
                        "DiscreteUniform": 2}
