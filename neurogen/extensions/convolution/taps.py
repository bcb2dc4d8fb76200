"""Which presynaptic neuron each filter tap of each postsynaptic neuron reads.

Pure NumPy, shared by :class:`Convolution` and :class:`Pooling`. A shared filter is
stored once; the connectivity handed to the generated code is a CSR pattern whose
fan-in is the filter size (``k`` multiply-adds per output, never a dense matrix), with
``tap[s]`` giving the filter entry of synapse ``s`` so that a new filter is one gather.

Conventions are ANNarchy's: the operation is a cross-correlation (no flip); the centre of
a filter axis of size ``k`` is ``k // 2`` for odd ``k`` and ``k // 2 - 1`` for even ``k``;
when the presynaptic axis is ``s`` times longer than the postsynaptic one, post neuron
``i`` is centred on ``(s - 1) // 2 + s * i``.
"""
from __future__ import annotations

import numpy as np

from ...errors import ConnectivityError


def filter_center(size: int) -> int:
    return size // 2 if size % 2 else size // 2 - 1


def _subsampled(pre: int, post: int, axis: int, name: str) -> np.ndarray:
    step = pre // post
    if step * post != pre:
        raise ConnectivityError(
            f"{name}: along axis {axis} the presynaptic population has {pre} neurons, the "
            f"postsynaptic one {post}: for sub-sampling the first must be a multiple of "
            "the second (or give subsampling=)")
    return (step - 1) // 2 + step * np.arange(post)


def centres(pre_geometry, post_geometry, kernel_shape, name, keep_last=False,
            bank=False, subsampling=None) -> np.ndarray:
    """(post_size, pre_dim) presynaptic coordinates each postsynaptic neuron is centred
    on (for a bank: per position, the filter index is the last postsynaptic axis)."""
    pre_dim = len(pre_geometry)
    spatial_post = post_geometry[:-1] if bank else post_geometry
    positions = int(np.prod(spatial_post)) if spatial_post else 1
    if subsampling is not None:
        coords = np.asarray(subsampling)
        if coords.shape != (positions, pre_dim) or not np.issubdtype(coords.dtype, np.integer):
            raise ConnectivityError(
                f"{name}: subsampling must give, for each of the {positions} postsynaptic "
                f"positions, {pre_dim} integer presynaptic coordinates (shape "
                f"({positions}, {pre_dim})), got shape {coords.shape}")
        return coords.astype(np.int64)
    axes = []
    for d in range(pre_dim):
        if d < len(spatial_post):
            axes.append(_subsampled(pre_geometry[d], spatial_post[d], d, name))
        elif keep_last:
            axes.append(np.arange(pre_geometry[d]))
        else:
            axes.append(np.array([filter_center(kernel_shape[d])]))
    grid = np.meshgrid(*axes, indexing="ij")
    coords = np.stack([g.reshape(-1) for g in grid], axis=1)
    if coords.shape[0] != positions:
        raise ConnectivityError(f"{name}: the postsynaptic geometry {tuple(post_geometry)} "
                                f"does not fit the presynaptic {tuple(pre_geometry)} and a "
                                f"filter of shape {tuple(kernel_shape)}")
    return coords


def kernel_taps(kernel_shape) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (taps, ndim) of every filter entry from the centre, and its flat index."""
    grid = np.indices(kernel_shape).reshape(len(kernel_shape), -1).T
    offsets = grid - np.array([filter_center(k) for k in kernel_shape])
    return offsets, np.arange(grid.shape[0])


class Layout:
    """Where the taps of each postsynaptic neuron fall: centres (rows, ndim), tap offsets
    (taps, ndim), the filter of each row, whether out-of-range taps are clamped; and
    for each (filter, tap) slot, the filter entry it reads (``entry``)."""

    def __init__(self, pre_geometry, coords, offsets, row_filter, entry, clamp):
        self.pre_geometry = tuple(int(g) for g in pre_geometry)
        self.coords, self.offsets = coords, offsets
        self.row_filter, self.entry, self.clamp = row_filter, entry, clamp

    @property
    def n_taps(self) -> int:
        return len(self.offsets)

    def inside(self) -> np.ndarray:
        """(rows,) whether every tap of the row lies inside the population."""
        pre = self.coords[:, None, :] + self.offsets[None, :, :]
        return np.all((pre >= 0) & (pre < np.asarray(self.pre_geometry)), axis=(1, 2))

    def csr(self):
        """CSR rows of presynaptic ranks ``coords + offset``; out-of-range taps clamped to
        the border when ``clamp``, dropped otherwise. Returns ``row_ptr``, ``cols`` (int32)
        and ``slot`` (``filter * taps + tap`` of each synapse)."""
        geometry = np.asarray(self.pre_geometry)
        pre = self.coords[:, None, :] + self.offsets[None, :, :]      # (rows, taps, ndim)
        if self.clamp:
            pre = np.clip(pre, 0, geometry - 1)
            valid = np.ones(pre.shape[:2], dtype=bool)
        else:
            valid = np.all((pre >= 0) & (pre < geometry), axis=2)
        ranks = np.ravel_multi_index(tuple(np.where(valid[..., None], pre, 0).T),
                                     self.pre_geometry).T
        row_ptr = np.zeros(self.coords.shape[0] + 1, dtype=np.int64)
        np.cumsum(valid.sum(axis=1), out=row_ptr[1:])
        slots = self.row_filter[:, None] * self.n_taps + np.arange(self.n_taps)[None, :]
        return row_ptr, ranks[valid].astype(np.int32), slots[valid].astype(np.int64)
