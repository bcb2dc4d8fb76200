"""Options of the analysis figures: :class:`PlotConfig` and the per-plot presets in
:class:`PlotConfigs` (names as in the canns library)."""
from __future__ import annotations

import dataclasses
import difflib
import os
from dataclasses import dataclass, field

import numpy as np

from .measures import PlotError, positive_number


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
            if not positive_number(value):
                raise PlotError(f"PlotConfig: {name} must be a positive number, got "
                                f"{value!r}")
        for name in ("time_steps_per_second", "interval"):
            value = getattr(self, name)
            if value is not None and not positive_number(value):
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
        options = dict(defaults, **kwargs)
        _check_names(options, "PlotConfig")
        return PlotConfig(**options)
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


def config_for(config, preset, overrides, where) -> PlotConfig:
    """``config`` (or the preset's defaults) with the call's keyword overrides applied."""
    if config is None:
        config = getattr(PlotConfigs, preset)()
    elif not isinstance(config, PlotConfig):
        raise PlotError(f"{where}: config must be a PlotConfig, got "
                        f"{type(config).__name__}")
    _check_names(overrides, where)
    return dataclasses.replace(config, **overrides) if overrides else config
