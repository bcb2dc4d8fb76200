"""Parsing the command-line specifications of batch runs: ``--set``, ``--seeds``,
``--record``."""
from __future__ import annotations

import re

from .errors import SweepError


def parse_value(text: str, spec: str):
    text = text.strip()
    if text in ("True", "true"):
        return True
    if text in ("False", "false"):
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise SweepError(f"malformed --set {spec!r}: {text!r} is not a number") from None


def parse_set(spec: str, multiple: bool = True) -> tuple[str, list]:
    """``'focus.tau=5,10,20'`` → ``('focus.tau', [5, 10, 20])``."""
    target, sep, values = spec.partition("=")
    target = target.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][\w]*\.[A-Za-z_]\w*", target):
        raise SweepError(f"malformed --set {spec!r}: expected POPULATION.ATTRIBUTE="
                         f"{'V1,V2,...' if multiple else 'VALUE'}")
    parts = values.split(",")
    if not values.strip() or any(not p.strip() for p in parts):
        raise SweepError(f"malformed --set {spec!r}: empty value")
    if len(parts) > 1 and not multiple:
        raise SweepError(f"malformed --set {spec!r}: one value per parameter here "
                         "(use 'neurogen sweep' for several)")
    values = [parse_value(p, spec) for p in parts]
    if len({format_value(v) for v in values}) != len(values):
        raise SweepError(f"malformed --set {spec!r}: a value is repeated")
    return target, values


def parse_sets(specs, multiple: bool = True) -> dict:
    result: dict = {}
    for spec in specs:
        target, values = parse_set(spec, multiple)
        if target in result:
            raise SweepError(f"--set {target} given twice")
        result[target] = values
    return result


def parse_seeds(text: str | None) -> list:
    """``'0-9'``, ``'1,5,7'``, ``'0-3,10'`` → list of ints (``None`` → ``[None]``)."""
    if text is None:
        return [None]
    seeds: list = []
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise SweepError(f"malformed --seeds {text!r}: expected e.g. 0-9 or 1,5,7")
        lo, hi = int(match.group(1)), int(match.group(2) or match.group(1))
        if hi < lo:
            raise SweepError(f"malformed --seeds {text!r}: empty range {part}")
        seeds.extend(range(lo, hi + 1))
    if len(set(seeds)) != len(seeds):
        raise SweepError(f"malformed --seeds {text!r}: a seed is repeated")
    return seeds


def parse_record(spec: str) -> tuple[str, str]:
    pop, sep, attr = spec.partition(".")
    if not sep or not pop or not attr or "." in attr:
        raise SweepError(f"malformed --record {spec!r}: expected POPULATION.ATTRIBUTE, "
                         "e.g. focus.r")
    return pop, attr


def format_value(value) -> str:
    """A parameter value as it appears in run ids (``repr`` keeps floats exact)."""
    return repr(value) if isinstance(value, float) else str(value)
