"""Nearest-neighbour coupling on a ring and a torus: index pairs, the eigenvalues of the
adjacency matrix, and its projections."""
from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from ...core.projection import Projection


def ring_neighbours(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(post, pre) index pairs of the periodic nearest-neighbour ring (2 per neuron)."""
    i = np.arange(n)
    post = np.repeat(i, 2)
    pre = np.stack([(i - 1) % n, (i + 1) % n], axis=1).ravel()
    return post, pre


def torus_neighbours(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(post, pre) flat-rank pairs of the periodic 4-neighbour ``n x n`` torus
    (row-major ranks, as a population of geometry ``(n, n)``)."""
    r, c = np.divmod(np.arange(n * n), n)
    pre = np.stack([((r - 1) % n) * n + c, r * n + (c - 1) % n,
                    r * n + (c + 1) % n, ((r + 1) % n) * n + c], axis=1).ravel()
    return np.repeat(np.arange(n * n), 4), pre


def adjacency_eigenvalues(shape: tuple) -> np.ndarray:
    """Eigenvalues of the periodic nearest-neighbour adjacency on ``shape`` (FFT order)."""
    lam = 0.0
    for axis, n in enumerate(shape):
        k = 2.0 * np.cos(2.0 * np.pi * np.arange(n) / n)
        lam = lam + k.reshape([-1 if a == axis else 1 for a in range(len(shape))])
    return np.asarray(lam)


def connect_neighbours(proj: Projection, post, pre, weight: float, size: int, delays: float = 0.0):
    """Sparse (a 200 x 200 torus would have 1.6e9 matrix entries): SciPy's CSR matrix."""
    W = csr_matrix((np.full(len(post), float(weight)), (post, pre)), shape=(size, size))
    return proj.connect_from_sparse(W, delays=delays)
