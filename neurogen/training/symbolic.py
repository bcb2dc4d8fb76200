"""One population's step as a function, and its reverse-mode adjoint, from the IR.

A step maps the state at the start of the step (every variable of the population), the
weighted sums of the step and the parameters to the new state. Its statements are the
integrator's (:func:`neurogen.integrators.blocks`: temporaries and stores, in order, with
``min``/``max`` bounds), so the forward pass computes exactly what ``simulate()``
computes. Substituting the statements into each other gives ``F_j(state, sums,
params)`` per variable ``j``; sympy differentiates it, and the adjoint of an input ``u``
is ``sum_j lambda_j dF_j/du`` where ``lambda_j`` is the adjoint of the new ``j``.

Refused (a :class:`TrainingError` naming the population and quoting the equation):
random draws, conditionals (``ite``, ``if``, ``heaviside``), ``modulo``/``floor``/
``ceil``, global operations (``mean()``…), population-wide equations, integer or boolean
variables. ``max``/``min``/``pos``/``clip``/bounds are differentiated as subgradients
(0 at a tie).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..integrators import Temp, blocks
from ..ir import GLOBAL, NeuronIR
from .graph import TrainingError

DT, T = sp.Symbol("dt"), sp.Symbol("t")
_REFUSED = {sp.Piecewise: "a conditional (ite / if-then-else / heaviside)",
            sp.floor: "floor()", sp.ceiling: "ceil()"}


def sum_symbol(target: str) -> sp.Symbol:
    return sp.Symbol(f"_sum_{target}")


def adjoint_symbol(var: str) -> sp.Symbol:
    return sp.Symbol(f"_adj_{var}")


@dataclass
class PopulationStep:
    name: str
    variables: tuple          # state: every variable, in declaration order
    targets: tuple            # sum(target) names
    parameters: tuple         # every parameter (local and population-wide)
    global_params: frozenset  # population-wide ones
    blocks: list              # forward: the integrator's blocks (Temp, Store), in order
    final: dict               # variable -> F(state, sums, params)
    adjoints: dict            # ("var" | "sum" | "param", name) -> expression

    def inputs(self) -> list:
        """Every symbol the adjoint expressions may read."""
        return [*map(sp.Symbol, self.variables), *map(sum_symbol, self.targets),
                *map(sp.Symbol, self.parameters)]


def _refuse(ir: NeuronIR, eq, why: str):
    raise TrainingError(f"population of neuron '{ir.name}': cannot differentiate {why}\n"
                        f"    {eq.text}")


def _check(ir: NeuronIR):
    randoms = {r.symbol for r in ir.randoms}
    reductions = {r.symbol for r in ir.reductions}
    for eq in ir.equations:
        attr = ir.attribute(eq.target)
        exprs = [eq.rhs, *(b for b in eq.bounds if b is not None)]
        if eq.locality == GLOBAL:
            _refuse(ir, eq, f"the population-wide equation of '{eq.target}'")
        if attr.ctype != "real":
            _refuse(ir, eq, f"'{eq.target}', an {attr.ctype} variable")
        for expr in exprs:
            if expr.free_symbols & randoms:
                _refuse(ir, eq, "a random draw (its gradient is not defined)")
            if expr.free_symbols & reductions:
                _refuse(ir, eq, "a global operation (mean(), max(), total()...)")
            for kind, what in _REFUSED.items():
                if expr.has(kind):
                    _refuse(ir, eq, what)
            if any(type(f).__name__ == "modulo" for f in expr.atoms(sp.Function)):
                _refuse(ir, eq, "modulo()")


def build_step(ir: NeuronIR, trainable: tuple = ()) -> PopulationStep:
    """The forward statements and the adjoint expressions of one population."""
    _check(ir)
    variables = tuple(a.name for a in ir.attributes if a.kind == "variable")
    parameters = tuple(a.name for a in ir.attributes if a.kind == "parameter")
    global_params = frozenset(a.name for a in ir.attributes
                              if a.kind == "parameter" and a.locality == GLOBAL)
    steps, env, origin = list(blocks(ir.equations)), {}, {}
    for block in steps:
        for st in block:
            if isinstance(st, Temp):
                env[st.symbol] = st.expr.xreplace(env)
                continue
            value = st.expr.xreplace(env)
            lo, hi = (b.xreplace(env) if b is not None else None for b in st.bounds)
            if lo is not None:
                value = sp.Max(value, lo)
            if hi is not None:
                value = sp.Min(value, hi)
            env[sp.Symbol(st.target)] = value
            origin[st.target] = st.equation
    final = {v: env.get(sp.Symbol(v), sp.Symbol(v)) for v in variables}
    # differentiate with real symbols (so |x|' = sign(x)), then map back
    plain = {s for e in final.values() for s in e.free_symbols}
    real = {s: sp.Symbol(s.name, real=True) for s in plain}
    back = {r: s for s, r in real.items()}
    wrt = [("var", v, sp.Symbol(v)) for v in variables] + \
          [("sum", k, sum_symbol(k)) for k in ir.targets] + \
          [("param", p, sp.Symbol(p)) for p in trainable]
    adjoints = {}
    for kind, name, symbol in wrt:
        total = sp.Integer(0)
        for v in variables:
            fr = final[v].xreplace(real)
            d = sp.diff(fr, real.get(symbol, symbol))
            if d.has(sp.Derivative) or d.has(sp.Subs):
                eq = origin.get(v)
                raise TrainingError(f"population of neuron '{ir.name}': sympy cannot "
                                    f"differentiate the update of '{v}' with respect to "
                                    f"'{name}'" + (f"\n    {eq.text}" if eq else ""))
            total += adjoint_symbol(v) * d.xreplace(back)
        adjoints[(kind, name)] = total
    return PopulationStep(ir.name, variables, tuple(ir.targets), parameters, global_params,
                          steps, final, adjoints)
