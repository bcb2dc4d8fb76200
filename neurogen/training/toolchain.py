"""The one place training touches the build toolchain (compile, cache, load).

Sources are compiled by neurogen's builder into the same cache as networks (keyed on
the sources and the toolchain), so a model trained twice compiles once.
"""
from __future__ import annotations

from ..build.builder import MODULE_PLACEHOLDER, build


def compile_kernel(cpp: str, pyx: str):
    """``(module, info)`` for these sources; ``info['cached']`` says whether it was built."""
    header = f"# module {MODULE_PLACEHOLDER}\n"
    return build(cpp, header + pyx)
