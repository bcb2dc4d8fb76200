"""Separable (low-rank) storage for translation-invariant projections on 2-D grids.

With ``W[i, j] = t[i0 - j0, i1 - j1]`` and the SVD of the offset kernel
``t = sum_k s_k u_k v_k^T``, the weighted sum is ``Y = sum_k A_k X B_k^T`` where ``A_k``
(n0 x n0) and ``B_k`` (n1 x n1) are the Toeplitz matrices of ``s_k u_k`` and ``v_k``:
O(r (n0^2 n1 + n0 n1^2)) per step instead of O(n0^2 n1^2), exact at the borders (zero
padding is implicit), and vectorisable. A Gaussian is rank 1, a difference of Gaussians
rank 2. The rank is the smallest whose reconstruction deviates from the kernel by at most
``SVD_RTOL`` of its largest value (``truncation_error`` says by how much it does).

A removed self-connection (``allow_self_connections=False``: the centre tap set to 0)
adds one to the rank. Where it does, the kernel is kept as the low-rank kernel it came
from plus a correction ``diag`` at the centre tap (``W = sum_k A_k (x) B_k + diag I``),
the centre value of that kernel found from the others (:func:`centre_completion`): the
tutorial's difference of Gaussians is two components, not three.
"""
from __future__ import annotations

import weakref

import numpy as np

from ..errors import ConnectivityError
from .fft_numerics import offset_kernel
from .base import KernelData, OffsetKernelStorage, given_kernel, needs_synapse_loop

SVD_RTOL = 1e-13

#: the rank of each connectivity's offset kernel, computed once (a cache kept here: the
#: storage changes no connectivity)
_RANKS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def low_rank(kernel: np.ndarray, rtol: float = SVD_RTOL):
    """(rank, singular values, U, Vt, max deviation / max |kernel|) of the offset kernel."""
    u, s, vt = np.linalg.svd(kernel, full_matrices=False)
    scale = float(np.max(np.abs(kernel), initial=0.0))
    if scale == 0.0:
        return 0, s, u, vt, 0.0
    approx = np.zeros_like(kernel)
    for r in range(1, len(s) + 1):
        approx += s[r - 1] * np.outer(u[:, r - 1], vt[r - 1])
        error = float(np.max(np.abs(kernel - approx))) / scale
        if error <= rtol:
            return r, s, u, vt, error
    return len(s), s, u, vt, error


def centre_completion(kernel: np.ndarray, rtol: float = SVD_RTOL) -> float:
    """The centre tap's value in the lowest-rank kernel that agrees with ``kernel`` off
    its centre: with the centre row and column left out, the rest has the rank ``r`` of
    that kernel, and its centre is ``row (rest)^+ column`` (the pseudo-inverse truncated
    at ``rtol``). The kernel's own centre value where the rest is zero."""
    c0, c1 = (s // 2 for s in kernel.shape)
    rest = np.delete(np.delete(kernel, c0, axis=0), c1, axis=1)
    if rest.size == 0:
        return float(kernel[c0, c1])
    u, s, vt = np.linalg.svd(rest, full_matrices=False)
    r = int(np.sum(s > rtol * s[0])) if s[0] > 0.0 else 0
    if r == 0:
        return float(kernel[c0, c1])
    row = np.delete(kernel[c0], c1) @ vt[:r].T
    column = u[:, :r].T @ np.delete(kernel[:, c1], c0)
    return float(np.sum(row / s[:r] * column))


def decompose(kernel: np.ndarray, rtol: float = SVD_RTOL):
    """(rank, singular values, U, Vt, truncation error, diag): the offset kernel as
    ``sum_k s_k u_k v_k^T + diag`` at its centre tap, ``diag`` nonzero only where that
    lowers the rank (a removed centre tap)."""
    plain = low_rank(kernel, rtol)
    if plain[0] <= 1:
        return (*plain, 0.0)
    centre = tuple(s // 2 for s in kernel.shape)
    full = kernel.copy()
    full[centre] = centre_completion(kernel, rtol)
    # low_rank measures against the largest value of what it is given: keep the bound
    # relative to the kernel's own
    scale = float(np.max(np.abs(full))) / float(np.max(np.abs(kernel)))
    rank, s, u, vt, error = low_rank(full, rtol / scale)
    if rank >= plain[0]:
        return (*plain, 0.0)
    return rank, s, u, vt, error * scale, float(kernel[centre] - full[centre])


def kernel_rank(conn) -> int:
    """The rank of a kernel-first connectivity's offset kernel (computed once)."""
    if conn not in _RANKS:
        _RANKS[conn] = decompose(conn.kernel)[0]
    return _RANKS[conn]


class SeparableData(KernelData):
    watches_weights = True

    def __init__(self, matrix, geometry, name, kernel=None):
        self.geometry, self.name = tuple(geometry), name
        n0, n1 = self.geometry
        self.rank = self._decompose(matrix, kernel)
        self.rows = np.zeros(max(self.rank, 1) * n0 * n0)
        self.cols = np.zeros(max(self.rank, 1) * n1 * n1)
        self.work = np.zeros(2 * n0 * n1)
        self.diag = np.zeros(1)
        self._fill()
        super().__init__(arrays={"rows": self.rows, "cols": self.cols, "work": self.work,
                                 "diag": self.diag},
                         ints={"n0": n0, "n1": n1, "rank": self.rank})

    def _decompose(self, matrix, kernel=None) -> int:
        if kernel is None:
            kernel = offset_kernel(np.asarray(matrix, dtype=np.float64), self.geometry,
                                   self.name, storage="separable")
        rank, self._s, self._u, self._vt, self.truncation_error, self._diag = \
            decompose(kernel)
        return rank

    def _fill(self):
        """``rows[k]``: A_k (i0, j0) = s_k u_k[i0 - j0]; ``cols[k]``: B_k transposed,
        (j1, i1) = v_k[i1 - j1] (both offsets shifted by n - 1)."""
        n0, n1 = self.geometry
        d0 = np.arange(n0)[:, None] - np.arange(n0)[None, :] + n0 - 1
        d1 = np.arange(n1)[None, :] - np.arange(n1)[:, None] + n1 - 1
        rows = self.rows.reshape(-1, n0, n0)
        cols = self.cols.reshape(-1, n1, n1)
        rows[...] = 0.0
        cols[...] = 0.0
        self.diag[0] = self._diag
        for k in range(min(self.rank, len(rows))):
            rows[k] = self._s[k] * self._u[d0, k]
            cols[k] = self._vt[k, d1]

    def weights_changed(self, matrix):
        compiled = self.rank
        rank = self._decompose(matrix)
        if rank > compiled:
            self.rank = compiled
            raise ConnectivityError(
                f"{self.name}: the new weights need rank {rank} and the separable storage "
                f"was compiled for rank {compiled}; connect them before compile()")
        self.rank = compiled     # the int slot keeps the compiled rank: zero components
        self._fill()

    def apply(self, x):
        """``W @ x`` through the factors, in NumPy (reference for tests)."""
        n0, n1 = self.geometry
        X = np.asarray(x, dtype=np.float64).reshape(n0, n1)
        rows = self.rows.reshape(-1, n0, n0)
        cols = self.cols.reshape(-1, n1, n1)
        return (sum(rows[k] @ X @ cols[k] for k in range(self.rank))
                + self.diag[0] * X).reshape(-1)


class Separable(OffsetKernelStorage):
    name = "separable"
    tables = (("rows", "double"), ("cols", "double"), ("work", "double"), ("diag", "double"))
    sizes = ("n0", "n1", "rank")

    def refuse(self, proj):
        if proj.synapse_ir is not None:
            return ("computes sum(target) = W r from the factors of the weights; it takes "
                    "no synapse model (use 'dense' or 'csr')")
        if needs_synapse_loop(proj):
            return "needs one delay for all synapses"
        if proj.pre.geometry != proj.post.geometry or len(proj.pre.geometry) != 2:
            return (f"needs pre- and post-synaptic populations on the same 2-D grid, got "
                    f"{proj.pre.geometry} and {proj.post.geometry}")
        return None

    def cost(self, proj):
        """Two row passes per rank; the rank from the SVD of a kernel-first connectivity
        (cached on it), else of the matrix's offset kernel."""
        return self._cost(proj.pre.geometry, self.rank(proj))

    def grid_cost(self, conn):
        return self._cost(conn.geometry, kernel_rank(conn)) if len(conn.geometry) == 2 \
            else None

    @staticmethod
    def _cost(geometry, rank):
        n0, n1 = geometry    # a register-blocked row update costs about one cached dense
        # multiply-add, plus a fixed cost per step (bench/limits.py, N = 20..128)
        return max(rank, 1) * float(n0 * n0 * n1 + n0 * n1 * n1) + 25000.0

    @staticmethod
    def rank(proj) -> int:
        conn = proj.connectivity
        if given_kernel(proj) is not None:
            return max(kernel_rank(conn), 1)
        cached = _RANKS.get(conn)
        if cached is None:
            kernel = offset_kernel(np.asarray(conn.to_dense().matrix, dtype=float),
                                   proj.pre.geometry, f"projection '{proj.name}'",
                                   storage="separable")
            cached = _RANKS[conn] = decompose(kernel)[0]
        return max(cached, 1)

    def prepare(self, proj, conn=None):
        conn = self.layout(proj) if conn is None else conn
        name = f"projection '{proj.name}'"
        kernel = given_kernel(proj, conn)
        if kernel is not None:      # kernel-first: no matrix
            return SeparableData(None, proj.pre.geometry, name, kernel=kernel)
        return SeparableData(conn.matrix, proj.pre.geometry, name)
