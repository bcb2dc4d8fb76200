"""Matplotlib figures for continuous attractor networks and fixed-point analysis.

The function names follow the canns library (``energy_landscape_1d_animation``,
``tuning_curve``, ``PlotConfig``...), so notebooks written for it read the same; the
implementation is neurogen's own.

Every function takes ``config: PlotConfig | None`` and keyword arguments that override
fields of it (``fixed_points_pca(fps, title="ring", save_path="pca.png")``). Static plots
return the matplotlib :class:`~matplotlib.figure.Figure`; the two animations return the
:class:`~matplotlib.animation.FuncAnimation` (its figure is ``anim._fig``; the data rows
drawn frame by frame are ``anim.frame_indices``).

Why figures are built the way they are:

* ``show=False`` (the default) builds a standalone Figure on the Agg canvas, without
  pyplot: no GUI backend is touched, nothing accumulates in pyplot's figure list, and
  the code runs on a headless machine or in a worker process. ``show=True`` builds the
  figure through pyplot and calls ``plt.show()``.
* ``save_path`` is written atomically (:func:`neurogen.io.atomic_path`): an interrupted
  save leaves either the previous file or nothing, never a truncated image or GIF.
* matplotlib is imported on first use, so ``import neurogen`` never needs it.
"""
from __future__ import annotations

import contextlib
import dataclasses
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..io import atomic_path
from .symbolic import AnalysisError

__all__ = [
    "PlotConfig", "PlotConfigs", "PlotError", "MatplotlibMissing",
    "principal_components", "fixed_points_pca", "eigenvalue_spectrum",
    "fixed_point_profiles", "energy_landscape_1d_animation",
    "energy_landscape_2d_animation", "tuning_curve", "tuning_curve_data",
    "population_activity_heatmap", "bump_tracking",
]

_MISSING = "matplotlib is needed for neurogen.analysis.plot: pip install neurogen[plot]"
_VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".avi", ".webm")


class PlotError(AnalysisError):
    """Bad data or options for a plot (shapes, unknown option, unsupported file type)."""


class MatplotlibMissing(PlotError, ImportError):
    """matplotlib is not installed."""


def _mpl():
    """matplotlib, imported on first use (``import neurogen`` must not need it)."""
    try:
        import matplotlib
        import matplotlib.animation  # noqa: F401
        import matplotlib.figure  # noqa: F401
        from matplotlib.backends import backend_agg  # noqa: F401
    except ImportError:
        raise MatplotlibMissing(_MISSING) from None
    return matplotlib


# -- configuration -------------------------------------------------------------------------
@dataclass
class PlotConfig:
    """Options shared by all plots; any field can also be given as a keyword argument of
    a plot function, which overrides the config for that call.

    ``time_steps_per_second``: for animations, how many data rows (simulation steps) one
    second of the animation covers; each frame advances ``round(time_steps_per_second /
    fps)`` rows (at least one; ``None``: every row is a frame). ``interval``: ms between
    frames when shown on screen (default ``1000 / fps``). ``plot_kwargs`` go to the main
    matplotlib call of the plot (``plot``, ``scatter``, ``imshow``), ``savefig_kwargs``
    to ``savefig`` / ``Animation.save``.
    """

    title: str = ""
    xlabel: str = ""
    ylabel: str = ""
    clabel: str = ""
    figsize: tuple = (7.0, 4.5)
    dpi: int = 100
    grid: bool = False
    show_legend: bool = True
    colormap: str = "viridis"
    color: str | None = None
    save_path: str | os.PathLike | None = None
    show: bool = False
    time_steps_per_second: float | None = None
    fps: int = 20
    interval: float | None = None
    repeat: bool = True
    plot_kwargs: dict = field(default_factory=dict)
    savefig_kwargs: dict = field(default_factory=dict)
    verbose: bool = False

    def __post_init__(self):
        try:
            fs = tuple(float(v) for v in self.figsize)
        except (TypeError, ValueError):
            fs = ()
        if len(fs) != 2 or not all(np.isfinite(fs)) or min(fs) <= 0:
            raise PlotError(f"PlotConfig: figsize must be two positive numbers (inches), "
                            f"got {self.figsize!r}")
        self.figsize = fs
        for name in ("dpi", "fps"):
            value = getattr(self, name)
            if not _positive_number(value):
                raise PlotError(f"PlotConfig: {name} must be a positive number, got "
                                f"{value!r}")
        for name in ("time_steps_per_second", "interval"):
            value = getattr(self, name)
            if value is not None and not _positive_number(value):
                raise PlotError(f"PlotConfig: {name} must be a positive number or None, "
                                f"got {value!r}")
        for name in ("plot_kwargs", "savefig_kwargs"):
            value = getattr(self, name)
            if value is None:
                setattr(self, name, {})
            elif not isinstance(value, dict):
                raise PlotError(f"PlotConfig: {name} must be a dict, got "
                                f"{type(value).__name__}")

    @classmethod
    def fields(cls) -> list:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def for_static_plot(cls, **kwargs) -> "PlotConfig":
        """A config for a still figure (no frame timing)."""
        kwargs["time_steps_per_second"] = None
        return cls._make(kwargs)

    @classmethod
    def for_animation(cls, time_steps_per_second: float | None = None,
                      **kwargs) -> "PlotConfig":
        """A config for an animation playing ``time_steps_per_second`` data rows per
        second at ``fps`` frames per second."""
        return cls._make(dict(kwargs, time_steps_per_second=time_steps_per_second))

    @classmethod
    def _make(cls, kwargs):
        _check_names(kwargs, "PlotConfig")
        return cls(**kwargs)

    def replace(self, **changes) -> "PlotConfig":
        """A copy with ``changes`` applied (unknown names raise :class:`PlotError`)."""
        _check_names(changes, "PlotConfig")
        return dataclasses.replace(self, **changes)


def _positive_number(value) -> bool:
    try:
        return bool(np.isfinite(float(value)) and float(value) > 0) and \
            not isinstance(value, bool)
    except (TypeError, ValueError):
        return False


def _check_names(names, where):
    known = PlotConfig.fields()
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else \
                f" (options: {', '.join(known)})"
            raise PlotError(f"{where}: unknown option '{name}'{hint}")


def _preset(**defaults):
    def make(**kwargs):
        return PlotConfig._make(dict(defaults, **kwargs))
    return staticmethod(make)


class PlotConfigs:
    """Default configs of each plot (title, labels, size), to start from and adjust:
    ``PlotConfigs.energy_landscape_1d_animation(time_steps_per_second=100, fps=20)``."""

    fixed_points_pca = _preset(title="Fixed points (PCA)", figsize=(5.5, 4.5))
    eigenvalue_spectrum = _preset(title="Jacobian eigenvalues", figsize=(10.0, 4.0))
    fixed_point_profiles = _preset(title="Fixed-point profiles",
                                   xlabel="preferred feature", ylabel="u")
    energy_landscape_1d_animation = _preset(title="1D energy landscape",
                                            xlabel="preferred feature",
                                            ylabel="activity")
    energy_landscape_2d_animation = _preset(title="2D energy landscape", xlabel="x",
                                            ylabel="y", clabel="activity",
                                            figsize=(5.5, 4.5))
    tuning_curve = _preset(title="Tuning curve", xlabel="stimulus",
                           ylabel="mean firing rate")
    population_activity_heatmap = _preset(title="Population activity", xlabel="time (ms)",
                                          ylabel="preferred feature", clabel="activity",
                                          figsize=(8.0, 4.0))
    bump_tracking = _preset(title="Bump tracking", xlabel="time (ms)",
                            ylabel="position", figsize=(8.0, 5.0))


def _config(config, preset, overrides, where) -> PlotConfig:
    if config is None:
        config = getattr(PlotConfigs, preset)()
    elif not isinstance(config, PlotConfig):
        raise PlotError(f"{where}: config must be a PlotConfig, got "
                        f"{type(config).__name__}")
    _check_names(overrides, where)
    return dataclasses.replace(config, **overrides) if overrides else config


# -- figures and files ---------------------------------------------------------------------
def _figure(cfg: PlotConfig, animation: bool = False):
    """A new figure: standalone on the Agg canvas unless the figure is to be shown."""
    mpl = _mpl()
    if cfg.show:
        import matplotlib.pyplot as plt
        try:
            return plt.figure(figsize=cfg.figsize, dpi=cfg.dpi, layout="constrained")
        except TypeError:          # matplotlib < 3.5
            return plt.figure(figsize=cfg.figsize, dpi=cfg.dpi, constrained_layout=True)
    try:
        fig = mpl.figure.Figure(figsize=cfg.figsize, dpi=cfg.dpi, layout="constrained")
    except TypeError:
        fig = mpl.figure.Figure(figsize=cfg.figsize, dpi=cfg.dpi, constrained_layout=True)
    (_frame_canvas() if animation else mpl.backends.backend_agg.FigureCanvasAgg)(fig)
    return fig


_FRAME_CANVAS = None


def _frame_canvas():
    """An Agg canvas whose ``draw_idle`` does nothing: while saving, matplotlib asks for
    an idle redraw after each frame and then draws the frame again to grab it; on a
    canvas nobody looks at, the first draw is wasted (a third of the time)."""
    global _FRAME_CANVAS
    if _FRAME_CANVAS is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        class FrameCanvasAgg(FigureCanvasAgg):
            def draw_idle(self, *args, **kwargs):
                pass

        _FRAME_CANVAS = FrameCanvasAgg
    return _FRAME_CANVAS


def _freeze_layout(fig):
    """Lay the figure out once, then keep the positions: the constrained layout would
    otherwise be recomputed at every frame (most of the time of an animation)."""
    fig.canvas.draw()
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("none")
    else:                                    # matplotlib < 3.6
        fig.set_constrained_layout(False)


def _colormap(cfg, where):
    """The config's colormap, checked here so a typo is a PlotError naming the option."""
    mpl = _mpl()
    try:
        return mpl.colormaps[cfg.colormap]
    except (KeyError, ValueError, TypeError):
        close = difflib.get_close_matches(str(cfg.colormap), list(mpl.colormaps), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise PlotError(f"{where}: unknown colormap {cfg.colormap!r}{hint}") from None


def _axes(ax, cfg, **subplot_kw):
    """``(fig, ax)``: the given axes, or a new figure with one axes."""
    if ax is not None:
        if not hasattr(ax, "figure") or not hasattr(ax, "plot"):
            raise PlotError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
        return ax.figure, ax
    fig = _figure(cfg)
    return fig, fig.add_subplot(**subplot_kw)


def _decorate(ax, cfg, title=True):
    if cfg.title and title:
        ax.set_title(cfg.title)
    if cfg.xlabel:
        ax.set_xlabel(cfg.xlabel)
    if cfg.ylabel:
        ax.set_ylabel(cfg.ylabel)
    if cfg.grid:
        ax.grid(True, alpha=0.3)


def _legend(ax, cfg):
    if cfg.show_legend and ax.get_legend_handles_labels()[1]:
        ax.legend(fontsize="small")


def _check_suffix(path, fig, where):
    suffix = Path(path).suffix.lower().lstrip(".")
    supported = fig.canvas.get_supported_filetypes()
    if suffix not in supported:
        raise PlotError(f"{where}: cannot save a figure as '{Path(path).name}': the file "
                        f"name must end in one of "
                        f"{', '.join('.' + s for s in sorted(supported))}")
    return suffix


def _finish(fig, cfg, where):
    """Save (atomically) and show as the config asks; returns the figure."""
    if cfg.save_path:
        fmt = _check_suffix(cfg.save_path, fig, where)
        kwargs = dict({"dpi": cfg.dpi}, **cfg.savefig_kwargs)
        with atomic_path(cfg.save_path) as tmp:
            fig.savefig(tmp, format=fmt, **kwargs)
        if cfg.verbose:
            print(f"saved {cfg.save_path}", flush=True)
    if cfg.show:
        import matplotlib.pyplot as plt
        plt.show()
    return fig


def _animation_writer(path, cfg, where):
    """The writer for ``path``'s suffix: Pillow for GIF, ffmpeg for videos."""
    mpl = _mpl()
    animation = mpl.animation
    suffix = Path(path).suffix.lower()
    if suffix == ".gif":
        return animation.PillowWriter(fps=cfg.fps)
    if suffix in _VIDEO_SUFFIXES:
        if not animation.writers.is_available("ffmpeg"):
            raise PlotError(f"{where}: saving '{Path(path).name}' needs ffmpeg, which "
                            f"matplotlib cannot find; install ffmpeg (and put it on PATH) "
                            f"or save as .gif instead")
        return animation.FFMpegWriter(fps=cfg.fps)
    raise PlotError(f"{where}: cannot save an animation as '{Path(path).name}': use .gif "
                    f"(Pillow) or {', '.join(_VIDEO_SUFFIXES)} (ffmpeg)")


def _save_animation(anim, writer, cfg):
    """``anim.save`` into a temporary file with the right suffix (the writers pick the
    format from it), moved into place only once complete."""
    suffix = Path(cfg.save_path).suffix
    with atomic_path(cfg.save_path) as tmp:
        staged = tmp.with_name(tmp.name + suffix)
        try:
            anim.save(str(staged), writer=writer, dpi=cfg.dpi,
                      savefig_kwargs=dict(cfg.savefig_kwargs))
            os.replace(staged, tmp)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(staged)
    if cfg.verbose:
        print(f"saved {cfg.save_path}", flush=True)


# -- input checks ---------------------------------------------------------------------------
def _array(value, name, where, ndims, dtype=np.float64, finite=False, shape_text=None):
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


def _points(points, where):
    """Fixed points as ``(n_points, dim)`` (a single state, or states with a 2-D
    geometry, are reshaped)."""
    pts = _array(points, "points", where, (1, 2, 3), finite=True,
                 shape_text="(n_points, dim)")
    if pts.ndim == 1:
        pts = pts[None]
    return pts.reshape(pts.shape[0], -1)


# -- fixed points ---------------------------------------------------------------------------
def principal_components(points, n_components: int = 2):
    """PCA by SVD of the centred points: ``(coords (M, n), components (n, dim),
    explained_variance_ratio (n,), mean (dim,))``. Each component's sign is fixed (its
    largest loading is positive) so repeated calls give the same picture."""
    where = "principal_components"
    X = _points(points, where)
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


def fixed_points_pca(points, n_components: int = 2, *, values=None, ax=None,
                     config: PlotConfig | None = None, **kwargs):
    """Fixed points ``(n_points, dim)`` projected on their first 2 or 3 principal
    components (a ring attractor shows up as a ring). ``values`` (one per point, e.g. the
    bump centre) colours the points. Returns the Figure."""
    where = "fixed_points_pca"
    cfg = _config(config, where, kwargs, where)
    if n_components not in (2, 3):
        raise PlotError(f"{where}: n_components must be 2 or 3, got {n_components!r}")
    coords, _, ratio, _ = principal_components(points, n_components)
    if values is not None:
        values = _array(values, "values", where, (1,), shape_text="(n_points,)")
        if len(values) != len(coords):
            raise PlotError(f"{where}: {len(values)} values for {len(coords)} points")
    _mpl()
    if n_components == 3:
        if ax is not None and not hasattr(ax, "get_zlim"):
            raise PlotError(f"{where}: n_components=3 needs 3-D axes "
                            f"(fig.add_subplot(projection='3d'))")
        fig, ax = _axes(ax, cfg, projection="3d")
    else:
        fig, ax = _axes(ax, cfg)
    cols = [coords[:, i] for i in range(n_components)]
    style = dict({"marker": "x", "linestyle": "none", "markersize": 4}, **cfg.plot_kwargs)
    if values is None:
        ax.plot(*cols, color=cfg.color, label="fixed points", **style)
    else:
        sc = ax.scatter(*cols, c=values, cmap=_colormap(cfg, where), s=12,
                        **cfg.plot_kwargs)
        cbar = fig.colorbar(sc, ax=ax)
        if cfg.clabel:
            cbar.set_label(cfg.clabel)
    labels = [f"PC {i + 1} ({100 * r:.1f}%)" for i, r in enumerate(ratio)]
    ax.set_xlabel(cfg.xlabel or labels[0])
    ax.set_ylabel(cfg.ylabel or labels[1])
    if n_components == 3:
        ax.set_zlabel(labels[2])
    _decorate(ax, cfg)
    return _finish(fig, cfg, where)


def _eigenvalues(data, eigenvalues, where):
    """``(M, n)`` complex eigenvalues from Jacobians ``(M, n, n)`` / ``(n, n)`` or from
    eigenvalues ``(M, n)`` / ``(n,)``."""
    if isinstance(data, (list, tuple)) and data and \
            len({np.shape(d) for d in data}) > 1:
        raise PlotError(f"{where}: the arrays given have different shapes "
                        f"{sorted({np.shape(d) for d in data})}")
    arr = _array(data, "jacobians_or_eigenvalues", where, (1, 2, 3), dtype=np.complex128,
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


def eigenvalue_spectrum(jacobians_or_eigenvalues, *, f_type: str = "continuous",
                        kind: str = "both", eigenvalues: bool | None = None, labels=None,
                        ax=None, config: PlotConfig | None = None, **kwargs):
    """Eigenvalues of Jacobians at fixed points, to read their stability.

    Input: Jacobians ``(n_points, n, n)`` or one ``(n, n)`` (as returned by
    ``SlowPointFinder.compute_jacobians``), or eigenvalues ``(n_points, n)`` / ``(n,)``;
    a square 2-D array counts as one Jacobian unless ``eigenvalues=True``.
    ``f_type='continuous'``: stable means Re < 0, the line Re = 0 is drawn and the sorted
    panel shows real parts; ``'discrete'`` (maps): stable means |λ| < 1, the unit circle
    is drawn and the sorted panel shows moduli. ``kind``: ``'complex'`` (complex plane),
    ``'sorted'`` (one curve per point, decreasing) or ``'both'`` (two panels; ``ax``
    then is a pair of axes). ``labels``: a name per point for the legend (default
    ``FP 0``, ``FP 1``...; no legend above 10 points). Returns the Figure.
    """
    where = "eigenvalue_spectrum"
    cfg = _config(config, where, kwargs, where)
    if f_type not in ("continuous", "discrete"):
        raise PlotError(f"{where}: f_type must be 'continuous' or 'discrete', got "
                        f"{f_type!r}")
    if kind not in ("complex", "sorted", "both"):
        raise PlotError(f"{where}: kind must be 'complex', 'sorted' or 'both', got "
                        f"{kind!r}")
    w = _eigenvalues(jacobians_or_eigenvalues, eigenvalues, where)
    _mpl()
    if ax is None:
        fig = _figure(cfg)
        axes = fig.subplots(1, 2) if kind == "both" else [fig.add_subplot()]
    else:
        axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
        if len(axes) != (2 if kind == "both" else 1):
            raise PlotError(f"{where}: kind={kind!r} draws into "
                            f"{2 if kind == 'both' else 1} axes, got {len(axes)}")
        fig = _axes(axes[0], cfg)[0]
    continuous = f_type == "continuous"
    many = len(w) > 10
    if labels is None:
        labels = [f"FP {i}" for i in range(len(w))]
    elif isinstance(labels, str) or len(labels) != len(w):
        raise PlotError(f"{where}: labels must be one name per point ({len(w)})")
    cmap = _colormap(cfg, where) if many else None
    colours = [cmap(i / max(1, len(w) - 1)) if many else cfg.color for i in range(len(w))]
    panels = dict(zip(["complex", "sorted"] if kind == "both" else [kind], axes))
    if "complex" in panels:
        a = panels["complex"]
        for i, wi in enumerate(w):
            order = np.lexsort((wi.imag, -wi.real))
            a.scatter(wi.real[order], wi.imag[order], s=10, color=colours[i],
                      label=None if many else str(labels[i]), **cfg.plot_kwargs)
        if continuous:
            a.axvline(0.0, ls="--", color="gray", lw=1, label="Re = 0")
        else:
            th = np.linspace(0, 2 * np.pi, 361)
            a.plot(np.cos(th), np.sin(th), ls="--", color="gray", lw=1,
                   label="unit circle")
            a.set_aspect("equal", adjustable="datalim")
        span = float(np.abs(w).max())
        if continuous and np.abs(w.imag).max() <= 1e-9 * max(span, 1e-300):
            # real spectra (symmetric Jacobians): do not zoom into rounding noise
            half = 0.1 * max(float(np.ptp(w.real)), 1e-12)
            a.set_ylim(-half, half)
        a.set_xlabel(cfg.xlabel or "Re λ")
        a.set_ylabel(cfg.ylabel or "Im λ")
        _decorate(a, dataclasses.replace(cfg, xlabel="", ylabel=""), title=kind != "both")
        _legend(a, cfg)
    if "sorted" in panels:
        a = panels["sorted"]
        for i, wi in enumerate(w):
            y = -np.sort(-(wi.real if continuous else np.abs(wi)))
            a.plot(np.arange(1, len(y) + 1), y, ".-", ms=3, lw=0.8, color=colours[i],
                   label=None if many else str(labels[i]))
        a.axhline(0.0 if continuous else 1.0, ls="--", color="gray", lw=1)
        a.set_xlabel("rank")
        a.set_ylabel("Re λ (sorted)" if continuous else "|λ| (sorted)")
        if kind == "sorted":
            _decorate(a, dataclasses.replace(cfg, xlabel="", ylabel=""))
        if cfg.grid:
            a.grid(True, alpha=0.3)
    if kind == "both" and cfg.title:
        if ax is None:
            fig.suptitle(cfg.title)
        else:
            axes[0].set_title(cfg.title)
    return _finish(fig, cfg, where)


def fixed_point_profiles(points, x=None, *, indices=None, max_profiles: int = 6, ax=None,
                         config: PlotConfig | None = None, **kwargs):
    """``u`` of some fixed points ``(n_points, N)`` against the feature axis ``x``
    (default: neuron index): checks that they are bumps and where they sit. ``indices``
    picks the points (default: ``max_profiles`` of them evenly spread). Returns the
    Figure."""
    where = "fixed_point_profiles"
    cfg = _config(config, where, kwargs, where)
    pts = _array(points, "points", where, (1, 2), shape_text="(n_points, N)")
    pts = np.atleast_2d(pts)
    M, N = pts.shape
    xs = np.arange(N) if x is None else _array(x, "x", where, (1,), shape_text="(N,)")
    if len(xs) != N:
        raise PlotError(f"{where}: x has {len(xs)} values, the points have {N}")
    if indices is None:
        k = max(1, min(int(max_profiles), M))
        indices = np.arange(k) * M // k         # evenly spread, as around a ring
    else:
        indices = np.atleast_1d(np.asarray(indices))
        if indices.dtype.kind not in "iu" or indices.ndim != 1 or \
                np.any((indices < -M) | (indices >= M)):
            raise PlotError(f"{where}: indices must be integers in [0, {M}), got "
                            f"{indices.tolist()}")
    _mpl()
    fig, ax = _axes(ax, cfg)
    for i in indices:
        ax.plot(xs, pts[i], label=f"FP-{int(i) % M}", **cfg.plot_kwargs)
    _decorate(ax, cfg)
    _legend(ax, cfg)
    return _finish(fig, cfg, where)


# -- animations -----------------------------------------------------------------------------
def _frames(n_rows, cfg):
    tsps = cfg.time_steps_per_second
    step = 1 if tsps is None else max(1, int(round(tsps / cfg.fps)))
    return np.arange(0, n_rows, step)


def _time_label(i, dt):
    return f"t = {i * dt:.1f} ms" if dt is not None else f"step {i}"


def _animate(fig, update, frames, cfg, where):
    mpl = _mpl()
    writer = _animation_writer(cfg.save_path, cfg, where) if cfg.save_path else None
    interval = cfg.interval if cfg.interval is not None else 1000.0 / cfg.fps
    _freeze_layout(fig)
    anim = mpl.animation.FuncAnimation(fig, update, frames=len(frames), interval=interval,
                                       repeat=cfg.repeat, blit=False)
    anim.frame_indices = frames
    if writer is not None:
        _save_animation(anim, writer, cfg)
    if cfg.show:
        import matplotlib.pyplot as plt
        plt.show()
    return anim


def energy_landscape_1d_animation(data_sets: dict, time_steps_per_second=None, *,
                                  dt: float | None = None, ylim=None,
                                  config: PlotConfig | None = None, **kwargs):
    """Curves changing over time, e.g. ``{'u': (cann.x, us), 'Iext': (cann.x, inputs)}``
    with ``us`` shaped ``(time, N)``: how the bump follows its input.

    All arrays need the same number of rows. ``time_steps_per_second`` rows of data make
    one second of animation (see :class:`PlotConfig`); ``dt`` (ms per row) labels the
    frames with the time. The y range is fixed over the whole run (``ylim`` to choose it).
    Saves ``.gif`` (Pillow) or ``.mp4`` (ffmpeg) when ``save_path`` is given. Returns the
    FuncAnimation.
    """
    where = "energy_landscape_1d_animation"
    if time_steps_per_second is not None:
        kwargs["time_steps_per_second"] = time_steps_per_second
    cfg = _config(config, where, kwargs, where)
    if not isinstance(data_sets, dict) or not data_sets:
        raise PlotError(f"{where}: data_sets must be a non-empty dict name -> (x, "
                        f"array (time, N)), got {type(data_sets).__name__}")
    curves = {}
    for name, pair in data_sets.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise PlotError(f"{where}: data_sets[{name!r}] must be a pair (x, array "
                            f"(time, N))")
        xs = _array(pair[0], f"x of {name!r}", where, (1,), shape_text="(N,)")
        ys = _array(pair[1], f"data of {name!r}", where, (2,), shape_text="(time, N)")
        if ys.shape[1] != len(xs):
            raise PlotError(f"{where}: data of {name!r} has {ys.shape[1]} values per row, "
                            f"its x has {len(xs)}")
        curves[name] = (xs, ys)
    lengths = {name: len(ys) for name, (_, ys) in curves.items()}
    if len(set(lengths.values())) > 1:
        raise PlotError(f"{where}: the data sets have different numbers of rows: "
                        f"{lengths}")
    n_rows = next(iter(lengths.values()))
    frames = _frames(n_rows, cfg)

    fig = _figure(cfg, animation=True)
    ax = fig.add_subplot()
    lines = {}
    for name, (xs, ys) in curves.items():
        (lines[name],) = ax.plot(xs, ys[0], label=name, **cfg.plot_kwargs)
    if ylim is None:
        lo = min(float(np.nanmin(ys)) for _, ys in curves.values())
        hi = max(float(np.nanmax(ys)) for _, ys in curves.values())
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        ylim = (lo - pad, hi + pad)
    ax.set_ylim(*ylim)
    _decorate(ax, cfg, title=False)
    _legend(ax, cfg)

    def update(k):
        i = frames[k]
        for name, (_, ys) in curves.items():
            lines[name].set_ydata(ys[i])
        ax.set_title(f"{cfg.title}  ({_time_label(i, dt)})" if cfg.title
                     else _time_label(i, dt))
        return list(lines.values())

    update(0)
    return _animate(fig, update, frames, cfg, where)


def energy_landscape_2d_animation(z_frames, time_steps_per_second=None, *,
                                  dt: float | None = None, extent=None, vmin=None,
                                  vmax=None, config: PlotConfig | None = None, **kwargs):
    """A heat map changing over time: ``z_frames`` shaped ``(time, H, W)`` (e.g. a
    CANN2D's recorded ``u``). Colour limits are fixed over the run (``vmin``/``vmax`` to
    choose them); ``extent=(x0, x1, y0, y1)`` puts feature values on the axes (rows are
    the first feature, drawn upwards). Saving and frame timing as
    :func:`energy_landscape_1d_animation`. Returns the FuncAnimation."""
    where = "energy_landscape_2d_animation"
    if time_steps_per_second is not None:
        kwargs["time_steps_per_second"] = time_steps_per_second
    cfg = _config(config, where, kwargs, where)
    Z = _array(z_frames, "z_frames", where, (3,), shape_text="(time, H, W)")
    frames = _frames(len(Z), cfg)
    vmin = float(np.nanmin(Z)) if vmin is None else vmin
    vmax = float(np.nanmax(Z)) if vmax is None else vmax

    fig = _figure(cfg, animation=True)
    ax = fig.add_subplot()
    im = ax.imshow(Z[0], origin="lower", cmap=_colormap(cfg, where), vmin=vmin, vmax=vmax,
                   extent=extent, aspect="auto", **cfg.plot_kwargs)
    cbar = fig.colorbar(im, ax=ax)
    if cfg.clabel:
        cbar.set_label(cfg.clabel)
    _decorate(ax, cfg, title=False)

    def update(k):
        i = frames[k]
        im.set_data(Z[i])
        ax.set_title(f"{cfg.title}  ({_time_label(i, dt)})" if cfg.title
                     else _time_label(i, dt))
        return [im]

    update(0)
    return _animate(fig, update, frames, cfg, where)


# -- activity -------------------------------------------------------------------------------
def tuning_curve_data(stimulus, firing_rates, neuron_indices=None, num_bins: int = 50):
    """``(bin_centres (num_bins,), mean_rates (num_bins, n_selected))``: the mean rate of
    each selected neuron over the time steps whose stimulus falls in each of
    ``num_bins`` equal bins between the stimulus' min and max (the last bin includes the
    max); NaN where a bin is empty."""
    where = "tuning_curve"
    s = _array(stimulus, "stimulus", where, (1, 2), shape_text="(T,)")
    if s.ndim == 2:
        if s.shape[1] != 1:
            raise PlotError(f"{where}: stimulus must be one value per time step, shaped "
                            f"(T,), got shape {s.shape}")
        s = s[:, 0]
    rates = _array(firing_rates, "firing_rates", where, (2,), shape_text="(T, N)")
    if len(rates) != len(s):
        raise PlotError(f"{where}: firing_rates has {len(rates)} time steps, stimulus "
                        f"has {len(s)}")
    if not np.all(np.isfinite(s)):
        raise PlotError(f"{where}: stimulus contains NaN or infinite values")
    nb = int(num_bins)
    if nb != num_bins or nb < 1:
        raise PlotError(f"{where}: num_bins must be a positive integer, got {num_bins!r}")
    idx = _neuron_indices(neuron_indices, rates.shape[1], where)
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


def _neuron_indices(neuron_indices, n, where):
    if neuron_indices is None:
        return np.arange(n)
    idx = np.atleast_1d(np.asarray(neuron_indices))
    if idx.ndim != 1 or idx.dtype.kind not in "iu" or np.any((idx < -n) | (idx >= n)):
        raise PlotError(f"{where}: neuron_indices must be integers in [0, {n}), got "
                        f"{np.asarray(neuron_indices).tolist()}")
    return idx % n


def tuning_curve(stimulus, firing_rates, neuron_indices, pref_stim=None,
                 num_bins: int = 50, *, ax=None, config: PlotConfig | None = None,
                 **kwargs):
    """Tuning curves: the mean rate of each neuron in ``neuron_indices`` against the
    stimulus, binned (``stimulus`` ``(T,)``, ``firing_rates`` ``(T, N)``; see
    :func:`tuning_curve_data`). ``pref_stim`` (``(N,)``, e.g. ``cann.x``) labels each
    curve with its neuron's preferred stimulus and marks it. Returns the Figure."""
    where = "tuning_curve"
    cfg = _config(config, where, kwargs, where)
    centres, means = tuning_curve_data(stimulus, firing_rates, neuron_indices, num_bins)
    n = np.shape(firing_rates)[1]
    idx = _neuron_indices(neuron_indices, n, where)
    if pref_stim is not None:
        pref_stim = _array(pref_stim, "pref_stim", where, (1,), shape_text="(N,)")
        if len(pref_stim) != n:
            raise PlotError(f"{where}: pref_stim has {len(pref_stim)} values for {n} "
                            f"neurons")
    _mpl()
    fig, ax = _axes(ax, cfg)
    for col, j in enumerate(idx):
        label = f"neuron {j}" + (f" (pref. {pref_stim[j]:.2f})" if pref_stim is not None
                                 else "")
        (line,) = ax.plot(centres, means[:, col], label=label, **cfg.plot_kwargs)
        if pref_stim is not None:
            ax.axvline(pref_stim[j], ls=":", lw=0.8, color=line.get_color())
    _decorate(ax, cfg)
    _legend(ax, cfg)
    return _finish(fig, cfg, where)


def population_activity_heatmap(activity, t=None, x=None, *, stimulus=None, ax=None,
                                config: PlotConfig | None = None, **kwargs):
    """Activity ``(T, N)`` as an image, time on the horizontal axis and neurons (by
    preferred feature ``x``) upwards; ``t`` are the times of the rows (default: row
    index). ``stimulus`` (``(T,)`` positions) is drawn over it. Returns the Figure."""
    where = "population_activity_heatmap"
    cfg = _config(config, where, kwargs, where)
    A = _array(activity, "activity", where, (2,), shape_text="(T, N)")
    T, N = A.shape
    ts = np.arange(T, dtype=float) if t is None else \
        _array(t, "t", where, (1,), shape_text="(T,)")
    xs = np.arange(N, dtype=float) if x is None else \
        _array(x, "x", where, (1,), shape_text="(N,)")
    if len(ts) != T or len(xs) != N:
        raise PlotError(f"{where}: activity is {A.shape}, t has {len(ts)} values and x "
                        f"{len(xs)}")
    _mpl()
    fig, ax = _axes(ax, cfg)
    style = dict({"aspect": "auto", "interpolation": "nearest"}, **cfg.plot_kwargs)
    im = ax.imshow(A.T, origin="lower", cmap=_colormap(cfg, where),
                   extent=(ts[0], ts[-1], xs[0], xs[-1]), **style)
    cbar = fig.colorbar(im, ax=ax)
    if cfg.clabel:
        cbar.set_label(cfg.clabel)
    if stimulus is not None:
        s = _array(stimulus, "stimulus", where, (1,), shape_text="(T,)")
        if len(s) != T:
            raise PlotError(f"{where}: stimulus has {len(s)} values for {T} time steps")
        ax.plot(ts, s, color=cfg.color or "w", ls="--", lw=1, label="stimulus")
        _legend(ax, cfg)
    _decorate(ax, cfg)
    return _finish(fig, cfg, where)


def _break_wraps(ts, y, period):
    """NaN where a periodic trace jumps by more than half a period, so the line is not
    drawn across the plot."""
    if period is None or len(y) < 2:
        return ts, y
    jumps = np.nonzero(np.abs(np.diff(y)) > period / 2)[0] + 1
    return np.insert(ts, jumps, np.nan), np.insert(y, jumps, np.nan)


def bump_tracking(t, centre, stimulus=None, *, period: float | None = None,
                  config: PlotConfig | None = None, **kwargs):
    """Bump centre (``(T,)``, or ``(T, 2)`` on a torus) against the stimulus position
    over time and, with a stimulus, the tracking error below it (the periodic distance
    when ``period`` is given, e.g. ``2 pi`` on a ring; Euclidean over both axes in 2-D).
    Returns the Figure."""
    where = "bump_tracking"
    cfg = _config(config, where, kwargs, where)
    ts = _array(t, "t", where, (1,), shape_text="(T,)")
    c = _array(centre, "centre", where, (1, 2), shape_text="(T,) or (T, 2)")
    c2 = c[:, None] if c.ndim == 1 else c
    if len(c2) != len(ts):
        raise PlotError(f"{where}: centre has {len(c2)} rows for {len(ts)} times")
    s2 = None
    if stimulus is not None:
        s = _array(stimulus, "stimulus", where, (1, 2), shape_text="like centre")
        s2 = s[:, None] if s.ndim == 1 else s
        if s2.shape != c2.shape:
            raise PlotError(f"{where}: stimulus is shaped {s.shape}, centre {c.shape}")
    if period is not None and not _positive_number(period):
        raise PlotError(f"{where}: period must be a positive number, got {period!r}")
    _mpl()
    fig = _figure(cfg)
    axes = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]}) \
        if s2 is not None else [fig.add_subplot()]
    ax = axes[0]
    names = [""] if c2.shape[1] == 1 else [" (row)", " (column)"]
    for k in range(c2.shape[1]):
        (line,) = ax.plot(*_break_wraps(ts, c2[:, k], period), label="bump" + names[k],
                          **cfg.plot_kwargs)
        if s2 is not None:
            ax.plot(*_break_wraps(ts, s2[:, k], period), ls="--", color=line.get_color(),
                    alpha=0.7, label="stimulus" + names[k])
    _decorate(ax, dataclasses.replace(cfg, xlabel="" if s2 is not None else cfg.xlabel))
    _legend(ax, cfg)
    if s2 is not None:
        d = c2 - s2
        if period is not None:
            d = np.remainder(d + period / 2, period) - period / 2
        err = np.sqrt(np.square(d).sum(axis=1))
        axes[1].plot(ts, err, color=cfg.color or "k", lw=1)
        axes[1].set_ylabel("error")
        axes[1].set_ylim(bottom=0.0)
        axes[1].set_xlabel(cfg.xlabel)
        if cfg.grid:
            axes[1].grid(True, alpha=0.3)
    return _finish(fig, cfg, where)
