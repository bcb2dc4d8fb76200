"""Equations: right-hand sides parsed into sympy, ODEs solved for their derivative,
with the weighted sums, random draws and global operations they use recorded."""
from __future__ import annotations

import sympy as sp

from ..errors import FlagError, ModelError, ODEError, ParseError
from ..ir import GLOBAL, LOCAL, METHODS, Equation, RandomVariable, Reduction
from .context import ErrorContext
from .expressions import DERIVATIVE_PREFIX, Scope, parse_expression
from .lines import split_assignment


def solve_ode(lhs: sp.Expr, rhs: sp.Expr, var: str) -> sp.Expr:
    d = sp.Symbol(DERIVATIVE_PREFIX + var)
    expr = lhs - rhs
    coeff = sp.diff(expr, d)
    if coeff == 0:
        raise ODEError(f"cannot find d{var}/dt in the equation", token=f"d{var}/dt")
    if coeff.has(d):
        raise ODEError(f"the equation is not linear in d{var}/dt, so it cannot be solved "
                       "for it", token=f"d{var}/dt")
    return sp.together(-expr.subs(d, 0) / coeff) if coeff != 1 else -expr.subs(d, 0)


def check_method(f: sp.Expr, var: sp.Symbol, method: str):
    if method in ("exponential", "implicit") and sp.diff(f, var).has(var):
        raise ODEError(f"method '{method}' needs an ODE linear in {var}; use 'explicit', "
                       "'midpoint' or 'rk4'", token=method)


def _method(flags: dict, default_method: str) -> str:
    methods = [m for m in METHODS if m in flags]
    for key in ("min", "max", "method"):
        if flags.get(key) is True:
            raise FlagError(f"flag '{key}' needs a value ('{key}=...')", token=key)
    if len(methods) + ("method" in flags) > 1:
        raise FlagError("more than one integration method on one equation",
                        token=methods[-1] if methods else "method")
    method = flags.get("method", methods[0] if methods else default_method)
    if method not in METHODS:
        raise FlagError(f"unknown integration method '{method}'; choose one of "
                        f"{', '.join(METHODS)}", token=str(method))
    return "explicit" if method == "euler" else method


class EquationParser:
    """Parses the equations of one object; ``sums``, ``randoms`` and ``reductions`` list
    what they use, in order of first use."""

    def __init__(self, obj: str, names: dict, functions: dict, localities: dict,
                 is_synapse: bool, default_method: str):
        self.obj, self.names, self.functions = obj, names, functions
        self.localities, self.is_synapse = localities, is_synapse
        self.default_method = default_method
        self.sums: list[str] = []
        self.randoms: list[RandomVariable] = []
        self.reductions: list[Reduction] = []
        self.locality = LOCAL
        self.local_symbols = {names[n] for n, loc in localities.items() if loc == LOCAL}

    # -- special calls ------------------------------------------------------------------
    def _on_sum(self, target):
        if self.is_synapse:
            raise ParseError("sum() belongs in neuron equations", token="sum")
        if self.locality == GLOBAL:
            raise ParseError("sum() is per neuron and cannot be used in a population-wide "
                             "equation", token="sum")
        if target not in self.sums:
            self.sums.append(target)
        return sp.Symbol(f"_sum_{target}")

    def _on_random(self, dist, args):
        symbol = sp.Symbol(f"_rand{len(self.randoms)}")
        self.randoms.append(RandomVariable(symbol, dist, args, self.locality))
        return symbol

    def _on_side_sum(self, side, target):
        """``pre.sum(exc)``: a symbol named as written; zero when that neuron has no such
        target (resolved when the projection is lowered)."""
        return sp.Symbol(f"{side}.sum({target})")

    def _on_global(self, op, expr):
        if self.is_synapse:
            sides = {s.name.split(".")[0] for s in expr.free_symbols}
            if len(sides) != 1 or not sides <= {"pre", "post"} or \
                    any(s.name.startswith(("pre.sum(", "post.sum(")) for s in expr.free_symbols):
                raise ParseError(f"{op}() in a synapse reduces over the pre- or the "
                                 f"postsynaptic population: write e.g. {op}(pre.r)", token=op)
        for r in self.reductions:
            if r.op == op and r.expr == expr:
                return r.symbol
        if any(s.name.startswith("_rand") for s in expr.free_symbols):
            raise ParseError(f"{op}() cannot reduce a random draw", token=op)
        symbol = sp.Symbol(f"_{op}{len(self.reductions)}")
        self.reductions.append(Reduction(symbol, op, expr))
        return symbol

    # -- equations ----------------------------------------------------------------------
    def parse(self, lines, targets) -> list[Equation]:
        scope = Scope(names=self.names, functions=self.functions, on_sum=self._on_sum,
                      on_random=self._on_random, on_global=self._on_global, derivatives=True,
                      on_side_sum=self._on_side_sum if self.is_synapse else None)
        bound_scope = Scope(names=self.names, functions=self.functions,
                            on_global=self._on_global)
        equations = []
        for line, (target, is_ode) in zip(lines, targets):
            with ErrorContext(self.obj, "equations", line):
                equations.append(self._equation(line, target, is_ode, scope, bound_scope))
        return equations

    def _equation(self, line, target, is_ode, scope, bound_scope) -> Equation:
        self.locality = self.localities[target]
        method = _method(line.flags, self.default_method)
        lhs_text, rhs_text = split_assignment(line.body)
        try:
            rhs = parse_expression(rhs_text, scope)
        except ModelError as exc:   # point the caret inside the right-hand side
            if exc.token and exc.column is None:
                start = line.text.find(rhs_text)
                found = line.text.find(exc.token, max(start, 0))
                exc.column = found if found >= 0 else None
            raise
        if is_ode:
            lhs_scope = Scope(names={**self.names, DERIVATIVE_PREFIX + target:
                                     sp.Symbol(DERIVATIVE_PREFIX + target)},
                              functions=self.functions, derivatives=True)
            rhs = solve_ode(parse_expression(lhs_text, lhs_scope), rhs, target)
            check_method(rhs, self.names[target], method)
        elif any(f in line.flags for f in METHODS) or "method" in line.flags:
            raise FlagError("an integration method only applies to ODEs", token=method)
        self._check_locality(target, rhs)
        bounds = tuple(parse_expression(str(line.flags[k]), bound_scope)
                       if k in line.flags else None for k in ("min", "max"))
        return Equation(target, "ode" if is_ode else "assign", rhs, method, self.locality,
                        bounds, line.text, line.number)

    def _check_locality(self, target, rhs):
        """A population-wide (or per-dendrite) equation cannot read per-neuron values."""
        if self.locality == LOCAL:
            return
        per_item = self.local_symbols | {v for k, v in self.names.items()
                                         if k.startswith("pre.") or (
                                             k.startswith("post.") and self.locality == GLOBAL)}
        per_item |= {s for s in rhs.free_symbols if s.name.startswith("pre.sum(") or (
            s.name.startswith("post.sum(") and self.locality == GLOBAL)}
        used = rhs.free_symbols & per_item
        if used:
            bad = sorted(s.name for s in used)[0]
            raise ParseError(f"'{target}' is {self.locality} and cannot use '{bad}', which has "
                             f"one value per {'synapse' if self.is_synapse else 'neuron'}",
                             token=bad)
