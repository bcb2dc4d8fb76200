"""The only way user text reaches generated code: comments, reduced to a safe alphabet.

Names of populations, projections and the like never enter generated code (buffers are
named by index); equations are printed from sympy through the printer. What remains is
documentation: comments keep ``[A-Za-z0-9_ .-]`` and nothing else (no newline, no
backslash, no ``*/``), so a comment can never end early or splice into code.
"""
from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_ .\-]+")
_SPACES = re.compile(r" {2,}")


def comment(text) -> str:
    """``text`` with every character outside ``[A-Za-z0-9_ .-]`` replaced by a space."""
    return _SPACES.sub(" ", _UNSAFE.sub(" ", str(text))).strip()
