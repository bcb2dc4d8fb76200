"""Spiking inputs that follow a schedule: TimedPoissonPopulation and
HomogeneousCorrelatedSpikeTrains (ANNarchy's), against their defining statistics."""
import math

import numpy as np
import pytest
from scipy.special import erf

import neurogen as ng
from neurogen.core.scheduled_inputs import _rectified
from neurogen.errors import NetworkError


def _counts(spikes, steps):
    counts = np.zeros(steps)
    for s in spikes.values():
        np.add.at(counts, s, 1.0)
    return counts


def test_timed_poisson_rates_follow_the_schedule_period_and_reset():
    net = ng.Network(dt=0.1, seed=3)
    pop = net.create(ng.TimedPoissonPopulation(2000, rates=[10.0, 100.0, 0.0],
                                               schedule=[0.0, 20.0, 40.0], period=60.0))
    mon = net.monitor(pop, "spike")
    net.compile(silent=True)
    net.simulate(120.0)
    counts = _counts(mon.get("spike"), 1200)
    for first, rate in ((0, 10.0), (200, 100.0), (400, 0.0), (600, 10.0), (800, 100.0),
                        (1000, 0.0)):
        expected = rate * 2000 * 0.02          # 20 ms, 2000 neurons
        got = counts[first:first + 200].sum()
        assert abs(got - expected) <= 5 * math.sqrt(expected) + 1e-9, (first, got)
    assert counts[400:600].sum() == 0 and counts[399] >= 0 and counts[200] > 0
    net.simulate(5.0)                 # inside the 10 Hz entry of the third cycle
    pop.reset()                       # the schedule counts from now: 10 Hz again
    net.simulate(25.0)
    later = _counts(mon.get("spike"), 1500)[1250:1500]
    for part, rate, ms in ((later[:200], 10.0, 20.0), (later[200:], 100.0, 5.0)):
        expected = rate * 2000 * ms / 1000
        assert abs(part.sum() - expected) <= 5 * math.sqrt(expected)


def test_correlated_trains_rate_and_the_rectified_gaussian():
    mu, sigma = _rectified(30.0, 0.3, 10.0)
    # the positive part of N(mu, sigma) has the asked mean and standard deviation
    y = mu / sigma
    mean = sigma * (math.exp(-0.5 * y * y) / math.sqrt(2 * math.pi) + 0.5 * y * (1 + erf(y / 2 ** 0.5)))
    assert abs(mean - 30.0) < 1e-9
    net = ng.Network(dt=0.1, seed=5)
    pop = net.create(ng.HomogeneousCorrelatedSpikeTrains(500, rates=30.0, corr=0.3, tau=10.0))
    x = net.monitor(pop, "x")
    spikes = net.monitor(pop, "spike")
    net.compile(silent=True)
    net.simulate(3000.0)
    trace = x.get("x")
    # the population rate x is an AR(1) process around mu; spikes follow max(x, 0)
    assert abs(trace.mean() - mu) < 0.25 * sigma
    counts = _counts(spikes.get("spike"), 30000)
    expected = np.maximum(trace, 0.0).sum() * 0.1 / 1000 * 500
    assert abs(counts.sum() - expected) < 5 * math.sqrt(expected)
    # neurons share x: their spike counts per 10 ms are correlated
    binned = counts.reshape(-1, 100).sum(axis=1)
    assert binned.var() > 3 * binned.mean()
    with pytest.raises(NetworkError, match="corr"):
        ng.HomogeneousCorrelatedSpikeTrains(10, rates=30.0, corr=1.5, tau=10.0)
    with pytest.raises(NetworkError, match="schedule"):
        ng.TimedPoissonPopulation(10, rates=[1.0, 2.0], schedule=[5.0, 1.0])
