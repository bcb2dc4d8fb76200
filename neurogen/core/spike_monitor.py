"""Spike recording for :class:`~neurogen.core.monitor.Monitor` (``Monitor(pop, 'spike')``)
and ANNarchy's spike statistics as Monitor methods.

The generated step appends, at each recorded step, ``[step, count, ranks...]`` of the
neurons that spiked (the population's spike list of that step): a few bytes per spike,
not per neuron; ``get('spike')`` turns the records into ANNarchy's
``{rank: [spike steps]}``. In a batched network (B copies) it appends one record per
copy, in copy order, and ``get('spike')`` gives one such dict per copy.
"""
from __future__ import annotations

import numpy as np

from ..analysis import spike_trains
from ..errors import NetworkError, NeurogenError
from ..codegen.slots import PHASE_SPIKES
from ..ir import SPIKED
from ..runtime.state import Record

SPIKE = "spike"
#: ANNarchy's name of axonal spikes, which it does not record either
AXON_SPIKE = "axon_spike"


def spike_recording(monitor, obj, recording_type, name: str = SPIKE):
    """The recording of ``obj``'s spikes: records ``[step, count, ranks...]`` appended by
    the generated step at every recorded step (int32; room for one step of every neuron
    spiking is kept free, the buffer grows when it fills up). Axonal spikes are not
    recordable (ANNarchy 5.0.4.1 warns and records nothing)."""
    if name == AXON_SPIKE:
        raise NetworkError(f"Monitor: the axonal spikes of '{obj.name}' are not recordable "
                           "(as in ANNarchy); record 'spike' or the variables of the "
                           "axon_spike condition")
    if not getattr(obj, "ir", None) or not obj.ir.is_spiking:
        raise NetworkError(f"Monitor: population '{obj.name}' is rate-coded and emits no "
                           "spikes to record")
    rec = recording_type(monitor, SPIKE, lambda: obj.buffer(SPIKED), 1, np.int32)
    monitor.net.state.allocate(Record(monitor.id, SPIKE), (0,), np.int32)
    rec.width, rec.phase, rec.source_id = obj.size + 2, PHASE_SPIKES, obj.id
    rec.copies = monitor.net.batch        # batched: a record per copy, in copy order
    rec.width *= rec.copies
    return rec


def spike_dicts(records: np.ndarray, ranks, copies: int):
    """``{rank: [steps]}`` of each copy (a list of ``copies`` dicts; one dict when not
    batched), from records written ``copies`` at a time, in copy order."""
    if copies == 1:
        return spike_dict(records, ranks)
    starts, pos = [], 0
    while pos < records.size:
        starts.append(pos)
        pos += 2 + int(records[pos + 1])
    starts.append(records.size)
    parts = [[] for _ in range(copies)]
    for n in range(len(starts) - 1):
        parts[n % copies].append(records[starts[n]:starts[n + 1]])
    return [spike_dict(np.concatenate(p) if p else np.zeros(0, np.int32), ranks)
            for p in parts]


def spike_dict(records: np.ndarray, ranks) -> dict:
    """``{rank: [steps]}`` of the recorded ranks (every rank, spiking or not), from the
    ``[step, count, ranks...]`` records."""
    steps, spikers, pos = [], [], 0
    while pos < records.size:
        step, count = int(records[pos]), int(records[pos + 1])
        spikers.append(records[pos + 2:pos + 2 + count])
        steps.append(np.full(count, step, dtype=np.int64))
        pos += 2 + count
    neurons = np.concatenate(spikers) if spikers else np.zeros(0, np.int32)
    times = np.concatenate(steps) if steps else np.zeros(0, np.int64)
    order = np.argsort(neurons, kind="stable")          # per neuron, steps stay in order
    neurons, times = neurons[order], times[order]
    bounds = np.searchsorted(neurons, np.arange(max(ranks, default=-1) + 2))
    return {int(r): times[bounds[r]:bounds[r + 1]].tolist() for r in ranks}


class SpikeStatistics:
    """ANNarchy 5's spike-train methods of a Monitor (:mod:`neurogen.analysis.spike_trains`
    with this monitor's ``dt``, recording window and size); ``spikes`` defaults to the
    spikes recorded so far (kept). In a batched network, ``spikes`` is required: one
    copy's dict (``get('spike', keep=True)[b]``)."""

    def _spikes(self, spikes):
        if self.net.batch > 1 and not isinstance(spikes, dict):
            raise NeurogenError(
                f"Monitor on '{self.obj.name}': the network has batch={self.net.batch} "
                "copies and get('spike') gives one {rank: [steps]} dict per copy; pass "
                "the spikes of one copy b: e.g. mon.mean_fr(mon.get('spike', "
                "keep=True)[b]) (or neurogen.analysis.spike_trains, dt as second argument)")
        if spikes is None:
            return self.get(SPIKE, keep=True)
        return spikes

    def _window(self):
        """The steps the spikes last got cover (ANNarchy's duration is their difference):
        from the start of the recording, or from the last ``get('spike')`` that emptied
        the monitor, to that ``get()``."""
        if self.spikes_window is not None:
            return self.spikes_window
        now = self.net.get_current_step()
        return (now if self.spikes_since is None else self.spikes_since, now)

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
