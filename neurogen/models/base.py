"""What every network model of the library shares: it is built of ordinary neurogen
objects (``model.net``, its main population ``model.pop``), compiles on first run, and
is run and recorded through that network. The argument checks name the model."""
from __future__ import annotations

import numpy as np

from ..errors import NetworkError
from ..core.monitor import Monitor


def positive(owner: str, name: str, value) -> float:
    """``value`` as a finite float > 0, else a NetworkError naming ``owner`` and ``name``."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise NetworkError(f"{owner}: {name} must be a number, got {value!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise NetworkError(f"{owner}: {name} must be a positive number, got {value!r}")
    return value


def count(owner: str, name: str, value, minimum: int) -> int:
    """``value`` as an int >= ``minimum`` (bools refused), else a NetworkError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise NetworkError(f"{owner}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


class NetworkModel:
    """A model of the library: subclasses set ``self.net`` (a
    :class:`~neurogen.Network`) and ``self.pop`` (the population that :meth:`monitor`
    records); the network compiles on the first run."""

    #: what :meth:`monitor` records when no variables are named
    monitored = ("r",)

    def compile(self, **kwargs):
        self.net.compile(**kwargs)
        return self

    def _compiled(self):
        if not self.net.compiled:
            self.net.compile()
        return self.net

    def simulate(self, duration: float):
        self._compiled().simulate(duration)

    #: BrainPy's name
    run = simulate

    def step(self):
        """One time step."""
        self._compiled().step()

    def monitor(self, variables=None, period=None) -> Monitor:
        """A monitor of ``variables`` on the population; asking again with the same
        variables and period returns the same monitor (a loop cell can be re-run)."""
        variables = tuple(self.monitored if variables is None else
                          ([variables] if isinstance(variables, str) else variables))
        monitors = self.__dict__.setdefault("_monitors", {})
        key = (variables, period)
        if key not in monitors:
            monitors[key] = Monitor(self.pop, list(variables), period=period, net=self.net)
        return monitors[key]

    @property
    def dt(self) -> float:
        return self.net.dt

    @property
    def r(self) -> np.ndarray:
        return self.pop.r
