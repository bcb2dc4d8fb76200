"""Connection patterns as pure NumPy: each returns a :class:`Connectivity` in CSR form.

Formulas follow ANNarchy's Cython connectors exactly, including their floating-point
details, so weights are bit-identical: distances for ``gaussian``/``dog`` are *squared*
Euclidean distances between coordinates normalised to [0, 1] per axis
(``x / (size_axis - 1)``), accumulated in single precision; amplitudes and widths are
single precision; weights are rounded to single precision; ``limit`` drops weak
synapses; self-connections are only ever excluded when ``pre`` and ``post`` are the same
population.
"""
from __future__ import annotations

import numpy as np

from ..errors import ConnectivityError
from ..storage.base import DENSE_THRESHOLD


_CHUNK = 256             # post-synaptic rows computed at a time (bounds temporaries)


class Connectivity:
    """Synapses of a projection, either as CSR (rows = postsynaptic neurons, columns =
    presynaptic ranks) or, when most synapses exist, as a dense (post, pre) matrix with a
    mask: the matrix then doubles as the runtime weight buffer, so memory stays close to
    the weights themselves. ``row_ptr``/``cols``/``weights`` are always available (computed
    on demand from the dense form)."""

    def __init__(self, pre_size: int, post_size: int, *, row_ptr=None, cols=None,
                 weights=None, matrix=None, mask=None):
        self.pre_size, self.post_size = pre_size, post_size
        self.matrix, self.mask = matrix, mask
        self._row_ptr, self._cols, self._weights = row_ptr, cols, weights

    @property
    def is_dense(self) -> bool:
        return self.mask is not None

    @classmethod
    def from_mask(cls, mask: np.ndarray, values) -> "Connectivity":
        """``mask`` (post, pre); ``values`` a matrix of the same shape or a scalar."""
        post_size, pre_size = mask.shape
        if mask.size and mask.mean() >= DENSE_THRESHOLD:
            if np.ndim(values):        # the caller's matrix is reused: no copy
                matrix = np.ascontiguousarray(values, dtype=np.float64)
                matrix[~mask] = 0.0
            else:
                matrix = np.where(mask, float(values), 0.0)
            return cls(pre_size, post_size, matrix=matrix, mask=mask)
        post_idx, pre_idx = np.nonzero(mask)
        row_ptr = np.zeros(post_size + 1, dtype=np.int64)
        np.cumsum(np.bincount(post_idx, minlength=post_size), out=row_ptr[1:])
        weights = values[post_idx, pre_idx] if np.ndim(values) else np.full(len(post_idx), values)
        return cls(pre_size, post_size, row_ptr=row_ptr, cols=pre_idx.astype(np.int32),
                   weights=np.asarray(weights, dtype=np.float64))

    @property
    def row_ptr(self) -> np.ndarray:
        if self._row_ptr is None:
            self._row_ptr = np.zeros(self.post_size + 1, dtype=np.int64)
            np.cumsum(self.mask.sum(axis=1), out=self._row_ptr[1:])
        return self._row_ptr

    @property
    def cols(self) -> np.ndarray:
        if self._cols is not None:
            return self._cols
        return np.nonzero(self.mask)[1].astype(np.int32)

    @property
    def rows(self) -> np.ndarray:
        return np.repeat(np.arange(self.post_size), np.diff(self.row_ptr))

    @property
    def weights(self) -> np.ndarray:
        """One weight per synapse, in CSR order."""
        return self.matrix[self.mask] if self.is_dense else self._weights

    @weights.setter
    def weights(self, flat):
        if self.is_dense:
            self.matrix[self.mask] = flat
        else:
            self._weights = np.asarray(flat, dtype=np.float64)

    @property
    def nb_synapses(self) -> int:
        return int(self.row_ptr[-1])

    def bind_weights(self, array: np.ndarray):
        """The weights become ``array`` (shaped as :meth:`weight_buffer`): at compile,
        the runtime state's buffer, which the generated code reads; this connectivity
        is then a view on it."""
        if self.is_dense:
            self.matrix = array
        else:
            self._weights = array

    def weight_buffer(self) -> np.ndarray:
        """The array holding the weights: the dense (post, pre) matrix, else the one
        weight per synapse (CSR order); no copy."""
        return self.matrix if self.is_dense else self._weights

    def write_weights(self, flat):
        """One weight per synapse (CSR order, or one for all) written in place: into
        the buffer of :meth:`bind_weights` once compiled."""
        if self.is_dense:
            self.matrix[self.mask] = flat
        else:
            self._weights[...] = flat

    def to_csr(self) -> "Connectivity":
        if not self.is_dense:
            return self
        return Connectivity(self.pre_size, self.post_size, row_ptr=self.row_ptr,
                            cols=self.cols, weights=self.weights)

    def to_dense(self) -> "Connectivity":
        if self.is_dense:
            return self
        mask = np.zeros((self.post_size, self.pre_size), dtype=bool)
        mask[self.rows, self.cols] = True
        matrix = np.zeros(mask.shape)
        matrix[self.rows, self.cols] = self._weights
        return Connectivity(self.pre_size, self.post_size, matrix=matrix, mask=mask)

    def dense(self, fill: float = 0.0) -> np.ndarray:
        """(post, pre) matrix of weights, ``fill`` where there is no synapse."""
        if self.is_dense:
            return np.where(self.mask, self.matrix, fill)
        matrix = np.full((self.post_size, self.pre_size), fill, dtype=np.float64)
        matrix[self.rows, self.cols] = self._weights
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
    row_ptr = np.minimum(np.arange(post_size + 1, dtype=np.int64), n)
    return Connectivity(pre_size, post_size, row_ptr=row_ptr,
                        cols=np.arange(n, dtype=np.int32), weights=_draw(weights, n, rng))


def all_to_all(pre_size: int, post_size: int, weights, allow_self: bool, rng) -> Connectivity:
    mask = np.ones((post_size, pre_size), dtype=bool)
    if not allow_self:
        np.fill_diagonal(mask, False)
    conn = Connectivity.from_mask(mask, 0.0)
    conn.weights = _draw(weights, conn.nb_synapses, rng)
    return conn


def normalized_coordinates(geometry: tuple) -> np.ndarray:
    """(size, ndim) coordinates in [0, 1] as ANNarchy's connectors compute them: a 1-D
    rank is divided by ``size - 1`` in double precision; 2-D and 3-D coordinates are
    ``x / (size_axis - 1)`` rounded to single precision (0 on an axis of size 1)."""
    ranks = np.arange(int(np.prod(geometry)))
    coords = np.stack(np.unravel_index(ranks, geometry), axis=1).astype(np.float64)
    scale = np.array([g - 1 if g > 1 else np.inf for g in geometry], dtype=np.float64)
    coords = coords / scale
    return coords.astype(np.float32).astype(np.float64) if len(geometry) in (2, 3) else coords


def _check_dimensions(pre_geometry, post_geometry):
    if len(post_geometry) < len(pre_geometry):
        raise ConnectivityError(f"the post-synaptic population has {len(post_geometry)} "
                                f"dimensions, fewer than the pre-synaptic one "
                                f"({len(pre_geometry)})")


def squared_distances(pre_geometry: tuple, post_geometry: tuple, rows=slice(None),
                      periodic: bool = False) -> np.ndarray:
    """(post, pre) squared distances over the presynaptic dimensions, accumulated axis by
    axis in single precision as ANNarchy's ``comp_dist*`` functions do.

    ``periodic=True`` (not in ANNarchy) puts each axis on a circle of circumference 1:
    coordinates ``x / size_axis`` and differences wrapped into [-1/2, 1/2], in double
    precision and, for axes of equal size, from the integer offsets, so the distances
    are exactly translation-invariant (a ring/torus: ``storage_format="fft"`` applies)."""
    if periodic:
        return _periodic_squared_distances(pre_geometry, post_geometry, rows)
    _check_dimensions(pre_geometry, post_geometry)
    pre = normalized_coordinates(pre_geometry)
    post = normalized_coordinates(post_geometry)[rows, :len(pre_geometry)]
    total = np.zeros((len(post), len(pre)), dtype=np.float32)
    for axis in range(len(pre_geometry)):
        diff = post[:, None, axis] - pre[None, :, axis]
        total = (total.astype(np.float64) + diff * diff).astype(np.float32)
    return total


def _periodic_squared_distances(pre_geometry, post_geometry, rows) -> np.ndarray:
    _check_dimensions(pre_geometry, post_geometry)
    pre_size, post_size = int(np.prod(pre_geometry)), int(np.prod(post_geometry))
    pre = np.stack(np.unravel_index(np.arange(pre_size), pre_geometry), axis=1)
    post = np.stack(np.unravel_index(np.arange(post_size)[rows], post_geometry), axis=1)
    total = np.zeros((len(post), pre_size))
    for axis, n_pre in enumerate(pre_geometry):
        n_post = post_geometry[axis]
        if n_pre == n_post:
            offset = np.remainder(post[:, None, axis] - pre[None, :, axis], n_pre)
            diff = np.minimum(offset, n_pre - offset) / n_pre
        else:
            diff = post[:, None, axis] / n_post - pre[None, :, axis] / n_pre
            diff = diff - np.round(diff)
        total += diff * diff
    return total


def _distance_based(pre_geometry, post_geometry, profile, keep, allow_self,
                    periodic=False) -> Connectivity:
    """Weights ``profile(d²)`` rounded to single precision as ANNarchy, kept where
    ``keep(w)``; computed by blocks of rows so temporaries stay small."""
    _check_dimensions(pre_geometry, post_geometry)
    post_size, pre_size = int(np.prod(post_geometry)), int(np.prod(pre_geometry))
    mask = np.empty((post_size, pre_size), dtype=bool)
    values = np.empty((post_size, pre_size), dtype=np.float64)
    for start in range(0, post_size, _CHUNK):
        rows = slice(start, min(start + _CHUNK, post_size))
        w = profile(squared_distances(pre_geometry, post_geometry, rows, periodic)
                    .astype(np.float64))
        w = w.astype(np.float32).astype(np.float64)
        values[rows] = w
        mask[rows] = keep(w)
    if not allow_self:
        np.fill_diagonal(mask, False)
    return Connectivity.from_mask(mask, values)


def _f32(x: float) -> float:
    """ANNarchy's connectors take amplitudes and widths as C ``float``."""
    return float(np.float32(x))


def _gaussian(distance: np.ndarray, amp: float, sigma: float) -> np.ndarray:
    width = float(np.float32(np.float32(sigma) * np.float32(sigma)))
    return _f32(amp) * np.exp(-distance / (2.0 * width))


def gaussian(pre_geometry, post_geometry, amp, sigma, limit, allow_self,
             periodic=False) -> Connectivity:
    return _distance_based(pre_geometry, post_geometry, lambda d: _gaussian(d, amp, sigma),
                           lambda w: w > limit * _f32(amp), allow_self, periodic)


def dog(pre_geometry, post_geometry, amp_pos, sigma_pos, amp_neg, sigma_neg, limit,
        allow_self, periodic=False) -> Connectivity:
    threshold = limit * abs(float(np.float32(_f32(amp_pos) - _f32(amp_neg))))
    return _distance_based(
        pre_geometry, post_geometry,
        lambda d: _gaussian(d, amp_pos, sigma_pos) - _gaussian(d, amp_neg, sigma_neg),
        lambda w: np.abs(w) > threshold, allow_self, periodic)


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
    if isinstance(matrix, np.ndarray) and matrix.dtype != object:
        return False
    try:
        return any(v is None for row in matrix for v in row)
    except TypeError:
        return False


def _from_rows(pre_size: int, post_size: int, rows: list, weights, rng) -> Connectivity:
    """CSR from one array of presynaptic ranks per postsynaptic neuron."""
    counts = np.array([len(r) for r in rows], dtype=np.int64)
    row_ptr = np.zeros(post_size + 1, dtype=np.int64)
    np.cumsum(counts, out=row_ptr[1:])
    cols = np.concatenate(rows).astype(np.int32) if rows else np.zeros(0, np.int32)
    return Connectivity(pre_size, post_size, row_ptr=row_ptr, cols=cols,
                        weights=_draw(weights, int(row_ptr[-1]), rng))


def fixed_probability(pre_size, post_size, probability, weights, allow_self, rng):
    """Each (post, pre) pair is a synapse with ``probability``, independently. Drawn in
    O(synapses), not O(pairs), for a block of rows at a time: how many of the block's
    pairs are synapses (binomial), then which ones (distinct, uniform); a pair on the
    diagonal is dropped afterwards when ``allow_self`` is False (the others keep their
    independent draws)."""
    if not 0.0 <= probability <= 1.0:
        raise ConnectivityError(f"probability must be in [0, 1], got {probability}")
    rows_per_block = max(1, int((1 << 24) / max(pre_size * probability, 1.0)))
    counts, cols = np.zeros(post_size, dtype=np.int64), []
    for first in range(0, post_size, rows_per_block):
        rows = min(rows_per_block, post_size - first)
        pairs = rows * pre_size
        chosen = rng.choice(pairs, rng.binomial(pairs, probability), replace=False,
                            shuffle=False) if pairs else np.zeros(0, np.int64)
        chosen.sort()
        block_rows, block_cols = np.divmod(chosen, pre_size) if pre_size else (chosen, chosen)
        if not allow_self:
            keep = block_rows + first != block_cols
            block_rows, block_cols = block_rows[keep], block_cols[keep]
        counts[first:first + rows] = np.bincount(block_rows, minlength=rows)
        cols.append(block_cols.astype(np.int32))
    return _from_counts(pre_size, post_size, counts, cols, weights, rng)


def _from_counts(pre_size, post_size, counts, cols, weights, rng) -> Connectivity:
    """CSR from the number of synapses of each row and their columns, rows in order."""
    row_ptr = np.zeros(post_size + 1, dtype=np.int64)
    np.cumsum(counts, out=row_ptr[1:])
    cols = np.concatenate(cols) if cols else np.zeros(0, np.int32)
    return Connectivity(pre_size, post_size, row_ptr=row_ptr, cols=cols,
                        weights=_draw(weights, int(row_ptr[-1]), rng))


def fixed_number_pre(pre_size, post_size, number, weights, allow_self, rng):
    """Each postsynaptic neuron receives ``number`` synapses from distinct neurons."""
    available = pre_size - (0 if allow_self else 1)
    if not 0 <= number <= available:
        raise ConnectivityError(f"fixed_number_pre: cannot draw {number} distinct "
                                f"presynaptic neurons out of {available}")
    rows = []
    for post in range(post_size):
        candidates = np.arange(pre_size)
        if not allow_self and post < pre_size:
            candidates = candidates[candidates != post]
        rows.append(np.sort(rng.choice(candidates, number, replace=False)))
    return _from_rows(pre_size, post_size, rows, weights, rng)


def fixed_number_post(pre_size, post_size, number, weights, allow_self, rng):
    """Each presynaptic neuron sends ``number`` synapses to distinct neurons."""
    available = post_size - (0 if allow_self else 1)
    if not 0 <= number <= available:
        raise ConnectivityError(f"fixed_number_post: cannot draw {number} distinct "
                                f"postsynaptic neurons out of {available}")
    posts = []
    for pre in range(pre_size):
        candidates = np.arange(post_size)
        if not allow_self and pre < post_size:
            candidates = candidates[candidates != pre]
        posts.append(rng.choice(candidates, number, replace=False))
    posts = np.concatenate(posts) if posts else np.zeros(0, np.int64)
    pres = np.repeat(np.arange(pre_size), number)
    order = np.lexsort((pres, posts))          # by postsynaptic rank, then presynaptic
    counts = np.bincount(posts, minlength=post_size)
    return _from_counts(pre_size, post_size, counts, [pres[order].astype(np.int32)],
                        weights, rng)


def from_sparse(matrix, pre_size: int, post_size: int) -> Connectivity:
    """A scipy.sparse matrix shaped (pre, post) as in ANNarchy; stored entries are the
    synapses."""
    try:
        csr = matrix.T.tocsr()
    except AttributeError:
        raise ConnectivityError("from_sparse expects a scipy.sparse matrix") from None
    if csr.shape != (post_size, pre_size):
        raise ConnectivityError(f"the sparse matrix has shape {csr.shape[::-1]}, expected "
                                f"{(pre_size, post_size)} (pre, post)")
    csr.sort_indices()
    return Connectivity(pre_size, post_size, row_ptr=csr.indptr.astype(np.int64),
                        cols=csr.indices.astype(np.int32),
                        weights=np.asarray(csr.data, dtype=np.float64))


class LILConnectivity:
    """Connectivity built dendrite by dendrite, for ``from_function``.

    Example::

        def ring(pre, post, dt, weight):
            lil = LILConnectivity(dt=dt)
            for i in range(post.size):
                lil.add(i, [(i - 1) % pre.size, (i + 1) % pre.size], [weight, weight])
            return lil
    """

    def __init__(self, dt: float | None = None):
        self.dt = dt          # the step the delays refer to (ANNarchy 5 passes it); in ms
        self.post_rank, self.pre_ranks, self.w, self.delay = [], [], [], []

    def add(self, rank: int, ranks, weights, delays=None):
        ranks = [int(r) for r in ranks]
        weights = np.broadcast_to(np.asarray(weights, dtype=float), (len(ranks),))
        delays = np.broadcast_to(np.asarray(0.0 if delays is None else delays, dtype=float),
                                 (len(ranks),))
        self.post_rank.append(int(rank))
        self.pre_ranks.append(ranks)
        self.w.append(list(weights))
        self.delay.append(list(delays))

    push_back = add

    def build(self, pre_size: int, post_size: int):
        """(Connectivity, delays in synapse order or None when all are zero)."""
        rows = [[] for _ in range(post_size)]
        for post, pres, ws, ds in zip(self.post_rank, self.pre_ranks, self.w, self.delay):
            if not 0 <= post < post_size or any(not 0 <= p < pre_size for p in pres):
                raise ConnectivityError(f"a synapse {pres} -> {post} lies outside the "
                                        f"populations ({pre_size} -> {post_size} neurons)")
            rows[post].extend(zip(pres, ws, ds))
        rows = [sorted(r) for r in rows]
        counts = np.array([len(r) for r in rows], dtype=np.int64)
        row_ptr = np.zeros(post_size + 1, dtype=np.int64)
        np.cumsum(counts, out=row_ptr[1:])
        flat = [syn for r in rows for syn in r]
        cols = np.array([f[0] for f in flat], dtype=np.int32)
        weights = np.array([f[1] for f in flat], dtype=np.float64)
        delays = np.array([f[2] for f in flat], dtype=np.float64)
        conn = Connectivity(pre_size, post_size, row_ptr=row_ptr, cols=cols, weights=weights)
        return conn, (delays if np.any(delays) else None)


def embed(conn: Connectivity, pre_ranks, post_ranks, pre_size: int, post_size: int,
          drop_self: bool = False) -> Connectivity:
    """Connectivity between two views → the same synapses between their populations
    (``drop_self``: without the synapses from a neuron onto itself)."""
    conn = conn.to_csr()
    rows = np.asarray(post_ranks)[conn.rows]
    cols = np.asarray(pre_ranks)[conn.cols]
    order = np.lexsort((cols, rows))
    if drop_self:
        order = order[rows[order] != cols[order]]
    rows, cols, weights = rows[order], cols[order], conn.weights[order]
    row_ptr = np.zeros(post_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=post_size), out=row_ptr[1:])
    result = Connectivity(pre_size, post_size, row_ptr=row_ptr, cols=cols.astype(np.int32),
                          weights=weights)
    result.order = order          # to carry per-synapse data (delays) along
    return result
