"""Parse a neuron or a rate-coded synapse description into its IR.

The steps live in their own modules: :mod:`.lines` (statements and flags),
:mod:`.attributes` (declarations), :mod:`.equations` (right-hand sides, ODEs),
:mod:`.user_functions` (``functions=`` and ``add_function``), :mod:`.conditions`
(stop conditions). This module only puts them together.
"""
from __future__ import annotations

import sympy as sp

from ..errors import FlagError
from ..ir import LOCAL, Attribute, NeuronIR, SynapseIR
from .attributes import UNLESS_REFRACTORY, declare
from .conditions import parse_condition  # noqa: F401  (re-exported)
from .context import ErrorContext, field_lines
from .equations import check_method  # noqa: F401  (re-exported)
from .expressions import Scope, parse_expression
from .lines import Line, split_lines
from .structural import parse_rules
from .user_functions import parse_functions, visible_functions  # noqa: F401

OPERATIONS = ("sum", "max", "min", "mean")
#: the flag of a spiking synapse's ODE solved in closed form at each event
EVENT_DRIVEN = "event-driven"


def parse_neuron(parameters: str | None, equations: str | None, functions: str | None,
                 name: str, constants: dict, default_method: str = "explicit",
                 description: str = "", spiking: dict | None = None) -> NeuronIR:
    """Build the IR of a neuron. ``constants`` maps constant names to values;
    ``spiking`` holds ``spike``/``reset``/``refractory`` of a spiking neuron
    (:mod:`.spiking`)."""
    spiking = dict(spiking or {})
    if not spiking:
        fields = _parse(parameters, equations, functions, name, constants, default_method,
                        description, extra_names={})
        return NeuronIR(**fields)
    from . import spiking as spk
    if spiking.get("spike") is None:
        raise FlagError(f"{', '.join(sorted(spiking))}= belong to a spiking neuron, which "
                        "needs spike= (its condition)", obj=name, field=sorted(spiking)[0])
    parameters, equations, refractory, targets = spk.prepare(
        parameters, equations, spiking.get("refractory"), name)
    fields = _parse(parameters, equations, functions, name, constants, default_method,
                    description, extra_names={spk.T_LAST: sp.Symbol(spk.T_LAST)},
                    keep_functions=True, spiking=True)
    user_functions = fields.pop("_functions")
    spike = spk.parse_spike(spiking["spike"], spiking.get("reset"), name, fields["symbols"],
                            user_functions, fields["attributes"], refractory, targets,
                            spiking.get("axon_spike"), spiking.get("axon_reset"))
    used = set(spike.condition.free_symbols).union(
        *(e.rhs.free_symbols for e in spike.reset + spike.axon_reset),
        spike.axon_condition.free_symbols if spike.axon_condition is not None else ())
    fields["constants"] = tuple(sorted(set(fields["constants"]) | {
        c for c in constants if fields["symbols"].get(c) in used}))
    fields["attributes"] = spk.hidden_attributes(fields["attributes"])
    return NeuronIR(**fields, spike=spike)


def parse_synapse(parameters: str | None, equations: str | None, functions: str | None,
                  psp: str | None, operation: str, name: str, constants: dict,
                  pre: NeuronIR, post: NeuronIR, default_method: str = "explicit",
                  description: str = "", creating: str | None = None,
                  pruning: str | None = None, spiking: dict | None = None) -> SynapseIR:
    """Build the IR of a synapse between neurons ``pre`` and ``post``, with its
    structural-plasticity rules (:mod:`.structural`); a spiking presynaptic neuron makes
    it a spiking synapse (``spiking``: its ``pre_spike``/``post_spike``,
    :mod:`.spiking_synapse`)."""
    from . import spiking_synapse as spk
    if operation not in OPERATIONS:
        raise FlagError(f"operation must be one of {', '.join(OPERATIONS)}, got "
                        f"{operation!r}", obj=name, field="operation")
    spiking = {k: v for k, v in (spiking or {}).items() if v is not None}
    if spiking and not pre.is_spiking:
        raise FlagError(f"{', '.join(sorted(spiking))}= belong to spiking synapses; the "
                        f"presynaptic neuron '{pre.name}' is rate-coded", obj=name,
                        field=sorted(spiking)[0])
    extra = {f"pre.{a.name}": sp.Symbol(f"pre.{a.name}") for a in pre.attributes}
    extra.update({f"post.{a.name}": sp.Symbol(f"post.{a.name}") for a in post.attributes})
    if pre.is_spiking:
        extra.update({n: sp.Symbol(n) for n in spk.SPIKE_TIMES})
    fields = _parse(parameters, equations, functions, name, constants, default_method,
                    description, extra_names=extra, is_synapse=True)
    events = fields.pop("_events")
    if events and not pre.is_spiking:
        raise FlagError("'event-driven' belongs to spiking synapses (the presynaptic neuron "
                        f"'{pre.name}' is rate-coded)", obj=name, field="equations",
                        line=events[0].line, equation=events[0].text, token="event-driven")
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
    if not pre.is_spiking:
        return SynapseIR(**fields, psp=psp_expr, operation=operation, **rules)
    user_functions = visible_functions(functions, name)
    fields["attributes"] = spk.declare_event_variables(
        {"pre_spike": spiking.get("pre_spike"), "post_spike": spiking.get("post_spike")},
        name, fields["attributes"], fields["symbols"])
    if events:       # their closed form reads the time of the synapse's last event
        fields["attributes"] = tuple(fields["attributes"]) + (
            Attribute(spk.LAST_EVENT, "variable", LOCAL, "real", 0.0),)
    if psp_expr is not None and (spiking or events):
        raise FlagError("psp= (continuous transmission) cannot be combined with pre_spike=, "
                        "post_spike= or event-driven variables in one synapse", obj=name,
                        field="psp")
    default = None if psp_expr is not None else spk.DEFAULT_PRE_SPIKE   # psp: no events
    pre_spike = spk.parse_events(spiking.get("pre_spike", default),
                                 "pre_spike", name, fields["symbols"], user_functions,
                                 fields["attributes"])
    post_spike = spk.parse_events(spiking.get("post_spike"), "post_spike", name,
                                  fields["symbols"], user_functions, fields["attributes"])
    axonal = spk.parse_events(spiking.get(spk.AXON_FIELD), spk.AXON_FIELD, name,
                              fields["symbols"], user_functions, fields["attributes"])
    spk.check_axonal(axonal, post_spike, events, name)
    read = {s for e in pre_spike + post_spike + axonal for s in e.rhs.free_symbols}
    read |= {s for _, rate, rest in spk.decays(events, name)
             for s in rate.free_symbols | rest.free_symbols}
    fields["constants"] = tuple(sorted(set(fields["constants"]) | {
        c for c in constants if fields["symbols"].get(c) in read and c not in own}))
    return SynapseIR(**fields, psp=psp_expr, operation=operation, **rules, spiking=True,
                     pre_spike=pre_spike, post_spike=post_spike, pre_axon_spike=axonal,
                     event_driven=spk.decays(events, name))


def _parse(parameters, equations, functions, name, constants, default_method, description,
           extra_names: dict, is_synapse: bool = False, keep_functions: bool = False,
           spiking: bool = False) -> dict:
    from .equations import EquationParser
    user_functions = visible_functions(functions, name)
    eq_lines = field_lines(equations, name, "equations")
    for line in eq_lines:
        if UNLESS_REFRACTORY in line.flags and not spiking:
            raise FlagError(f"'{UNLESS_REFRACTORY}' belongs to spiking neurons (their "
                            "refractory period)", obj=name, field="equations",
                            line=line.number, equation=line.text, token=UNLESS_REFRACTORY)
    event_driven = set()        # spiking synapses: ODEs solved at events (.spiking_synapse)
    if is_synapse:
        for n, line in enumerate(eq_lines):
            if EVENT_DRIVEN in line.flags:
                event_driven.add(n)
                eq_lines[n] = Line(line.number, line.text, line.body,
                                   {k: v for k, v in line.flags.items() if k != EVENT_DRIVEN})
    attributes, targets = declare(name, field_lines(parameters, name, "parameters"), eq_lines,
                                  constants,
                                  user_functions, is_synapse)
    own = {a.name for a in attributes}     # an attribute named like a Constant shadows it
    constants = {c: v for c, v in constants.items() if c not in own}
    names = {"pi": sp.pi, **{a.name: sp.Symbol(a.name) for a in attributes}}
    names.update(extra_names)
    names.update({c: sp.Symbol(c) for c in constants})
    names.update({"t": sp.Symbol("t"), "dt": sp.Symbol("dt")})
    parser = EquationParser(name, names, user_functions, {a.name: a.locality for a in attributes},
                            is_synapse, default_method)
    ir_equations = parser.parse(eq_lines, targets)
    events = tuple(e for n, e in enumerate(ir_equations) if n in event_driven)
    ir_equations = [e for n, e in enumerate(ir_equations) if n not in event_driven]

    used = set().union(*(e.rhs.free_symbols for e in ir_equations)) if ir_equations else set()
    used |= {s for e in ir_equations for b in e.bounds if b is not None for s in b.free_symbols}
    used |= {s for r in parser.randoms for a in r.args for s in a.free_symbols}
    used |= {s for r in parser.reductions for s in r.expr.free_symbols}
    used |= {s for e in events for s in e.rhs.free_symbols}
    used_constants = tuple(sorted(c for c in constants if names[c] in used))
    fields = dict(name=name, attributes=tuple(attributes), equations=tuple(ir_equations),
                  targets=tuple(parser.sums), randoms=tuple(parser.randoms),
                  reductions=tuple(parser.reductions), constants=used_constants,
                  description=description, symbols=names)
    if is_synapse or keep_functions:
        fields["_functions"] = user_functions
    if is_synapse:
        fields["_events"] = events
    return fields
