"""Find the C++ compiler, check OpenMP, and describe the toolchain for the cache key.

Backend-specific compilers (nvcc) are found by their backend (:mod:`neurogen.backends`)."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import BackendUnavailable

KERNEL_FLAGS = ("-O3", "-std=c++17", "-fPIC", "-fvisibility=hidden", "-fno-math-errno")
WRAPPER_FLAGS = ("-O1", "-std=c++17", "-fPIC", "-fvisibility=hidden", "-w")
OPENMP_FLAG = "-fopenmp"


@dataclass(frozen=True)
class Toolchain:
    compiler: str
    version: str
    openmp: bool
    python_include: str
    ext_suffix: str

    def fingerprint(self) -> str:
        import Cython
        import numpy
        return "|".join([self.compiler, self.version, str(self.openmp), self.ext_suffix,
                         " ".join(KERNEL_FLAGS), " ".join(WRAPPER_FLAGS),
                         Cython.__version__, numpy.__version__])


def _find_compiler() -> str:
    for candidate in (os.environ.get("CXX"), "g++", "c++", "clang++"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    raise BackendUnavailable(
        "no C++ compiler found: neurogen compiles networks with g++ or clang++. Install one "
        "(e.g. 'apt-get install g++') or point the CXX environment variable at it.")


def _has_openmp(compiler: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "omp.cpp")
        src.write_text("#include <omp.h>\nint main(){return omp_get_max_threads() > 0 ? 0 : 1;}\n")
        result = subprocess.run([compiler, OPENMP_FLAG, str(src), "-o", str(Path(tmp, "a"))],
                                capture_output=True)
        return result.returncode == 0


@functools.lru_cache(maxsize=None)
def toolchain() -> Toolchain:
    compiler = _find_compiler()
    try:
        version = subprocess.run([compiler, "--version"], capture_output=True, text=True,
                                 timeout=30).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        raise BackendUnavailable(f"the C++ compiler {compiler} does not run") from None
    include = sysconfig.get_paths()["include"]
    if not Path(include, "Python.h").exists():
        raise BackendUnavailable(f"Python headers not found in {include}: install the "
                                 "Python development package (e.g. 'apt-get install python3-dev')")
    return Toolchain(compiler, version, _has_openmp(compiler), include,
                     sysconfig.get_config_var("EXT_SUFFIX") or ".so")
