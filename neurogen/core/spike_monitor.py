"""Spike recording for :class:`~neurogen.core.monitor.Monitor` (``Monitor(pop, 'spike')``)
and ANNarchy's spike statistics as Monitor methods.

The generated step records the population's per-neuron ``spiked`` flags (one byte per
neuron) like any attribute; ``get('spike')`` turns them into ANNarchy's
``{rank: [spike steps]}``. Each recorded row's step is known from the segments of
recording (start or resume, and the row count then), so pauses and
``get(keep=False)`` keep the times exact.
"""
from __future__ import annotations

import numpy as np

from ..analysis import spike_trains
from ..errors import NetworkError
from ..ir import SPIKED

SPIKE = "spike"


class SpikeRecording:
    """Which step each recorded row of a spike recording holds."""

    def __init__(self):
        self.segments: list = []       # (first row, its step)

    def restart(self, row: int, step: int):
        """Rows from ``row`` on are recorded from ``step`` on (start, resume, clear)."""
        self.segments = [s for s in self.segments if s[0] < row] + [(row, step)]

    def steps(self, count: int, period: int) -> np.ndarray:
        out = np.zeros(count, dtype=np.int64)
        for n, (row, step) in enumerate(self.segments):
            end = self.segments[n + 1][0] if n + 1 < len(self.segments) else count
            if row < count:
                out[row:min(end, count)] = step + period * np.arange(min(end, count) - row)
        return out


def spike_source(monitor, obj):
    """The buffer a spike recording copies: the population's ``spiked`` flags."""
    if not getattr(obj, "ir", None) or not obj.ir.is_spiking:
        raise NetworkError(f"Monitor: population '{obj.name}' is rate-coded and emits no "
                           "spikes to record")
    return lambda: obj.buffer(SPIKED)


def spike_dict(flags: np.ndarray, steps: np.ndarray, ranks) -> dict:
    """``{rank: [steps]}`` of the recorded ranks (every rank, spiking or not)."""
    rows, neurons = np.nonzero(flags)
    order = np.lexsort((rows, neurons))
    rows, neurons = rows[order], neurons[order]
    bounds = np.searchsorted(neurons, np.arange(flags.shape[1] + 1))
    times = steps[rows]
    return {int(r): times[bounds[r]:bounds[r + 1]].tolist() for r in ranks}


class SpikeStatistics:
    """ANNarchy 5's spike-train methods of a Monitor (:mod:`neurogen.analysis.spike_trains`
    with this monitor's ``dt``, recording window and size); ``spikes`` defaults to the
    spikes recorded so far (kept)."""

    def _spikes(self, spikes):
        if spikes is None:
            return self.get(SPIKE, keep=True)
        return spikes

    def _window(self):
        now = self.net.get_current_step()
        start = self._periods[0][0] if self._periods else now
        return (start, max(start, now - 1))

    def _size(self):
        return len(self.ranks) if self.ranks is not None else self.obj.size

    def raster_plot(self, spikes=None):
        return spike_trains.raster_plot(self._spikes(spikes), self.net.dt)

    def histogram(self, spikes=None, bins=None, per_neuron: bool = False,
                  recording_window=None):
        return spike_trains.histogram(self._spikes(spikes), self.net.dt, bins=bins,
                                      per_neuron=per_neuron,
                                      recording_window=recording_window)

    def inter_spike_interval(self, spikes=None, ranks=None, per_neuron: bool = False):
        return spike_trains.inter_spike_interval(self._spikes(spikes), self.net.dt,
                                                 ranks=ranks, per_neuron=per_neuron)

    def coefficient_of_variation(self, spikes=None, ranks=None, per_neuron: bool = False):
        return spike_trains.coefficient_of_variation(self._spikes(spikes), self.net.dt,
                                                     ranks=ranks, per_neuron=per_neuron)

    def mean_fr(self, spikes=None):
        return spike_trains.mean_fr(self._spikes(spikes), self.net.dt,
                                    recording_window=self._window(), size=self._size())

    def smoothed_rate(self, spikes=None, smooth: float = 0.0):
        return spike_trains.smoothed_rate(self._spikes(spikes), self.net.dt, smooth,
                                          recording_window=self._window())

    def population_rate(self, spikes=None, smooth: float = 0.0):
        return spike_trains.population_rate(self._spikes(spikes), self.net.dt, smooth,
                                            recording_window=self._window(),
                                            size=self._size())
