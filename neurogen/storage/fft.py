"""FFT convolution for translation-invariant projections (see
:mod:`neurogen.model.convolution`): O(N log N) per step, only asked for by name."""
from __future__ import annotations

from ..model.convolution import FFTConvolution
from .base import KernelData, StorageKernel, needs_synapse_loop


class FFTData(KernelData):
    watches_weights = True

    def __init__(self, convolution: FFTConvolution):
        c = self.convolution = convolution
        super().__init__(
            arrays={"spectrum": c.spectrum, "work": c.work, "twiddles": c.twiddles,
                    "bitrev": c.bitrev},
            ints=dict(zip(("n0", "n1", "m0", "m1"), (int(s) for s in c.sizes))))

    def weights_changed(self, matrix):
        self.convolution.update(matrix)


class FFT(StorageKernel):
    name = "fft"
    dense_layout = True
    in_auto = False          # checking translation invariance costs O(N^2) per projection
    tables = (("spectrum", "double"), ("work", "double"), ("twiddles", "double"),
              ("bitrev", "int32_t"))
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
        n = proj.connectivity.post_size
        return 10.0 * n * max(1, n.bit_length())

    def prepare(self, proj):
        proj.connectivity = proj.connectivity.to_dense()
        return FFTData(FFTConvolution(proj.connectivity.matrix, proj.pre.geometry,
                                      f"projection '{proj.name}'"))
