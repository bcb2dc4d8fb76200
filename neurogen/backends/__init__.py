"""Backends by name: the only place that maps a paradigm name to code.

``setup(paradigm=...)`` and the CLI's ``--paradigm`` choose among :data:`NAMES`
(``omp`` is accepted for ``openmp``, as ANNarchy does).
"""
from __future__ import annotations

from ..errors import NetworkError
from .base import Backend
from .cuda import CudaBackend
from .openmp import OpenMPBackend

BACKENDS: dict[str, Backend] = {b.name: b for b in (OpenMPBackend(), CudaBackend())}
NAMES = tuple(BACKENDS)
DEFAULT = OpenMPBackend.name
_ALIASES = {"omp": OpenMPBackend.name}


def canonical(name: str) -> str:
    """The backend name for ``name`` (an alias resolved); NetworkError when unknown."""
    name = _ALIASES.get(name, name)
    if name not in BACKENDS:
        raise NetworkError(f"unknown paradigm {name!r}: "
                           + " or ".join(f"'{n}'" for n in NAMES)
                           + " ('openmp': CPU, 'cuda': NVIDIA GPU)")
    return name


def get(name: str) -> Backend:
    return BACKENDS[canonical(name)]


__all__ = ["BACKENDS", "NAMES", "DEFAULT", "Backend", "canonical", "get"]
