"""What neurogen tells the user: the ``neurogen`` logger for compile, cache and backend
events, and short console lines for what takes time.

Every event is a record on ``logging.getLogger("neurogen")`` (a library adds no handler
but a ``NullHandler``: configure logging to collect them). Independently, ``compile()``
prints its progress on stderr unless ``silent=True`` (ANNarchy's ``compile(silent=...)``),
so a cold build is never minutes of silence, and stdout stays free for a script's output.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
import time

logger = logging.getLogger("neurogen")
logger.addHandler(logging.NullHandler())


#: ``NEUROGEN_QUIET=1`` silences the console lines process-wide (the ``neurogen`` command
#: sets it: its stderr carries one-line errors, its stdout results).
QUIET_ENV = "NEUROGEN_QUIET"


def say(message: str, silent: bool = False, level: int = logging.INFO):
    """Log ``message``; print it on stderr too unless ``silent`` (or ``NEUROGEN_QUIET``)."""
    logger.log(level, message)
    if not silent and os.environ.get(QUIET_ENV, "0") in ("", "0"):
        print(f"neurogen: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def timed(message: str, silent: bool = False):
    """``message...`` before, ``message: done in X s`` after (or ``failed``)."""
    say(f"{message}...", silent)
    start = time.perf_counter()
    try:
        yield
    except BaseException:
        say(f"{message}: failed after {time.perf_counter() - start:.1f} s", silent,
            logging.WARNING)
        raise
    say(f"{message}: done in {time.perf_counter() - start:.1f} s", silent)


def measured(duration_ms: float, seconds: float):
    """What ANNarchy prints for ``simulate(..., measure_time=True)``."""
    print("Simulating", duration_ms / 1000.0, "seconds of the network took", seconds,
          "seconds.", flush=True)
