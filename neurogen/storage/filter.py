"""Shared filters (ANNarchy's ``Convolution`` and ``Pooling``): the weights are a small
table of (filter, tap) values, not one per synapse.

Postsynaptic neurons whose taps all fall inside the presynaptic population are grouped
into *runs*: neurons ``o0 + n * os`` (n < len) centred on presynaptic ranks
``p0 + n * ps``, all using filter ``f``. A run is computed tap by tap,
``sum[o0 + n os] += w[f, k] * pre[p0 + n ps + offset[k]]``: for a 2-D image with stride
1 that is a contiguous, vectorisable loop per image row and tap, ``k`` multiply-adds per
output and no index or weight load per synapse. Neurons at the border (taps outside,
dropped or clamped) keep a small CSR of (presynaptic rank, slot). Runs write disjoint
outputs in a fixed tap order: the result does not depend on the thread count.

The protocol with the projections this kernel serves (the convolution extension's
``Convolution`` and ``Pooling``), read through public attributes only:

- ``proj.filter_layout``: where the taps fall (``pre_geometry``, ``coords`` (rows, ndim),
  ``offsets`` (taps, ndim), ``row_filter``, ``n_taps``, ``inside()``: see
  :class:`neurogen.extensions.convolution.taps.Layout`); absent or ``None`` on any other
  projection (the kernel refuses it);
- ``proj.synapse_slots``: the (filter, tap) slot ``filter * n_taps + tap`` of each
  synapse, in CSR order;
- ``proj.slot_values()``: the weight of each slot.

:meth:`Filter.prepare` returns the slot weights as the ``slot_w`` table of its
:class:`KernelData` (in the network's precision): the projection writes new filters
there (``proj.kernel_data.arrays['slot_w']``).
"""
from __future__ import annotations

import numpy as np

from .base import KernelData, StorageKernel

RUN_FIELDS = 6   # post start, post stride, length, pre base, pre stride, slot base


def runs(layout, rows: np.ndarray) -> np.ndarray:
    """(R, RUN_FIELDS) runs covering ``rows`` (interior postsynaptic ranks)."""
    strides = np.cumprod((layout.pre_geometry[1:] + (1,))[::-1])[::-1]
    base = layout.coords[rows] @ strides
    filters = layout.row_filter[rows]
    order = np.lexsort((rows, filters))
    post, pre, filt = rows[order], base[order], filters[order]
    out, n, start = [], len(post), 0
    while start < n:
        end, post_step, pre_step = start + 1, 1, 1
        if start + 1 < n and filt[start + 1] == filt[start]:
            post_step, pre_step = post[start + 1] - post[start], pre[start + 1] - pre[start]
            end = start + 2
            while (end < n and filt[end] == filt[start] and post[end] - post[end - 1]
                   == post_step and pre[end] - pre[end - 1] == pre_step):
                end += 1
        out.append((post[start], post_step, end - start, pre[start], pre_step,
                    filt[start] * layout.n_taps))
        start = end
    return np.array(out, dtype=np.int64).reshape(-1, RUN_FIELDS)


class Filter(StorageKernel):
    name = "filter"
    in_auto = False          # chosen by the projections that know their layout
    tables = (("slot_w", "real"), ("offsets", "int64_t"), ("runs", "int64_t"),
              ("row_ptr", "int64_t"), ("cols", "int32_t"), ("slots", "int32_t"))
    sizes = ("n_taps", "n_runs")

    def refuse(self, proj):
        if getattr(proj, "filter_layout", None) is None:
            return "applies to Convolution and Pooling projections only"
        if proj.synapse_ir is not None:
            return "computes the plain weighted sum (no psp or operation)"
        if not proj.uniform_delay:
            return "needs one delay for all synapses"
        return None

    def cost(self, proj):
        return 0.25 * proj.connectivity.nb_synapses

    def layout(self, proj):
        return proj.connectivity.to_csr()

    def prepare(self, proj, conn=None):
        layout = proj.filter_layout
        conn = self.layout(proj) if conn is None else conn
        inside = layout.inside() & (np.diff(conn.row_ptr) == layout.n_taps)
        strides = np.cumprod((layout.pre_geometry[1:] + (1,))[::-1])[::-1]
        table = runs(layout, np.nonzero(inside)[0])
        # the border: CSR rows of the other neurons only
        counts = np.where(inside, 0, np.diff(conn.row_ptr))
        row_ptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=row_ptr[1:])
        keep = np.repeat(~inside, np.diff(conn.row_ptr))
        return KernelData(
            arrays={"slot_w": np.ascontiguousarray(proj.slot_values(),
                                                   dtype=proj.net.real_dtype),
                    "offsets": np.ascontiguousarray(layout.offsets @ strides, dtype=np.int64),
                    "runs": np.ascontiguousarray(table.reshape(-1) if table.size
                                                 else np.zeros(RUN_FIELDS, np.int64)),
                    "row_ptr": row_ptr,
                    "cols": np.ascontiguousarray(conn.cols[keep], dtype=np.int32),
                    "slots": np.ascontiguousarray(proj.synapse_slots[keep],
                                                  dtype=np.int32)},
            ints={"n_taps": layout.n_taps, "n_runs": len(table)})
