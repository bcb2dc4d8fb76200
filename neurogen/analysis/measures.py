"""The numbers behind the analysis figures, without matplotlib: principal components of
fixed points, eigenvalues of Jacobians, binned tuning curves, tracking errors; and the
input checks that turn bad data into a :class:`PlotError` naming the function."""
from __future__ import annotations

import numpy as np

from .symbolic import AnalysisError


class PlotError(AnalysisError):
    """Bad data or options for a plot (shapes, unknown option, unsupported file type)."""


def positive_number(value) -> bool:
    """A finite number > 0 (not a bool)."""
    try:
        return bool(np.isfinite(float(value)) and float(value) > 0) and \
            not isinstance(value, bool)
    except (TypeError, ValueError):
        return False


def as_array(value, name, where, ndims, dtype=np.float64, finite=False, shape_text=None):
    """``value`` as an array with one of ``ndims`` dimensions, else a PlotError naming
    ``where`` and ``name``."""
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise PlotError(f"{where}: {name} must be an array of numbers, got "
                        f"{type(value).__name__}") from None
    if arr.ndim not in ndims:
        want = shape_text or " or ".join(f"{d}-D" for d in ndims)
        raise PlotError(f"{where}: {name} must be shaped {want}, got shape {arr.shape}")
    if arr.size == 0:
        raise PlotError(f"{where}: {name} is empty (shape {arr.shape})")
    if finite and not np.all(np.isfinite(arr)):
        raise PlotError(f"{where}: {name} contains NaN or infinite values")
    return arr


def as_points(points, where):
    """Fixed points as ``(n_points, dim)`` (a single state, or states with a 2-D
    geometry, are reshaped)."""
    pts = as_array(points, "points", where, (1, 2, 3), finite=True,
                 shape_text="(n_points, dim)")
    if pts.ndim == 1:
        pts = pts[None]
    return pts.reshape(pts.shape[0], -1)


def principal_components(points, n_components: int = 2):
    """PCA by SVD of the centred points: ``(coords (M, n), components (n, dim),
    explained_variance_ratio (n,), mean (dim,))``. Each component's sign is fixed (its
    largest loading is positive) so repeated calls give the same picture."""
    where = "principal_components"
    X = as_points(points, where)
    try:
        n = int(n_components)
    except (TypeError, ValueError):
        n = -1
    if n != n_components or n < 1:
        raise PlotError(f"{where}: n_components must be a positive integer, got "
                        f"{n_components!r}")
    if n > min(X.shape):
        raise PlotError(f"{where}: {n} components need at least {n} points of at least "
                        f"{n} values each, got shape {X.shape}")
    mean = X.mean(axis=0)
    Xc = X - mean
    _, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    Vt = Vt[:n]
    signs = np.sign(Vt[np.arange(n), np.abs(Vt).argmax(axis=1)])
    Vt = Vt * np.where(signs == 0, 1.0, signs)[:, None]
    var = S ** 2
    ratio = var[:n] / var.sum() if var.sum() > 0 else np.zeros(n)
    return Xc @ Vt.T, Vt, ratio, mean


def eigenvalues_of(data, eigenvalues, where):
    """``(M, n)`` complex eigenvalues from Jacobians ``(M, n, n)`` / ``(n, n)`` or from
    eigenvalues ``(M, n)`` / ``(n,)``."""
    if isinstance(data, (list, tuple)) and data and \
            len({np.shape(d) for d in data}) > 1:
        raise PlotError(f"{where}: the arrays given have different shapes "
                        f"{sorted({np.shape(d) for d in data})}")
    arr = as_array(data, "jacobians_or_eigenvalues", where, (1, 2, 3), dtype=np.complex128,
                 finite=True, shape_text="(n_points, n, n) Jacobians or (n_points, n) "
                                         "eigenvalues")
    if eigenvalues is None:
        eigenvalues = arr.ndim == 1 or (arr.ndim == 2 and arr.shape[0] != arr.shape[1])
    if eigenvalues:
        if arr.ndim == 3:
            raise PlotError(f"{where}: eigenvalues must be shaped (n_points, n) or (n,), "
                            f"got shape {arr.shape}")
        return np.atleast_2d(arr)
    if arr.ndim == 1 or arr.shape[-1] != arr.shape[-2]:
        raise PlotError(f"{where}: Jacobians must be square, shaped (n_points, n, n) or "
                        f"(n, n); got shape {arr.shape}")
    J = arr if arr.ndim == 3 else arr[None]
    if not np.iscomplexobj(data) and np.all(J.imag == 0):
        J = J.real
    return np.linalg.eigvals(J)


def tuning_curve_data(stimulus, firing_rates, neuron_indices=None, num_bins: int = 50):
    """``(bin_centres (num_bins,), mean_rates (num_bins, n_selected))``: the mean rate of
    each selected neuron over the time steps whose stimulus falls in each of
    ``num_bins`` equal bins between the stimulus' min and max (the last bin includes the
    max); NaN where a bin is empty."""
    where = "tuning_curve"
    s = as_array(stimulus, "stimulus", where, (1, 2), shape_text="(T,)")
    if s.ndim == 2:
        if s.shape[1] != 1:
            raise PlotError(f"{where}: stimulus must be one value per time step, shaped "
                            f"(T,), got shape {s.shape}")
        s = s[:, 0]
    rates = as_array(firing_rates, "firing_rates", where, (2,), shape_text="(T, N)")
    if len(rates) != len(s):
        raise PlotError(f"{where}: firing_rates has {len(rates)} time steps, stimulus "
                        f"has {len(s)}")
    if not np.all(np.isfinite(s)):
        raise PlotError(f"{where}: stimulus contains NaN or infinite values")
    nb = int(num_bins)
    if nb != num_bins or nb < 1:
        raise PlotError(f"{where}: num_bins must be a positive integer, got {num_bins!r}")
    idx = select_neurons(neuron_indices, rates.shape[1], where)
    lo, hi = float(s.min()), float(s.max())
    if hi == lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, nb + 1)
    which = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, nb - 1)
    counts = np.bincount(which, minlength=nb).astype(np.float64)
    sums = np.stack([np.bincount(which, weights=rates[:, j], minlength=nb) for j in idx],
                    axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts[:, None]
    means[counts == 0] = np.nan
    return 0.5 * (edges[:-1] + edges[1:]), means


def select_neurons(neuron_indices, n, where):
    """The selected neurons as indices in ``[0, n)`` (all of them for ``None``)."""
    if neuron_indices is None:
        return np.arange(n)
    idx = np.atleast_1d(np.asarray(neuron_indices))
    if idx.ndim != 1 or idx.dtype.kind not in "iu" or np.any((idx < -n) | (idx >= n)):
        raise PlotError(f"{where}: neuron_indices must be integers in [0, {n}), got "
                        f"{np.asarray(neuron_indices).tolist()}")
    return idx % n


def break_wraps(ts, y, period):
    """NaN where a periodic trace jumps by more than half a period, so the line is not
    drawn across the plot."""
    if period is None or len(y) < 2:
        return ts, y
    jumps = np.nonzero(np.abs(np.diff(y)) > period / 2)[0] + 1
    return np.insert(ts, jumps, np.nan), np.insert(y, jumps, np.nan)


def tracking_error(centre, stimulus, period: float | None = None):
    """Distance between bump centre and stimulus, row by row (``(T,)`` or ``(T, d)``
    each): periodic when ``period`` is given (e.g. ``2 pi`` on a ring), Euclidean over
    the ``d`` axes."""
    c = np.asarray(centre, dtype=np.float64)
    d = (c[:, None] if c.ndim == 1 else c) - np.reshape(stimulus, (len(c), -1))
    if period is not None:
        d = np.remainder(d + period / 2, period) - period / 2
    return np.sqrt(np.square(d).sum(axis=1))
