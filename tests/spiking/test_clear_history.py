"""Population.clear() (ANNarchy's): the spike history forgotten, the other values kept.
Spike times in steps; the expectations follow from the step order (a spike reaches its
targets `delay` steps later)."""
import numpy as np

import neurogen as ng


def _network():
    net = ng.Network(dt=1.0)
    src = net.create(ng.SpikeSourceArray([[2.0]]))
    post = net.create(1, ng.Neuron(equations="dv/dt = 0.1\ndg_exc/dt = 0.0",
                                   spike="v > 1.0", reset="v = 0.0", refractory=5.0))
    net.connect(src, post, "exc").from_matrix(np.array([[0.5]]), delays=4.0)
    mon = net.monitor(post, ["spike", "g_exc"])
    net.compile(silent=True)
    return net, src, post, mon


def test_spikes_on_their_way_are_dropped_and_other_values_kept():
    net, src, post, mon = _network()
    net.simulate(4.0)                    # the source spiked at step 2; arrival at step 6
    v = post.v.copy()
    src.clear()
    assert np.array_equal(post.v, v)
    net.simulate(6.0)
    assert mon.get("g_exc").max() == 0.0
    kept, _, _, mon2 = _network()        # without clear(): it arrives
    kept.simulate(10.0)
    g = mon2.get("g_exc")[:, 0]
    assert g[6] == 0.5 and g[5] == 0.0


def test_refractory_period_and_spike_times_are_forgotten():
    """v grows 0.1 a step: a spike at step 10, refractory for steps 11-15 (v stays 0)."""
    for clear, v13 in ((False, 0.0), (True, 0.1)):
        net, src, post, mon = _network()
        net.simulate(12.0)
        assert mon.get("spike")[0] == [10] and post.v[0] == 0.0
        if clear:
            post.clear()                 # no longer refractory: step 12 integrates
        net.simulate(1.0)
        assert np.isclose(post.v[0], v13, rtol=0, atol=1e-12)


def test_a_spike_source_restarts_its_times_from_now():
    """Times set after clear() count from the clear (ANNarchy 5.0.4.1 would still fire
    the previous times once: docs/spiking.md)."""
    net = ng.Network(dt=1.0)
    src = net.create(ng.SpikeSourceArray([[5.0]]))
    mon = net.monitor(src, "spike")
    net.compile(silent=True)
    for times in ([10.0], [15.0], None):
        net.simulate(20.0)
        src.clear()
        if times is not None:
            src.spike_times = [times]
    assert mon.get("spike")[0] == [5, 30, 55]


def test_clear_on_a_rate_coded_population_changes_nothing():
    net = ng.Network()
    pop = net.create(3, ng.Neuron(equations="r = t"))
    net.compile(silent=True)
    net.simulate(2.0)
    r = pop.r.copy()
    pop.clear()
    assert np.array_equal(pop.r, r)
