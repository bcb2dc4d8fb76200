"""Spiking inputs whose parameters follow a schedule, as ANNarchy's:
``TimedPoissonPopulation`` (Poisson rates that change at given times) and
``HomogeneousCorrelatedSpikeTrains`` (Brette's (2009) correlated Poisson trains, their
rate and correlation changing at given times).

A schedule is a list of onset times (ms, relative to the start or to the last
``reset()``), optionally repeating every ``period`` ms. The runtime ends a chunk of
steps at every onset (:meth:`ScheduledPopulation.next_change`) and the population writes
the entry's values then, so the step at the onset already uses them; between onsets no
Python runs.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..errors import NetworkError
from .neuron import Neuron
from .population import Population


class ScheduledPopulation(Population):
    """A population whose parameters change at the onsets of a schedule (see the module)."""

    _movable = True

    def _set_schedule(self, schedule, period):
        from ..validation import number
        where = f"{type(self).__name__} '{self.name}'"
        try:
            onsets = np.asarray(list(schedule), dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise NetworkError(f"{where}: schedule must be a list of times (ms)") from None
        if onsets.size == 0 or not np.all(np.isfinite(onsets)) or np.any(onsets < 0) \
                or np.any(np.diff(onsets) <= 0):
            raise NetworkError(f"{where}: schedule must be increasing times >= 0 (ms), got "
                               f"{list(onsets)}")
        self.schedule = onsets.tolist()
        self.period = number(where, "period (ms)", period)
        self.start_step = self.net.get_current_step()

    def _onset_steps(self):
        dt = self.net.dt
        steps = [int(round(t / dt)) for t in self.schedule]
        period = int(round(self.period / dt)) if self.period > 0 else 0
        return steps, period

    def next_change(self, step: int) -> int | None:
        """The first step at or after ``step`` where an entry begins, or None."""
        steps, period = self._onset_steps()
        since = step - self.start_step
        if period > 0:
            cycle, within = divmod(since, period)
            later = [s for s in steps if within <= s < period]
            onset = cycle * period + later[0] if later else (cycle + 1) * period + steps[0]
            return self.start_step + onset
        later = [s for s in steps if s >= since]
        return self.start_step + later[0] if later else None

    def apply_change(self, step: int):
        """Write the values of the entry that begins at ``step``."""
        steps, period = self._onset_steps()
        since = step - self.start_step
        within = since % period if period > 0 else since
        self._enter(steps.index(within))

    def reset(self, attributes=None):
        """As ANNarchy: the schedule counts again from now."""
        super().reset(attributes)
        self.start_step = self.net.get_current_step()


def _poisson(refractory=None) -> Neuron:
    return Neuron(parameters="rates = 0.0", equations="p = Uniform(0.0, 1.0) * 1000.0 / dt",
                  spike="p < rates", refractory=refractory, name="TimedPoisson")


class TimedPoissonPopulation(ScheduledPopulation):
    """``TimedPoissonPopulation(geometry, rates=[...], schedule=[...], period=-1.0)``:
    Poisson neurons (as :class:`~neurogen.PoissonPopulation`) whose rates become
    ``rates[k]`` (a number for every neuron, or one per neuron) at ``schedule[k]`` ms;
    the rates are 0 before the first onset."""

    def __init__(self, geometry, rates, schedule, period: float = -1.0,
                 name: str | None = None, net=None, **unknown):
        from ..validation import reject_unknown
        reject_unknown("TimedPoissonPopulation()", unknown, ("geometry", "rates", "schedule",
                                                             "period", "name", "net"))
        super().__init__(geometry, _poisson(), name=name, net=net)
        self._set_schedule(schedule, period)
        self.update(rates)

    def update(self, rates, schedule=None, period: float | None = None):
        """New rates (and schedule, period); the schedule counts from now."""
        where = f"TimedPoissonPopulation '{self.name}'"
        if schedule is not None or period is not None:
            self._set_schedule(self.schedule if schedule is None else schedule,
                               self.period if period is None else period)
        entries = []
        for entry in list(rates):
            array = np.asarray(entry, dtype=float)
            if array.size not in (1, self.size) or not np.all(np.isfinite(array)):
                raise NetworkError(f"{where}: each entry of rates must be a number or one "
                                   f"rate per neuron ({self.size}), finite")
            entries.append(np.broadcast_to(array.reshape(-1), (self.size,)).copy())
        if len(entries) != len(self.schedule):
            raise NetworkError(f"{where}: {len(entries)} entries of rates for "
                               f"{len(self.schedule)} onsets in schedule")
        self.rate_table = entries

    def _enter(self, k: int):
        self.buffer("rates")[...] = self.rate_table[k]


def _rectified(mean: float, corr: float, tau: float) -> tuple[float, float]:
    """(mu, sigma) of the Gaussian whose positive part has mean ``mean`` (Hz) and the
    standard deviation of correlated trains of strength ``corr`` and time constant
    ``tau`` (ms): Brette (2009), eq. for the rectified Gaussian, solved for mu/sigma."""
    from scipy.optimize import brentq
    from scipy.special import erf
    target_sigma = (corr * mean / (2.0 * tau / 1000.0)) ** 0.5
    if target_sigma == 0.0:
        return mean, 0.0

    def moments(mu):       # mean and standard deviation of max(N(mu, 1), 0)
        a = 1.0 + erf(mu / 2 ** 0.5)
        m = np.exp(-0.5 * mu * mu) / (2 * np.pi) ** 0.5 + 0.5 * mu * a
        return m, max((mu - m) * m + 0.5 * a, 1e-300) ** 0.5

    ratio = mean / target_sigma     # mean / sd grows with mu (monotone on this bracket,
    low = -6.0                      # below it the variance cancels out numerically)
    if moments(low)[0] / moments(low)[1] >= ratio:
        raise NetworkError(f"HomogeneousCorrelatedSpikeTrains: corr={corr} is too strong for "
                           f"a rate of {mean} Hz with tau={tau} ms")
    y = brentq(lambda mu: moments(mu)[0] / moments(mu)[1] - ratio, low, ratio + 6.0)
    sigma = mean / moments(y)[0]
    return y * sigma, sigma


class HomogeneousCorrelatedSpikeTrains(ScheduledPopulation):
    """``HomogeneousCorrelatedSpikeTrains(geometry, rates, corr, tau, schedule=None,
    period=-1.0, refractory=None)``: Poisson-like neurons sharing a population rate ``x``
    that follows ``dx/dt = (mu - x)/tau + sigma * xi / sqrt(tau)`` (Brette 2009): mean
    rate ``rates`` (Hz), pairwise correlation ``corr``, correlation time ``tau`` (ms);
    ``rates``/``corr`` may be lists following ``schedule``."""

    def __init__(self, geometry, rates, corr, tau: float, schedule=None,
                 period: float = -1.0, name: str | None = None, refractory=None, net=None,
                 **unknown):
        from ..validation import number, reject_unknown
        reject_unknown("HomogeneousCorrelatedSpikeTrains()", unknown,
                       ("geometry", "rates", "corr", "tau", "schedule", "period", "name",
                        "refractory", "net"))
        tau = number("HomogeneousCorrelatedSpikeTrains", "tau (ms)", tau, positive=True)
        neuron = Neuron(
            parameters=f"tau = {tau!r} : population\nmu = 0.0 : population\n"
                       "sigma = 0.0 : population",
            equations="x += dt * (mu - x) / tau + sqrt(dt / tau) * sigma * Normal(0.0, 1.0)"
                      " : population\np = Uniform(0.0, 1.0) * 1000.0 / dt",
            spike="p < x", refractory=refractory, name="HomogeneousCorrelated")
        super().__init__(geometry, neuron, name=name, net=net)
        self._set_schedule([0.0] if schedule is None else schedule, period)
        self.update(rates, corr)
        mu = self.entries[0][0]
        self.mu, self.sigma, self.x = mu, self.entries[0][1], mu

    def update(self, rates, corr, schedule=None, tau: float | None = None):
        """New rates and correlations (lists follow the schedule); the schedule counts
        from now."""
        where = f"HomogeneousCorrelatedSpikeTrains '{self.name}'"
        if schedule is not None:
            self._set_schedule(schedule, self.period)
        if tau is not None:
            self.tau = tau
        n = len(self.schedule)

        def listed(value, name):
            values = [value] * n if isinstance(value, numbers.Real) else list(value)
            if len(values) != n or not all(isinstance(v, numbers.Real) and v >= 0
                                           for v in values):
                raise NetworkError(f"{where}: {name} must be a number >= 0 or one per onset "
                                   f"of the schedule ({n})")
            return [float(v) for v in values]
        rates, corr = listed(rates, "rates"), listed(corr, "corr")
        if any(c > 1.0 for c in corr):
            raise NetworkError(f"{where}: corr must be in [0, 1]")
        self.entries = [_rectified(r, c, self.tau) for r, c in zip(rates, corr)]

    def _enter(self, k: int):
        self.mu, self.sigma = self.entries[k]
