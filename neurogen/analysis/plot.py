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

The maths drawn here (PCA, eigenvalues, tuning curves) is in
:mod:`neurogen.analysis.measures`, the options in :mod:`neurogen.analysis.plot_config`,
the matplotlib plumbing in :mod:`neurogen.analysis.canvas`.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .canvas import (MatplotlibMissing, animate, axes_of, colormap, decorate, finish,
                     frame_rows, legend, load_matplotlib, new_figure, time_label)
from .measures import (PlotError, as_array, break_wraps, eigenvalues_of, positive_number,
                       principal_components, select_neurons, tracking_error,
                       tuning_curve_data)
from .plot_config import PlotConfig, PlotConfigs, config_for

__all__ = [
    "PlotConfig", "PlotConfigs", "PlotError", "MatplotlibMissing",
    "principal_components", "fixed_points_pca", "eigenvalue_spectrum",
    "fixed_point_profiles", "energy_landscape_1d_animation",
    "energy_landscape_2d_animation", "tuning_curve", "tuning_curve_data",
    "population_activity_heatmap", "bump_tracking",
]


# -- fixed points ---------------------------------------------------------------------------
def fixed_points_pca(points, n_components: int = 2, *, values=None, ax=None,
                     config: PlotConfig | None = None, **kwargs):
    """Fixed points ``(n_points, dim)`` projected on their first 2 or 3 principal
    components (a ring attractor shows up as a ring). ``values`` (one per point, e.g. the
    bump centre) colours the points. Returns the Figure."""
    where = "fixed_points_pca"
    cfg = config_for(config, where, kwargs, where)
    if n_components not in (2, 3):
        raise PlotError(f"{where}: n_components must be 2 or 3, got {n_components!r}")
    coords, _, ratio, _ = principal_components(points, n_components)
    if values is not None:
        values = as_array(values, "values", where, (1,), shape_text="(n_points,)")
        if len(values) != len(coords):
            raise PlotError(f"{where}: {len(values)} values for {len(coords)} points")
    load_matplotlib()
    if n_components == 3:
        if ax is not None and not hasattr(ax, "get_zlim"):
            raise PlotError(f"{where}: n_components=3 needs 3-D axes "
                            f"(fig.add_subplot(projection='3d'))")
        fig, ax = axes_of(ax, cfg, projection="3d")
    else:
        fig, ax = axes_of(ax, cfg)
    cols = [coords[:, i] for i in range(n_components)]
    style = dict({"marker": "x", "linestyle": "none", "markersize": 4}, **cfg.plot_kwargs)
    if values is None:
        ax.plot(*cols, color=cfg.color, label="fixed points", **style)
    else:
        sc = ax.scatter(*cols, c=values, cmap=colormap(cfg, where), s=12,
                        **cfg.plot_kwargs)
        cbar = fig.colorbar(sc, ax=ax)
        if cfg.clabel:
            cbar.set_label(cfg.clabel)
    labels = [f"PC {i + 1} ({100 * r:.1f}%)" for i, r in enumerate(ratio)]
    ax.set_xlabel(cfg.xlabel or labels[0])
    ax.set_ylabel(cfg.ylabel or labels[1])
    if n_components == 3:
        ax.set_zlabel(labels[2])
    decorate(ax, cfg)
    return finish(fig, cfg, where)


def eigenvalue_spectrum(jacobians_or_eigenvalues, *, f_type: str = "continuous",
                        kind: str = "both", eigenvalues: bool | None = None, labels=None,
                        ax=None, config: PlotConfig | None = None, **kwargs):
    """Eigenvalues of Jacobians at fixed points, to read their stability.

    Input: Jacobians ``(n_points, n, n)`` or one ``(n, n)`` (as returned by
    ``SlowPointFinder.compute_jacobians``), or eigenvalues ``(n_points, n)`` / ``(n,)``;
    a square 2-D array counts as one Jacobian unless ``eigenvalues=True``.
    ``f_type='continuous'``: stable means Re < 0, the line Re = 0 is drawn and the sorted
    panel shows real parts; ``'discrete'`` (maps): stable means ``|λ| < 1``, the unit circle
    is drawn and the sorted panel shows moduli. ``kind``: ``'complex'`` (complex plane),
    ``'sorted'`` (one curve per point, decreasing) or ``'both'`` (two panels; ``ax``
    then is a pair of axes). ``labels``: a name per point for the legend (default
    ``FP 0``, ``FP 1``...; no legend above 10 points). Returns the Figure.
    """
    where = "eigenvalue_spectrum"
    cfg = config_for(config, where, kwargs, where)
    if f_type not in ("continuous", "discrete"):
        raise PlotError(f"{where}: f_type must be 'continuous' or 'discrete', got "
                        f"{f_type!r}")
    if kind not in ("complex", "sorted", "both"):
        raise PlotError(f"{where}: kind must be 'complex', 'sorted' or 'both', got "
                        f"{kind!r}")
    w = eigenvalues_of(jacobians_or_eigenvalues, eigenvalues, where)
    load_matplotlib()
    if ax is None:
        fig = new_figure(cfg)
        axes = fig.subplots(1, 2) if kind == "both" else [fig.add_subplot()]
    else:
        axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
        if len(axes) != (2 if kind == "both" else 1):
            raise PlotError(f"{where}: kind={kind!r} draws into "
                            f"{2 if kind == 'both' else 1} axes, got {len(axes)}")
        fig = axes_of(axes[0], cfg)[0]
    continuous = f_type == "continuous"
    many = len(w) > 10
    if labels is None:
        labels = [f"FP {i}" for i in range(len(w))]
    elif isinstance(labels, str) or len(labels) != len(w):
        raise PlotError(f"{where}: labels must be one name per point ({len(w)})")
    cmap = colormap(cfg, where) if many else None
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
        decorate(a, dataclasses.replace(cfg, xlabel="", ylabel=""), title=kind != "both")
        legend(a, cfg)
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
            decorate(a, dataclasses.replace(cfg, xlabel="", ylabel=""))
        if cfg.grid:
            a.grid(True, alpha=0.3)
    if kind == "both" and cfg.title:
        if ax is None:
            fig.suptitle(cfg.title)
        else:
            axes[0].set_title(cfg.title)
    return finish(fig, cfg, where)


def fixed_point_profiles(points, x=None, *, indices=None, max_profiles: int = 6, ax=None,
                         config: PlotConfig | None = None, **kwargs):
    """``u`` of some fixed points ``(n_points, N)`` against the feature axis ``x``
    (default: neuron index): checks that they are bumps and where they sit. ``indices``
    picks the points (default: ``max_profiles`` of them evenly spread). Returns the
    Figure."""
    where = "fixed_point_profiles"
    cfg = config_for(config, where, kwargs, where)
    pts = as_array(points, "points", where, (1, 2), shape_text="(n_points, N)")
    pts = np.atleast_2d(pts)
    M, N = pts.shape
    xs = np.arange(N) if x is None else as_array(x, "x", where, (1,), shape_text="(N,)")
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
    load_matplotlib()
    fig, ax = axes_of(ax, cfg)
    for i in indices:
        ax.plot(xs, pts[i], label=f"FP-{int(i) % M}", **cfg.plot_kwargs)
    decorate(ax, cfg)
    legend(ax, cfg)
    return finish(fig, cfg, where)


# -- animations -----------------------------------------------------------------------------
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
    cfg = config_for(config, where, kwargs, where)
    if not isinstance(data_sets, dict) or not data_sets:
        raise PlotError(f"{where}: data_sets must be a non-empty dict name -> (x, "
                        f"array (time, N)), got {type(data_sets).__name__}")
    curves = {}
    for name, pair in data_sets.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise PlotError(f"{where}: data_sets[{name!r}] must be a pair (x, array "
                            f"(time, N))")
        xs = as_array(pair[0], f"x of {name!r}", where, (1,), shape_text="(N,)")
        ys = as_array(pair[1], f"data of {name!r}", where, (2,), shape_text="(time, N)")
        if ys.shape[1] != len(xs):
            raise PlotError(f"{where}: data of {name!r} has {ys.shape[1]} values per row, "
                            f"its x has {len(xs)}")
        curves[name] = (xs, ys)
    lengths = {name: len(ys) for name, (_, ys) in curves.items()}
    if len(set(lengths.values())) > 1:
        raise PlotError(f"{where}: the data sets have different numbers of rows: "
                        f"{lengths}")
    n_rows = next(iter(lengths.values()))
    frames = frame_rows(n_rows, cfg)

    fig = new_figure(cfg, animation=True)
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
    decorate(ax, cfg, title=False)
    legend(ax, cfg)

    def update(k):
        i = frames[k]
        for name, (_, ys) in curves.items():
            lines[name].set_ydata(ys[i])
        ax.set_title(f"{cfg.title}  ({time_label(i, dt)})" if cfg.title
                     else time_label(i, dt))
        return list(lines.values())

    update(0)
    return animate(fig, update, frames, cfg, where)


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
    cfg = config_for(config, where, kwargs, where)
    Z = as_array(z_frames, "z_frames", where, (3,), shape_text="(time, H, W)")
    frames = frame_rows(len(Z), cfg)
    vmin = float(np.nanmin(Z)) if vmin is None else vmin
    vmax = float(np.nanmax(Z)) if vmax is None else vmax

    fig = new_figure(cfg, animation=True)
    ax = fig.add_subplot()
    im = ax.imshow(Z[0], origin="lower", cmap=colormap(cfg, where), vmin=vmin, vmax=vmax,
                   extent=extent, aspect="auto", **cfg.plot_kwargs)
    cbar = fig.colorbar(im, ax=ax)
    if cfg.clabel:
        cbar.set_label(cfg.clabel)
    decorate(ax, cfg, title=False)

    def update(k):
        i = frames[k]
        im.set_data(Z[i])
        ax.set_title(f"{cfg.title}  ({time_label(i, dt)})" if cfg.title
                     else time_label(i, dt))
        return [im]

    update(0)
    return animate(fig, update, frames, cfg, where)


# -- activity -------------------------------------------------------------------------------
def tuning_curve(stimulus, firing_rates, neuron_indices, pref_stim=None,
                 num_bins: int = 50, *, ax=None, config: PlotConfig | None = None,
                 **kwargs):
    """Tuning curves: the mean rate of each neuron in ``neuron_indices`` against the
    stimulus, binned (``stimulus`` ``(T,)``, ``firing_rates`` ``(T, N)``; see
    :func:`tuning_curve_data`). ``pref_stim`` (``(N,)``, e.g. ``cann.x``) labels each
    curve with its neuron's preferred stimulus and marks it. Returns the Figure."""
    where = "tuning_curve"
    cfg = config_for(config, where, kwargs, where)
    centres, means = tuning_curve_data(stimulus, firing_rates, neuron_indices, num_bins)
    n = np.shape(firing_rates)[1]
    idx = select_neurons(neuron_indices, n, where)
    if pref_stim is not None:
        pref_stim = as_array(pref_stim, "pref_stim", where, (1,), shape_text="(N,)")
        if len(pref_stim) != n:
            raise PlotError(f"{where}: pref_stim has {len(pref_stim)} values for {n} "
                            f"neurons")
    load_matplotlib()
    fig, ax = axes_of(ax, cfg)
    for col, j in enumerate(idx):
        label = f"neuron {j}" + (f" (pref. {pref_stim[j]:.2f})" if pref_stim is not None
                                 else "")
        (line,) = ax.plot(centres, means[:, col], label=label, **cfg.plot_kwargs)
        if pref_stim is not None:
            ax.axvline(pref_stim[j], ls=":", lw=0.8, color=line.get_color())
    decorate(ax, cfg)
    legend(ax, cfg)
    return finish(fig, cfg, where)


def population_activity_heatmap(activity, t=None, x=None, *, stimulus=None, ax=None,
                                config: PlotConfig | None = None, **kwargs):
    """Activity ``(T, N)`` as an image, time on the horizontal axis and neurons (by
    preferred feature ``x``) upwards; ``t`` are the times of the rows (default: row
    index). ``stimulus`` (``(T,)`` positions) is drawn over it. Returns the Figure."""
    where = "population_activity_heatmap"
    cfg = config_for(config, where, kwargs, where)
    A = as_array(activity, "activity", where, (2,), shape_text="(T, N)")
    T, N = A.shape
    ts = np.arange(T, dtype=float) if t is None else \
        as_array(t, "t", where, (1,), shape_text="(T,)")
    xs = np.arange(N, dtype=float) if x is None else \
        as_array(x, "x", where, (1,), shape_text="(N,)")
    if len(ts) != T or len(xs) != N:
        raise PlotError(f"{where}: activity is {A.shape}, t has {len(ts)} values and x "
                        f"{len(xs)}")
    load_matplotlib()
    fig, ax = axes_of(ax, cfg)
    style = dict({"aspect": "auto", "interpolation": "nearest"}, **cfg.plot_kwargs)
    im = ax.imshow(A.T, origin="lower", cmap=colormap(cfg, where),
                   extent=(ts[0], ts[-1], xs[0], xs[-1]), **style)
    cbar = fig.colorbar(im, ax=ax)
    if cfg.clabel:
        cbar.set_label(cfg.clabel)
    if stimulus is not None:
        s = as_array(stimulus, "stimulus", where, (1,), shape_text="(T,)")
        if len(s) != T:
            raise PlotError(f"{where}: stimulus has {len(s)} values for {T} time steps")
        ax.plot(ts, s, color=cfg.color or "w", ls="--", lw=1, label="stimulus")
        legend(ax, cfg)
    decorate(ax, cfg)
    return finish(fig, cfg, where)


def bump_tracking(t, centre, stimulus=None, *, period: float | None = None,
                  config: PlotConfig | None = None, **kwargs):
    """Bump centre (``(T,)``, or ``(T, 2)`` on a torus) against the stimulus position
    over time and, with a stimulus, the tracking error below it (the periodic distance
    when ``period`` is given, e.g. ``2 pi`` on a ring; Euclidean over both axes in 2-D).
    Returns the Figure."""
    where = "bump_tracking"
    cfg = config_for(config, where, kwargs, where)
    ts = as_array(t, "t", where, (1,), shape_text="(T,)")
    c = as_array(centre, "centre", where, (1, 2), shape_text="(T,) or (T, 2)")
    c2 = c[:, None] if c.ndim == 1 else c
    if len(c2) != len(ts):
        raise PlotError(f"{where}: centre has {len(c2)} rows for {len(ts)} times")
    s2 = None
    if stimulus is not None:
        s = as_array(stimulus, "stimulus", where, (1, 2), shape_text="like centre")
        s2 = s[:, None] if s.ndim == 1 else s
        if s2.shape != c2.shape:
            raise PlotError(f"{where}: stimulus is shaped {s.shape}, centre {c.shape}")
    if period is not None and not positive_number(period):
        raise PlotError(f"{where}: period must be a positive number, got {period!r}")
    load_matplotlib()
    fig = new_figure(cfg)
    axes = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]}) \
        if s2 is not None else [fig.add_subplot()]
    ax = axes[0]
    names = [""] if c2.shape[1] == 1 else [" (row)", " (column)"]
    for k in range(c2.shape[1]):
        (line,) = ax.plot(*break_wraps(ts, c2[:, k], period), label="bump" + names[k],
                          **cfg.plot_kwargs)
        if s2 is not None:
            ax.plot(*break_wraps(ts, s2[:, k], period), ls="--", color=line.get_color(),
                    alpha=0.7, label="stimulus" + names[k])
    decorate(ax, dataclasses.replace(cfg, xlabel="" if s2 is not None else cfg.xlabel))
    legend(ax, cfg)
    if s2 is not None:
        err = tracking_error(c2, s2, period)
        axes[1].plot(ts, err, color=cfg.color or "k", lw=1)
        axes[1].set_ylabel("error")
        axes[1].set_ylim(bottom=0.0)
        axes[1].set_xlabel(cfg.xlabel)
        if cfg.grid:
            axes[1].grid(True, alpha=0.3)
    return finish(fig, cfg, where)
