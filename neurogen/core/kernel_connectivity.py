"""Kernel-first connectivity: a translation-invariant projection kept as its offset kernel.

Distance-based connectors on regular grids (``connect_gaussian``, ``connect_dog``,
``connect_from_offset_function``) give weights that depend only on the offset between two
neurons. When a projection asks for a
storage that computes with that structure (``storage_format="fft"`` or ``"separable"``),
the connector produces the *kernel* (one value per offset, O(N) for N neurons) instead of
the (N, N) matrix; the matrix, CSR arrays and per-dendrite weights are built only when
Python asks for them (``proj.w``, ``connectivity_matrix()``, monitors of ``w``, saving).

The kernel's weights are the connector's formula in double precision, with distances
from integer offsets: exactly translation-invariant. ANNarchy (and neurogen's dense and
CSR connectors) round coordinates, distances and weights to single precision, so the two
differ by ~1e-8 relative (documented in docs/performance.md). ``limit`` and
``allow_self_connections=False`` act on the kernel: weak offsets and the centre tap are
zero (no synapse).
"""
from __future__ import annotations

import numpy as np

from ..errors import ConnectivityError
from .connectors import Connectivity


def offsets(geometry: tuple) -> np.ndarray:
    """(ndim, 2 n_a - 1 ...) offsets ``d`` per axis, ``d = i - j`` from ``-(n-1)`` on."""
    return np.indices(tuple(2 * g - 1 for g in geometry)) - \
        (np.array(geometry) - 1).reshape((-1,) + (1,) * len(geometry))


def squared_offsets(geometry: tuple, periodic: bool) -> np.ndarray:
    """Squared normalised distance of every offset: ``d / (n - 1)`` per axis as ANNarchy
    normalises coordinates, or on a circle of circumference 1 (``d / n`` wrapped) when
    ``periodic``; in double precision."""
    total = np.zeros(tuple(2 * g - 1 for g in geometry))
    for axis, (d, n) in enumerate(zip(offsets(geometry), geometry)):
        if periodic:
            wrapped = np.remainder(d, n)
            diff = np.minimum(wrapped, n - wrapped) / n
        else:
            diff = d / (n - 1) if n > 1 else np.zeros_like(d, dtype=float)
        total = total + diff * diff
    return total


def grid_offsets(geometry: tuple, periodic: bool) -> tuple:
    """Per axis, the offset ``post - pre`` in grid units (floats holding integers) at each
    kernel position; with ``periodic`` its minimal image on the ring of ``n`` positions, in
    ``[-(n // 2), (n - 1) // 2]`` (on an even ring ``n / 2`` is ``-n / 2``, as in
    ``numpy.fft.fftfreq(n) * n``)."""
    result = []
    for d, n in zip(offsets(geometry), geometry):
        if periodic:
            d = np.remainder(d, n)
            d = np.where(d >= (n + 1) // 2, d - n, d)
        result.append(d.astype(np.float64))
    return tuple(result)


def offset_weights(function, geometry: tuple, periodic: bool, owner: str) -> np.ndarray:
    """``function(*grid_offsets)``, called once on the offset grid, as finite doubles of
    the offset grid's shape; anything else is a :class:`ConnectivityError` naming
    ``owner`` and the function."""
    name = getattr(function, "__qualname__", None) or repr(function)
    if not callable(function):
        raise ConnectivityError(f"{owner}: the offset function must be callable (one "
                                f"array of offsets per grid axis -> weights), got {name}")
    d = grid_offsets(geometry, periodic)
    try:
        weights = function(*d)
    except Exception as exc:
        raise ConnectivityError(
            f"{owner}: the offset function {name} raised {type(exc).__name__}: {exc} (it "
            f"is called once with {len(d)} array(s) of offsets post - pre, one per axis of "
            f"the grid {tuple(geometry)}, each of shape {d[0].shape})") from exc
    shape = d[0].shape
    try:
        array = np.asarray(weights)
    except (TypeError, ValueError):        # e.g. ragged lists
        array = np.empty(0, dtype=object)
    if array.dtype.kind not in "biuf":
        raise ConnectivityError(f"{owner}: the offset function {name} must return real "
                                f"numbers, got {type(weights).__name__}"
                                f" of dtype {array.dtype}"[:300])
    array = array.astype(np.float64)
    if array.shape != shape:
        raise ConnectivityError(
            f"{owner}: the offset function {name} must return one weight per offset, an "
            f"array of shape {shape} like its arguments, got shape {array.shape} (for a "
            "constant use np.full_like(dx, value))")
    bad = ~np.isfinite(array)
    if bad.any():
        first = np.unravel_index(np.argmax(bad), shape)
        where = tuple(int(a[first]) for a in d)
        raise ConnectivityError(f"{owner}: the offset function {name} returned "
                                f"{int(bad.sum())} non-finite weight(s), e.g. "
                                f"{array[first]} at offset {where}")
    return array


def f32(x: float) -> float:
    """Amplitudes and widths as the connector takes them (C ``float`` in ANNarchy)."""
    return float(np.float32(x))


def gaussian_profile(d2, amp, sigma):
    width = f32(np.float32(sigma) * np.float32(sigma))
    return f32(amp) * np.exp(-d2 / (2.0 * width))


class KernelConnectivity:
    """Same interface as :class:`~neurogen.core.connectors.Connectivity`; the dense
    view is built on first use and then is the truth (``materialized``)."""

    def __init__(self, geometry: tuple, kernel: np.ndarray, mask: np.ndarray | None = None):
        """``mask``: which offsets are synapses (default: the nonzero weights)."""
        self.geometry = tuple(int(g) for g in geometry)
        self.kernel = np.ascontiguousarray(kernel, dtype=np.float64)
        self.pre_size = self.post_size = int(np.prod(self.geometry))
        self._view = None
        if mask is not None:
            self._kernel_mask = mask

    @classmethod
    def from_profile(cls, geometry, profile, keep, allow_self: bool, periodic: bool):
        """``profile(squared normalised distance)``; ``keep(weights)`` says which exist."""
        weights = profile(squared_offsets(geometry, periodic))
        return cls._masked(geometry, weights, keep(weights), allow_self)

    @classmethod
    def from_offset_function(cls, geometry, function, allow_self: bool, periodic: bool,
                             owner: str):
        """``function(*offsets)`` (see :func:`offset_weights`); zero means no synapse."""
        weights = offset_weights(function, geometry, periodic, owner)
        return cls._masked(geometry, weights, weights != 0.0, allow_self)

    @classmethod
    def _masked(cls, geometry, weights, mask, allow_self: bool):
        if not allow_self:
            mask[tuple(g - 1 for g in geometry)] = False      # the centre tap
        return cls(geometry, np.where(mask, weights, 0.0), mask=mask)

    # -- without materialising ------------------------------------------------------------
    @property
    def materialized(self) -> bool:
        return self._view is not None

    @property
    def nb_synapses(self) -> int:
        if self._view is not None:
            return self._view.nb_synapses
        pairs = np.ones(self.kernel.shape, dtype=np.int64)
        for d, n in zip(offsets(self.geometry), self.geometry):
            pairs *= n - np.abs(d)                    # (i, j) pairs at this offset
        return int(np.sum(pairs[self._mask]))

    @property
    def is_dense(self) -> bool:
        return True                                   # its dense view is the layout

    # -- the dense view, on demand -------------------------------------------------------
    def _dense(self) -> Connectivity:
        if self._view is None:
            n, g = self.pre_size, self.geometry
            idx = np.stack(np.unravel_index(np.arange(n), g), axis=1)
            matrix = np.empty((n, n))
            mask = np.empty((n, n), dtype=bool)
            for start in range(0, n, 256):
                rows = idx[start:start + 256]
                d = rows[:, None, :] - idx[None, :, :] + (np.array(g) - 1)
                where = tuple(d[..., a] for a in range(len(g)))
                matrix[start:start + 256] = self.kernel[where]
                mask[start:start + 256] = self._mask[where]
            self._view = Connectivity(n, n, matrix=matrix, mask=mask)
        return self._view

    @property
    def _mask(self) -> np.ndarray:
        if "_kernel_mask" not in self.__dict__:
            self._kernel_mask = self.kernel != 0.0
        return self._kernel_mask

    def __getattr__(self, name):
        if name.startswith("_") or name in ("kernel", "geometry"):
            raise AttributeError(name)
        return getattr(self._dense(), name)           # matrix, mask, row_ptr, cols, weights…

    def to_dense(self) -> Connectivity:
        return self._dense()

    def sparse(self) -> Connectivity:
        """The CSR form built tap by tap, O(taps x N), never the N x N matrix: for a
        kernel of a few taps (a few synapses per neuron)."""
        g = np.array(self.geometry)
        posts = np.indices(self.geometry).reshape(len(g), -1).T
        taps = np.argwhere(self._mask)
        post_idx, pre_idx, weights = [], [], []
        for tap in taps:
            pre = posts - (tap - (g - 1))          # pre = post - offset
            inside = np.all((pre >= 0) & (pre < g), axis=1)
            post_idx.append(np.nonzero(inside)[0])
            pre_idx.append(np.ravel_multi_index(tuple(pre[inside].T), self.geometry))
            weights.append(np.full(post_idx[-1].size, self.kernel[tuple(tap)]))
        post_idx, pre_idx = np.concatenate(post_idx), np.concatenate(pre_idx)
        order = np.lexsort((pre_idx, post_idx))
        row_ptr = np.zeros(self.post_size + 1, dtype=np.int64)
        np.cumsum(np.bincount(post_idx, minlength=self.post_size), out=row_ptr[1:])
        return Connectivity(self.pre_size, self.post_size, row_ptr=row_ptr,
                            cols=pre_idx[order].astype(np.int32),
                            weights=np.concatenate(weights)[order])

    def to_csr(self) -> Connectivity:
        return self._dense().to_csr()

    def dense(self, fill: float = 0.0) -> np.ndarray:
        return self._dense().dense(fill)
