"""The runtime State (net.state) owns every buffer; model objects are views on it."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.codegen import slots as S
from neurogen.runtime.state import Record

LEAKY = ng.Neuron(parameters="tau = 10.0", equations="tau * dr/dt + r = sum(exc)")
HEBB = ng.Synapse(parameters="eta = 0.01", equations="dw/dt = eta * pre.r * post.r")


def _net(synapse=HEBB):
    net = ng.Network(seed=1)
    inp = ng.Population(4, ng.Neuron(parameters="r = 1.0"), name="inp", net=net)
    out = ng.Population(3, LEAKY, name="out", net=net)
    proj = ng.Projection(inp, out, "exc", synapse=synapse, net=net)
    proj.connect_fixed_probability(0.5, weights=0.5)
    return net, inp, out, proj


def test_population_buffers_are_the_states_before_and_after_compile():
    net, inp, out, proj = _net()
    key = S.PopAttribute(out.id, "tau")
    assert np.shares_memory(out.view("tau"), net.state[key])
    out.tau = 5.0
    assert net.state[key].tolist() == [5.0] * 3
    proj.w = 0.25                       # the connector's weights, in the state already
    weights = net.state[S.ProjWeights(proj.id)]
    assert weights.size == proj.nb_synapses and set(weights.tolist()) == {0.25}
    net.compile(silent=True)
    assert out.buffer("r") is net.state[S.PopAttribute(out.id, "r")]
    assert proj.weight_buffer() is net.state[S.ProjWeights(proj.id)]
    assert proj.synapse_buffer("eta") is net.state[S.SynAttribute(proj.id, "eta")]
    assert proj.connectivity.weight_buffer() is proj.weight_buffer()
    net.simulate(2)
    assert np.array_equal(net.state[S.PopSum(out.id, "exc")], out.sum("exc"))


def test_precision_and_batch_reallocate_in_the_state():
    net, inp, out, proj = _net(synapse=None)
    net.setup(batch=3, precision="float")
    assert net.state[S.PopAttribute(out.id, "r")].shape == (9,)
    assert net.state[S.PopAttribute(out.id, "tau")].dtype == np.float64
    net.compile(silent=True)
    assert net.state[S.PopAttribute(out.id, "tau")].dtype == np.float32
    assert out.r.shape == (3, 3)
    assert proj.weight_buffer().dtype == np.float32


def test_monitor_records_and_table_live_in_the_state():
    net, inp, out, proj = _net()
    mon = ng.Monitor(out, "r", net=net)
    assert net.state[Record(mon.id, "r")].shape == (0, 3)
    net.compile(silent=True)
    net.simulate(5)
    assert net.state[Record(mon.id, "r")].shape[0] >= 5
    assert S.MonitorAddresses() in net.state and S.MonitorFields() in net.state
    assert np.array_equal(mon.get("r"), net.state[Record(mon.id, "r")][:5])


def test_timed_array_rates_move_with_the_population():
    net = ng.Network(seed=1)
    stim = net.create(ng.TimedArray(rates=np.arange(6.0).reshape(3, 2)))
    assert np.array_equal(net.state[S.TimedRates(stim.id)], stim.rates)
    assert stim.net is net and S.PopAttribute(stim.id, "r") in net.state


def test_a_refused_population_leaves_no_buffer():
    net = ng.Network()
    ng.Population(2, LEAKY, name="a", net=net)
    with pytest.raises(ng.NetworkError):
        ng.Population(2, LEAKY, name="a", net=net)
    assert all(key.pop == 0 for key in net.state.keys(S.PopAttribute))
