"""Find the C++ compiler, check OpenMP, and describe the toolchain for the cache key.

Backend-specific compilers (nvcc) are found by their backend (:mod:`neurogen.backends`)."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sysconfig
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import BackendUnavailable

KERNEL_FLAGS = ("-O3", "-std=c++17", "-fPIC", "-fvisibility=hidden", "-fno-math-errno",
                "-fno-trapping-math",
                "-ffp-contract=off")
WRAPPER_FLAGS = ("-O1", "-std=c++17", "-fPIC", "-fvisibility=hidden", "-w")
OPENMP_FLAG = "-fopenmp"
FFTW_LIBS = ("-lfftw3",)


@dataclass(frozen=True)
class Toolchain:
    compiler: str
    version: str
    openmp: bool
    python_include: str
    ext_suffix: str
    fftw: bool = False       # FFTW 3 (libfftw3-dev) found: FFT storage links it
    user_flags: tuple = ()   # compile(compiler_flags=...), checked (toolchain/flags.py)
    native: str = ""         # what "=native" in user_flags means on this CPU

    @property
    def kernel_flags(self) -> tuple:
        """The flags of the generated translation unit: neurogen's, then the user's (so
        that a user's -O2 or -march=... wins)."""
        return KERNEL_FLAGS + self.user_flags

    def with_flags(self, flags: tuple) -> "Toolchain":
        """This toolchain with the user's extra kernel flags (already checked)."""
        from .flags import resolve_native
        flags = tuple(flags)
        return replace(self, user_flags=flags, native=resolve_native(self.compiler, flags))

    @property
    def fft_library(self) -> str:
        """What ``storage_format='fft'`` projections run on with this toolchain."""
        return "FFTW 3 (libfftw3)" if self.fftw else "built-in mixed radix (2, 3, 4, 5)"

    def fingerprint(self) -> str:
        import Cython
        import numpy
        return "|".join([self.compiler, self.version, str(self.openmp), self.ext_suffix,
                         f"fftw={self.fftw}",
                         " ".join(self.kernel_flags), self.native, " ".join(WRAPPER_FLAGS),
                         Cython.__version__, numpy.__version__])


def _find_compiler(wanted: str | None = None) -> str:
    if wanted is not None:   # compile(compiler=...): that one or an error
        if shutil.which(wanted):
            return shutil.which(wanted)
        raise BackendUnavailable(f"compile(compiler={wanted!r}): no such compiler on PATH "
                                 "(give a name such as 'g++' or 'clang++', or a path)")
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


def _has_fftw(compiler: str) -> bool:
    """FFTW 3's header and library link (Debian: libfftw3-dev); NEUROGEN_FFTW=0 ignores it."""
    if os.environ.get("NEUROGEN_FFTW", "1") == "0":
        return False
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "fftw.cpp")
        src.write_text("#include <fftw3.h>\nint main(){fftw_plan p = fftw_plan_dft_r2c_1d("
                       "4, nullptr, nullptr, FFTW_ESTIMATE); (void)p; return 0;}\n")
        result = subprocess.run([compiler, str(src), "-o", str(Path(tmp, "a")), *FFTW_LIBS],
                                capture_output=True)
        return result.returncode == 0


@functools.lru_cache(maxsize=None)
def toolchain(compiler: str | None = None) -> Toolchain:
    """The toolchain of ``compiler`` (default: $CXX, else g++, c++, clang++), probed once."""
    compiler = _find_compiler(compiler)
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
                     sysconfig.get_config_var("EXT_SUFFIX") or ".so", _has_fftw(compiler))
