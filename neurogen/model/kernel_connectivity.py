"""Kernel-first connectivity: a translation-invariant projection kept as its offset kernel.

Distance-based connectors on regular grids (``connect_gaussian``, ``connect_dog``) give
weights that depend only on the offset between two neurons. When a projection asks for a
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


def f32(x: float) -> float:
    """Amplitudes and widths as the connector takes them (C ``float`` in ANNarchy)."""
    return float(np.float32(x))


def gaussian_profile(d2, amp, sigma):
    width = f32(np.float32(sigma) * np.float32(sigma))
    return f32(amp) * np.exp(-d2 / (2.0 * width))


class KernelConnectivity:
    """Same interface as :class:`~neurogen.model.connectors.Connectivity`; the dense
    view is built on first use and then is the truth (``materialized``)."""

    def __init__(self, geometry: tuple, kernel: np.ndarray):
        self.geometry = tuple(int(g) for g in geometry)
        self.kernel = np.ascontiguousarray(kernel, dtype=np.float64)
        self.pre_size = self.post_size = int(np.prod(self.geometry))
        self._view = None

    @classmethod
    def from_profile(cls, geometry, profile, keep, allow_self: bool, periodic: bool):
        weights = profile(squared_offsets(geometry, periodic))
        mask = keep(weights)
        if not allow_self:
            mask[tuple(g - 1 for g in geometry)] = False      # the centre tap
        conn = cls(geometry, np.where(mask, weights, 0.0))
        conn._kernel_mask = mask
        return conn

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

    def to_csr(self) -> Connectivity:
        return self._dense().to_csr()

    def dense(self, fill: float = 0.0) -> np.ndarray:
        return self._dense().dense(fill)
