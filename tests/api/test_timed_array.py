"""TimedArray replays stored rates at C speed, with schedule and period."""
import numpy as np
import pytest

import neurogen as ng

READ = ng.Neuron(equations="r = sum(exc)")


def test_timed_array_schedule_period_update_and_projection():
    ng.clear()        # TimedArray(...) below is created on the default network first
    net = ng.Network(dt=1.0)
    rates = np.arange(12, dtype=float).reshape(4, 3)           # 4 entries of 3 neurons
    out = net.create(3, READ)
    inp = net.create(ng.TimedArray(rates=rates, schedule=2.0))
    assert inp.name == "pop1" and net.get_population("pop1") is inp
    net.connect(inp, out, "exc").one_to_one(1.0)
    m = net.monitor(inp, "r")
    net.compile()
    net.simulate(10.0)
    seen = m.get("r")
    expected = rates[[0, 0, 1, 1, 2, 2, 3, 3, 3, 3]]           # the last entry is kept
    np.testing.assert_array_equal(seen, expected)
    np.testing.assert_array_equal(out.r, rates[3])              # read one step later
    net.reset()
    inp.update(rates[::-1], schedule=0.0, period=2.0)
    net.simulate(5.0)
    np.testing.assert_array_equal(m.get("r"), rates[::-1][[0, 1, 0, 1, 0]])
    net.reset()                  # as ANNarchy: back to the compile-time buffer and timing
    net.simulate(3.0)
    np.testing.assert_array_equal(m.get("r"), rates[[0, 0, 1]])
    with pytest.raises(ng.NetworkError, match="entries"):
        inp.update(np.zeros((2, 4)))


def test_classic_timed_array_on_the_default_network():
    ng.clear()
    ta = ng.TimedArray(rates=np.ones((3, 2, 2)))
    ng.compile()
    ng.simulate(3.0)
    assert ta.r.shape == (2, 2) and np.all(ta.r == 1.0)

@pytest.mark.parametrize("schedule, period", [(0.0, -1.0), (2.0, -1.0), (4.0, 40.0)])
def test_update_with_reset_restarts_the_sequence_at_the_next_step(schedule, period):
    """ANNarchy 5's TimedArray.update(reset=True) (its tests_python TimedArrayUpdate): the
    step after the update shows entry 0 for ``schedule`` ms, and ``period`` counts from
    there; a projection reads the rates one step later."""
    net = ng.Network(dt=1.0)
    first = np.eye(10)
    new = np.eye(10) + 2 * np.eye(10)[::-1]
    inp = net.create(ng.TimedArray(rates=first, schedule=schedule))
    out = net.create(10, READ)
    net.connect(inp, out, "exc").one_to_one(1.0)
    m = net.monitor(inp, "r")
    net.compile()
    net.simulate(5.0)
    m.get("r")
    inp.update(new, reset=True, period=period)
    net.simulate(45.0)
    steps_per_entry = max(1, int(schedule))
    since = np.arange(45) if period <= 0 else np.arange(45) % int(period)
    expected = new[np.minimum(since // steps_per_entry, len(new) - 1)]
    np.testing.assert_array_equal(m.get("r"), expected)
    np.testing.assert_array_equal(out.r, expected[-2])
