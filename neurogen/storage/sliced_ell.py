"""SELL-C-sigma (ANNarchy's ``sell``): the plain weighted sum of a sparse projection with
one postsynaptic neuron per vector lane.

The rows (postsynaptic neurons) are sorted by decreasing length within windows of
``SIGMA`` rows and cut into slices of ``C = 8``; a slice stores element ``j`` of its eight
rows next to each other (the shorter rows padded), so a step loads eight weights and
eight presynaptic ranks at once and gathers eight rates. Each lane adds its row's
synapses in CSR order into a double, so every sum is the CSR kernel's bit for bit, on
every instruction set and thread count (tests/synapses/test_sell.py).

What it streams per synapse: the weight (8 bytes, 4 with ``precision='float'``) and the
presynaptic rank as a 16-bit integer where the presynaptic population has at most 65 536
neurons (else 32 bits): 10 or 6 bytes where CSR reads 12.

The projection's weights stay in CSR order (what ``proj.w``, dendrites, monitors, save
and load read and write); the kernel keeps a copy in slice order (table ``w``, the
network's precision), refreshed whenever Python writes the weights
(:meth:`SellData.weights_written`; nothing in the generated code writes static weights).
Only the plain weighted sum is computed: synapse models, per-synapse delays and structural
plasticity stay with CSR (refused by name, never chosen by ``auto``).
"""
from __future__ import annotations

import numpy as np

from .base import KernelData, StorageKernel, given_kernel, needs_synapse_loop

C = 8            # rows per slice: one per double lane of an AVX-512 vector
SIGMA = 256      # rows sorted by length within windows of this many (32 slices)
NARROW = 1 << 16  # presynaptic populations up to this size get 16-bit ranks


def layout_arrays(row_ptr: np.ndarray, cols: np.ndarray, pre_size: int) -> dict:
    """The SELL tables of a CSR pattern, and ``pos``: the slice-order position of each
    CSR synapse (the weights' permutation)."""
    row_ptr = np.asarray(row_ptr, dtype=np.int64)
    n = row_ptr.size - 1
    lengths = np.diff(row_ptr)
    perm = np.concatenate([start + np.argsort(-lengths[start:start + SIGMA], kind="stable")
                           for start in range(0, n, SIGMA)]) if n else np.zeros(0, np.int64)
    n_slices = -(-n // C)
    rows = np.full(n_slices * C, -1, dtype=np.int32)
    rows[:n] = perm
    lens = np.zeros(n_slices * C, dtype=np.int32)
    lens[:n] = lengths[perm]
    width = lens.reshape(n_slices, C)[:, 0].astype(np.int64) if n_slices else lens[:0]
    slice_ptr = np.zeros(n_slices + 1, dtype=np.int64)
    np.cumsum(width * C, out=slice_ptr[1:])
    where = np.empty(n, dtype=np.int64)              # row -> its lane in slice order
    where[perm] = np.arange(n)
    owner = np.repeat(np.arange(n), lengths)
    rank = np.arange(row_ptr[-1], dtype=np.int64) - row_ptr[owner]
    q = where[owner]
    pos = slice_ptr[q // C] + rank * C + q % C
    wide = pre_size > NARROW
    sell_cols = np.zeros(max(int(slice_ptr[-1]), 1), dtype=np.int32 if wide else np.uint16)
    sell_cols[pos] = cols
    dummy = np.zeros(1, dtype=np.uint16 if wide else np.int32)
    return {"slice_ptr": slice_ptr, "lens": lens, "rows": rows, "pos": pos,
            "cols32": sell_cols if wide else dummy, "cols16": dummy if wide else sell_cols,
            "n_slices": n_slices, "wide": int(wide), "stored": int(slice_ptr[-1])}


class SELL(StorageKernel):
    name = "sell"
    tables = (("slice_ptr", "int64_t"), ("lens", "int32_t"), ("rows", "int32_t"),
              ("cols16", "uint16_t"), ("cols32", "int32_t"), ("w", "real"))
    sizes = ("n_slices", "wide")
    uses_weights = False      # its own copy, in slice order

    def refuse(self, proj):
        reason = needs_synapse_loop(proj)
        if reason is not None:
            return f"cannot serve {reason}: those are computed synapse by synapse (use 'csr')"
        if getattr(proj, "filter_layout", None) is not None:
            return "does not share filters between synapses (use 'filter' or 'csr')"
        return None

    def offered_to_auto(self, proj):
        """Not for a kernel-first connectivity: its row lengths would make it a matrix
        (fft, separable, dense or CSR decide from the kernel alone)."""
        return given_kernel(proj) is None

    def cost(self, proj):
        """Stored elements (padding included) at 3 units each: no per-row dependency
        chain and fewer bytes than CSR (4 per synapse), an index and a gather more than
        the dense product (1 per matrix element)."""
        conn = proj.connectivity
        lengths = np.diff(conn.row_ptr)
        n = lengths.size
        padded = 0
        for start in range(0, n, SIGMA):
            window = np.sort(lengths[start:start + SIGMA])[::-1]
            padded += int(window[::C].sum()) * C
        return 3.0 * padded

    def layout(self, proj):
        return proj.connectivity.to_csr()

    def prepare(self, proj, conn=None):
        conn = self.layout(proj) if conn is None else conn
        t = layout_arrays(conn.row_ptr, conn.cols, conn.pre_size)
        arrays = {name: t[name] for name, _ in self.tables if name != "w"}
        arrays["w"] = np.zeros(max(t["stored"], 1), dtype=proj.net.real_dtype)
        data = SellData(arrays=arrays, ints={"n_slices": t["n_slices"], "wide": t["wide"]})
        data.pos = t["pos"]
        data.weights_written(conn.weights)
        return data


class SellData(KernelData):
    """The SELL tables, with ``pos`` (each CSR synapse's slot) to refresh the weights."""

    pos: np.ndarray

    def weights_written(self, weights: np.ndarray):
        self.arrays["w"][self.pos] = weights
