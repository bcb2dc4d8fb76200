"""Matplotlib plumbing shared by the analysis figures: standalone Agg figures (no
pyplot unless shown), atomic saving of images and animations, frame timing.
matplotlib is imported on first use, so ``import neurogen`` never needs it."""
from __future__ import annotations

import contextlib
import difflib
import os
from pathlib import Path

import numpy as np

from ..io import atomic_path
from .measures import PlotError
from .plot_config import PlotConfig

_MISSING = ("matplotlib is needed for neurogen.analysis.plot and is a dependency of "
            "neurogen, but it cannot be imported here: pip install matplotlib")


_VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".avi", ".webm")


class MatplotlibMissing(PlotError, ImportError):
    """matplotlib is not installed."""


def load_matplotlib():
    """matplotlib, imported on first use (``import neurogen`` must not need it)."""
    try:
        import matplotlib
        import matplotlib.animation  # noqa: F401
        import matplotlib.figure  # noqa: F401
        from matplotlib.backends import backend_agg  # noqa: F401
    except ImportError:
        raise MatplotlibMissing(_MISSING) from None
    return matplotlib


def new_figure(cfg: PlotConfig, animation: bool = False):
    """A new figure: standalone on the Agg canvas unless the figure is to be shown."""
    mpl = load_matplotlib()
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


def freeze_layout(fig):
    """Lay the figure out once, then keep the positions: the constrained layout would
    otherwise be recomputed at every frame (most of the time of an animation)."""
    fig.canvas.draw()
    if hasattr(fig, "set_layout_engine"):
        fig.set_layout_engine("none")
    else:                                    # matplotlib < 3.6
        fig.set_constrained_layout(False)


def colormap(cfg, where):
    """The config's colormap, checked here so a typo is a PlotError naming the option."""
    mpl = load_matplotlib()
    try:
        return mpl.colormaps[cfg.colormap]
    except (KeyError, ValueError, TypeError):
        close = difflib.get_close_matches(str(cfg.colormap), list(mpl.colormaps), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise PlotError(f"{where}: unknown colormap {cfg.colormap!r}{hint}") from None


def axes_of(ax, cfg, **subplot_kw):
    """``(fig, ax)``: the given axes, or a new figure with one axes."""
    if ax is not None:
        if not hasattr(ax, "figure") or not hasattr(ax, "plot"):
            raise PlotError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
        return ax.figure, ax
    fig = new_figure(cfg)
    return fig, fig.add_subplot(**subplot_kw)


def decorate(ax, cfg, title=True):
    """Title, axis labels and grid as the config asks."""
    if cfg.title and title:
        ax.set_title(cfg.title)
    if cfg.xlabel:
        ax.set_xlabel(cfg.xlabel)
    if cfg.ylabel:
        ax.set_ylabel(cfg.ylabel)
    if cfg.grid:
        ax.grid(True, alpha=0.3)


def legend(ax, cfg):
    """A legend when the config wants one and something is labelled."""
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


def finish(fig, cfg, where):
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
    mpl = load_matplotlib()
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


def frame_rows(n_rows, cfg):
    """The data rows drawn as frames (``time_steps_per_second / fps`` rows apart)."""
    tsps = cfg.time_steps_per_second
    step = 1 if tsps is None else max(1, int(round(tsps / cfg.fps)))
    return np.arange(0, n_rows, step)


def time_label(i, dt):
    """The frame's title: its time when ``dt`` is known, else its row."""
    return f"t = {i * dt:.1f} ms" if dt is not None else f"step {i}"


def animate(fig, update, frames, cfg, where):
    """A FuncAnimation over ``frames``, saved and shown as the config asks."""
    mpl = load_matplotlib()
    writer = _animation_writer(cfg.save_path, cfg, where) if cfg.save_path else None
    interval = cfg.interval if cfg.interval is not None else 1000.0 / cfg.fps
    freeze_layout(fig)
    anim = mpl.animation.FuncAnimation(fig, update, frames=len(frames), interval=interval,
                                       repeat=cfg.repeat, blit=False)
    anim.frame_indices = frames
    if writer is not None:
        _save_animation(anim, writer, cfg)
    if cfg.show:
        import matplotlib.pyplot as plt
        plt.show()
    return anim
