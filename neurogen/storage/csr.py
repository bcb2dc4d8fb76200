"""Compressed sparse rows: per postsynaptic neuron, its synapses' presynaptic ranks and
weights. The only kernel that runs synapse by synapse (synapse models, per-synapse delays,
learning rules)."""
from __future__ import annotations

import numpy as np

from .base import DENSE_THRESHOLD, KernelData, StorageKernel


class CSR(StorageKernel):
    name = "csr"
    tables = (("row_ptr", "int64_t"), ("cols", "int32_t"))
    per_synapse = True

    def cost(self, proj):
        # an index load and a gather per synapse: a dense matrix pays off from
        # DENSE_THRESHOLD of the synapses on
        return proj.connectivity.nb_synapses / DENSE_THRESHOLD

    def grid_cost(self, conn):
        return conn.nb_synapses / DENSE_THRESHOLD       # counted from the kernel

    def layout(self, proj):
        return proj.connectivity.to_csr()

    def prepare(self, proj, conn=None):
        conn = self.layout(proj) if conn is None else conn
        return KernelData(arrays={
            "row_ptr": np.ascontiguousarray(conn.row_ptr, dtype=np.int64),
            "cols": np.ascontiguousarray(conn.cols, dtype=np.int32)})
