"""Dense storage: a (post, pre) matrix, one dot product per postsynaptic neuron."""
from __future__ import annotations

import numpy as np

from .base import KernelData, StorageKernel, needs_synapse_loop


class Dense(StorageKernel):
    name = "dense"
    dense_layout = True

    def refuse(self, proj):
        reason = needs_synapse_loop(proj)
        return None if reason is None else \
            f"cannot serve {reason}: those are computed synapse by synapse (use 'csr')"

    def cost(self, proj):
        conn = proj.connectivity
        return float(conn.pre_size) * conn.post_size

    def grid_cost(self, conn):
        return float(np.prod(conn.geometry)) ** 2

    def layout(self, proj):
        return proj.connectivity.to_dense()

    def prepare(self, proj, conn=None):
        return KernelData()
