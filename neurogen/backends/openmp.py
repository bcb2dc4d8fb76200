"""C++ with OpenMP: the CPU backend (one thread is just OpenMP with one thread)."""
from __future__ import annotations

from ..codegen.printer import NeurogenPrinter
from ..toolchain.compiler import FFTW_LIBS, OPENMP_FLAG
from .base import Backend


class OpenMPBackend(Backend):
    name = "openmp"
    printer = NeurogenPrinter
    template = "network.cpp.j2"
    source = "network.cpp"
    storage = ("dense", "csr", "sell", "fft", "separable", "filter", "spike_events")
    flags_nonfinite = True
    batches = True
    structural_rules = True
    takes_compiler_flags = True
    trains = True

    def fingerprint(self, tc) -> str:
        return tc.fingerprint()

    def commands(self, tc, module):
        omp = [OPENMP_FLAG] if tc.openmp else []
        return ([tc.compiler, *tc.kernel_flags, *omp, "-c", self.source, "-o", "network.o"],
                [tc.compiler, "-shared", *omp], list(FFTW_LIBS) if tc.fftw else [])

    def template_flags(self, tc) -> dict:
        return {"fftw": tc.fftw}

    def threads(self, requested, tc):
        return requested if tc.openmp else 1
