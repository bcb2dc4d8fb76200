"""Declarations: which parameters and variables a neuron or synapse has, with their
locality, C type and initial value (a number, or the value of an attribute declared
before it: ``init = tau``)."""
from __future__ import annotations

import math

import difflib
import io
import tokenize

import sympy as sp

from ..errors import FlagError, ODEError, ParseError
from ..ir import GLOBAL, LOCAL, METHODS, POSTSYNAPTIC, Attribute
from .context import ErrorContext
from .expressions import Scope, parse_expression
from .lines import Line, split_assignment

RESERVED = {"t", "dt", "sum", "w", "pre", "post", "if", "then", "else", "and", "or", "not",
            "True", "False", "None", "true", "false", "is"}
TYPE_FLAGS = {"int": "int", "bool": "bool", "float": "real", "double": "real"}
PARAMETER_FLAGS = {"population", "projection", "postsynaptic", *TYPE_FLAGS}
#: spiking neurons: the variable keeps its value while refractory, as every variable not
#: named g_* does anyway (ANNarchy 5 accepts the flag and behaves the same)
UNLESS_REFRACTORY = "unless_refractory"
EQUATION_FLAGS = PARAMETER_FLAGS | {"init", "min", "max", "method", UNLESS_REFRACTORY, *METHODS}
_ZERO = {"int": 0, "bool": False}
#: marks a neuron's parameter as fitted by training (recorded, ignored by simulate())
TRAINABLE = "trainable"


def check_flags(flags: dict, allowed: set):
    for flag in flags:
        if flag not in allowed:
            hint = difflib.get_close_matches(flag, sorted(allowed), n=1)
            raise FlagError(f"unknown flag '{flag}'" + (f"; did you mean '{hint[0]}'?" if hint
                                                         else ""), token=flag)


def ctype_of(flags: dict) -> str:
    types = [TYPE_FLAGS[f] for f in flags if f in TYPE_FLAGS]
    if len(types) > 1:
        raise FlagError("more than one type flag", token="int" if "int" in flags else "bool")
    return types[0] if types else "real"


def locality_of(flags: dict, is_synapse: bool) -> str:
    if not is_synapse:
        return GLOBAL if "population" in flags else LOCAL
    if "projection" in flags:
        return GLOBAL
    return POSTSYNAPTIC if "postsynaptic" in flags else LOCAL


def equation_target(body: str) -> tuple[str, bool]:
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


class Declarations:
    """Collects the attributes of one object, checking names as they are declared."""

    def __init__(self, obj: str, constants: dict, functions: dict, is_synapse: bool):
        self.obj, self.constants, self.is_synapse = obj, constants, is_synapse
        # ``w`` is the weight in synapses; neurons may use the name (ANNarchy's EIF
        # models name their adaptation current w)
        self.reserved = RESERVED - {"w"}
        self.functions = functions
        self.attributes: list[Attribute] = []

    def names(self) -> set:
        return {a.name for a in self.attributes}

    def _check_name(self, name: str):
        if not name.isidentifier():
            raise ParseError(f"'{name}' is not a valid name", token=name)
        if name in self.reserved or name.startswith("_"):
            raise ParseError(f"'{name}' is a reserved name", token=name)
        if name in self.names():
            kind = next(a.kind for a in self.attributes if a.name == name)
            if kind == "parameter":
                raise ParseError(f"'{name}' is a parameter and cannot be assigned in "
                                 "equations", token=name)
            raise ParseError(f"'{name}' is defined twice", token=name)

    def value(self, text: str, ctype: str):
        """A number written with constants and attributes declared above (their initial
        values), e.g. ``init = tau`` or ``init = 2 * baseline``."""
        names = {"pi": sp.pi, **{c: sp.Float(v) for c, v in self.constants.items()}}
        names.update({a.name: sp.sympify(a.init) for a in self.attributes})
        expr = parse_expression(text, Scope(names=names, functions=self.functions))
        if expr in (sp.true, sp.false):
            return bool(expr)
        if not expr.is_number:
            raise ParseError(f"'{text}' is not a number (an initial value may use numbers, "
                             "constants and attributes declared before)", token=text)
        try:
            value = complex(expr)
        except (TypeError, ValueError, OverflowError):
            raise ParseError(f"'{text}' cannot be evaluated to a number", token=text) \
                from None
        if value.imag:
            raise ParseError(f"'{text}' is not a real number", token=text)
        if not math.isfinite(value.real) or (ctype == "int" and abs(value.real) >= 2 ** 31):
            raise ParseError(f"'{text}' is out of range for a"
                             f"{'n int' if ctype == 'int' else ' ' + ctype} value", token=text)
        return {"int": int, "bool": bool}.get(ctype, float)(value.real)

    def _trainable(self, line: Line, name: str, kind: str) -> bool:
        """The ``trainable`` flag: a bare flag on a neuron's parameter only."""
        if TRAINABLE not in line.flags:
            return False
        if line.flags[TRAINABLE] is not True:
            raise FlagError("flag 'trainable' takes no value", token=TRAINABLE)
        if self.is_synapse:
            raise FlagError(f"'{name}' is a synapse {kind}: training fits neuron parameters "
                            "and projection weights (trainable=[projection])",
                            token=TRAINABLE)
        if kind == "variable":
            raise FlagError(f"'{name}' is a variable (an equation sets it each step): only "
                            "parameters can be trainable; declare it in parameters= to "
                            "train it", token=TRAINABLE)
        return True

    def parameter(self, line: Line):
        check_flags(line.flags, PARAMETER_FLAGS | {TRAINABLE})
        pair = split_assignment(line.body)
        name = (pair[0] if pair else line.body).strip()
        trainable = self._trainable(line, name, "parameter")
        self._check_name(name)
        ctype = ctype_of(line.flags)
        init = self.value(pair[1], ctype) if pair else _ZERO.get(ctype, 0.0)
        self.attributes.append(Attribute(name, "parameter", locality_of(line.flags,
                                                                        self.is_synapse),
                                         ctype, init, trainable))

    def variable(self, line: Line) -> tuple[str, bool]:
        if TRAINABLE in line.flags:
            self._trainable(line, equation_target(line.body)[0], "variable")
        check_flags(line.flags, EQUATION_FLAGS)
        target, is_ode = equation_target(line.body)
        self._check_name(target)
        ctype = ctype_of(line.flags)
        if line.flags.get("init") is True:
            raise FlagError("flag 'init' needs a value ('init=...')", token="init")
        init = self.value(str(line.flags["init"]), ctype) if "init" in line.flags \
            else _ZERO.get(ctype, 0.0)
        self.attributes.append(Attribute(target, "variable",
                                         locality_of(line.flags, self.is_synapse), ctype, init))
        return target, is_ode


def declare(obj: str, parameter_lines, equation_lines, constants: dict, functions: dict,
            is_synapse: bool):
    """(attributes, [(target, is_ode) per equation line])."""
    decl = Declarations(obj, constants, functions, is_synapse)
    for line in parameter_lines:
        with ErrorContext(obj, "parameters", line):
            decl.parameter(line)
    targets = []
    for line in equation_lines:
        with ErrorContext(obj, "equations", line):
            targets.append(decl.variable(line))
    if is_synapse and "w" not in decl.names():   # the weight, unless declared otherwise
        decl.attributes.append(Attribute("w", "variable", LOCAL, "real", 0.0))
    return decl.attributes, targets
