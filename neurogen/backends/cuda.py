"""CUDA: one kernel per stage of a step, device mirrors of every runtime buffer.

Compiles without a GPU (nvcc, with the CUDA runtime linked statically); running needs
one, and says why when there is none. Provides the dense and CSR kernels and spike
propagation (axonal spikes and DecodingProjection refused by name); FFT storage is
refused (no cuFFT kernel yet) rather than silently run as a dense product.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..codegen.printer import CudaPrinter
from ..errors import BackendUnavailable
from .base import Backend

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


class CudaBackend(Backend):
    name = "cuda"
    printer = CudaPrinter
    template = "cuda/network.cu.j2"
    wrapper_template = "cuda/wrapper.pyx.j2"
    source = "network.cu"
    storage = ("dense", "csr", "spike_events")
    axonal_spikes = False          # no axon_spike lists on the device yet
    decodes_spikes = False         # no DecodingProjection kernel yet
    mirrors_buffers = True
    checked_steps = True
    chunk_seconds = 0.5            # each run uploads and downloads the mirrors: fewer runs
    no_training = ("training kernels are rendered for OpenMP only (the adjoint's device "
                   "kernels are not written)")

    def fingerprint(self, tc) -> str:
        return tc.fingerprint() + "|cuda|" + cuda_toolchain().fingerprint()

    def commands(self, tc, module):
        cuda = cuda_toolchain()
        return ([cuda.nvcc, *NVCC_FLAGS, *cuda.arch, "-ccbin", tc.compiler, "-c",
                 self.source, "-o", "network.o"],
                [cuda.nvcc, "-shared", *cuda.arch, "-ccbin", tc.compiler, "-cudart", "static"],
                [])

    def unavailable(self) -> str | None:
        reason = super().unavailable()
        if reason is not None:
            return reason
        try:
            cuda_toolchain()
        except BackendUnavailable as exc:
            return str(exc)
        smi = shutil.which("nvidia-smi")
        try:
            listed = smi and subprocess.run([smi, "-L"], capture_output=True, text=True,
                                            timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            listed = ""
        return None if listed else "no NVIDIA GPU or driver found (nvidia-smi lists none)"

    def check_device(self, module):
        count, reason = module.cuda_devices()
        if count < 1:
            raise BackendUnavailable(
                f"paradigm 'cuda': the network compiled (CUDA code in the cache), but it "
                f"cannot run here: {reason}. Run it on a machine with an NVIDIA GPU and "
                "driver, or use paradigm 'openmp'")

    def error(self, module) -> str:
        return f"CUDA error: {module.cuda_error()}"
