"""Editing CSR connectivity: synapses removed and added, every row kept sorted by
presynaptic rank (the generated creating rule walks rows in that order).

Pure NumPy functions of the arrays (no model object, no runtime): the runtime turns the
decisions of the generated rules into edits with :func:`decisions`, a dendrite's
``create_synapse``/``prune_synapse`` with :func:`dendrite_edit`, and both are applied by
:func:`apply`.
"""
from __future__ import annotations

import numpy as np

from ..errors import NetworkError


def rows_sorted(row_ptr: np.ndarray, cols: np.ndarray) -> bool:
    """Whether each row's presynaptic ranks ascend (equal ranks allowed)."""
    if cols.size < 2:
        return True
    step = np.diff(cols.astype(np.int64))
    inside = np.ones(cols.size - 1, dtype=bool)
    starts = row_ptr[1:-1]
    inside[starts[(starts > 0) & (starts < cols.size)] - 1] = False   # row boundaries
    return bool(np.all(step[inside] >= 0))


def _ranks(values, name: str, size: int, where: str) -> np.ndarray:
    ranks = np.asarray(values, dtype=np.int64).reshape(-1)
    if ranks.size and (ranks.min() < 0 or ranks.max() >= size):
        raise NetworkError(f"{where}: {name} ranks must lie in [0, {size}), got "
                           f"{ranks.tolist()}")
    if np.unique(ranks).size != ranks.size:
        raise NetworkError(f"{where}: {name} ranks repeat: {ranks.tolist()}")
    return ranks


def dendrite_edit(row_ptr: np.ndarray, cols: np.ndarray, post: int, pre_size: int,
                  prune=(), create=(), where: str = "dendrite"):
    """``(keep, add_rows, add_cols)`` removing the synapses from presynaptic ranks
    ``prune`` and adding ones from ``create`` on row ``post``; refuses (naming
    ``where``) ranks out of range, repeated, absent (prune) or present (create)."""
    start, stop = int(row_ptr[post]), int(row_ptr[post + 1])
    row = cols[start:stop].astype(np.int64)
    prune = _ranks(prune, "presynaptic", pre_size, where)
    create = _ranks(create, "presynaptic", pre_size, where)
    missing = np.setdiff1d(prune, row)
    if missing.size:
        raise NetworkError(f"{where}: no synapse from presynaptic neuron(s) "
                           f"{missing.tolist()} to prune (it has {row.tolist()})")
    existing = np.intersect1d(create, row)
    if existing.size:
        raise NetworkError(f"{where}: synapse(s) from {existing.tolist()} exist already")
    keep = np.ones(cols.size, dtype=bool)
    keep[start:stop] = ~np.isin(row, prune)
    return keep, np.full(create.size, post, dtype=np.int64), create


def checked(keep, add_rows, add_cols, row_ptr, cols, pre_size: int, where: str):
    """The arguments of :func:`apply` as arrays, refused (naming ``where``) when they do
    not fit the connectivity: one flag per synapse, ranks in range, no pair added twice
    or added where a kept synapse is."""
    post_size = row_ptr.size - 1
    keep = np.asarray(keep, dtype=bool).reshape(-1)
    add_rows = np.asarray(add_rows, dtype=np.int64).reshape(-1)
    add_cols = np.asarray(add_cols, dtype=np.int64).reshape(-1)
    if keep.size != cols.size or add_rows.size != add_cols.size:
        raise NetworkError(f"{where}: an edit needs one flag per synapse ({cols.size}) and "
                           "as many postsynaptic as presynaptic ranks to add")
    for ranks, size, side in ((add_rows, post_size, "postsynaptic"),
                              (add_cols, pre_size, "presynaptic")):
        if ranks.size and (ranks.min() < 0 or ranks.max() >= size):
            raise NetworkError(f"{where}: {side} ranks must lie in [0, {size})")
    if add_rows.size:
        added = add_rows * pre_size + add_cols
        rows = np.repeat(np.arange(post_size, dtype=np.int64), np.diff(row_ptr))
        kept = rows[keep] * pre_size + cols[keep].astype(np.int64)
        if np.unique(added).size != added.size or np.isin(added, kept).any():
            raise NetworkError(f"{where}: a synapse to add exists already or is added twice")
    return keep, add_rows, add_cols


def decisions(row_ptr: np.ndarray, pruned=None, offsets=None, created=None):
    """``(keep, add_rows, add_cols)`` from the generated rules' buffers: ``pruned`` one
    flag per synapse (or None; it may be longer), ``offsets`` where each row's created
    presynaptic ranks start in ``created`` (a prefix sum over rows; or None)."""
    count = int(row_ptr[-1])
    keep = np.ones(count, dtype=bool) if pruned is None else ~pruned[:count].astype(bool)
    if offsets is None:
        return keep, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    total = int(offsets[-1])
    rows = np.repeat(np.arange(offsets.size - 1, dtype=np.int64), np.diff(offsets))
    return keep, rows, np.asarray(created[:total], dtype=np.int64)


def apply(row_ptr: np.ndarray, cols: np.ndarray, arrays: dict, keep: np.ndarray,
          add_rows: np.ndarray, add_cols: np.ndarray, added: dict):
    """The synapses where ``keep``, plus ``(add_rows[n], add_cols[n])``: new
    ``(row_ptr, cols, arrays)``; ``arrays`` (one value per synapse, by name) get the new
    synapses' values from ``added`` (same names, one value per added synapse). Rows
    stay sorted by presynaptic rank (stable: synapses of equal rank keep their order)."""
    post_size = row_ptr.size - 1
    old_rows = np.repeat(np.arange(post_size, dtype=np.int64), np.diff(row_ptr))
    add_rows = np.asarray(add_rows, dtype=np.int64)
    rows = np.concatenate([old_rows[keep], add_rows])
    new_cols = np.concatenate([cols[keep].astype(np.int64),
                               np.asarray(add_cols, dtype=np.int64)])
    order = np.lexsort((new_cols, rows))
    rebuilt = {name: np.ascontiguousarray(np.concatenate(
        [array[keep], np.asarray(added[name]).astype(array.dtype, copy=False)])[order])
        for name, array in arrays.items()}
    new_ptr = np.zeros(post_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=post_size), out=new_ptr[1:])
    return new_ptr, np.ascontiguousarray(new_cols[order], dtype=np.int32), rebuilt
