"""ODEs → update statements, one function per numerical method.

Semantics follow ANNarchy: equations are taken in declaration order; consecutive ODEs
sharing a method form one block, whose increments are all computed from the values at
the start of the block before any variable of the block is updated (so coupled ODEs are
integrated jointly); assignments are executed in place, in order. ``min``/``max`` bounds
are applied right after a variable is updated.

A statement is either ``Temp(name, expr)`` (a local of the loop body) or
``Store(variable, expr, bounds)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import sympy as sp

from ..ir import Equation

DT = sp.Symbol("dt")


@dataclass(frozen=True)
class Temp:
    symbol: sp.Symbol
    expr: sp.Expr


@dataclass(frozen=True)
class Store:
    target: str
    expr: sp.Expr
    bounds: tuple
    equation: Equation


def _temp(prefix: str, target: str) -> sp.Symbol:
    return sp.Symbol(f"_{prefix}_{target}")


def _shifted(odes, increments, factor):
    """Substitution placing every variable of the block at ``x + factor * increment``."""
    return {sp.Symbol(eq.target): sp.Symbol(eq.target) + factor * inc
            for eq, inc in zip(odes, increments)}


def _sym(eq):
    return sp.Symbol(eq.target)


def explicit(odes):
    temps = [Temp(_temp("d", e.target), e.rhs) for e in odes]
    stores = [Store(e.target, _sym(e) + DT * t.symbol, e.bounds, e) for e, t in zip(odes, temps)]
    return temps + stores


def midpoint(odes):
    k = [Temp(_temp("k", e.target), DT * e.rhs) for e in odes]
    sub = _shifted(odes, [t.symbol for t in k], sp.Rational(1, 2))
    d = [Temp(_temp("d", e.target), e.rhs.xreplace(sub)) for e in odes]
    stores = [Store(e.target, _sym(e) + DT * t.symbol, e.bounds, e) for e, t in zip(odes, d)]
    return k + d + stores


def rk4(odes):
    stages, previous = [], None
    for n, factor in enumerate((None, sp.Rational(1, 2) * DT, sp.Rational(1, 2) * DT, DT), 1):
        sub = {} if previous is None else _shifted(odes, [t.symbol for t in previous], factor)
        previous = [Temp(_temp(f"k{n}", e.target), e.rhs.xreplace(sub)) for e in odes]
        stages.append(previous)
    k1, k2, k3, k4 = ([t.symbol for t in stage] for stage in stages)
    stores = [Store(e.target, _sym(e) + DT / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]),
                    e.bounds, e) for i, e in enumerate(odes)]
    return [t for stage in stages for t in stage] + stores


def _linear_parts(eq):
    """``f = A + B x``: the ODE standardised as ANNarchy does (tau = -1/B, x_inf = -A/B)."""
    x = sp.Symbol(eq.target)
    slope = sp.diff(eq.rhs, x)
    return eq.rhs.subs(x, 0), slope


def exponential(odes):
    temps = []
    for e in odes:
        A, B = _linear_parts(e)
        if B == 0:    # no decay: the exact solution is a straight line (not -A/0)
            temps.append(Temp(_temp("d", e.target), DT * A))
            continue
        temps.append(Temp(_temp("d", e.target),
                          (1 - sp.exp(B * DT)) * (-A / B - sp.Symbol(e.target))))
    stores = [Store(e.target, _sym(e) + t.symbol, e.bounds, e) for e, t in zip(odes, temps)]
    return temps + stores


def implicit(odes):
    """Backward Euler, exact for ODEs linear in their own variable (other variables are
    taken at the start of the step)."""
    temps = []
    for e in odes:
        A, B = _linear_parts(e)
        temps.append(Temp(_temp("n", e.target), (sp.Symbol(e.target) + DT * A) / (1 - DT * B)))
    stores = [Store(e.target, t.symbol, e.bounds, e) for e, t in zip(odes, temps)]
    return temps + stores


METHODS = {"explicit": explicit, "midpoint": midpoint, "rk4": rk4,
           "exponential": exponential, "implicit": implicit}


def blocks(equations):
    """Split equations into blocks: one per assignment, one per run of ODEs sharing a
    method. Each block is a list of statements, in execution order."""
    result = []
    for (kind, method), group in groupby(equations, key=lambda e: (e.kind, e.method)):
        group = list(group)
        if kind == "ode":
            result.append(METHODS[method](group))
        else:
            result.extend([[Store(e.target, e.rhs, e.bounds, e)] for e in group])
    return result
