"""Turn one expression string into a sympy expression, on a whitelisted namespace.

The string is first rewritten token by token (``^`` → ``**``, ``if c then a else b`` and
``if c: a else: b`` → ``ite(c, a, b)``, ``is`` → ``==``, ``true``/``false`` → booleans,
``dx/dt`` → a derivative placeholder, Python keywords used as variable names → mangled
names), then parsed with Python's :mod:`ast` and converted node by node.
No string is ever handed to ``sympify``/``eval``: a name that is not declared, not a
constant and not a built-in function is an error, so equation text cannot reach C++.
"""
from __future__ import annotations

import ast
import difflib
import io
import keyword
import math
import tokenize
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from ..errors import ParseError, UnknownFunctionError, UnknownNameError, ModelError
from .arithmetic import divide, is_condition, power
from .functions import BUILTIN_FUNCTIONS, GLOBAL_OPERATIONS, RANDOM_DISTRIBUTIONS

DERIVATIVE_PREFIX = "_D_"
_KEYWORD_PREFIX = "_kw_"
_LANGUAGE_KEYWORDS = {"and", "or", "not", "if", "else", "True", "False"}
MAX_NESTING = 100


@dataclass
class Scope:
    """What an expression may refer to, and how to record special calls.

    ``on_sum``/``on_random``/``on_global`` return the symbol that stands for a weighted
    sum, a random draw or a global operation; leaving one as ``None`` forbids that call
    in this context (e.g. inside ``functions=`` or ``init=``).
    """

    names: dict[str, sp.Symbol]
    functions: dict[str, tuple[tuple[sp.Symbol, ...], sp.Expr]] = field(default_factory=dict)
    on_sum: Callable[[str], sp.Symbol] | None = None
    on_random: Callable[[str, tuple], sp.Symbol] | None = None
    on_global: Callable[[str, sp.Expr], sp.Symbol] | None = None
    on_side_sum: Callable[[str, str], sp.Symbol] | None = None   # pre.sum(exc), post.sum(exc)
    derivatives: bool = False


def mangle_keyword(name: str) -> str:
    return _KEYWORD_PREFIX + name


def display_name(name: str) -> str:
    """The user's spelling of a (possibly mangled) identifier."""
    if name.startswith(_KEYWORD_PREFIX):
        return name[len(_KEYWORD_PREFIX):]
    if name.startswith(DERIVATIVE_PREFIX):
        return f"d{name[len(DERIVATIVE_PREFIX):]}/dt"
    return name


def _tokens(text: str):
    depth = 0
    for ch in text:
        depth += (ch in "([{") - (ch in ")]}")
        if depth < 0:
            break
    if depth != 0:
        raise ParseError("unbalanced parentheses", token="(" if depth > 0 else ")")
    try:
        return [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER,
                                  tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT)]
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        raise ParseError(f"cannot read the expression ({exc.args[0]})") from None


def _rewrite_conditionals(toks: list[str]) -> list[str]:
    """``if c then a else b`` → ``ite(c, a, b)``, nesting allowed, in any sub-expression."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        if toks[i] == "if" and "then" in toks[i:]:
            depth, j, then_at, else_at, nested = 0, i + 1, None, None, 0
            while j < len(toks):
                tok = toks[j]
                if tok in "([{":
                    depth += 1
                elif tok in ")]}":
                    if depth == 0:
                        break
                    depth -= 1
                elif depth == 0 and tok == "," and else_at is not None:
                    break
                elif depth == 0 and tok == "if":
                    nested += 1
                elif depth == 0 and tok == "then" and nested == 0 and then_at is None:
                    then_at = j
                elif depth == 0 and tok == "else":
                    if nested and then_at is not None:
                        nested -= 1
                    elif then_at is not None and else_at is None:
                        else_at = j
                j += 1
            if then_at is None or else_at is None:
                raise ParseError("'if' needs both 'then' and 'else'", token="if")
            cond = _rewrite_conditionals(toks[i + 1:then_at])
            yes = _rewrite_conditionals(toks[then_at + 1:else_at])
            no = _rewrite_conditionals(toks[else_at + 1:j])
            out += ["ite", "(", *cond, ",", *yes, ",", *no, ")"]
            i = j
        else:
            out.append(toks[i])
            i += 1
    return out


def rewrite(text: str, derivatives: bool = False) -> str:
    """Rewrite neurogen/ANNarchy syntax into a Python expression (see module doc)."""
    raw = _tokens(text)
    toks: list[str] = []
    k = 0
    while k < len(raw):
        t = raw[k]
        s = t.string
        # dx/dt → derivative placeholder
        if (derivatives and t.type == tokenize.NAME and s.startswith("d") and len(s) > 1
                and k + 2 < len(raw) and raw[k + 1].string == "/" and raw[k + 2].string == "dt"):
            toks.append(DERIVATIVE_PREFIX + s[1:])
            k += 3
            continue
        if s == "^":
            s = "**"
        elif s == ":":            # ANNarchy's ``if c: a else: b``
            if toks and toks[-1] == "else":
                k += 1
                continue
            s = "then"
        elif s == "is":           # ``a is b`` / ``a is not b`` compare values
            if k + 1 < len(raw) and raw[k + 1].string == "not":
                toks.append("!=")
                k += 2
                continue
            s = "=="
        elif s in ("true", "false"):
            s = s.capitalize()
        elif t.type == tokenize.NAME and keyword.iskeyword(s) and s not in _LANGUAGE_KEYWORDS:
            s = mangle_keyword(s)
        elif t.type == tokenize.NAME and s.startswith(_KEYWORD_PREFIX):
            raise ParseError(f"names starting with '{_KEYWORD_PREFIX}' are reserved", token=s)
        toks.append(s)
        k += 1
    toks = _rewrite_conditionals(toks)
    return " ".join(toks)


class _Converter:
    """Walks a Python AST and builds sympy, refusing anything not whitelisted."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def fail(self, cls, message, node=None, token=None):
        if token is None and node is not None:
            token = display_name(ast.unparse(node))
        raise cls(message, token=token)

    def convert(self, node):
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            self.fail(ParseError, f"'{ast.unparse(node)}' is not allowed in an equation", node)
        return method(node)

    def visit_Expression(self, node):
        return self.convert(node.body)

    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, bool):
            return sp.true if value else sp.false
        if isinstance(value, int):
            if abs(value) >= 2 ** 63:
                self.fail(ParseError, f"the integer {value} does not fit in 64 bits; write it "
                          "as a float (e.g. 1e30)", node)
            return sp.Integer(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                self.fail(ParseError, "a number beyond the double range (about 1.8e308)",
                          node)
            return sp.Float(value)
        self.fail(ParseError, f"constant {value!r} is not a number", node)

    def visit_Name(self, node):
        name = display_name(node.id) if node.id.startswith(_KEYWORD_PREFIX) else node.id
        if name in self.scope.names:
            return self.scope.names[name]
        if name.startswith(DERIVATIVE_PREFIX):
            self.fail(ParseError, f"a derivative {display_name(name)} is only allowed on the "
                      "left-hand side of an ODE", node)
        if name in BUILTIN_FUNCTIONS or name in self.scope.functions:
            self.fail(ParseError, f"function '{name}' must be called with arguments", node)
        known = [n for n in self.scope.names if not n.startswith("_")]
        hint = difflib.get_close_matches(display_name(name), known, n=1)
        suffix = f"; did you mean '{hint[0]}'?" if hint else ""
        self.fail(UnknownNameError, f"unknown name '{display_name(name)}'{suffix}", node,
                  token=display_name(name))

    def visit_Attribute(self, node):
        """``pre.r`` / ``post.r`` in synapse equations (names ``'pre.r'`` in the scope)."""
        if isinstance(node.value, ast.Name) and node.value.id in ("pre", "post"):
            key = f"{node.value.id}.{display_name(node.attr)}"
            if key in self.scope.names:
                return self.scope.names[key]
            known = [n for n in self.scope.names if n.startswith(node.value.id + ".")]
            hint = difflib.get_close_matches(key, known, n=1)
            suffix = f"; did you mean '{hint[0]}'?" if hint else ""
            self.fail(UnknownNameError, f"unknown name '{key}'{suffix}", node, token=key)
        self.fail(ParseError, f"'{ast.unparse(node)}' is not allowed: only pre.x and post.x "
                  "refer to attributes", node)

    _BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
               ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
               ast.Pow: lambda a, b: a ** b}

    def visit_BinOp(self, node):
        a, b = self.convert(node.left), self.convert(node.right)
        try:
            if isinstance(node.op, ast.Mod):
                return BUILTIN_FUNCTIONS["modulo"].build((a, b))
            if isinstance(node.op, ast.Pow):
                return power(a, b)
            if isinstance(node.op, ast.Div):
                return divide(a, b)
            op = self._BINOPS.get(type(node.op))
            if op is None:
                self.fail(ParseError, f"operator in '{ast.unparse(node)}' is not supported",
                          node)
            return op(a, b)
        except ParseError as exc:
            if exc.token is None:
                self.fail(type(exc), exc.reason, node)
            raise
        except TypeError:
            self.fail(ParseError, "arithmetic on a condition; use ite(c, a, b)", node)

    def visit_UnaryOp(self, node):
        value = self.convert(node.operand)
        if isinstance(node.op, ast.USub):
            return -value
        if isinstance(node.op, ast.UAdd):
            return value
        if isinstance(node.op, ast.Not):
            return sp.Not(_as_condition(value))
        self.fail(ParseError, "operator not supported", node)

    def visit_BoolOp(self, node):
        values = [_as_condition(self.convert(v)) for v in node.values]
        return sp.And(*values) if isinstance(node.op, ast.And) else sp.Or(*values)

    _COMPARE = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge,
                ast.Eq: sp.Eq, ast.NotEq: sp.Ne}

    def visit_Compare(self, node):
        terms = [self.convert(node.left)] + [self.convert(c) for c in node.comparators]
        parts = []
        for op, a, b in zip(node.ops, terms, terms[1:]):
            rel = self._COMPARE.get(type(op))
            if rel is None:
                self.fail(ParseError, "comparison not supported", node)
            parts.append(rel(a, b, evaluate=False))
        return parts[0] if len(parts) == 1 else sp.And(*parts)

    def visit_IfExp(self, node):
        return BUILTIN_FUNCTIONS["ite"].build(
            (self.convert(node.test), self.convert(node.body), self.convert(node.orelse)))

    def _side_sum(self, node):
        """``pre.sum(exc)`` / ``post.sum(exc)``: the weighted sum of a neuron of a synapse."""
        side = node.func.value.id
        if self.scope.on_side_sum is None:
            self.fail(ParseError, f"{side}.sum(target) is only available in synapse equations",
                      node)
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name) or node.keywords:
            self.fail(ParseError, f"write {side}.sum(target) with a target name, e.g. "
                      f"{side}.sum(exc)", node)
        return self.scope.on_side_sum(side, display_name(node.args[0].id))

    def visit_Call(self, node):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "sum" and \
                isinstance(node.func.value, ast.Name) and node.func.value.id in ("pre", "post"):
            return self._side_sum(node)
        if not isinstance(node.func, ast.Name):
            self.fail(UnknownFunctionError, "only named functions can be called", node.func)
        if node.keywords:
            self.fail(ParseError, "keyword arguments are not allowed in equations", node)
        name = node.func.id
        scope = self.scope
        if name == "sum" and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
            # always a target, even one named like an attribute (ANNarchy's BOLD models
            # write I_CBF = sum(I_CBF))
            if scope.on_sum is None:
                self.fail(ParseError, "sum(target) is not allowed here", node)
            return scope.on_sum(display_name(node.args[0].id))
        if name in GLOBAL_OPERATIONS and len(node.args) == 1:
            if scope.on_global is None:
                self.fail(ParseError, f"global operation {name}() is not allowed here", node)
            return scope.on_global(name, _checked(self.convert(node.args[0])))
        if name in RANDOM_DISTRIBUTIONS:
            if scope.on_random is None:
                self.fail(ParseError, f"random distribution {name}() is not allowed here", node)
            args = tuple(_checked(self.convert(a)) for a in node.args)
            nargs = RANDOM_DISTRIBUTIONS[name]
            if len(args) != nargs:
                self.fail(ParseError, f"{name}() takes {nargs} arguments, got {len(args)}", node)
            return scope.on_random(name, args)
        builtin = BUILTIN_FUNCTIONS.get(name)
        if builtin is None and name not in scope.functions:
            candidates = list(BUILTIN_FUNCTIONS) + list(scope.functions)
            hint = difflib.get_close_matches(name, candidates, n=1)
            suffix = f"; did you mean '{hint[0]}'?" if hint else ""
            self.fail(UnknownFunctionError, f"unknown function '{display_name(name)}'{suffix}",
                      node.func, token=display_name(name))
        args = tuple(self.convert(a) for a in node.args)
        if name in scope.functions:
            params, body = scope.functions[name]
            if len(args) != len(params):
                self.fail(ParseError, f"function '{name}' takes {len(params)} arguments, "
                          f"got {len(args)}", node)
            return body.xreplace(dict(zip(params, args)))
        if not builtin.accepts(len(args)):
            self.fail(ParseError, f"{name}() does not take {len(args)} arguments", node)
        return builtin.build(args)


def _checked(expr):
    """Arguments of random draws and global operations leave the expression as symbols:
    check them on their own."""
    return _check_value(_real(expr))


def _check_value(expr):
    """Refuse what has no C value: ``1/0`` and ``log(0)`` (sympy's complex infinity),
    infinities, NaN, numbers beyond the double range; integers beyond 64 bits that come
    out of arithmetic become doubles. Returns the expression to use."""
    if not isinstance(expr, sp.Basic):
        return expr
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        raise ParseError("the expression is infinite or undefined (a division by zero, "
                         "log(0)…)")
    for number in expr.atoms(sp.Float):
        if not math.isfinite(float(number)):
            raise ParseError(f"the number {number:.3e} is beyond the double range")
    large = {n: sp.Float(n) for n in expr.atoms(sp.Integer) if abs(int(n)) >= 2 ** 63}
    return expr.xreplace(large) if large else expr     # computed (10**30): a double


def _check_nesting(source: str, limit: int = MAX_NESTING):
    """Deeply nested expressions (``- - - … 1``, ``((((…))))``) would exhaust Python's
    recursion in the parser; refuse them first."""
    depth = run = 0
    for token in source.split():
        if token in ("(", "[", "{"):
            depth += 1
        elif token in (")", "]", "}"):
            depth -= 1
        run = run + 1 if token in ("-", "+", "not", "~") else 0
        if depth > limit or run > limit:
            raise ParseError(f"the expression is nested more than {limit} levels deep")


def _as_condition(value):
    if isinstance(value, (sp.logic.boolalg.Boolean, sp.core.relational.Relational)):
        return value
    return sp.Ne(value, 0)


def parse_expression(text: str, scope: Scope) -> sp.Expr:
    """Parse ``text`` in ``scope``; raise a :class:`ModelError` subclass (without object
    context: the caller adds the object, field and line)."""
    source = rewrite(text, derivatives=scope.derivatives)
    _check_nesting(source)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        bad = (exc.text or source)[max(0, (exc.offset or 1) - 1):].split(" ")[0] or None
        raise ParseError(f"syntax error ({exc.msg})", token=display_name(bad) if bad else None) \
            from None
    except (RecursionError, MemoryError):
        raise ParseError("the expression is too deeply nested") from None
    try:
        expr = _Converter(scope).convert(tree)
    except ModelError:
        raise
    except RecursionError:
        raise ParseError("the expression is too deeply nested") from None
    except (TypeError, ValueError, AttributeError, ZeroDivisionError, OverflowError) as exc:
        raise ParseError(f"cannot build this expression ({exc})") from None  # sympy refused
    return _check_value(_real(expr))


def _real(expr):
    """Every value is real in the generated code; sympy, not knowing it, may write
    ``Abs(10**x)`` as ``10**re(x)``: take ``re``/``im``/``conjugate`` for what they are
    on reals."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.re, sp.im, sp.conjugate):
        return expr
    return expr.replace(sp.re, lambda a: a).replace(sp.im, lambda a: sp.Integer(0)) \
        .replace(sp.conjugate, lambda a: a)
