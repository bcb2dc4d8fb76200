"""Monitors record population attributes into preallocated NumPy buffers.

Recording is done by the generated code from a runtime table (source address, buffer
address, period, offset, count, capacity), so monitors can be created before or after
``compile()`` without recompiling, and no Python runs per step. ``simulate()`` grows the
buffers once, before running, to hold what the run will record.
"""
from __future__ import annotations

import numpy as np

from ..errors import NetworkError
from ..ir import GLOBAL


class Recording:
    """One recorded attribute: its buffer and its row in the runtime table."""

    def __init__(self, monitor: "Monitor", name: str):
        self.monitor, self.name = monitor, name
        pop = monitor.obj
        self.locality = pop.ir.attribute(name).locality
        self.width = 1 if self.locality == GLOBAL else pop.size
        self.buffer = np.empty((0, self.width), dtype=pop._buffer(name).dtype)
        self.count = 0

    def source(self) -> np.ndarray:
        return self.monitor.obj._buffer(self.name)

    def data(self) -> np.ndarray:
        return self.buffer[:self.count]


class Monitor:
    """``Monitor(pop, ['r'], period=1.0, start=True)``; ``get('r')`` → (steps, *geometry)."""

    def __init__(self, obj, variables, period: float | None = None, start: bool = True,
                 net=None):
        from .population import Population
        from .view import PopulationView
        self.ranks = None
        if isinstance(obj, PopulationView):     # records the population, keeps the view's part
            self.ranks, obj = obj.ranks, obj.population
        if not isinstance(obj, Population):
            raise NetworkError(f"Monitor: can only record populations and views here, got "
                               f"{type(obj).__name__}")
        self.net = net if net is not None else obj.net
        self.obj = obj
        variables = [variables] if isinstance(variables, str) else list(variables)
        for name in variables:
            if name not in obj.attributes:
                raise NetworkError(f"Monitor: population '{obj.name}' has no attribute "
                                   f"'{name}' (attributes: {', '.join(obj.attributes)})")
        self.variables = variables
        self.period = self.net.dt if period is None else float(period)
        self.period_steps = max(1, int(round(self.period / self.net.dt)))
        self.recordings = {name: Recording(self, name) for name in variables}
        self.active = False
        self.offset = 0
        self._net_monitor_id = self.net._add_monitor(self)
        if start:
            self.start()

    # -- control ---------------------------------------------------------------------------
    def start(self, variables=None, period: float | None = None):
        if period is not None:
            self.period = float(period)
            self.period_steps = max(1, int(round(self.period / self.net.dt)))
        self.offset = self.net.get_current_step()
        self.active = True
        self.net._monitor_changed(self)

    def resume(self):
        self.active = True
        self.net._monitor_changed(self)

    def pause(self):
        self.active = False
        self.net._monitor_changed(self)

    def stop(self):
        self.pause()

    # -- data ------------------------------------------------------------------------------
    def get(self, variables=None, keep: bool = False, reshape: bool = True):
        """Recorded values, shaped (steps, *geometry) (``reshape=False``: (steps, size)).

        A single name gives an array, a list gives a dict. ``keep=False`` empties the
        buffers, as in ANNarchy.
        """
        self.net._sync_monitors()
        names = self.variables if variables is None else variables
        single = isinstance(names, str)
        result = {}
        for name in [names] if single else names:
            if name not in self.recordings:
                raise NetworkError(f"Monitor on '{self.obj.name}' does not record '{name}' "
                                   f"(it records {', '.join(self.variables)})")
            rec = self.recordings[name]
            data = rec.data().copy()
            if rec.locality == GLOBAL:
                data = data[:, 0]
            elif self.ranks is not None:
                data = data[:, self.ranks]
            elif reshape:
                data = data.reshape((len(data),) + self.obj.geometry)
            result[name] = data
            if not keep:
                rec.count = 0
                self.net._monitor_changed(self)
        return result[names] if single else result

    def __repr__(self):
        return f"Monitor({self.obj.name!r}, {self.variables!r}, period={self.period})"
