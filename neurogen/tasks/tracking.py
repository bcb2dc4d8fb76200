"""Smooth tracking tasks (the canns library's ``SmoothTracking1D/2D``).

The stimulus position moves linearly between key positions: segment ``i`` lasts
``duration[i]`` ms, i.e. ``n_i = round(duration[i] / time_step)`` entries, and its
positions are ``linspace(Iext[i], Iext[i+1], n_i)`` (both ends included, as in canns, so
a key position is held for two consecutive entries where two segments meet). Entry ``n``
of :attr:`data` is the model's stimulus ``model.get_stimulus_by_pos(position[n])``.

:meth:`attach` feeds the stimulus into the model during ``simulate`` with no Python per
step: a :class:`~neurogen.TimedArray` holding the stimulus array is connected
one-to-one with weight 1 onto the CANN's input target (``sum(ext)``).

**Lag.** A projection's weighted sum at step ``n`` reads the rates its source wrote at
step ``n - 1``. With ``compensate_lag=True`` (default) the TimedArray holds the array
shifted by one entry and starts with ``r = data[0]`` (set by :meth:`attach` and again
by :meth:`run` at step 0), so the model sees ``data[n]`` at step ``n`` exactly as in the
canns/BrainPy loop ``for n: model(data[n])``; after the last entry the last stimulus is
kept. With ``compensate_lag=False`` the model sees ``data[n - 1]`` (0 at step 0).
"""
from __future__ import annotations

import numpy as np

from ..errors import NeurogenError
from ..io import atomic_path
from ..core.projection import Projection
from ..core.timed_array import TimedArray


class TaskError(NeurogenError):
    """Bad task definition, data file or model for a task."""


class _SmoothTracking:
    dimension = 1
    _kind = "SmoothTracking"

    def __init__(self, model=None, Iext=(), duration=(), time_step=None, *,
                 cann_instance=None):
        if model is None:
            model = cann_instance
        if model is None or not hasattr(model, "get_stimulus_by_pos"):
            raise TaskError(f"{self._kind}: needs a model with get_stimulus_by_pos "
                            f"(CANN1D/CANN2D), got {model!r}")
        self.model = model
        if time_step is None:
            time_step = model.dt
        time_step = float(time_step)
        if not np.isfinite(time_step) or time_step <= 0:
            raise TaskError(f"{self._kind}: time_step must be a positive number, got "
                            f"{time_step!r}")
        self.time_step = time_step
        self.Iext = self._positions(Iext)
        try:
            self.duration = np.asarray(duration, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError) as exc:
            raise TaskError(f"{self._kind}: duration must be numbers, got {duration!r}") \
                from exc
        if len(self.Iext) != len(self.duration) + 1:
            raise TaskError(f"{self._kind}: {len(self.Iext)} key positions need "
                            f"{len(self.Iext) - 1} durations, got {len(self.duration)}")
        if not np.all(np.isfinite(self.duration)) or np.any(self.duration <= 0):
            raise TaskError(f"{self._kind}: durations must be positive, got "
                            f"{self.duration.tolist()}")
        self.segment_steps = np.array([int(round(d / time_step)) for d in self.duration])
        if np.any(self.segment_steps < 1):
            raise TaskError(f"{self._kind}: every duration must last at least one "
                            f"time_step ({time_step} ms)")
        self.run_steps = int(self.segment_steps.sum())
        self.total_steps = self.run_steps
        self.Iext_sequence = None
        self.data = None
        self.input = None
        self._compensate = True

    # -- definition -----------------------------------------------------------------------
    def _positions(self, Iext):
        try:
            pos = np.asarray(Iext, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TaskError(f"{self._kind}: Iext must be key positions, got {Iext!r}") \
                from exc
        want = (-1,) if self.dimension == 1 else (-1, 2)
        if (self.dimension == 1 and pos.ndim != 1) or \
                (self.dimension == 2 and (pos.ndim != 2 or pos.shape[1] != 2)):
            raise TaskError(f"{self._kind}: Iext must be shaped {want} (key positions), "
                            f"got shape {pos.shape}")
        if len(pos) < 2 or not np.all(np.isfinite(pos)):
            raise TaskError(f"{self._kind}: Iext needs at least two finite key positions")
        return pos

    @property
    def total_time(self) -> float:
        return self.run_steps * self.time_step

    def positions(self) -> np.ndarray:
        """Stimulus position per entry: ``(run_steps,)`` in 1D, ``(run_steps, 2)`` in 2D."""
        return np.concatenate([np.linspace(self.Iext[i], self.Iext[i + 1], n)
                               for i, n in enumerate(self.segment_steps)])

    def get_data(self) -> np.ndarray:
        """Builds :attr:`Iext_sequence` (positions) and :attr:`data` (stimuli,
        ``(run_steps, *model geometry)``) and returns :attr:`data`."""
        self.Iext_sequence = self.positions()
        pos = self.Iext_sequence[:, None] if self.dimension == 1 else self.Iext_sequence
        self.data = np.asarray(self.model.get_stimulus_by_pos(pos), dtype=np.float64)
        return self.data

    # -- files ----------------------------------------------------------------------------
    def save_data(self, path):
        """Writes the task (stimuli, positions, key positions, durations, time step) to an
        NPZ file, atomically (a crash never leaves a partial file)."""
        if self.data is None:
            raise TaskError(f"{self._kind}: no data yet; call get_data() first")
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as handle:
                np.savez(handle, data=self.data, Iext_sequence=self.Iext_sequence,
                         Iext=self.Iext, duration=self.duration,
                         time_step=np.float64(self.time_step),
                         kind=np.array(self._kind))

    def load_data(self, path):
        """Reads a file written by :meth:`save_data`; the task takes its key positions,
        durations and time step. The stimuli must fit the model's geometry."""
        try:
            with np.load(path, allow_pickle=False) as f:
                content = {k: f[k] for k in f.files}
        except (OSError, ValueError) as exc:
            raise TaskError(f"{self._kind}: cannot read task data from '{path}': {exc}") \
                from exc
        missing = {"data", "Iext_sequence", "Iext", "duration", "time_step"} - set(content)
        if missing:
            raise TaskError(f"{self._kind}: '{path}' is not a task file (missing "
                            f"{', '.join(sorted(missing))})")
        data = content["data"]
        geometry = tuple(self.model.pop.geometry)
        if data.shape[1:] != geometry:
            raise TaskError(f"{self._kind}: the stimuli in '{path}' are shaped "
                            f"{data.shape[1:]}, the model's geometry is {geometry}")
        self.Iext = self._positions(content["Iext"])
        self.duration = np.asarray(content["duration"], dtype=np.float64)
        self.time_step = float(content["time_step"])
        self.segment_steps = np.array([int(round(d / self.time_step))
                                       for d in self.duration])
        self.run_steps = self.total_steps = len(data)
        self.data = np.asarray(data, dtype=np.float64)
        self.Iext_sequence = np.asarray(content["Iext_sequence"], dtype=np.float64)
        if self.input is not None:
            self.input.update(self._rates())
        return self.data

    # -- feeding the model ----------------------------------------------------------------
    def _rates(self):
        if self._compensate and len(self.data) > 1:
            return self.data[1:]
        return self.data

    def attach(self, compensate_lag: bool = True) -> TimedArray:
        """Adds a TimedArray with the stimuli to the model's network, connected one-to-one
        (weight 1) onto the model's input target; call before the network is compiled.
        Returns the TimedArray (also :attr:`input`)."""
        model = self.model
        if self.input is not None:
            raise TaskError(f"{self._kind}: the task is already attached")
        if getattr(model, "input_target", None) is None:
            raise TaskError(f"{self._kind}: the model has no input target; build it with "
                            "input_target='ext' (the default)")
        if model.net.compiled:
            raise TaskError(f"{self._kind}: the model's network is already compiled; "
                            "attach the task before compile()")
        if abs(self.time_step - model.dt) > 1e-9 * model.dt:
            raise TaskError(f"{self._kind}: time_step {self.time_step} differs from the "
                            f"model's dt {model.dt}")
        if self.data is None:
            self.get_data()
        self._compensate = bool(compensate_lag)
        name = f"{model.pop.name}_task"
        self.input = TimedArray(rates=self._rates(), schedule=0.0, name=name, net=model.net)
        self.projection = Projection(self.input, model.pop, model.input_target,
                                     name=f"{name}_in", net=model.net)
        self.projection.connect_one_to_one(weights=1.0)
        self._prime()
        return self.input

    def _prime(self):
        self.input.r = self.data[0] if self._compensate else 0.0

    def run(self, monitor=None):
        """Runs the whole task (``run_steps`` steps) on the model, attaching first if
        needed; at step 0 the TimedArray is primed with the first stimulus (after a
        ``reset`` as well). Returns ``monitor.get()`` if a monitor is given."""
        if self.input is None:
            self.attach()
        net = self.model.net
        if not net.compiled:
            net.compile()
        if net.get_current_step() == 0:
            self._prime()
        net.simulate(self.run_steps * net.dt)
        return monitor.get(reshape=True) if monitor is not None else None

    # -- evaluation -----------------------------------------------------------------------
    def tracking_error(self, activity) -> np.ndarray:
        """Periodic distance between the bump centre (population vector of ``activity``,
        ``(run_steps, *geometry)``, e.g. recorded ``r``) and the stimulus position, per
        step (Euclidean over both axes in 2D)."""
        if self.Iext_sequence is None:
            raise TaskError(f"{self._kind}: no data yet; call get_data() first")
        activity = np.asarray(activity, dtype=np.float64)
        if len(activity) != len(self.Iext_sequence):
            raise TaskError(f"{self._kind}: {len(activity)} recorded steps for "
                            f"{len(self.Iext_sequence)} stimulus entries")
        d = self.model.dist(self.model.center(activity) - self.Iext_sequence)
        return np.abs(d) if self.dimension == 1 else np.sqrt(np.square(d).sum(axis=-1))


class SmoothTracking1D(_SmoothTracking):
    """``SmoothTracking1D(model, Iext=(p0, p1, ...), duration=(d0, ...), time_step=dt)``:
    a stimulus moving linearly from key position to key position on a ring model."""

    dimension = 1
    _kind = "SmoothTracking1D"


class SmoothTracking2D(_SmoothTracking):
    """``SmoothTracking2D(model, Iext=((x0, y0), (x1, y1), ...), duration=(...),
    time_step=dt)``: the same on a torus model, positions as ``(row, column)`` pairs."""

    dimension = 2
    _kind = "SmoothTracking2D"
