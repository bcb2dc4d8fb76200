"""Where a projection's weights live: the storage kernel (asked for by a connector's
``storage_format=``, chosen at ``compile()``), the runtime weight buffer the generated code
reads, and ``proj.w`` reading and writing it.

The weights are a buffer of the network's runtime state (``ProjWeights(proj)``) from
the connector on: the connector's array (a kernel-first connectivity has none until it
is made dense), converted at compile once to the kernel's precision and layout, with
the kernel's tables (``KernelTable(proj, name)``) and the synapse attributes. The
connectivity refers to that buffer, so a write through ``proj.w`` reaches the next
step. These are functions of the
projection, bound as its methods by :mod:`neurogen.core.projection`.
"""
from __future__ import annotations

import difflib

import numpy as np

from .. import storage
from ..codegen.slots import KernelTable, ProjWeights
from ..errors import NetworkError
from ..storage import STORAGE_FORMATS
from ..validation import array_for, number

#: ANNarchy's sparse containers; the results never depend on them
ANNARCHY_SPARSE_FORMATS = ("lil", "ell", "ellr", "sell", "bsr", "hyb", "coo")
STORAGE_ORDERS = ("post_to_pre", "pre_to_post")


def storage_format(proj, storage_format, storage_order) -> str:
    """ANNarchy's container names → the neurogen storage giving the same numbers
    fastest: the sparse ones (``lil``, ``csr``, ``ell``, ``ellr``, ``sell``, ``bsr``)
    let neurogen choose dense or CSR from the pattern, as ``auto`` does."""
    if storage_order not in STORAGE_ORDERS:
        raise NetworkError(f"projection '{proj.name}': storage_order must be one of "
                           f"{', '.join(map(repr, STORAGE_ORDERS))}, got {storage_order!r}")
    if storage_format in ANNARCHY_SPARSE_FORMATS:
        return "auto"
    if storage_format not in STORAGE_FORMATS:
        hint = difflib.get_close_matches(str(storage_format),
                                         STORAGE_FORMATS + ANNARCHY_SPARSE_FORMATS, n=1)
        raise NetworkError(f"projection '{proj.name}': storage_format must be one of "
                           f"{', '.join(map(repr, STORAGE_FORMATS + ANNARCHY_SPARSE_FORMATS))}"
                           f", got {storage_format!r}"
                           + (f"; did you mean {hint[0]!r}?" if hint else ""))
    return storage_format


def planned_storage(proj) -> str:
    """The storage kernel ``compile()`` will use (chosen now if not compiled yet;
    nothing is converted)."""
    if proj.storage is not None:
        return proj.storage
    proj.require_connected()
    return storage.select(proj, proj.net.backend)


def dense_layout(proj) -> bool:
    """Whether the weights are (or will be) a dense (post, pre) matrix."""
    return storage.kernel(proj.planned_storage()).dense_layout


def attach_storage(proj, name: str, dtype):
    """Called by the network at ``compile()``: the connectivity in kernel ``name``'s
    layout, its runtime tables, the weight and synapse-attribute buffers. The kernel
    computes (:meth:`~neurogen.storage.base.StorageKernel.layout`, ``prepare``); the
    projection stores what it returns."""
    proj.require_connected()
    kernel = storage.kernel(name)
    conn = kernel.layout(proj)
    data = kernel.prepare(proj, conn)
    proj.connectivity, proj.kernel_data, proj.storage = conn, data, name
    adopt_kernel_tables(proj)
    _allocate_weights(proj, dtype)
    proj.synapse_state.allocate(dtype)


def adopt_kernel_tables(proj):
    """The storage kernel's tables become buffers of the runtime state (the same arrays:
    the kernel keeps computing into them, e.g. an FFT spectrum for new weights)."""
    state = proj.net.state
    for key in state.keys(KernelTable):
        if key.proj == proj.id:
            state.release(key)
    for table, array in proj.kernel_data.arrays.items():
        if state.adopt(KernelTable(proj.id, table), array) is not array:
            raise ValueError("internal error: kernel tables must be contiguous arrays")


def _kernel_first(conn) -> bool:
    """A kernel-first connectivity not made dense yet (it has no weight buffer)."""
    return getattr(conn, "kernel", None) is not None and not conn.materialized


def weight_buffer(proj) -> np.ndarray | None:
    """The live runtime weights (dense matrix or one per synapse), once compiled
    (a kernel-first projection builds its dense view now); None before."""
    if proj.storage is None:
        return None
    if getattr(proj.connectivity, "kernel", None) is not None:   # kept as its kernel
        materialize(proj)
    return proj.net.state[ProjWeights(proj.id)]


def materialize(proj):
    """A kernel-first connectivity becomes its dense view (for writes and views)."""
    conn = proj.connectivity
    if getattr(conn, "kernel", None) is None:
        return
    proj.connectivity = conn.to_dense()
    _allocate_weights(proj, proj.net.real_dtype if proj.storage is not None else None)


def adopt_weights(proj):
    """Called when a connector gave the synapses: their weights become the runtime
    state's buffer (as they are: no copy, double precision until compile); a
    kernel-first connectivity has none until it is made dense."""
    proj.net.state.release(ProjWeights(proj.id))
    _allocate_weights(proj, None)


def _allocate_weights(proj, dtype):
    """The runtime weight buffer: the connectivity's weights in ``dtype`` (one copy;
    ``None``: as they are), a buffer of the runtime state the connectivity then refers
    to. A kernel-first connectivity gets it on demand (:func:`weight_buffer`)."""
    conn = proj.connectivity
    if _kernel_first(conn):
        return
    conn = proj.connectivity = conn.to_dense() if conn.is_dense else conn
    bind_weights(proj, conn.weight_buffer(), dtype)


def bind_weights(proj, weights, dtype):
    """``weights`` (shaped as the connectivity's weight buffer) in ``dtype`` become the
    runtime state's weight buffer of ``proj``, and its connectivity's weights."""
    buffer = proj.net.state.adopt(ProjWeights(proj.id), weights, dtype)
    proj.connectivity.bind_weights(buffer)


def flat_weights(proj) -> np.ndarray:
    """The weights in synapse (CSR) order, as float64 (a copy where converted)."""
    return np.asarray(proj.connectivity.weights, dtype=np.float64)


def get_weights(proj) -> list[np.ndarray]:
    """Weights per dendrite (postsynaptic neuron with synapses), as ANNarchy."""
    proj.require_connected()
    flat, ptr = proj.flat_weights(), proj.connectivity.row_ptr
    return [flat[ptr[i]:ptr[i + 1]].copy() for i in proj.post_ranks]


def _regular_shape(value):
    """The array shape of ``value``, or None for ragged nesting (one list per dendrite
    of different lengths, which NumPy refuses to shape)."""
    try:
        return np.shape(value)
    except ValueError:
        return None


def set_weights(proj, value):
    """A number, a random distribution, a (post, pre) matrix or one list per dendrite;
    written into the runtime buffer once compiled (a kernel-first storage checks the new
    weights still fit it before anything is written)."""
    proj.require_connected()
    materialize(proj)
    conn = proj.connectivity
    shape = _regular_shape(value)
    if hasattr(value, "get_values"):
        flat = value.get_values(conn.nb_synapses, proj.generator())
    elif shape == ():
        flat = number(f"projection '{proj.name}'", "w", value)
    elif shape == (conn.post_size, conn.pre_size):
        flat = array_for(f"projection '{proj.name}'", "w", value,
                         np.float64)[conn.rows, conn.cols]
    else:
        try:
            flat = np.concatenate([np.asarray(v, dtype=np.float64).reshape(-1)
                                   for v in value])
        except (TypeError, ValueError):
            flat = np.asarray([], dtype=np.float64)
        if flat.size != conn.nb_synapses:
            raise NetworkError(f"projection '{proj.name}': expected a number, a "
                               f"({conn.post_size}, {conn.pre_size}) matrix or one list "
                               f"per dendrite ({conn.nb_synapses} synapses in all)")
    if conn.is_dense:
        data = proj.kernel_data
        if data is not None and data.watches_weights:   # check before writing
            candidate = conn.matrix.copy()
            candidate[conn.mask] = flat
            data.weights_changed(candidate)
    conn.write_weights(flat)
    if proj.kernel_data is not None and not conn.is_dense:
        proj.kernel_data.weights_written(conn.weights)
