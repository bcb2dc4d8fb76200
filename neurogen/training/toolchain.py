"""The one place training touches the build toolchain (compile, cache, load).

Sources are compiled by neurogen's builder into the same cache as networks (keyed on
the sources and the toolchain), so a model trained twice compiles once. Training
kernels are CPU code: they build with the default (CPU) backend's commands.
"""
from __future__ import annotations

from .. import backends
from ..toolchain.builder import build


def compile_kernel(cpp: str, pyx: str):
    """``(module, info)`` for these sources; ``info['cached']`` says whether it was built."""
    return build(cpp, pyx, backends.get(backends.DEFAULT))
