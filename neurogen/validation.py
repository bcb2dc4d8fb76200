"""Checks of values users pass through the Python API, shared by the model objects.

Each check either returns the cleaned value or raises a :class:`NeurogenError` subclass
that names the object and the argument, so a bad value never travels on to NumPy, sympy
or the generated code (where it would fail later, with a raw traceback, or not at all).
"""
from __future__ import annotations

import difflib
import functools
import math
import numbers
import os
import unicodedata

import numpy as np

from .errors import (InvalidValueError, NetworkError, UnknownAttributeError,
                     UnknownKeywordError)


def did_you_mean(name: str, candidates) -> str:
    """``"; did you mean 'x'?"`` for the closest candidate, or ``""``."""
    close = difflib.get_close_matches(str(name), sorted(set(candidates)), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def reject_unknown(owner: str, given: dict, known) -> None:
    """Refuse keyword arguments that ``owner`` does not take (ANNarchy scripts pass many
    options: a misspelt one must not be swallowed)."""
    if given:
        key = next(iter(given))
        raise UnknownKeywordError(f"{owner}: unknown keyword argument '{key}'"
                                  + did_you_mean(key, known))


def number(owner: str, what: str, value, *, positive: bool = False,
           non_negative: bool = False) -> float:
    """A finite real number (``positive``: > 0, ``non_negative``: >= 0)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)) \
            or isinstance(value, np.complexfloating):
        raise InvalidValueError(f"{owner}: {what} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise InvalidValueError(f"{owner}: {what} must be finite, got {value!r}")
    if positive and value <= 0:
        raise InvalidValueError(f"{owner}: {what} must be positive, got {value!r}")
    if non_negative and value < 0:
        raise InvalidValueError(f"{owner}: {what} must not be negative, got {value!r}")
    return value


def steps(owner: str, duration, dt: float, rounding=round, *, limit: int = 2 ** 53) -> int:
    """``rounding(duration / dt)``: a finite, non-negative duration whose step count is
    exact in double precision (the clock is a 64-bit step counter)."""
    duration = number(owner, "the duration (ms)", duration)
    if duration < 0:
        raise InvalidValueError(f"{owner}: cannot simulate a negative duration "
                                f"({duration} ms)")
    count = rounding(duration / dt)
    if count > limit:
        raise InvalidValueError(f"{owner}: {duration:g} ms is {count:.3g} steps of {dt} ms, "
                                f"more than the {limit:.3g} the clock can count")
    return int(count)


_FLOATS = (np.float64, np.float32, np.dtype(np.float64), np.dtype(np.float32))


def array_for(owner: str, name: str, value, dtype) -> np.ndarray:
    """``value`` converted to ``dtype`` for attribute ``name``, refusing what would change
    on the way: text, NaN/inf or out-of-range numbers and fractions into integers."""
    try:
        array = value if isinstance(value, np.ndarray) else np.asarray(value)
        if array.dtype.kind == "f" and dtype in _FLOATS:        # the common case, first
            return array.astype(dtype, copy=False)
        if array.dtype.kind not in "biuf":
            array = array.astype(np.float64)
    except (TypeError, ValueError):
        raise InvalidValueError(f"{owner}: '{name}' takes numbers, got {value!r}"[:300]) \
            from None
    if array.dtype.kind == "c" or array.dtype.kind not in "biuf":
        raise InvalidValueError(f"{owner}: '{name}' takes real numbers, got {value!r}"[:300])
    kind = np.dtype(dtype).kind
    if kind in "iu":
        info = np.iinfo(dtype)
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise InvalidValueError(f"{owner}: '{name}' is an integer attribute; it cannot "
                                    "hold NaN or infinity")
        if array.size and (array.min() < info.min or array.max() > info.max):
            raise InvalidValueError(f"{owner}: '{name}' is a {np.dtype(dtype).name} attribute; "
                                    f"values must lie in [{info.min}, {info.max}]")
        if array.dtype.kind == "f" and np.any(array != np.trunc(array)):
            raise InvalidValueError(f"{owner}: '{name}' is an integer attribute; got a "
                                    "fractional value")
    elif kind == "b" and array.dtype.kind != "b" and np.any((array != 0) & (array != 1)):
        raise InvalidValueError(f"{owner}: '{name}' is a boolean attribute; use True/False "
                                "(or 1/0)")
    return array.astype(dtype, copy=False)


def normalized_name(owner: str, name) -> str:
    """An identifier as equations will read it: Python reads identifiers in NFKC form, so
    ``'ﬁ'`` and ``'fi'`` are one name; refuse the non-normal spelling, which would
    otherwise silently alias another object."""
    if not isinstance(name, str) or not name.isidentifier():
        raise InvalidValueError(f"{owner}: {name!r} is not a valid name (letters, digits "
                                "and '_', not starting with a digit)")
    normal = unicodedata.normalize("NFKC", name)
    if normal != name:
        raise InvalidValueError(f"{owner}: the name {name!r} is read as {normal!r} in "
                                f"equations; write {normal!r}")
    return name


def constant_name(name) -> str:
    """The name of a :class:`Constant`: an identifier, normal, not a reserved name."""
    from .parser.attributes import RESERVED  # what equations give a meaning of their own
    name = normalized_name("Constant", name)
    if name in RESERVED or name.startswith("_"):
        raise InvalidValueError(f"Constant: '{name}' is reserved in equations (t is the "
                                "time, dt the step…); choose another name")
    return name


# -- memory ------------------------------------------------------------------------------
def available_memory() -> int | None:
    """Bytes the kernel could give this process now (``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(what: str, nbytes: float, advice: str = "") -> None:
    """Refuse, before allocating, what cannot fit in the free memory."""
    available = available_memory()
    if available is not None and nbytes > available:
        raise NetworkError(f"{what} would need {nbytes / 2**30:.1f} GiB, more than the "
                           f"{available / 2**30:.1f} GiB of free memory"
                           + (f": {advice}" if advice else ""))


# -- attributes ----------------------------------------------------------------------------
class SealedAttributes:
    """Once constructed, an object refuses new public attributes: ``pop.tua = 5`` raises
    (with a did-you-mean) instead of creating a Python attribute nobody reads. Names the
    class defines (properties, methods) and those set in ``__init__`` stay settable; names
    starting with ``_`` are internal and free."""

    _sealed = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return

        @functools.wraps(init)
        def sealing_init(self, *args, **kw):
            init(self, *args, **kw)
            if type(self).__init__ is sealing_init:   # the most derived constructor is done
                object.__setattr__(self, "_sealed", True)

        cls.__init__ = sealing_init

    def _model_names(self) -> set:
        """The attributes the model defines (``tau``, ``r``…): suggested first."""
        return set()

    def __setattr__(self, name, value):
        if self._sealed and not name.startswith("_") and name not in self.__dict__ \
                and not hasattr(type(self), name):
            python = {n for n in set(dir(type(self))) | set(self.__dict__)
                      if not n.startswith("_")}
            raise UnknownAttributeError(f"{self!r} has no attribute '{name}'" + (
                did_you_mean(name, self._model_names()) or did_you_mean(name, python)))
        object.__setattr__(self, name, value)
