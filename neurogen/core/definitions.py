"""ANNarchy 5's definition objects, written back as the equation text neurogen parses::

    Neuron(parameters=dict(tau=10.0, baseline=Parameter(0.0, locality="local")),
           equations=["r = baseline", Variable("tau * dv/dt = -v", init=1.0, min=0.0)])

In the ``dict`` form a plain value is one value per population (per projection in a
synapse), and so is ``Parameter(value)`` (``locality='global'`` by default, as in ANNarchy
5.0.4.1; ``'local'``: one value per neuron or synapse). Variables are local by default.
``equations=`` takes a string, one ``Variable`` or a list of strings and ``Variable`` objects;
``parameters=`` a string, a dict or a list of strings.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ModelError

_LOCALITIES = ("global", "semiglobal", "local")
#: the flag names ANNarchy also takes as localities
_ALIASES = {"population": "global", "projection": "global", "postsynaptic": "semiglobal"}
_TYPES = {float: None, "float": None, "double": None, int: "int", "int": "int",
          bool: "bool", "bool": "bool"}


@dataclass
class Parameter:
    """A parameter of ``parameters=dict(...)``: ``value``, ``locality`` ('global', the
    default, 'semiglobal' (synapses: one per postsynaptic neuron) or 'local'), ``type``;
    ``trainable=True`` is the ``: trainable`` flag (:mod:`neurogen.training`)."""
    value: object
    locality: str = "global"
    type: object = float
    trainable: bool = False


@dataclass
class Variable:
    """A variable of ``equations=``: the equation and its flags (``locality`` 'local',
    the default, 'global' or 'semiglobal')."""
    equation: str
    init: object = None
    min: object = None
    max: object = None
    method: str | None = None
    type: object = float
    locality: str = "local"


def _locality_flag(locality: str, is_synapse: bool, owner: str) -> str | None:
    locality = _ALIASES.get(locality, locality) if isinstance(locality, str) else locality
    if locality not in _LOCALITIES:
        raise ModelError(f"locality must be one of {', '.join(map(repr, _LOCALITIES))}, "
                         f"got {locality!r}", obj=owner)
    if locality == "local":
        return None
    if locality == "semiglobal":
        if not is_synapse:
            raise ModelError("locality 'semiglobal' exists for synapses only", obj=owner)
        return "postsynaptic"
    return "projection" if is_synapse else "population"


def _type_flag(kind, owner: str) -> str | None:
    if kind not in _TYPES:
        raise ModelError(f"type must be float, int or bool, got {kind!r}", obj=owner)
    return _TYPES[kind]


def _trainable_flag(trainable, owner: str) -> str | None:
    if not isinstance(trainable, bool):
        raise ModelError(f"trainable must be True or False, got {trainable!r}", obj=owner)
    return "trainable" if trainable else None


def _number(value, what: str, owner: str) -> str:
    if hasattr(value, "get_values"):
        raise ModelError(f"{what}: a random initial value is not taken in a definition; "
                         "assign it after creation (pop.x = Uniform(0, 1))", obj=owner)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return value
    raise ModelError(f"{what}: expected a number, got {type(value).__name__}", obj=owner)


def _line(statement: str, flags: list) -> str:
    flags = [f for f in flags if f]
    return statement + (" : " + ", ".join(flags) if flags else "")


def parameters_text(parameters, is_synapse: bool, owner: str) -> str:
    """``parameters=`` as text: a string is kept, a list of strings joined line by line,
    a dict written line by line."""
    if parameters is None or isinstance(parameters, str):
        return parameters or ""
    if isinstance(parameters, Parameter):
        raise ModelError("parameters: a Parameter(...) needs a name: "
                         "parameters=dict(name=Parameter(...))", obj=owner)
    if isinstance(parameters, (list, tuple)):
        for item in parameters:
            if not isinstance(item, str):
                raise ModelError("parameters: a list holds strings ('tau = 10.0 : "
                                 f"population'), got {type(item).__name__}; for "
                                 "Parameter(...) use parameters=dict(name=Parameter(...))",
                                 obj=owner)
        return "\n".join(parameters)
    if not isinstance(parameters, dict):
        raise ModelError(f"parameters must be a string, a dict or a list of strings, got "
                         f"{type(parameters).__name__}", obj=owner)
    lines = []
    for name, spec in parameters.items():
        if not isinstance(spec, Parameter):
            spec = Parameter(spec, locality="global",
                             type=bool if isinstance(spec, bool) else float)
        lines.append(_line(f"{name} = {_number(spec.value, name, owner)}",
                           [_locality_flag(spec.locality, is_synapse, owner),
                            _type_flag(spec.type, owner),
                            _trainable_flag(spec.trainable, owner)]))
    return "\n".join(lines)


def equations_text(equations, is_synapse: bool, owner: str, field: str = "equations") -> str:
    """``equations=`` (or another statement field, named ``field``) as text: a string is
    kept; one ``Variable``, or a list of strings and ``Variable`` objects, is written line by
    line."""
    if equations is None or isinstance(equations, str):
        return equations or ""
    if isinstance(equations, Variable):
        equations = [equations]
    if isinstance(equations, Parameter):
        raise ModelError(f"{field}: Parameter(...) belongs in parameters=dict(name="
                         "Parameter(...)); equations take Variable(...)", obj=owner)
    if not isinstance(equations, (list, tuple)):
        raise ModelError(f"{field} must be a string, a Variable or a list, got "
                         f"{type(equations).__name__}", obj=owner)
    lines = []
    for item in equations:
        if isinstance(item, str):
            lines.append(item)
            continue
        if not isinstance(item, Variable):
            raise ModelError(f"{field}: expected strings or Variable(...), got "
                             f"{type(item).__name__}", obj=owner)
        flags = [_locality_flag(item.locality, is_synapse, owner), _type_flag(item.type, owner)]
        for key in ("init", "min", "max"):
            value = getattr(item, key)
            if value is not None:
                flags.append(f"{key} = {_number(value, key, owner)}")
        if item.method is not None:
            flags.append(item.method)
        lines.append(_line(" ".join(item.equation.split()), flags))
    return "\n".join(lines)


@dataclass
class Creating:
    """ANNarchy 5's ``creating=Creating("pre.r * post.r > T", proba=0.1, w=0.01)``."""
    equation: str
    proba: float = 1.0
    w: float = 0.0
    d: float | None = None


@dataclass
class Pruning:
    """ANNarchy 5's ``pruning=Pruning("age > T", proba=0.5)``."""
    equation: str
    proba: float = 1.0


def rule_text(rule, kind: str, owner: str) -> str | None:
    """A ``creating=``/``pruning=`` rule as text: a string is kept, ``Creating`` /
    ``Pruning`` are written as ``condition : proba = p, w = v, d = d``."""
    wanted = Creating if kind == "creating" else Pruning
    if rule is None or isinstance(rule, str):
        return rule
    if not isinstance(rule, wanted) or not isinstance(rule.equation, str):
        raise ModelError(f"{kind} must be a string or {wanted.__name__}(...), got "
                         f"{type(rule).__name__}", obj=owner, field=kind)
    flags = [f"{key} = {_number(getattr(rule, key), key, owner)}"
             for key in ("proba", "w", "d") if getattr(rule, key, None) is not None]
    return _line(" ".join(rule.equation.split()), flags)
