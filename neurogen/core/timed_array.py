"""TimedArray: a population whose rates follow a stored sequence, replayed by the
generated code (no Python per step), as ANNarchy's ``TimedArray``. The sequence is a
buffer of the network's runtime state (key ``TimedRates(pop)``)."""
from __future__ import annotations

import numpy as np

from ..codegen.slots import TimedRates
from ..errors import NetworkError
from .neuron import Neuron
from .population import Population, normalize_geometry

_TIMED = Neuron(parameters="r = 0.0", name="TimedArray")


class TimedArray(Population):
    """``TimedArray(rates=array (T, *geometry), schedule=ms per entry, period=ms)``.

    Entry ``k`` is the rate from ``k * schedule`` on (``schedule=0``: one entry per step);
    with ``period > 0`` the sequence restarts every ``period`` ms; after the last entry the
    last rates are kept.
    """

    replays_rates = True
    _movable = True

    def __init__(self, rates=None, geometry=None, schedule: float = 0.0,
                 period: float = -1.0, name: str | None = None, net=None, **unknown):
        from ..validation import array_for, reject_unknown
        reject_unknown("TimedArray()", unknown, ("rates", "geometry", "schedule", "period",
                                                 "name", "net"))
        rates = array_for("TimedArray", "rates", rates, np.float64) if rates is not None \
            else np.zeros((1,) + normalize_geometry(geometry))
        if rates.ndim < 2:
            raise NetworkError("TimedArray: rates must be shaped (entries, *geometry)")
        super().__init__(rates.shape[1:], _TIMED, name=name, net=net)
        self.start_step = 0
        self.update(rates, schedule, period)

    def update(self, rates, schedule: float | None = None, period: float | None = None,
               reset: bool = False):
        """New rates (same geometry), schedule and period, in effect at once: the rates
        the network reads next are the new buffer's current entry; ``reset=True``
        restarts the sequence: the next step shows its first entry (and ``period``
        counts from there)."""
        from ..validation import array_for, number
        rates = array_for(f"TimedArray '{self.name}'", "rates", rates, np.float64)
        if rates.shape[1:] != self.geometry:
            raise NetworkError(f"TimedArray '{self.name}': rates must be shaped (entries, "
                               f"{', '.join(map(str, self.geometry))}), got {rates.shape}")
        self.rates = rates.reshape(len(rates), self.size)
        if schedule is not None:
            self.schedule = number(f"TimedArray '{self.name}'", "schedule (ms)", schedule,
                                   non_negative=True)
        if period is not None:
            self.period = number(f"TimedArray '{self.name}'", "period (ms)", period)
        step = self.net.get_current_step()
        if reset:      # as ANNarchy 5: the next step shows the first entry, for `schedule`
            self.start_step = step
        if self.net.runtime is not None:
            if step > 0:                   # what the last step would have shown
                self.buffer("r").reshape(-1, self.size)[...] = self.rates[self.entry(step - 1)]
            self.net.runtime.bind()

    @property
    def rates(self) -> np.ndarray:
        """The stored sequence, (entries, size), in the network's precision (live)."""
        return self.net.state[TimedRates(self.id)]

    @rates.setter
    def rates(self, value):
        self.net.state.adopt(TimedRates(self.id), value, self.net.real_dtype)

    def entry(self, step: int) -> int:
        """The entry shown at ``step`` (as the generated code computes it)."""
        sched, period = self.timing_steps()
        since = step - self.start_step
        k = (since % period if period > 0 else since) // sched
        return int(min(max(k, 0), len(self.rates) - 1))

    def snapshot_initial(self):
        super().snapshot_initial()
        self._initial = (self.rates.copy(), self.schedule, self.period)

    def reset(self, attributes=None):
        """Back to the buffer, schedule and period of compile time, from the first entry."""
        self.rates, self.schedule, self.period = (self._initial[0].copy(),
                                                  *self._initial[1:])
        self.start_step = 0
        super().reset(attributes)
        if self.net.runtime is not None:
            self.net.runtime.bind()

    def timing_steps(self) -> tuple[int, int]:
        """(steps per entry, period in steps or 0)."""
        dt = self.net.dt
        sched = max(1, int(round(self.schedule / dt))) if self.schedule > 0 else 1
        period = int(round(self.period / dt)) if self.period > 0 else 0
        return sched, period

    def move_to(self, net, name):
        """``net.create(TimedArray(...))``: move it from the default network to ``net``."""
        super().move_to(net, name)
        self.net.state.retype(TimedRates(self.id), net.real_dtype)

    def use_precision(self):
        super().use_precision()
        self.net.state.retype(TimedRates(self.id), self.net.real_dtype)
