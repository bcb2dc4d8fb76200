"""Spike-train statistics on ANNarchy's spike dictionaries, in plain NumPy.

A spike dictionary is what ``Monitor.get('spike')`` returns: ``{rank: [step, step, ...]}``,
the spike times of each recorded neuron as integer **steps** (multiply by ``dt`` for
milliseconds), in increasing order. The dictionary of all the recorded variables
(``{'spike': {...}, ...}``) is accepted too, as by ANNarchy's Monitor methods.

The functions have the names, parameters and results of ANNarchy 5's Monitor methods
(``raster_plot``, ``histogram``, ``inter_spike_interval``, ``coefficient_of_variation``,
``mean_fr``, ``smoothed_rate``, ``population_rate``), with the simulation step ``dt`` (ms)
as second argument. What a Monitor knows and a bare dictionary does not is an explicit
keyword argument, which the Monitor passes:

* ``recording_window=(start, stop)``: the recorded period in steps (``start``: the step
  at which the recording started or resumed, ``stop``: the step at which the data were
  fetched). Without it, the period is taken from the first to the last spike, as
  ANNarchy's module-level functions do. Spikes outside ``start..stop`` (both included)
  are ignored.
* ``size``: the number of neurons a rate is averaged over (the population or view
  size). Without it, the number of neurons in the dictionary.

Units: spike times in steps in, times and intervals in ms and rates in Hz out.

Where ANNarchy 5 gives a result that is plainly unintended, these functions give the
intended one (each case is named in the function's documentation): ``smoothed_rate``
with a recording that did not start at step 0, or with a spike at the first recorded
step; ``smoothed_rate`` with ``0 < smooth < dt``; ``histogram`` with a bin size that
is a multiple of ``dt`` but not exactly in floating point (0.3 ms with ``dt=0.1``);
``mean_fr(duration=...)``, whose duration is in ms here (ANNarchy's module-level
function divides it by ``dt`` once more).

:func:`raster_and_rate` draws a raster above the population rate (matplotlib, imported
on first use; no pyplot, so it runs on a headless machine).

Bad input raises :class:`~neurogen.errors.InvalidValueError` (a
:class:`~neurogen.errors.NeurogenError` and a :class:`ValueError`) naming the function and
the argument.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..errors import InvalidValueError

__all__ = ["raster_plot", "histogram", "inter_spike_interval", "coefficient_of_variation",
           "mean_fr", "smoothed_rate", "population_rate", "raster_and_rate"]


# -- input checks -----------------------------------------------------------------------------
def _fail(where: str, text: str):
    raise InvalidValueError(f"{where}: {text}")


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _trains(spikes, where: str) -> list:
    """``[(rank, steps as int64 array), ...]`` in the dictionary's order."""
    if not isinstance(spikes, dict):
        _fail(where, "spikes must be the dictionary {rank: [spike steps]} returned by "
                     f"Monitor.get('spike'), got {type(spikes).__name__}")
    for key in ("spike", "axon_spike"):
        if key in spikes:
            spikes = spikes[key]
            if not isinstance(spikes, dict):
                _fail(where, f"spikes[{key!r}] must be a dictionary {{rank: [spike steps]}}, "
                             f"got {type(spikes).__name__}")
            break
    trains = []
    for rank, steps in spikes.items():
        if not _is_int(rank) or rank < 0:
            _fail(where, f"spikes must have neuron ranks (integers >= 0) as keys, got {rank!r}")
        try:
            arr = np.asarray(steps)
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.ndim != 1 or not (arr.size == 0 or arr.dtype.kind in "iuf"):
            _fail(where, f"spikes[{rank}] must be a list of spike steps (integers), got "
                         f"{steps!r}")
        if arr.dtype.kind == "f":
            if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
                _fail(where, f"spikes[{rank}] must hold spike times in steps (integers; "
                             f"Monitor.get('spike') gives steps, not ms), got {steps!r}")
        arr = arr.astype(np.int64)
        if arr.size > 1 and np.any(np.diff(arr) <= 0):
            _fail(where, f"spikes[{rank}] must be strictly increasing (a neuron spikes at "
                         f"most once per step), got {steps!r}")
        trains.append((int(rank), arr))
    return trains


def _positive(value, name: str, where: str, unit: str = "ms") -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) \
            or not math.isfinite(float(value)) or float(value) <= 0:
        _fail(where, f"{name} must be a finite number > 0 ({unit}), got {value!r}")
    return float(value)


def _flag(value, name: str, where: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        _fail(where, f"{name} must be True or False, got {value!r}")
    return bool(value)


def _smooth(value, where: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) \
            or not math.isfinite(float(value)) or float(value) < 0:
        _fail(where, f"smooth must be a finite number >= 0 (ms), got {value!r}")
    return float(value)


def _size(value, trains, where: str) -> int:
    if value is None:
        if not trains:
            _fail(where, "spikes has no neuron: give size (the number of recorded neurons)")
        return len(trains)
    if not _is_int(value) or value < 1:
        _fail(where, f"size must be an integer >= 1 (the number of recorded neurons), got "
                     f"{value!r}")
    if value < len(trains):
        _fail(where, f"size={value} is smaller than the {len(trains)} neurons in spikes")
    return int(value)


def _window(recording_window, trains, where: str) -> tuple:
    """``(start, stop)`` in steps: the given window, else the first and last spike."""
    if recording_window is None:
        nonempty = [steps for _, steps in trains if steps.size]
        if not nonempty:
            _fail(where, "spikes holds no spike: give recording_window=(start, stop) "
                         "in steps")
        return (int(min(s[0] for s in nonempty)), int(max(s[-1] for s in nonempty)))
    try:
        start, stop = recording_window
    except (TypeError, ValueError):
        start = stop = None
    if not (_is_int(start) and _is_int(stop)) or stop < start:
        _fail(where, "recording_window must be (start, stop), two integer steps with "
                     f"start <= stop, got {recording_window!r}")
    return int(start), int(stop)


def _inside(steps, start: int, stop: int):
    return steps[(steps >= start) & (steps <= stop)]


def _selected(trains, ranks, where: str) -> list:
    if ranks is None:
        return trains
    if _is_int(ranks):
        ranks = [ranks]
    try:
        wanted = list(ranks)
    except TypeError:
        wanted = None
    if wanted is None or not all(_is_int(r) for r in wanted):
        _fail(where, f"ranks must be a list of neuron ranks (integers), got {ranks!r}")
    known = {rank for rank, _ in trains}
    missing = sorted({int(r) for r in wanted} - known)
    if missing:
        _fail(where, f"ranks {missing} are not in spikes (recorded ranks: "
                     f"{sorted(known)[:20]}{'...' if len(known) > 20 else ''})")
    wanted = {int(r) for r in wanted}
    return [(rank, steps) for rank, steps in trains if rank in wanted]


def _low_pass(rates, dt: float, smooth: float):
    """ANNarchy's smoothing: ``r[0] = x[0]``, ``r[t+1] = r[t] + (x[t+1] - r[t]) dt/smooth``
    along the last axis (nothing to do when ``smooth <= dt``)."""
    if smooth <= dt or rates.shape[-1] == 0:
        return rates
    alpha = dt / smooth
    out = np.empty_like(rates)
    out[..., 0] = rates[..., 0]
    for t in range(1, rates.shape[-1]):
        out[..., t] = out[..., t - 1] + alpha * (rates[..., t] - out[..., t - 1])
    return out


# -- statistics -------------------------------------------------------------------------------
def raster_plot(spikes: dict, dt: float) -> tuple:
    """The raster of the recorded spikes: ``(times, ranks)``, two 1-D arrays with one
    entry per spike, neuron after neuron in the dictionary's order.

    :param spikes: ``{rank: [spike steps]}`` as returned by ``Monitor.get('spike')``.
    :param dt: the simulation step (ms).
    :returns: ``times`` in ms (float) and ``ranks`` (int); ``plot(times, ranks, '.')``
        draws the raster.
    """
    where = "raster_plot"
    trains = _trains(spikes, where)
    dt = _positive(dt, "dt", where)
    if not trains:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    steps = np.concatenate([s for _, s in trains])
    ranks = np.concatenate([np.full(s.size, r, dtype=np.int64) for r, s in trains])
    return steps * dt, ranks


def histogram(spikes: dict, dt: float, bins: float | None = None, per_neuron: bool = False,
              recording_window: tuple | None = None):
    """The number of spikes in consecutive time bins.

    Bin ``i`` counts the spikes at steps ``start + i*b`` to ``start + (i+1)*b - 1`` (``b``
    the bin size in steps); there are ``(stop - start) // b + 1`` bins, so the last one
    holds ``stop``.

    :param spikes: ``{rank: [spike steps]}`` as returned by ``Monitor.get('spike')``.
    :param dt: the simulation step (ms).
    :param bins: the bin size in ms, a multiple of ``dt`` (default: ``dt``).
    :param per_neuron: count each neuron separately.
    :param recording_window: ``(start, stop)`` in steps; spikes outside are ignored
        (default: the first and last spike).
    :returns: the counts (int), shaped ``(n_bins,)``, or ``(max_rank + 1, n_bins)`` with
        ``per_neuron=True`` (row ``r`` for rank ``r``; ranks without spikes give zeros).
    """
    where = "histogram"
    trains = _trains(spikes, where)
    dt = _positive(dt, "dt", where)
    width = dt if bins is None else _positive(bins, "bins", where)
    ratio = width / dt
    step = int(round(ratio))
    if step < 1 or abs(ratio - step) > 1e-9 * max(1.0, ratio):
        _fail(where, f"bins must be a multiple of dt={dt!r} ms, got {bins!r}")
    per_neuron = _flag(per_neuron, "per_neuron", where)
    start, stop = _window(recording_window, trains, where)
    n_bins = (stop - start) // step + 1

    def counts(steps):
        steps = _inside(steps, start, stop)
        return np.bincount((steps - start) // step, minlength=n_bins).astype(np.int64)

    if per_neuron:
        rows = max((rank for rank, _ in trains), default=-1) + 1
        histo = np.zeros((rows, n_bins), dtype=np.int64)
        for rank, steps in trains:
            histo[rank] = counts(steps)
        return histo
    histo = np.zeros(n_bins, dtype=np.int64)
    for _, steps in trains:
        histo += counts(steps)
    return histo


def inter_spike_interval(spikes: dict, dt: float, ranks=None, per_neuron: bool = False):
    """The inter-spike intervals (ISI) of the recorded neurons, in ms. Neurons with fewer
    than two spikes have none.

    :param spikes: ``{rank: [spike steps]}`` as returned by ``Monitor.get('spike')``.
    :param dt: the simulation step (ms).
    :param ranks: the ranks to use (default: all the neurons in ``spikes``).
    :param per_neuron: return the intervals neuron by neuron.
    :returns: a list of all the intervals (neuron after neuron), or with
        ``per_neuron=True`` a dictionary ``{rank: [intervals]}`` of the neurons with at
        least two spikes.
    """
    where = "inter_spike_interval"
    trains = _trains(spikes, where)
    dt = _positive(dt, "dt", where)
    per_neuron = _flag(per_neuron, "per_neuron", where)
    isi = {rank: (np.diff(steps) * dt).tolist()
           for rank, steps in _selected(trains, ranks, where) if steps.size >= 2}
    if per_neuron:
        return isi
    return [value for values in isi.values() for value in values]


def coefficient_of_variation(spikes: dict, dt: float, ranks=None, per_neuron: bool = False):
    """The coefficient of variation of each neuron's inter-spike intervals: their
    standard deviation (population form, ``ddof=0``) over their mean. Neurons with fewer
    than two intervals (three spikes) have none.

    :param spikes: ``{rank: [spike steps]}`` as returned by ``Monitor.get('spike')``.
    :param dt: the simulation step (ms; the ratio does not depend on it).
    :param ranks: the ranks to use (default: all the neurons in ``spikes``).
    :param per_neuron: return ``{rank: cv}`` instead of the list (as ANNarchy's
        module-level function; its Monitor method has no such argument).
    :returns: a list of floats, one per neuron with at least three spikes, in the
        dictionary's order; or ``{rank: cv}``.
    """
    where = "coefficient_of_variation"
    trains = _trains(spikes, where)
    _positive(dt, "dt", where)
    per_neuron = _flag(per_neuron, "per_neuron", where)
    cv = {}
    for rank, steps in _selected(trains, ranks, where):
        if steps.size >= 3:
            intervals = np.diff(steps).astype(np.float64)
            cv[rank] = float(intervals.std() / intervals.mean())
    return cv if per_neuron else list(cv.values())


def mean_fr(spikes: dict, dt: float, duration: float | None = None, *,
            recording_window: tuple | None = None, size: int | None = None) -> float:
    """The mean firing rate of the recorded neurons (Hz): the number of spikes over the
    number of neurons and the duration.

    The duration is, by priority, ``duration``; else ``(stop - start) * dt`` of
    ``recording_window`` (what ANNarchy's Monitor uses: the period of the last
    recording); else the time from the first to the last spike (ANNarchy's module-level
    function).

    :param spikes: ``{rank: [spike steps]}`` as returned by ``Monitor.get('spike')``.
    :param dt: the simulation step (ms).
    :param duration: the recorded duration in ms (ANNarchy's module-level function
        divides its ``duration`` by ``dt`` once more, so that it is in steps there).
    :param recording_window: ``(start, stop)`` in steps; spikes outside are not counted.
        Not together with ``duration``. A Monitor passes it.
    :param size: the number of neurons (default: the number in ``spikes``). A Monitor
        passes the size of the recorded population or view.
    :returns: the rate in Hz (a float).
    """
    where = "mean_fr"
    trains = _trains(spikes, where)
    dt = _positive(dt, "dt", where)
    n = _size(size, trains, where)
    if duration is not None and recording_window is not None:
        _fail(where, "give duration (ms) or recording_window (steps), not both")
    if duration is not None:
        span = _positive(duration, "duration", where)
        count = sum(steps.size for _, steps in trains)
    else:
        start, stop = _window(recording_window, trains, where)
        if stop == start:
            what = "recording_window" if recording_window is not None else \
                "the first and last spike (give duration or recording_window)"
            _fail(where, f"the duration is zero: {what} starts and stops at step {start}")
        span = (stop - start) * dt
        count = sum(_inside(steps, start, stop).size for _, steps in trains)
    return count / n / span * 1000.0


def smoothed_rate(spikes: dict, dt: float, smooth: float = 0.0, *,
                  recording_window: tuple | None = None):
    """The instantaneous firing rate of each neuron, step by step, optionally low-pass
    filtered.

    Between two consecutive spikes at steps ``a < b`` the rate is ``1000 / ((b - a) * dt)``
    Hz, on the steps ``a`` to ``b - 1``; before the first spike and from the last one on
    it is 0. With ``smooth > dt`` each row is then filtered as ANNarchy does:
    ``r[0] = x[0]``, ``r[t+1] = r[t] + (x[t+1] - r[t]) * dt / smooth``.

    Differences from ANNarchy 5, where its result is unintended: ANNarchy writes the
    intervals at the absolute step instead of ``step - start`` (right only when the
    recording started at step 0) and skips the interval after a spike at the first
    recorded step; with ``0 < smooth < dt`` its filter overshoots, here it is off (as in
    ``population_rate``). ``smooth == dt`` gives the unfiltered rate in both.

    :param spikes: ``{rank: [spike steps]}`` as returned by ``Monitor.get('spike')``.
    :param dt: the simulation step (ms).
    :param smooth: the time constant of the filter in ms (0: none).
    :param recording_window: ``(start, stop)`` in steps; spikes outside are ignored
        (default: the first and last spike). A Monitor passes it.
    :returns: the rates in Hz shaped ``(n_neurons, stop - start)``: row ``i`` for the
        ``i``-th neuron of ``spikes`` (``list(spikes)[i]``), column ``j`` for step
        ``start + j``.
    """
    where = "smoothed_rate"
    trains = _trains(spikes, where)
    dt = _positive(dt, "dt", where)
    smooth = _smooth(smooth, where)
    start, stop = _window(recording_window, trains, where)
    rates = np.zeros((len(trains), stop - start))
    for row, (_, steps) in enumerate(trains):
        steps = _inside(steps, start, stop)
        if steps.size >= 2:
            gaps = np.diff(steps)
            rates[row, steps[0] - start:steps[-1] - start] = np.repeat(1000.0 / (gaps * dt),
                                                                      gaps)
    return _low_pass(rates, dt, smooth)


def population_rate(spikes: dict, dt: float, smooth: float = 0.0, *,
                    recording_window: tuple | None = None, size: int | None = None):
    """The firing rate of the population step by step (Hz per neuron): the spikes at
    each step over ``size * dt``, optionally low-pass filtered (``smooth > dt``) as in
    :func:`smoothed_rate`. Faster than averaging :func:`smoothed_rate`.

    :param spikes: ``{rank: [spike steps]}`` as returned by ``Monitor.get('spike')``.
    :param dt: the simulation step (ms).
    :param smooth: the time constant of the filter in ms (``<= dt``: none).
    :param recording_window: ``(start, stop)`` in steps; spikes outside are ignored
        (default: the first and last spike). A Monitor passes it.
    :param size: the number of neurons (default: the number in ``spikes``).
    :returns: the rates in Hz, shaped ``(stop - start + 1,)`` (as ANNarchy): entry ``j``
        for step ``start + j``.
    """
    where = "population_rate"
    trains = _trains(spikes, where)
    dt = _positive(dt, "dt", where)
    smooth = _smooth(smooth, where)
    start, stop = _window(recording_window, trains, where)
    n = _size(size, trains, where)
    counts = np.zeros(stop - start + 1)
    for _, steps in trains:
        counts += np.bincount(_inside(steps, start, stop) - start, minlength=counts.size)
    return _low_pass(counts * (1000.0 / (dt * n)), dt, smooth)


# -- figure -----------------------------------------------------------------------------------
def raster_and_rate(spikes: dict, dt: float, ax=None, *, smooth: float = 0.0,
                    recording_window: tuple | None = None, size: int | None = None,
                    markersize: float = 2.0, color="k", title: str | None = None,
                    figsize: tuple = (6.0, 4.0), dpi: float = 100.0):
    """A raster of the spikes above the population rate, on a common time axis (ms).

    :param spikes: ``{rank: [spike steps]}`` as returned by ``Monitor.get('spike')``.
    :param dt: the simulation step (ms).
    :param ax: ``None`` for a new figure (on the Agg canvas, without pyplot: save it
        with ``fig.savefig``), or two Axes ``(raster_ax, rate_ax)`` to draw in.
    :param smooth: passed to :func:`population_rate`.
    :param recording_window: passed to :func:`population_rate` (and the time axis).
    :param size: passed to :func:`population_rate`.
    :param markersize: the size of the raster's dots.
    :param color: the colour of the dots and the rate.
    :param title: a title above the raster.
    :param figsize: the size of a new figure (inches).
    :param dpi: the resolution of a new figure.
    :returns: the matplotlib Figure; the raster is drawn in its first Axes (of the two
        given), the rate in the second.
    """
    where = "raster_and_rate"
    trains = _trains(spikes, where)
    dt = _positive(dt, "dt", where)
    smooth = _smooth(smooth, where)
    start, stop = _window(recording_window, trains, where)
    _size(size, trains, where)
    _positive(markersize, "markersize", where, unit="points")
    from .canvas import load_matplotlib
    mpl = load_matplotlib()
    import matplotlib.axes
    if ax is None:
        try:
            width, height = (float(v) for v in figsize)
        except (TypeError, ValueError):
            width = height = -1.0
        if not (width > 0 and height > 0 and math.isfinite(width + height)):
            _fail(where, f"figsize must be (width, height) in inches, got {figsize!r}")
        fig = mpl.figure.Figure(figsize=(width, height),
                                dpi=_positive(dpi, "dpi", where, unit="dots per inch"))
        mpl.backends.backend_agg.FigureCanvasAgg(fig)
        raster_ax, rate_ax = fig.subplots(2, 1, sharex=True,
                                          gridspec_kw={"height_ratios": (2, 1)})
    else:
        pair = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else None
        if pair is None or len(pair) != 2 or \
                not all(isinstance(a, matplotlib.axes.Axes) for a in pair):
            _fail(where, "ax must be None or two matplotlib Axes (raster_ax, rate_ax), "
                         f"got {ax!r}")
        raster_ax, rate_ax = pair
        fig = raster_ax.figure
    inside = {rank: _inside(steps, start, stop) for rank, steps in trains}
    times, ranks = raster_plot(inside, dt)
    raster_ax.plot(times, ranks, ".", color=color, markersize=markersize, linestyle="none")
    rate = population_rate(inside, dt, smooth, recording_window=(start, stop), size=size)
    rate_ax.plot((start + np.arange(rate.size)) * dt, rate, color=color)
    raster_ax.set_ylabel("neuron rank")
    rate_ax.set_ylabel("rate (Hz)")
    rate_ax.set_xlabel("time (ms)")
    rate_ax.set_xlim(start * dt, stop * dt)
    if title is not None:
        raster_ax.set_title(str(title))
    return fig
