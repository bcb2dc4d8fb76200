"""Arithmetic on parsed values that must behave as C computes it, or be refused before
sympy spends minutes on it: bounded powers, quotients that keep their NaN, and the test
for a condition (which has no arithmetic). Used by the expression parser and by the
built-in functions alike, so it sits below both."""
from __future__ import annotations

import math

import sympy as sp

from ..errors import ParseError


def power(base, exponent):
    """``base ** exponent``, refusing numeric powers beyond the double range *before*
    sympy evaluates them (``2**10**10`` would take minutes and gigabytes)."""
    if isinstance(base, sp.Number) and isinstance(exponent, sp.Number) and base != 0:
        try:
            magnitude = float(abs(exponent)) * abs(_log10(abs(base)))
        except (TypeError, ValueError, OverflowError):
            magnitude = math.inf
        if magnitude > 400:
            raise ParseError(f"{base}**{exponent} is beyond the double range")
    if is_condition(base) or is_condition(exponent):
        raise TypeError("power of a condition")
    return base ** exponent


def is_condition(value) -> bool:
    """A comparison or a logical combination (sympy symbols are Booleans too: not those)."""
    return isinstance(value, (sp.core.relational.Relational, sp.logic.boolalg.BooleanFunction,
                              sp.logic.boolalg.BooleanAtom))


def _log10(number: sp.Number) -> float:
    if isinstance(number, sp.Integer):
        return math.log10(int(number))
    if isinstance(number, sp.Rational):
        return math.log10(int(number.p)) - math.log10(int(number.q))
    return math.log10(float(number)) if float(number) > 0 else 0.0


def divide(numerator, denominator):
    """``numerator / denominator`` as C computes it: sympy cancels ``x/x`` to 1, which
    hides the NaN of 0/0, so a quotient that would lose a symbol of its denominator
    keeps the denominator as written."""
    quotient = numerator / denominator
    if denominator.free_symbols - quotient.free_symbols:
        return numerator / sp.UnevaluatedExpr(denominator)
    return quotient
