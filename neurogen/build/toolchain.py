"""Find the C++ compiler, check OpenMP, and describe the toolchain for the cache key."""
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


# ---- CUDA ------------------------------------------------------------------------------
#: default targets when no GPU is visible: Ampere and Hopper machine code, plus PTX the
#: driver compiles for newer GPUs; NEUROGEN_CUDA_ARCH (e.g. "sm_90") picks one instead
CUDA_ARCH_DEFAULT = ("-gencode=arch=compute_80,code=sm_80",
                     "-gencode=arch=compute_90,code=[sm_90,compute_90]")
NVCC_FLAGS = ("-O3", "-std=c++17", "-Xcompiler", "-fPIC", "--expt-relaxed-constexpr",
              "--diag-suppress=177,550")


@dataclass(frozen=True)
class CudaToolchain:
    nvcc: str
    version: str
    arch: tuple

    def fingerprint(self) -> str:
        return "|".join([self.nvcc, self.version, " ".join(self.arch), " ".join(NVCC_FLAGS)])


def _find_nvcc() -> str | None:
    for root in (os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH")):
        if root and Path(root, "bin", "nvcc").exists():
            return str(Path(root, "bin", "nvcc"))
    return shutil.which("nvcc") or (
        "/usr/local/cuda/bin/nvcc" if Path("/usr/local/cuda/bin/nvcc").exists() else None)


def _cuda_arch() -> tuple:
    wanted = os.environ.get("NEUROGEN_CUDA_ARCH")
    if wanted:
        return (f"-arch={wanted}",)
    smi = shutil.which("nvidia-smi")
    if smi:   # build for the GPU that is there
        try:
            out = subprocess.run([smi, "--query-gpu=compute_cap", "--format=csv,noheader"],
                                 capture_output=True, text=True, timeout=30).stdout.split()
            if out:
                return (f"-arch=sm_{out[0].replace('.', '')}",)
        except (OSError, subprocess.TimeoutExpired):
            pass
    return CUDA_ARCH_DEFAULT


@functools.lru_cache(maxsize=None)
def cuda_toolchain() -> CudaToolchain:
    nvcc = _find_nvcc()
    if nvcc is None:
        raise BackendUnavailable(
            "paradigm 'cuda' needs the CUDA compiler nvcc, which was not found: install the "
            "CUDA toolkit and put nvcc on PATH (or set CUDA_HOME), or use paradigm 'openmp'")
    try:
        lines = subprocess.run([nvcc, "--version"], capture_output=True, text=True,
                               timeout=60).stdout.strip().splitlines()
    except (OSError, subprocess.TimeoutExpired):
        raise BackendUnavailable(f"the CUDA compiler {nvcc} does not run") from None
    return CudaToolchain(nvcc, lines[-1] if lines else "?", _cuda_arch())
