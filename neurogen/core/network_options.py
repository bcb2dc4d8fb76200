"""A network's options (``Network(dt=...)``, ``setup(...)``, ANNarchy 5's ``config(...)``)
as one frozen, typed record.

Each field has its own check, run whenever a record is made (``dataclasses.replace``
included), so a record always holds clean values: a bad value fails with a message
naming the option, a misspelt option with a did-you-mean, and nothing is half-applied.
"""
from __future__ import annotations

import contextlib
from dataclasses import FrozenInstanceError, dataclass, fields, replace
from typing import Any

import numpy as np

from .. import backends
from ..errors import InvalidValueError, NetworkError, UnknownKeywordError
from ..ir import METHODS
from ..validation import did_you_mean, number

#: precision name -> the NumPy type of real buffers
PRECISIONS = {"double": np.float64, "float": np.float32}
STEP_ROUNDINGS = ("ceil", "nearest")
#: the options ``Network(...)`` takes as keywords (``setup`` takes every field)
CONSTRUCTOR = ("dt", "seed", "num_threads", "precision", "method", "paradigm",
               "step_rounding", "check_finite", "batch")
#: the generated code depends on these: they cannot change after compile()
FIXED_AT_COMPILE = ("precision", "paradigm", "structural_plasticity")

_paradigm_override: str | None = None


def default_paradigm() -> str:
    """The paradigm of a network that names none: the one :func:`using_paradigm` set
    (the CLI's ``--paradigm``, the test suite's per-backend fixture), else OpenMP."""
    return _paradigm_override or backends.DEFAULT


@contextlib.contextmanager
def using_paradigm(paradigm: str | None):
    """Within the block, networks created without ``paradigm=`` use ``paradigm``
    (``None``: unchanged). The CLI runs a model script in it, in-process."""
    global _paradigm_override
    saved = _paradigm_override
    if paradigm is not None:
        _paradigm_override = backends.canonical(paradigm)
    try:
        yield
    finally:
        _paradigm_override = saved


def _whole(value) -> bool:
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, np.integer))


def _check_finite(value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidValueError(f"setup(): check_finite must be True or False, got {value!r}")
    return bool(value)


def _seed(value) -> int:
    """``None`` or a negative seed: a fresh one from the operating system's entropy."""
    if value is not None and not _whole(value):
        raise InvalidValueError(f"setup(): seed must be an integer or None, got {value!r}")
    if value is None or value < 0:
        return int(np.random.SeedSequence().entropy % (2 ** 63))
    return int(value)


def _num_threads(value) -> int:
    if not _whole(value) or int(value) < 1:
        raise NetworkError(f"num_threads must be at least 1, got {value!r}")
    return int(value)


def _precision(value) -> str:
    if value not in PRECISIONS:
        raise NetworkError(f"precision must be 'double' or 'float', got {value!r}")
    return value


def _method(value) -> str:
    if value not in METHODS:
        raise NetworkError(f"unknown method {value!r}; choose one of {', '.join(METHODS)}")
    return value


def _paradigm(value) -> str:
    return backends.canonical(default_paradigm() if value is None else value)


def _step_rounding(value) -> str:
    if value not in STEP_ROUNDINGS:
        raise NetworkError("step_rounding must be 'ceil' (ANNarchy: ceil(duration / dt) "
                           f"steps) or 'nearest', got {value!r}")
    return value


def _batch(value) -> int:
    if not _whole(value) or value < 1:
        raise NetworkError("batch must be a positive integer (the number of copies), "
                           f"got {value!r}")
    return int(value)


_CHECKS = {"dt": lambda value: number("setup()", "dt", value, positive=True),
           "seed": _seed, "num_threads": _num_threads, "precision": _precision,
           "method": _method, "paradigm": _paradigm, "step_rounding": _step_rounding,
           "check_finite": _check_finite, "batch": _batch, "structural_plasticity": bool}


@dataclass(frozen=True)
class NetworkOptions:
    """``net.options``: read-only; change it with ``net.setup(...)``.

    ``check_finite``: a NaN or infinity in a neuron variable stops the run with a
    :class:`SimulationError` (``False`` skips the check, for speed). ``batch``: B
    independent copies (docs/architecture.md). ``structural_plasticity``: synapses may be
    created and pruned (CSR storage). The last six fields are ANNarchy's, accepted so its
    scripts run; they change nothing here."""
    dt: float = 1.0
    seed: int | None = None              # None: drawn from entropy when the record is made
    num_threads: int = 1
    precision: str = "double"
    method: str = "explicit"
    paradigm: str | None = None          # None: default_paradigm()
    step_rounding: str = "ceil"
    check_finite: bool = True
    batch: int = 1
    structural_plasticity: bool = False
    verbose: Any = None
    debug: Any = None
    sparse_matrix_format: Any = None
    profiling: Any = None
    suppress_warnings: Any = None
    sparse_matrix_storage_order: Any = None

    def __post_init__(self):
        for name, check in _CHECKS.items():
            object.__setattr__(self, name, check(getattr(self, name)))

    @property
    def real_dtype(self):
        return PRECISIONS[self.precision]

    def updated(self, changes: dict, compiled: bool = False) -> "NetworkOptions":
        """A new record with ``changes`` applied and checked; options the generated code
        depends on are refused once ``compiled``."""
        for key in changes:
            if key not in _NAMES:
                raise UnknownKeywordError(f"unknown setup option {key!r}"
                                          + did_you_mean(key, _NAMES))
        new = replace(self, **changes)
        if compiled:
            for name in FIXED_AT_COMPILE:
                if getattr(new, name) != getattr(self, name):
                    raise NetworkError(f"{name} cannot change after compile()")
            if new.batch != self.batch:
                raise NetworkError("batch cannot change after compile(): create a network "
                                   "with the new batch size (the compiled code is reused)")
        return new


class ReadOnlyOptionsError(NetworkError, FrozenInstanceError):
    """An assignment to ``net.options.<name>``: options change through ``setup()``, which
    checks them and tells the compiled code."""


def _read_only(options, name, value):
    raise ReadOnlyOptionsError(f"network options are read-only: use "
                               f"net.setup({name}={value!r}) to change '{name}'")


NetworkOptions.__setattr__ = _read_only   # the dataclass's own refusal is no NeurogenError
_NAMES = tuple(f.name for f in fields(NetworkOptions))
