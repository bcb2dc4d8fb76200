"""A projection's files: its connectivity (``save_connectivity`` / ``connect_from_file``,
neurogen's ``.npz``) and its synapses' state in ANNarchy's layout (``save`` / ``load``,
read and written by :mod:`neurogen.core.annarchy_files`).

A connectivity file given to a compiled projection must hold the same synapses: only
their weights and delays are loaded. These are functions of the projection, bound as
its methods by :mod:`neurogen.core.projection`.
"""
from __future__ import annotations

import numpy as np

from ..errors import ConnectivityError, NetworkError
from ..io import atomic_path
from . import connectors
from .annarchy_files import apply_projection, projection_description, read, write
from .projection_connect import connected, refuse_unknown

_FIELDS = {"pre_size", "post_size", "row_ptr", "cols", "weights", "delays"}


def save_connectivity(proj, filename):
    """Synapses, weights and delays to a ``.npz`` file (written atomically)."""
    proj.require_connected()
    conn = proj.connectivity
    with atomic_path(filename) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, format="neurogen-connectivity-1", pre_size=conn.pre_size,
                 post_size=conn.post_size, row_ptr=conn.row_ptr, cols=conn.cols,
                 weights=proj.flat_weights(),
                 delays=np.broadcast_to(np.asarray(proj.delays, float),
                                        (conn.nb_synapses,)))


def connect_from_file(proj, filename, pickle_encoding=None, storage_format="auto",
                      storage_order="post_to_pre", **unknown):
    """The synapses, weights and delays :meth:`save_connectivity` wrote (on a compiled
    projection: the weights and delays of the same synapses)."""
    refuse_unknown(proj, "connect_from_file", unknown)
    if pickle_encoding is not None:
        raise ConnectivityError(f"projection '{proj.name}': connectivity files are .npz "
                                "(save_connectivity); pickle_encoding does not apply")
    data = _read_connectivity(filename, proj)
    conn = connectors.Connectivity(int(data["pre_size"]), int(data["post_size"]),
                                   row_ptr=data["row_ptr"], cols=data["cols"],
                                   weights=data["weights"])
    delays = data["delays"]
    uniform = delays.size == 0 or np.all(delays == delays[0])
    if proj.connectivity is not None and proj.net.compiled:
        return _reload(proj, conn, delays)
    return connected(proj, lambda: conn.to_csr(),
                     float(delays[0]) if uniform and delays.size else
                     (0.0 if uniform else delays), storage_format, storage_order)


def _reload(proj, conn, delays):
    """``from_file`` on a compiled projection: the file must hold the same synapses;
    its weights (and delays) are loaded into them."""
    mine = proj.connectivity
    if not (np.array_equal(mine.row_ptr, conn.row_ptr)
            and np.array_equal(mine.cols, conn.cols)):
        raise NetworkError(f"projection '{proj.name}' is compiled: from_file() can only "
                           "load weights and delays of the same synapses")
    proj.w = conn.weights
    if delays.size:
        proj.delay = float(delays[0]) if np.all(delays == delays[0]) else \
            [delays[mine.row_ptr[i]:mine.row_ptr[i + 1]] for i in proj.post_ranks]
    return proj


def _read_connectivity(filename, proj) -> dict:
    """The arrays of a connectivity file, checked against the projection's sizes."""
    try:
        with np.load(filename) as data:
            fields = {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError) as exc:
        raise ConnectivityError(f"projection '{proj.name}': cannot read connectivity from "
                                f"{filename!r} ({exc})") from None
    if not _FIELDS <= set(fields):
        raise ConnectivityError(f"projection '{proj.name}': {filename!r} is not a "
                                "connectivity file saved by save_connectivity()")
    if (int(fields["pre_size"]), int(fields["post_size"])) != (proj.pre.size, proj.post.size):
        raise ConnectivityError(
            f"projection '{proj.name}': the file connects {int(fields['pre_size'])} -> "
            f"{int(fields['post_size'])} neurons, the projection {proj.pre.size} -> "
            f"{proj.post.size}")
    return fields


def save(proj, filename):
    """Synapses, weights, delays and synapse attributes in ANNarchy's layout
    (``.npz``, ``.data``, ``.txt.gz``; ``.mat`` for analysis only)."""
    write(filename, projection_description(proj))


def load(proj, filename, pickle_encoding=None):
    """Restore what :meth:`save` (here or in ANNarchy) wrote for these synapses;
    ``pickle_encoding`` reads pickles written by Python 2."""
    apply_projection(proj, read(filename, pickle_encoding), repr(str(filename)))
