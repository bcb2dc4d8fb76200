"""Event-driven spike propagation: the synapses of each presynaptic spike, found through
a transposed index of the projection's CSR rows.

The synapses stay in CSR order (per postsynaptic neuron: ``row_ptr``, ``cols``), where
``post_spike`` code and synapse equations walk them; the transposed index lists, per
presynaptic neuron, its synapses (``pre_syn``: CSR positions) and their postsynaptic
neurons (``pre_post``), both in increasing postsynaptic order. A step adds, spike by spike
in increasing rank, ``w`` to ``g_target`` of each synapse's postsynaptic neuron: every
conductance receives its increments in the same order whatever the thread count.

Where nothing in the synapse model writes ``w`` (the default synapse), the kernel keeps a
copy of the weights in this transposed order (``pre_w``): a spike then reads its weights
contiguously instead of gathering them from the CSR order, a third of the time per event
on large networks. ``proj.w = ...`` is the one way Python writes weights; it refreshes
the copy (:meth:`SpikeEventsData.weights_written`).
"""
from __future__ import annotations

import numpy as np

from .base import KernelData, StorageKernel


class SpikeEvents(StorageKernel):
    name = "spike_events"
    in_auto = False          # chosen for every spiking projection, never for rate ones
    tables = (("row_ptr", "int64_t"), ("cols", "int32_t"), ("pre_ptr", "int64_t"),
              ("pre_syn", "int32_t"), ("pre_post", "int32_t"), ("pre_w", "real"))
    per_synapse = True

    def refuse(self, proj):
        if not proj.pre.ir.is_spiking:
            return "propagates spikes; the presynaptic population is rate-coded"
        return None

    def cost(self, proj):
        return proj.connectivity.nb_synapses

    def layout(self, proj):
        return proj.connectivity.to_csr()

    def prepare(self, proj, conn=None):
        conn = self.layout(proj) if conn is None else conn
        row_ptr = np.ascontiguousarray(conn.row_ptr, dtype=np.int64)
        cols = np.ascontiguousarray(conn.cols, dtype=np.int32)
        arrays = {"row_ptr": row_ptr, "cols": cols,
                  **transposed(row_ptr, cols, proj.pre.size)}
        fixed = proj.synapse_ir is not None and proj.synapse_ir.fixed_weights
        arrays["pre_w"] = np.zeros(arrays["pre_syn"].size if fixed else 0,
                                   dtype=proj.net.real_dtype)
        data = SpikeEventsData(arrays=arrays)
        data.weights_written(conn.weights)
        return data


class SpikeEventsData(KernelData):
    """The transposed index, and the weights in its order where they are fixed."""

    def weights_written(self, weights: np.ndarray):
        copy = self.arrays["pre_w"]
        if copy.size:
            np.take(np.asarray(weights, dtype=copy.dtype), self.arrays["pre_syn"], out=copy)


def transposed(row_ptr: np.ndarray, cols: np.ndarray, n_pre: int) -> dict:
    """Per presynaptic neuron, its synapses (CSR positions) and their postsynaptic
    neurons, in increasing postsynaptic order (a stable sort of the CSR order)."""
    order = np.argsort(cols, kind="stable")
    posts = np.repeat(np.arange(row_ptr.size - 1, dtype=np.int32), np.diff(row_ptr))
    counts = np.bincount(cols, minlength=n_pre) if cols.size else np.zeros(n_pre, np.int64)
    return {"pre_ptr": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
            "pre_syn": order.astype(np.int32), "pre_post": posts[order].astype(np.int32)}
