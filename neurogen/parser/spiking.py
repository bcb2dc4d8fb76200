"""The spiking part of a neuron: ``spike=``, ``reset=``, ``refractory=`` and the
conductances ``g_<target>`` that incoming spikes increment (ANNarchy's semantics).

- A conductance ``g_exc`` used in the equations without an equation of its own is
  declared as a variable reset to zero at the end of every step (ANNarchy appends
  ``g_exc = 0.0`` after the neuron's equations): a spike adds ``w`` for one step only.
- The refractory period is an attribute in ms: ``refractory`` (a per-neuron parameter,
  0 unless ``refractory=`` gives a number), or the attribute ``refractory=`` names.
- ``r`` exists on every spiking neuron (the firing rate ``compute_firing_rate`` fills),
  and three hidden per-neuron variables hold the runtime state (:data:`neurogen.ir.SPIKED`...;
  the refractory countdown is a real, in steps, so that the neuron loop holds one type of
  number and vectorises).
"""
from __future__ import annotations

import numbers
import re

import sympy as sp

from ..errors import FlagError, ModelError, ParseError
from ..ir import (LAST_SPIKE, LOCAL, REFRACTORY_LEFT, SPIKE_COUNT, SPIKED, Attribute, Equation,
                  SpikeIR)
from .attributes import equation_target
from .context import ErrorContext, field_lines
from .expressions import Scope, is_condition, parse_expression
from .lines import split_assignment

_CONDUCTANCE = re.compile(r"(?<![\w.])g_([A-Za-z]\w*)")
#: the step of the last spike before any spike (ANNarchy: -10000)
NEVER = -10000
#: the time (ms) of the neuron's last spike, readable in its equations
T_LAST = "t_last"


def conductances(equations: str | None) -> list[str]:
    """The targets whose conductance ``g_<target>`` the equations use, in order of use."""
    found: list[str] = []
    for match in _CONDUCTANCE.finditer(equations or ""):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found


def _declared(parameters: str | None, equations: str | None, name: str) -> set:
    names = set()
    for line in field_lines(parameters, name, "parameters"):
        pair = split_assignment(line.body)
        names.add((pair[0] if pair else line.body).strip())
    for line in field_lines(equations, name, "equations"):
        try:
            names.add(equation_target(line.body)[0])
        except ModelError:
            pass          # reported with its context when the equations are parsed
    return names


def prepare(parameters: str | None, equations: str | None, refractory, name: str):
    """The fields as parsed for a spiking neuron: (parameters, equations, the refractory
    attribute's name, the conductance targets). Adds ``refractory = <value>`` to the
    parameters and ``g_<target> = 0.0`` after the equations where they are missing."""
    declared = _declared(parameters, equations, name)
    targets = conductances(equations)
    extra = [f"g_{t} = 0.0" for t in targets if f"g_{t}" not in declared]
    if extra:
        equations = "\n".join([equations or ""] + extra)
    if isinstance(refractory, str):
        attribute = refractory.strip()
        if not attribute.isidentifier() or attribute not in declared:
            raise ParseError(f"refractory='{refractory}' names no parameter or variable of "
                             "the neuron (give a number of ms or the name of an attribute)",
                             obj=name, field="refractory", equation=refractory,
                             token=refractory)
        return parameters, equations, attribute, targets
    if refractory is None:
        value = 0.0
    elif isinstance(refractory, numbers.Real) and not isinstance(refractory, bool):
        value = float(refractory)
    else:
        raise ParseError(f"refractory must be a number of ms or the name of an attribute, "
                         f"got {type(refractory).__name__} {refractory!r}"[:200],
                         obj=name, field="refractory")
    if not value >= 0.0 or value == float("inf"):
        raise ParseError(f"refractory period must be a finite number >= 0 ms, got {value}",
                         obj=name, field="refractory", equation=str(refractory))
    if "refractory" in declared:
        raise ParseError("the neuron declares an attribute 'refractory' and gives "
                         "refractory= a number: write refractory='refractory' to use the "
                         "attribute", obj=name, field="refractory")
    parameters = "\n".join([parameters or "", f"refractory = {value!r}"])
    return parameters, equations, "refractory", targets


def hidden_attributes(attributes) -> tuple:
    """``r`` where the neuron lacks it, then the runtime state of a spiking neuron."""
    names = {a.name for a in attributes}
    extra = [] if "r" in names else [Attribute("r", "variable", LOCAL, "real", 0.0)]
    extra += [Attribute(SPIKED, "variable", LOCAL, "bool", False),
              Attribute(LAST_SPIKE, "variable", LOCAL, "int", NEVER),
              Attribute(REFRACTORY_LEFT, "variable", LOCAL, "real", 0.0),
              Attribute(SPIKE_COUNT, "variable", LOCAL, "int", 0)]
    return tuple(attributes) + tuple(extra)


def parse_spike(spike: str, reset: str | None, name: str, symbols: dict, functions: dict,
                attributes, refractory: str, targets, axon_spike: str | None = None,
                axon_reset: str | None = None) -> SpikeIR:
    """The spike condition (boolean, over the neuron's attributes) and the reset
    statements (assignments of the neuron's per-neuron variables); the same for the
    axonal spikes (``axon_spike``/``axon_reset``) where given."""
    scope = Scope(names=symbols, functions=functions)
    condition, text = _condition(spike, "spike", name, scope)
    kinds = {a.name: a for a in attributes}
    statements = _resets(reset, "reset", name, scope, kinds)
    if axon_spike is None:
        if axon_reset is not None:
            raise FlagError("axon_reset= runs at axonal spikes: give axon_spike= (their "
                            "condition) too", obj=name, field="axon_reset")
        return SpikeIR(condition=condition, reset=statements, refractory=refractory,
                       conductances=tuple(targets), text=text)
    axon, axon_text = _condition(axon_spike, "axon_spike", name, scope)
    return SpikeIR(condition=condition, reset=statements, refractory=refractory,
                   conductances=tuple(targets), text=text, axon_condition=axon,
                   axon_reset=_resets(axon_reset, "axon_reset", name, scope, kinds),
                   axon_text=axon_text)


def _condition(text, field: str, name: str, scope: Scope):
    """A one-line condition (``spike``/``axon_spike``) and its text."""
    lines = field_lines(text, name, field)
    if len(lines) != 1:
        raise ParseError(f"the {field} condition is one line (e.g. 'v > v_thresh')",
                         obj=name, field=field, equation=str(text))
    line = lines[0]
    with ErrorContext(name, field, line):
        if line.flags:
            raise FlagError(f"the {field} condition takes no flags", token=line.text)
        condition = parse_expression(line.body, scope)
        if not is_condition(condition) and condition.free_symbols:
            condition = sp.Ne(condition, 0)   # a number: true when non-zero (as ANNarchy)
        if not is_condition(condition) or condition in (sp.true, sp.false):
            raise ParseError(f"the {field} condition must be a condition that can hold or "
                             "not (e.g. 'v > v_thresh')", token=line.body)
    return condition, line.text


def _resets(text, field: str, name: str, scope: Scope, kinds: dict) -> tuple:
    """The assignments of ``reset``/``axon_reset`` (per-neuron variables only)."""
    statements = []
    for line in field_lines(text, name, field):
        with ErrorContext(name, field, line):
            if line.flags:
                raise FlagError(f"{field} statements take no flags", token=line.text)
            pair = split_assignment(line.body)
            if pair is None or not pair[0].isidentifier():
                raise ParseError(f"a {field} statement assigns a variable (e.g. 'v = v_reset' "
                                 "or 'u += d')", token=line.body)
            target = pair[0]
            if target not in kinds:
                import difflib
                hint = difflib.get_close_matches(target, sorted(kinds), n=1)
                raise ParseError(f"{field} of an unknown variable '{target}'"
                                 + (f"; did you mean '{hint[0]}'?" if hint else ""),
                                 token=target)
            attribute = kinds[target]
            if attribute.locality != LOCAL:
                raise ParseError(f"'{target}' is population-wide; {field} sets per-neuron "
                                 "variables", token=target)
            rhs = parse_expression(pair[1], scope)
            statements.append(Equation(target, "assign", rhs, "explicit", LOCAL,
                                       (None, None), line.text, line.number))
    return tuple(statements)
