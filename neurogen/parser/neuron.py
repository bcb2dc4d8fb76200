"""Parse a :class:`~neurogen.model.neuron.Neuron` description into a :class:`NeuronIR`."""
from __future__ import annotations

import difflib
import io
import math
import tokenize

import sympy as sp

from ..errors import FlagError, ModelError, ODEError, ParseError
from ..ir import (GLOBAL, LOCAL, METHODS, POSTSYNAPTIC, Attribute, Equation, NeuronIR,
                  RandomVariable, Reduction, SynapseIR)
from .expressions import DERIVATIVE_PREFIX, Scope, is_condition, parse_expression
from .lines import Line, split_assignment, split_lines

RESERVED = {"t", "dt", "sum", "w", "pre", "post", "if", "then", "else", "and", "or", "not",
            "True", "False", "None"}
_TYPE_FLAGS = {"int": "int", "bool": "bool", "float": "real", "double": "real"}
_PARAMETER_FLAGS = {"population", "projection", "postsynaptic", *_TYPE_FLAGS}
OPERATIONS = ("sum", "max", "min", "mean")
_EQUATION_FLAGS = _PARAMETER_FLAGS | {"init", "min", "max", "method", *METHODS}


class _Context:
    """Adds the object, field and line to every error raised while parsing one line."""

    def __init__(self, obj: str, field: str, line: Line | None):
        self.obj, self.field, self.line = obj, field, line

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, ModelError) and exc.obj is None:
            raise type(exc)(exc.reason, obj=self.obj, field=self.field,
                            line=self.line.number if self.line else exc.line,
                            equation=self.line.text if self.line else exc.equation,
                            column=exc.column, token=exc.token) from None
        return False


def _lines(text, obj: str, field: str) -> list[Line]:
    """The lines of a field; a malformed line is reported with the object and field."""
    with _Context(obj, field, None):
        return split_lines(text)


def _symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name)


def _check_flags(flags: dict, allowed: set):
    for flag in flags:
        if flag not in allowed:
            hint = difflib.get_close_matches(flag, sorted(allowed), n=1)
            raise FlagError(f"unknown flag '{flag}'" + (f"; did you mean '{hint[0]}'?" if hint
                                                         else ""), token=flag)


def _ctype(flags: dict) -> str:
    types = [_TYPE_FLAGS[f] for f in flags if f in _TYPE_FLAGS]
    if len(types) > 1:
        raise FlagError("more than one type flag", token="int" if "int" in flags else "bool")
    return types[0] if types else "real"


def _number(text: str, scope: Scope, ctype: str):
    expr = parse_expression(text, scope)
    if expr in (sp.true, sp.false):
        return bool(expr)
    if not expr.is_number:
        raise ParseError(f"'{text}' is not a number", token=text)
    try:
        value = complex(expr)
    except (TypeError, ValueError, OverflowError):
        raise ParseError(f"'{text}' cannot be evaluated to a number", token=text) from None
    if value.imag:
        raise ParseError(f"'{text}' is not a real number", token=text)
    if not math.isfinite(value.real) or (ctype == "int" and abs(value.real) >= 2 ** 31):
        raise ParseError(f"'{text}' is out of range for a{'n int' if ctype == 'int' else ' '}"
                         f"{'' if ctype == 'int' else ctype} value", token=text)
    return {"int": int, "bool": bool}.get(ctype, float)(value.real)


def _equation_target(body: str) -> tuple[str, bool]:
    """The variable an equation defines, and whether it is an ODE."""
    pair = split_assignment(body)
    if pair is None:
        raise ParseError("an equation needs '=' (e.g. 'r = ...' or 'tau * dr/dt = ...')",
                         token=body)
    lhs = pair[0]
    try:
        toks = [t for t in tokenize.generate_tokens(io.StringIO(lhs).readline)
                if t.type not in (tokenize.NEWLINE, tokenize.ENDMARKER)]
    except tokenize.TokenError:
        raise ParseError("cannot read the left-hand side", token=lhs) from None
    derivs = [toks[k].string[1:] for k in range(len(toks) - 2)
              if toks[k].type == tokenize.NAME and toks[k].string.startswith("d")
              and len(toks[k].string) > 1 and toks[k + 1].string == "/"
              and toks[k + 2].string == "dt"]
    if len(derivs) > 1:
        raise ODEError("only one derivative allowed per equation", token=lhs)
    if derivs:
        return derivs[0], True
    if len(toks) == 1 and toks[0].type == tokenize.NAME:
        return toks[0].string, False
    raise ParseError("the left-hand side must be a variable or contain 'dx/dt'", token=lhs)


def _solve_ode(lhs: sp.Expr, rhs: sp.Expr, var: str) -> sp.Expr:
    d = sp.Symbol(DERIVATIVE_PREFIX + var)
    if is_condition(lhs) or is_condition(rhs):
        raise ODEError(f"d{var}/dt must equal a number, not a condition; use "
                       "ite(condition, a, b) or 'if c then a else b'", token=f"d{var}/dt")
    expr = lhs - rhs
    coeff = sp.diff(expr, d)
    if coeff == 0:
        raise ODEError(f"cannot find d{var}/dt in the equation", token=f"d{var}/dt")
    if coeff.has(d):
        raise ODEError(f"the equation is not linear in d{var}/dt, so it cannot be solved "
                       "for it", token=f"d{var}/dt")
    return sp.together(-expr.subs(d, 0) / coeff) if coeff != 1 else -expr.subs(d, 0)


def check_method(f: sp.Expr, var: sp.Symbol, method: str):
    """'exponential' and 'implicit' solve ``f = A + B*var``: neither A nor B may depend on
    ``var`` (a condition on ``var`` inside ``ite`` counts: it has no derivative)."""
    if method not in ("exponential", "implicit"):
        return
    slope = sp.diff(f, var)
    if slope.has(var) or sp.expand(f - slope * var).has(var):
        raise ODEError(f"method '{method}' needs an ODE linear in {var}; use 'explicit', "
                       "'midpoint' or 'rk4'", token=method)


def parse_functions(text: str | None, obj: str) -> dict:
    """``functions=`` lines ``name(x, y) = expr`` → {name: (params, body)}."""
    functions: dict = {}
    for line in _lines(text, obj, "functions"):
        with _Context(obj, "functions", line):
            pair = split_assignment(line.body)
            head = pair[0] if pair else ""
            if not pair or "(" not in head or not head.endswith(")"):
                raise ParseError("a function is written 'name(x, y) = expression'",
                                 token=line.body)
            name = head[:head.index("(")].strip()
            params = [p.strip() for p in head[head.index("(") + 1:-1].split(",") if p.strip()]
            if not name.isidentifier() or not all(p.isidentifier() for p in params):
                raise ParseError("a function is written 'name(x, y) = expression'", token=head)
            symbols = {p: _symbol(p) for p in params}
            body = parse_expression(pair[1], Scope(names=symbols, functions=functions))
            functions[name] = (tuple(symbols[p] for p in params), body)
    return functions


def parse_neuron(parameters: str | None, equations: str | None, functions: str | None,
                 name: str, constants: dict, default_method: str = "explicit",
                 description: str = "") -> NeuronIR:
    """Build the IR of a neuron. ``constants`` maps constant names to values."""
    return _parse(parameters, equations, functions, name, constants, default_method,
                  description)


def parse_synapse(parameters: str | None, equations: str | None, functions: str | None,
                  psp: str | None, operation: str, name: str, constants: dict,
                  pre: NeuronIR, post: NeuronIR, default_method: str = "explicit",
                  description: str = "") -> SynapseIR:
    """Build the IR of a rate-coded synapse between neurons ``pre`` and ``post``."""
    if operation not in OPERATIONS:
        raise FlagError(f"operation must be one of {', '.join(OPERATIONS)}, got "
                        f"{operation!r}", obj=name, field="operation")
    extra = {f"pre.{a.name}": sp.Symbol(f"pre.{a.name}") for a in pre.attributes}
    extra.update({f"post.{a.name}": sp.Symbol(f"post.{a.name}") for a in post.attributes})
    return _parse(parameters, equations, functions, name, constants, default_method,
                  description, synapse=dict(extra=extra, psp=psp, operation=operation))


def _locality(flags: dict, synapse) -> str:
    if synapse is None:
        return GLOBAL if "population" in flags else LOCAL
    if "projection" in flags:
        return GLOBAL
    return POSTSYNAPTIC if "postsynaptic" in flags else LOCAL


def _parse(parameters, equations, functions, name, constants, default_method, description,
           synapse: dict | None = None):
    reserved = RESERVED - {"w"} if synapse else RESERVED
    user_functions = parse_functions(functions, name)
    value_scope = Scope(names={c: sp.Float(v) for c, v in constants.items()},
                        functions=user_functions)
    attributes: list[Attribute] = []
    seen: set[str] = set()

    def declare(attr_name: str, line: Line):
        if not attr_name.isidentifier():
            raise ParseError(f"'{attr_name}' is not a valid name", token=attr_name)
        if attr_name in reserved or attr_name.startswith("_"):
            raise ParseError(f"'{attr_name}' is a reserved name", token=attr_name)
        if attr_name in seen:
            raise ParseError(f"'{attr_name}' is defined twice", token=attr_name)
        if attr_name in constants:
            raise ParseError(f"'{attr_name}' is already a Constant", token=attr_name)
        seen.add(attr_name)

    def value_of(text, ctype):
        return _number(text, value_scope, ctype)

    for line in _lines(parameters, name, "parameters"):
        with _Context(name, "parameters", line):
            _check_flags(line.flags, _PARAMETER_FLAGS)
            pair = split_assignment(line.body)
            attr_name = (pair[0] if pair else line.body).strip()
            declare(attr_name, line)
            ctype = _ctype(line.flags)
            value = value_of(pair[1], ctype) if pair else {"int": 0, "bool": False}.get(ctype, 0.0)
            locality = _locality(line.flags, synapse)
            attributes.append(Attribute(attr_name, "parameter", locality, ctype, value))

    eq_lines = _lines(equations, name, "equations")
    targets: list[tuple[str, bool]] = []
    for line in eq_lines:
        with _Context(name, "equations", line):
            _check_flags(line.flags, _EQUATION_FLAGS)
            target, is_ode = _equation_target(line.body)
            if target in seen and any(a.name == target and a.kind == "parameter"
                                      for a in attributes):
                raise ParseError(f"'{target}' is a parameter and cannot be assigned in "
                                 "equations", token=target)
            declare(target, line)
            ctype = _ctype(line.flags)
            init = value_of(str(line.flags["init"]), ctype) if "init" in line.flags else \
                {"int": 0, "bool": False}.get(ctype, 0.0)
            locality = _locality(line.flags, synapse)
            attributes.append(Attribute(target, "variable", locality, ctype, init))
            targets.append((target, is_ode))
    if synapse and "w" not in seen:   # the weight: a variable unless declared a parameter
        attributes.append(Attribute("w", "variable", LOCAL, "real", 0.0))

    names = {a.name: _symbol(a.name) for a in attributes}
    if synapse:
        names.update(synapse["extra"])
    names.update({c: _symbol(c) for c in constants})
    names.update({"t": sp.Symbol("t"), "dt": sp.Symbol("dt")})
    localities = {a.name: a.locality for a in attributes}
    local_symbols = {names[a.name] for a in attributes if a.locality == LOCAL}

    sums: list[str] = []
    randoms: list[RandomVariable] = []
    reductions: list[Reduction] = []
    current = {"locality": LOCAL}

    def on_sum(target):
        if synapse:
            raise ParseError("sum() belongs in neuron equations", token="sum")
        if current["locality"] == GLOBAL:
            raise ParseError("sum() is per neuron and cannot be used in a population-wide "
                             "equation", token="sum")
        if target not in sums:
            sums.append(target)
        return sp.Symbol(f"_sum_{target}")

    def on_random(dist, args):
        symbol = sp.Symbol(f"_rand{len(randoms)}")
        randoms.append(RandomVariable(symbol, dist, args, current["locality"]))
        return symbol

    def on_global(op, expr):
        if synapse:
            raise ParseError(f"global operation {op}() is not available in synapses", token=op)
        for r in reductions:
            if r.op == op and r.expr == expr:
                return r.symbol
        if any(s.name.startswith("_rand") for s in expr.free_symbols):
            raise ParseError(f"{op}() cannot reduce a random draw", token=op)
        symbol = sp.Symbol(f"_{op}{len(reductions)}")
        reductions.append(Reduction(symbol, op, expr))
        return symbol

    scope = Scope(names=names, functions=user_functions, on_sum=on_sum,
                  on_random=on_random, on_global=on_global, derivatives=True)
    bound_scope = Scope(names=names, functions=user_functions, on_global=on_global)
    ir_equations: list[Equation] = []
    for line, (target, is_ode) in zip(eq_lines, targets):
        with _Context(name, "equations", line):
            current["locality"] = localities[target]
            methods = [m for m in METHODS if m in line.flags]
            for key in ("min", "max", "init", "method"):
                if line.flags.get(key) is True:
                    raise FlagError(f"flag '{key}' needs a value ('{key}=...')", token=key)
            if len(methods) + ("method" in line.flags) > 1:
                raise FlagError("more than one integration method on one equation",
                                token=methods[-1] if methods else "method")
            method = line.flags.get("method", methods[0] if methods else default_method)
            if method not in METHODS:
                raise FlagError(f"unknown integration method '{method}'; choose one of "
                                f"{', '.join(METHODS)}", token=str(method))
            method = "explicit" if method == "euler" else method
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
                lhs_scope = Scope(names={**names, DERIVATIVE_PREFIX + target:
                                         sp.Symbol(DERIVATIVE_PREFIX + target)},
                                  functions=user_functions, derivatives=True)
                rhs = _solve_ode(parse_expression(lhs_text, lhs_scope), rhs, target)
                check_method(rhs, names[target], method)
            elif any(f in line.flags for f in METHODS) or "method" in line.flags:
                raise FlagError("an integration method only applies to ODEs", token=method)
            if current["locality"] != LOCAL:
                per_neuron = local_symbols | {v for k, v in names.items()
                                              if k.startswith("pre.") or (
                                                  k.startswith("post.")
                                                  and current["locality"] == GLOBAL)}
                used = rhs.free_symbols & per_neuron
                if used:
                    bad = sorted(s.name for s in used)[0]
                    raise ParseError(f"'{target}' is {current['locality']} and cannot use "
                                     f"'{bad}', which has one value per "
                                     f"{'synapse' if synapse else 'neuron'}", token=bad)
            bounds = tuple(parse_expression(str(line.flags[k]), bound_scope)
                           if k in line.flags else None for k in ("min", "max"))
            ir_equations.append(Equation(target, "ode" if is_ode else "assign", rhs, method,
                                         current["locality"], bounds, line.text, line.number))

    used = set().union(*(e.rhs.free_symbols for e in ir_equations)) if ir_equations else set()
    used |= {s for e in ir_equations for b in e.bounds if b is not None for s in b.free_symbols}
    used |= {s for r in randoms for a in r.args for s in a.free_symbols}
    used |= {s for r in reductions for s in r.expr.free_symbols}
    used_constants = tuple(sorted(c for c in constants if names[c] in used))
    fields = dict(name=name, attributes=tuple(attributes), equations=tuple(ir_equations),
                  targets=tuple(sums), randoms=tuple(randoms), reductions=tuple(reductions),
                  constants=used_constants, description=description, symbols=names)
    if not synapse:
        return NeuronIR(**fields)
    psp = None
    if synapse["psp"] and synapse["psp"].strip():
        line = Line(1, synapse["psp"].strip(), synapse["psp"].strip(), {})
        with _Context(name, "psp", line):
            psp = parse_expression(line.body, Scope(names=names, functions=user_functions))
        used_constants = tuple(sorted(set(used_constants) |
                                      {c for c in constants if names[c] in psp.free_symbols}))
        fields["constants"] = used_constants
    return SynapseIR(**fields, psp=psp, operation=synapse["operation"])


def parse_condition(text: str, ir: NeuronIR, obj: str):
    """``stop_condition='r > 1.0 : any'`` → (sympy condition, 'any' | 'all')."""
    lines = _lines(text, obj, "stop_condition")
    if len(lines) != 1:
        raise ParseError("a stop condition is one line", obj=obj, field="stop_condition",
                         equation=text)
    line = lines[0]
    with _Context(obj, "stop_condition", line):
        _check_flags(line.flags, {"any", "all"})
        names = {**ir.symbols}
        condition = parse_expression(line.body, Scope(names=names))
        mode = "any" if "any" in line.flags else "all"
    return condition, mode
