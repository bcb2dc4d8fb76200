"""Parse a neuron or a rate-coded synapse description into its IR.

The steps live in their own modules: :mod:`.lines` (statements and flags),
:mod:`.attributes` (declarations), :mod:`.equations` (right-hand sides, ODEs),
:mod:`.user_functions` (``functions=`` and ``add_function``), :mod:`.conditions`
(stop conditions). This module only puts them together.
"""
from __future__ import annotations

import sympy as sp

from ..errors import FlagError
from ..ir import NeuronIR, SynapseIR
from .attributes import declare
from .conditions import parse_condition  # noqa: F401  (re-exported)
from .context import ErrorContext, field_lines
from .equations import check_method  # noqa: F401  (re-exported)
from .expressions import Scope, parse_expression
from .lines import Line, split_lines
from .structural import parse_rules
from .user_functions import parse_functions, visible_functions  # noqa: F401

OPERATIONS = ("sum", "max", "min", "mean")


def parse_neuron(parameters: str | None, equations: str | None, functions: str | None,
                 name: str, constants: dict, default_method: str = "explicit",
                 description: str = "") -> NeuronIR:
    """Build the IR of a neuron. ``constants`` maps constant names to values."""
    fields = _parse(parameters, equations, functions, name, constants, default_method,
                    description, extra_names={})
    return NeuronIR(**fields)


def parse_synapse(parameters: str | None, equations: str | None, functions: str | None,
                  psp: str | None, operation: str, name: str, constants: dict,
                  pre: NeuronIR, post: NeuronIR, default_method: str = "explicit",
                  description: str = "", creating: str | None = None,
                  pruning: str | None = None) -> SynapseIR:
    """Build the IR of a rate-coded synapse between neurons ``pre`` and ``post``, with
    its structural-plasticity rules (:mod:`.structural`)."""
    if operation not in OPERATIONS:
        raise FlagError(f"operation must be one of {', '.join(OPERATIONS)}, got "
                        f"{operation!r}", obj=name, field="operation")
    extra = {f"pre.{a.name}": sp.Symbol(f"pre.{a.name}") for a in pre.attributes}
    extra.update({f"post.{a.name}": sp.Symbol(f"post.{a.name}") for a in post.attributes})
    fields = _parse(parameters, equations, functions, name, constants, default_method,
                    description, extra_names=extra, is_synapse=True)
    psp_expr = None
    if psp and psp.strip():
        text = " ".join(psp.split())
        line = Line(1, text, text, {})
        with ErrorContext(name, "psp", line):
            psp_expr = parse_expression(line.body, Scope(names=fields["symbols"],
                                                         functions=fields["_functions"]))
    rules = parse_rules(creating, pruning, name, fields["symbols"], fields.pop("_functions"),
                        fields["attributes"])
    # constants the psp and the rules read are generated-code inputs, as the equations'
    read = [e for e in (psp_expr, *(r.condition for r in rules.values() if r)) if e is not None]
    own = {a.name for a in fields["attributes"]}       # shadowed constants are not read
    used = {c for c in constants if c not in own
            for e in read if fields["symbols"][c] in e.free_symbols}
    fields["constants"] = tuple(sorted(set(fields["constants"]) | used))
    return SynapseIR(**fields, psp=psp_expr, operation=operation, **rules)


def _parse(parameters, equations, functions, name, constants, default_method, description,
           extra_names: dict, is_synapse: bool = False) -> dict:
    from .equations import EquationParser
    user_functions = visible_functions(functions, name)
    eq_lines = field_lines(equations, name, "equations")
    attributes, targets = declare(name, field_lines(parameters, name, "parameters"), eq_lines,
                                  constants,
                                  user_functions, is_synapse)
    own = {a.name for a in attributes}     # an attribute named like a Constant shadows it
    constants = {c: v for c, v in constants.items() if c not in own}
    names = {a.name: sp.Symbol(a.name) for a in attributes}
    names.update(extra_names)
    names.update({c: sp.Symbol(c) for c in constants})
    names.update({"t": sp.Symbol("t"), "dt": sp.Symbol("dt")})
    parser = EquationParser(name, names, user_functions, {a.name: a.locality for a in attributes},
                            is_synapse, default_method)
    ir_equations = parser.parse(eq_lines, targets)

    used = set().union(*(e.rhs.free_symbols for e in ir_equations)) if ir_equations else set()
    used |= {s for e in ir_equations for b in e.bounds if b is not None for s in b.free_symbols}
    used |= {s for r in parser.randoms for a in r.args for s in a.free_symbols}
    used |= {s for r in parser.reductions for s in r.expr.free_symbols}
    used_constants = tuple(sorted(c for c in constants if names[c] in used))
    fields = dict(name=name, attributes=tuple(attributes), equations=tuple(ir_equations),
                  targets=tuple(parser.sums), randoms=tuple(parser.randoms),
                  reductions=tuple(parser.reductions), constants=used_constants,
                  description=description, symbols=names)
    if is_synapse:
        fields["_functions"] = user_functions
    return fields
