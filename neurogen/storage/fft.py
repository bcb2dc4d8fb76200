"""FFT convolution for translation-invariant projections (see
:mod:`neurogen.storage.fft_numerics`): O(N log N) per step, only asked for by name. Runs on
FFTW's real transforms where the toolchain found FFTW, else on the built-in mixed-radix
transform (``neurogen info`` says which)."""
from __future__ import annotations

import math

import numpy as np

from .fft_numerics import FFTConvolution, FFTWConvolution, smooth_size
from .base import KernelData, OffsetKernelStorage, given_kernel, needs_synapse_loop


class FFTData(KernelData):
    watches_weights = True

    def __init__(self, convolution: FFTConvolution):
        c = self.convolution = convolution
        super().__init__(
            arrays={"spectrum": c.spectrum, "work": c.work, "twiddles": c.twiddles,
                    "bitrev": c.bitrev, "plans": c.plans},
            ints=dict(zip(("n0", "n1", "m0", "m1"), (int(s) for s in c.sizes))))

    def weights_changed(self, matrix):
        self.convolution.update(matrix)


class FFT(OffsetKernelStorage):
    name = "fft"
    tables = (("spectrum", "double"), ("work", "double"), ("twiddles", "double"),
              ("bitrev", "int32_t"), ("plans", "int64_t"))
    sizes = ("n0", "n1", "m0", "m1")

    def refuse(self, proj):
        if proj.synapse_ir is not None:
            return ("computes sum(target) = W r as a convolution; it takes no synapse "
                    "model (use 'dense' or 'csr')")
        if needs_synapse_loop(proj):
            return "needs one delay for all synapses"
        if proj.pre.geometry != proj.post.geometry:
            return (f"needs pre- and post-synaptic populations of the same geometry, got "
                    f"{proj.pre.geometry} and {proj.post.geometry}")
        return None

    def cost(self, proj):
        if given_kernel(proj) is not None:
            return self.grid_cost(proj.connectivity)
        return self._cost([smooth_size(2 * g - 1) for g in proj.pre.geometry])

    def grid_cost(self, conn):
        """Transform sizes as the tables will have them: a periodic axis (the kernel
        wraps around) unpadded, others zero-padded to a smooth size >= 2 n - 1."""
        unpadded = FFTWConvolution.unpadded
        return self._cost([n if unpadded(conn.kernel, axis, n) else smooth_size(2 * n - 1)
                           for axis, n in enumerate(conn.geometry)])

    @staticmethod
    def _cost(sizes):
        """One real transform pair of ``prod(sizes) = m`` points per step, ``m log2 m``
        at ~2.5 cached dense multiply-adds each, plus a fixed cost per step (plans,
        rows, column blocks; fitted to bench/limits.py, N = 20..128, on an Intel AVX-512
        and an AMD AVX2 machine, FFTW and the built-in transform alike: the crossover
        with the separable product of a difference of Gaussians lies between N = 40 and
        64 on both; within ~1.6x of the measured step, so near a crossover ``auto`` may
        pick the second best)."""
        m = float(np.prod(sizes))
        fixed = 100000.0 if len(sizes) > 1 else 8000.0
        return 2.5 * m * math.log2(max(m, 2.0)) + fixed

    def prepare(self, proj, conn=None):
        conn = self.layout(proj) if conn is None else conn
        fftw = proj.net.backend.template_flags(proj.net.toolchain).get("fftw", False)
        tables = FFTWConvolution if fftw else FFTConvolution
        name = f"projection '{proj.name}'"
        kernel = given_kernel(proj, conn)
        if kernel is not None:      # kernel-first: no matrix
            return FFTData(tables(None, proj.pre.geometry, name, kernel=kernel))
        return FFTData(tables(conn.matrix, proj.pre.geometry, name))
