"""Errors of batch runs, and the one-line form in which they reach the console."""
from __future__ import annotations

import traceback
from pathlib import Path

from ..errors import NeurogenError


class SweepError(NeurogenError):
    """Bad input to a batch run: a model script that fails, an unknown population or
    attribute, a malformed ``--set``/``--seeds``/``--record``, a run that raises."""


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def script_line(exc: BaseException, path: Path) -> str:
    """`` line N`` of ``path`` where ``exc`` was raised in the user's script, else ``''``."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = frame.lineno
    return f" line {line}" if line else ""
