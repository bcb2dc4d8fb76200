"""The spiking part of a synapse: ``pre_spike=`` / ``post_spike=`` statements and the
ODEs flagged ``event-driven`` (ANNarchy's semantics).

- ``pre_spike`` runs for each synapse of a presynaptic spike when it arrives (after the
  delay), ``post_spike`` for each synapse of a postsynaptic neuron that spiked at this
  step. Statements assign ``g_target`` (the postsynaptic conductance of the projection's
  target), the synapse's variables (``w`` included), in order.
- An ``event-driven`` ODE is not integrated every step: at each event the variable is
  brought to the current time in closed form first. Only linear decays
  (``tau * dx/dt = -x``: ``dx/dt = a * x``) have one; anything else is refused.
- ``t_pre`` / ``t_post`` read the time (ms) of the last spike of the pre-/postsynaptic
  neuron.
"""
from __future__ import annotations

import sympy as sp

from ..errors import FlagError, ParseError
from ..ir import LOCAL, Attribute, Equation
from .context import ErrorContext, field_lines
from .expressions import Scope, parse_expression
from .lines import split_assignment

#: the postsynaptic conductance a spike increments (``g_target += w``)
G_TARGET = "g_target"
#: times of the last pre- and postsynaptic spikes (ms)
SPIKE_TIMES = ("t_pre", "t_post")
#: the default transmission of a spiking synapse
DEFAULT_PRE_SPIKE = "g_target += w"
#: the hidden per-synapse time (ms) of the last event, for event-driven variables
LAST_EVENT = "_last_event"
#: the statements run per axonal spike of the presynaptic neuron (``g_target += ...``)
AXON_FIELD = "pre_axon_spike"


def parse_events(text: str | None, field: str, name: str, symbols: dict, functions: dict,
                 attributes) -> tuple:
    """The statements of ``pre_spike``/``post_spike``, as assignment records."""
    kinds = {a.name: a for a in attributes}
    names = {**symbols, G_TARGET: sp.Symbol(G_TARGET)}
    scope = Scope(names=names, functions=functions)
    out = []
    for line in field_lines(text, name, field):
        with ErrorContext(name, field, line):
            if field == AXON_FIELD and line.flags:
                raise FlagError(f"{field} statements take no flags", token=sorted(line.flags)[0])
            flags = {k: v for k, v in line.flags.items() if k not in ("min", "max", "init")}
            if flags:
                raise FlagError(f"{field} statements take only min=, max= and init= flags",
                                token=sorted(flags)[0])
            pair = split_assignment(line.body)
            if pair is None or not pair[0].isidentifier():
                raise ParseError(f"a {field} statement assigns a synapse variable or "
                                 "g_target (e.g. 'g_target += w')", token=line.body)
            target = pair[0]
            if field == AXON_FIELD:
                out.append(_axonal(target, pair[1], scope, line))
                continue
            if target == G_TARGET:
                if field != "pre_spike":
                    raise ParseError("g_target is incremented by presynaptic spikes "
                                     "(pre_spike), not in " + field, token=target)
            elif target not in kinds or kinds[target].kind != "variable":
                import difflib
                known = sorted(a for a in kinds if kinds[a].kind == "variable"
                               and not a.startswith("_"))
                hint = difflib.get_close_matches(target, known + [G_TARGET], n=1)
                what = "a parameter" if target in kinds else "not a variable of the synapse"
                raise ParseError(f"'{target}' is {what}: {field} assigns g_target or the "
                                 f"synapse's variables ({', '.join(known) or 'w'})"
                                 + (f"; did you mean '{hint[0]}'?" if hint else ""),
                                 token=target)
            rhs = parse_expression(pair[1], scope)
            bounds = tuple(parse_expression(str(line.flags[k]), scope)
                           if k in line.flags else None for k in ("min", "max"))
            out.append(Equation(target, "assign", rhs, "explicit",
                                kinds[target].locality if target in kinds else LOCAL,
                                bounds, line.text, line.number))
    return tuple(out)


def _axonal(target: str, rhs: str, scope: Scope, line) -> Equation:
    """A ``pre_axon_spike`` statement: ``g_target += expr`` only (ANNarchy limits it to
    that: an axonal spike changes no synapse variable)."""
    g = sp.Symbol(G_TARGET)
    value = parse_expression(rhs, scope) if target == G_TARGET else None
    if value is None or g in (value - g).free_symbols:
        raise ParseError("pre_axon_spike only increments the conductance: 'g_target += "
                         "expr' (as ANNarchy; axonal spikes change no synapse variable)",
                         token=target if target != G_TARGET else line.body)
    return Equation(G_TARGET, "assign", value, "explicit", LOCAL, (None, None), line.text,
                    line.number)


def check_axonal(statements, post_spike, events, name: str):
    """What ANNarchy refuses with ``pre_axon_spike`` (post_spike: 'not allowed for plastic
    connections'), and reading an event-driven variable (not brought to the axonal
    spike's time: not built)."""
    if not statements:
        return
    if post_spike:
        raise FlagError("pre_axon_spike= cannot be combined with post_spike= (as ANNarchy: "
                        "not allowed for plastic connections)", obj=name,
                        field=AXON_FIELD)
    driven = {sp.Symbol(e.target) for e in events}
    for eq in statements:
        read = sorted(s.name for s in eq.rhs.free_symbols & driven)
        if read:
            raise ParseError(f"pre_axon_spike reads the event-driven variable '{read[0]}', "
                             "which axonal spikes do not bring up to date (not built)",
                             obj=name, field=AXON_FIELD, line=eq.line, equation=eq.text,
                             token=read[0])


def declare_event_variables(texts: dict, name: str, attributes, symbols: dict) -> tuple:
    """Variables that only ``pre_spike``/``post_spike`` assign (``x = pre.v : init=0.0``)
    are declared there, as ANNarchy does: per synapse, real, ``init`` or 0."""
    known = {a.name for a in attributes} | {G_TARGET}
    extra = []
    for field, text in texts.items():
        for line in field_lines(text, name, field):
            pair = split_assignment(line.body)
            target = pair[0] if pair else None
            if not target or not target.isidentifier() or target in known:
                continue
            with ErrorContext(name, field, line):
                init = line.flags.get("init", 0.0)
                try:
                    value = float(init)
                except (TypeError, ValueError):
                    raise FlagError(f"init= of '{target}' must be a number", token=str(init)) \
                        from None
            known.add(target)
            symbols[target] = sp.Symbol(target)
            extra.append(Attribute(target, "variable", LOCAL, "real", value))
    return tuple(attributes) + tuple(extra)


def decays(events, name: str) -> tuple:
    """(variable, a, b) for each event-driven ODE ``dx/dt = a * x + b``: at an event,
    ``x = -b/a + (x + b/a) * exp(a * (t - t_last_event))`` (``x *= exp(...)`` when b = 0)."""
    out = []
    for eq in events:
        x = sp.Symbol(eq.target)
        rhs = sp.expand(eq.rhs)
        rate, rest = sp.simplify(sp.diff(rhs, x)), sp.simplify(rhs - sp.diff(rhs, x) * x)
        variable = {x} | {s for s in (rate.free_symbols | rest.free_symbols)
                          if s.name.startswith(("pre.", "post.", "_rand"))
                          or s.name in ("t", "w", *SPIKE_TIMES)}
        if rate == 0 or (rate.free_symbols | rest.free_symbols) & variable:
            raise ParseError(f"an event-driven variable must relax linearly between events "
                             f"(e.g. 'tau * d{eq.target}/dt = -{eq.target}' or '(1 - "
                             f"{eq.target}) / tau'), so that it is solved in closed form at "
                             "each event", obj=name,
                             field="equations", line=eq.line, equation=eq.text,
                             token=eq.target)
        out.append((eq.target, rate, rest))
    return tuple(out)
