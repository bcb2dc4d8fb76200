"""Connection patterns as pure NumPy: each returns a :class:`Connectivity` in CSR form.

Formulas follow ANNarchy's Cython connectors exactly, including their details: distances
for ``gaussian``/``dog`` are *squared* Euclidean distances between coordinates
normalised to [0, 1] per axis (``x / (size_axis - 1)``), computed in single precision;
``limit`` drops weak synapses; self-connections are only ever excluded when ``pre`` and
``post`` are the same population.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConnectivityError


@dataclass
class Connectivity:
    """Synapses grouped by postsynaptic neuron (rows), presynaptic ranks as columns."""
    pre_size: int
    post_size: int
    row_ptr: np.ndarray        # int64, post_size + 1
    cols: np.ndarray           # int32, pre ranks
    weights: np.ndarray        # float64, one per synapse

    @property
    def nb_synapses(self) -> int:
        return int(self.row_ptr[-1])

    @classmethod
    def from_mask(cls, mask: np.ndarray, weights: np.ndarray) -> "Connectivity":
        """``mask``/``weights`` shaped (post, pre)."""
        post_idx, pre_idx = np.nonzero(mask)
        row_ptr = np.zeros(mask.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(post_idx, minlength=mask.shape[0]), out=row_ptr[1:])
        return cls(mask.shape[1], mask.shape[0], row_ptr, pre_idx.astype(np.int32),
                   np.asarray(weights[post_idx, pre_idx], dtype=np.float64))

    def dense(self, fill: float = 0.0) -> np.ndarray:
        """(post, pre) matrix of weights, ``fill`` where there is no synapse."""
        matrix = np.full((self.post_size, self.pre_size), fill, dtype=np.float64)
        rows = np.repeat(np.arange(self.post_size), np.diff(self.row_ptr))
        matrix[rows, self.cols] = self.weights
        return matrix


def _draw(values, n: int, rng) -> np.ndarray:
    if hasattr(values, "get_values"):
        return values.get_values(n, rng)
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        return np.full(n, float(array))
    raise ConnectivityError("weights must be a number or a random distribution here")


def one_to_one(pre_size: int, post_size: int, weights, rng) -> Connectivity:
    n = min(pre_size, post_size)
    mask = np.zeros((post_size, pre_size), dtype=bool)
    mask[np.arange(n), np.arange(n)] = True
    conn = Connectivity.from_mask(mask, np.zeros(mask.shape))
    conn.weights = _draw(weights, conn.nb_synapses, rng)
    return conn


def all_to_all(pre_size: int, post_size: int, weights, allow_self: bool, rng) -> Connectivity:
    mask = np.ones((post_size, pre_size), dtype=bool)
    if not allow_self:
        np.fill_diagonal(mask, False)
    conn = Connectivity.from_mask(mask, np.zeros(mask.shape))
    conn.weights = _draw(weights, conn.nb_synapses, rng)
    return conn


def normalized_coordinates(geometry: tuple) -> np.ndarray:
    """(size, ndim) float32 coordinates in [0, 1], as ANNarchy's ``Coordinates.pyx``."""
    ranks = np.arange(int(np.prod(geometry)))
    coords = np.stack(np.unravel_index(ranks, geometry), axis=1).astype(np.float64)
    scale = np.array([g - 1 if g > 1 else np.inf for g in geometry], dtype=np.float64)
    return (coords / scale).astype(np.float32)


def squared_distances(pre_geometry: tuple, post_geometry: tuple) -> np.ndarray:
    """(post, pre) float32 squared distances over the presynaptic dimensions."""
    dims = len(pre_geometry)
    if len(post_geometry) < dims:
        raise ConnectivityError(f"the post-synaptic population has {len(post_geometry)} "
                                f"dimensions, fewer than the pre-synaptic one ({dims})")
    pre = normalized_coordinates(pre_geometry)
    post = normalized_coordinates(post_geometry)[:, :dims]
    diff = post[:, None, :] - pre[None, :, :]
    return np.sum(diff * diff, axis=2, dtype=np.float32)


def _gaussian(distance: np.ndarray, amp: float, sigma: float) -> np.ndarray:
    return amp * np.exp(-distance.astype(np.float64) / (2.0 * sigma ** 2))


def gaussian(pre_geometry, post_geometry, amp, sigma, limit, allow_self) -> Connectivity:
    values = _gaussian(squared_distances(pre_geometry, post_geometry), amp, sigma)
    values = values.astype(np.float32).astype(np.float64)
    mask = values > limit * amp
    if not allow_self:
        np.fill_diagonal(mask, False)
    return Connectivity.from_mask(mask, values)


def dog(pre_geometry, post_geometry, amp_pos, sigma_pos, amp_neg, sigma_neg, limit,
        allow_self) -> Connectivity:
    distance = squared_distances(pre_geometry, post_geometry)
    values = _gaussian(distance, amp_pos, sigma_pos) - _gaussian(distance, amp_neg, sigma_neg)
    values = values.astype(np.float32).astype(np.float64)
    mask = np.abs(values) > limit * abs(amp_pos - amp_neg)
    if not allow_self:
        np.fill_diagonal(mask, False)
    return Connectivity.from_mask(mask, values)


def from_matrix(matrix, pre_size: int, post_size: int, pre_post: bool) -> Connectivity:
    """Dense (post, pre) matrix (``pre_post=True``: (pre, post)); ``None``/NaN = no synapse."""
    array = np.array(matrix, dtype=object if _has_none(matrix) else np.float64)
    if pre_post:
        array = array.T
    if array.shape != (post_size, pre_size):
        raise ConnectivityError(f"the matrix has shape {array.shape}, expected "
                                f"{(post_size, pre_size)} (post, pre)")
    if array.dtype == object:
        mask = np.vectorize(lambda v: v is not None)(array)
        values = np.where(mask, array, 0.0).astype(np.float64)
    else:
        mask = ~np.isnan(array)
        values = np.nan_to_num(array)
    return Connectivity.from_mask(mask, values)


def _has_none(matrix) -> bool:
    try:
        return any(v is None for row in matrix for v in row)
    except TypeError:
        return False
