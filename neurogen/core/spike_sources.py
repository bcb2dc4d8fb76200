"""Spiking inputs, as ANNarchy's: ``PoissonPopulation`` (spikes drawn at given rates)
and ``SpikeSourceArray`` (spikes at given times).

A PoissonPopulation is a plain spiking population whose neuron draws a uniform number
per neuron and step from the network's counter-based streams (the same seed gives the
same spikes whatever the thread count). A SpikeSourceArray's spike times are tables of
the runtime state (per neuron, its sorted spike steps), which the generated step walks
with a cursor per neuron.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..codegen.slots import SourceCursor, SourcePtr, SourceTimes
from ..errors import NetworkError
from .neuron import Neuron
from .population import Population


def _poisson_neuron(rates, parameters, refractory, target=None) -> Neuron:
    """ANNarchy's Poisson neuron: ``p = Uniform(0, 1) * 1000 / dt``, spike when
    ``p < rates`` (Hz); ``rates`` a number (a parameter), an array (a per-neuron
    parameter), an equation string (a variable), or, with ``target``, the weighted sum
    of the rate-coded projections onto that target (a hybrid population)."""
    extra = parameters or ""
    if target is not None:
        return Neuron(parameters=extra,
                      equations=f"rates = sum({target})\np = Uniform(0.0, 1.0) * 1000.0 / dt",
                      spike="p < rates", refractory=refractory, name="Hybrid")
    if isinstance(rates, str):
        return Neuron(parameters=extra,
                      equations=f"rates = {rates}\np = Uniform(0.0, 1.0) * 1000.0 / dt",
                      spike="p < rates", refractory=refractory, name="Poisson")
    value = 10.0 if isinstance(rates, np.ndarray) else float(rates)
    return Neuron(parameters=f"rates = {value!r}\n{extra}",
                  equations="p = Uniform(0.0, 1.0) * 1000.0 / dt",
                  spike="p < rates", refractory=refractory, name="Poisson")


class PoissonPopulation(Population):
    """``PoissonPopulation(geometry, rates=10.0)``: each neuron spikes with probability
    ``rates * dt / 1000`` at each step (``rates`` in Hz: a number, an array shaped like
    the geometry, or an equation string such as ``'100.0 * (1.0 + sin(2*pi*t/1000.0))'``
    with ``parameters=`` it reads). ``PoissonPopulation(geometry, target='exc')``: the
    rates are the weighted sum of the rate-coded projections onto ``exc`` (rate-coded to
    spiking, as ANNarchy's hybrid populations)."""

    _movable = True

    def __init__(self, geometry, rates=None, target: str | None = None,
                 parameters: str | None = None, refractory=None, name: str | None = None,
                 net=None, **unknown):
        from ..validation import reject_unknown
        reject_unknown("PoissonPopulation()", unknown, ("geometry", "rates", "target",
                                                        "parameters", "refractory", "name",
                                                        "net"))
        if target is not None:
            if rates is not None:
                raise NetworkError("PoissonPopulation: give rates= or target=, not both")
            if not isinstance(target, str) or not target.isidentifier():
                raise NetworkError(f"PoissonPopulation: target must be a target's name "
                                   f"such as 'exc', got {target!r}")
            super().__init__(geometry, _poisson_neuron(None, parameters, refractory, target),
                             name=name, net=net)
            return
        if rates is None:
            raise NetworkError("PoissonPopulation: give rates= (Hz: a number, an array or "
                               "an equation string) or target= (the rates are the weighted "
                               "sum of the rate-coded projections onto that target)")
        if not isinstance(rates, (str, np.ndarray, list, tuple, numbers.Real)) or \
                isinstance(rates, bool):
            raise NetworkError(f"PoissonPopulation: rates must be a number, an array or an "
                               f"equation string, got {type(rates).__name__}")
        array = np.asarray(rates, dtype=float) if isinstance(rates, (list, tuple)) else rates
        super().__init__(geometry, _poisson_neuron(array, parameters, refractory), name=name,
                         net=net)
        if isinstance(array, np.ndarray):
            self.rates = array


class SpikeSourceArray(Population):
    """``SpikeSourceArray(spike_times=[[t0, t1, ...], ...])``: one neuron per list, spiking
    at the given times (ms, rounded to the closest step, relative to the start of the
    simulation or to the last ``reset()``); a single list makes one neuron."""

    spike_source = True
    _movable = True

    def __init__(self, spike_times, name: str | None = None, net=None, **unknown):
        from ..validation import reject_unknown
        reject_unknown("SpikeSourceArray()", unknown, ("spike_times", "name", "net"))
        lists = self._lists(spike_times)
        neuron = Neuron(equations="", spike="t < 0.0", name="SpikeSourceArray")
        super().__init__(len(lists), neuron, name=name, net=net)
        self.start_step = 0
        self.spike_times = lists

    @staticmethod
    def _lists(spike_times) -> list:
        if not isinstance(spike_times, (list, tuple, np.ndarray)) or len(spike_times) == 0:
            raise NetworkError("SpikeSourceArray: spike_times must be a non-empty list of "
                               "times (ms), or a list of such lists (one per neuron)")
        if all(isinstance(t, numbers.Real) and not isinstance(t, bool) for t in spike_times):
            spike_times = [spike_times]
        lists = []
        for n, times in enumerate(spike_times):
            times = np.asarray(times, dtype=float).reshape(-1)
            if not np.all(np.isfinite(times)) or np.any(times < 0):
                raise NetworkError(f"SpikeSourceArray: the spike times of neuron {n} must be "
                                   "finite numbers >= 0 (ms)")
            lists.append(times)
        return lists

    @property
    def spike_times(self) -> list:
        """The spike times (ms) of each neuron, as given (rounded to steps)."""
        dt = self.net.dt
        ptr, steps = self.net.state[SourcePtr(self.id)], self.net.state[SourceTimes(self.id)]
        return [(steps[ptr[i]:ptr[i + 1]] * dt).tolist() for i in range(self.size)]

    @spike_times.setter
    def spike_times(self, value):
        lists = self._lists(value)
        if len(lists) != self.size:
            raise NetworkError(f"SpikeSourceArray '{self.name}': spike_times must keep "
                               f"{self.size} neuron(s), got {len(lists)}")
        self._times_ms = lists
        self._write_steps()

    def transfer(self, net, name):
        """Moved to ``net`` (``net.create(SpikeSourceArray(...))``): steps of its dt."""
        super().transfer(net, name)
        self._write_steps()

    def _write_steps(self):
        lists = self._times_ms
        steps = [np.unique(np.rint(t / self.net.dt).astype(np.int64)) for t in lists]
        counts = [len(s) for s in steps]
        state = self.net.state
        state.adopt(SourcePtr(self.id), np.concatenate([[0], np.cumsum(counts)]), np.int64)
        state.adopt(SourceTimes(self.id), np.concatenate(steps + [np.zeros(1, np.int64)]),
                    np.int64)
        self._skip_past()

    def cursors(self) -> np.ndarray:
        """The cursors the generated step walks: one per neuron and copy of a batched
        network (every copy sees the same spike times; re-tiled if the batch changed)."""
        state, key = self.net.state, SourceCursor(self.id)
        cursor = state[key]
        if cursor.size != self.size * self.net.batch:
            cursor = state.adopt(key, np.tile(cursor[:self.size], self.net.batch))
        return cursor

    def _skip_past(self):
        """Each cursor (of every copy) at the first spike not before the current
        relative step."""
        state = self.net.state
        ptr, steps = state[SourcePtr(self.id)], state[SourceTimes(self.id)]
        now = self.net.get_current_step() - self.start_step
        first = np.array([ptr[i] + np.searchsorted(steps[ptr[i]:ptr[i + 1]], now)
                          for i in range(self.size)], dtype=np.int64)
        state.adopt(SourceCursor(self.id), np.tile(first, self.net.batch), np.int64)
        if self.net.runtime is not None:
            self.net.runtime.bind()

    def reset(self, attributes=None):
        """As ANNarchy: the spike times count again from now (a stimulation repeated)."""
        super().reset(attributes)
        self._restart()

    def clear(self):
        """The spike history forgotten, and the spike times count again from now. (ANNarchy
        5.0.4.1 applies spike_times set after clear() one trial late, keeping the old
        times for the next run; here they apply at once.)"""
        super().clear()
        self._restart()

    def _restart(self):
        self.start_step = self.net.get_current_step()
        self._skip_past()
