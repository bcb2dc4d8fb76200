"""A list of targets (ANNarchy's `net.connect(pre, post, ['ampa', 'nmda'])`): every
g_target of the list receives the same spikes; the synapse's other statements run once.
Checked against an explicit-Euler NumPy integration of the conductances."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import NetworkError

TWO = ng.Neuron(parameters="tau_a = 5.0\ntau_b = 50.0",
                equations="tau_a * dg_a/dt = -g_a\ntau_b * dg_b/dt = -g_b\nv = g_a + 2*g_b",
                spike="v > 1000.0", reset="v = 0.0")


def _expected(spike_steps, steps, w, tau):
    """g after each step: a spike emitted at step s is added at step s + 1, after the
    step's decay g += dt * (-g / tau) (dt = 1)."""
    g, out = 0.0, []
    for step in range(steps):
        g = g + (-g / tau)
        g += w * sum(1 for s in spike_steps if s + 1 == step)
        out.append(g)
    return np.array(out)


@pytest.mark.parametrize("synapse", [None, "counting"])
def test_each_target_receives_the_spikes_and_the_rest_runs_once(synapse):
    net = ng.Network(dt=1.0)
    inp = net.create(ng.SpikeSourceArray([[1.0, 3.0]]))
    pop = net.create(1, TWO)
    model = None if synapse is None else ng.Synapse(
        equations="dn/dt = 0.0", pre_spike="g_target += w\nn += 1.0")
    proj = net.connect(inp, pop, ["a", "b"], synapse=model, name="both")
    proj.all_to_all(weights=0.7)
    m = net.monitor(pop, ["g_a", "g_b"])
    net.compile(silent=True)
    net.simulate(10.0)
    np.testing.assert_allclose(m.get("g_a")[:, 0], _expected([1, 3], 10, 0.7, 5.0), rtol=1e-12)
    np.testing.assert_allclose(m.get("g_b")[:, 0], _expected([1, 3], 10, 0.7, 50.0), rtol=1e-12)
    assert proj.target == ["a", "b"] and proj.name == "both"
    if model is not None:
        assert proj.n[0][0] == 2.0          # once per spike, not once per target


def test_a_list_of_targets_is_refused_where_it_is_not_built():
    net = ng.Network()
    rate = ng.Neuron(equations="r = sum(a) + sum(b)")
    src, dst = net.create(3, rate), net.create(3, rate)
    with pytest.raises(NetworkError, match="list of targets .* spiking"):
        net.connect(src, dst, ["a", "b"])
    spk = net.create(3, TWO)
    for bad in ([], ["a", "a"], ["a", 3]):
        with pytest.raises(NetworkError, match="list of distinct names"):
            net.connect(spk, spk, bad)


def test_t_pre_and_t_post_in_continuous_synapse_equations():
    """ANNarchy's Ramp notebook: `w += if t_post >= t_pre: ltp else: -ltd` each step."""
    net = ng.Network(dt=1.0)
    pre = net.create(ng.SpikeSourceArray([[2.0]]))
    post = net.create(ng.SpikeSourceArray([[5.0]]))
    proj = net.connect(pre, post, "exc", synapse=ng.Synapse(
        equations="d = if t_post >= t_pre then 1.0 else -1.0"))
    proj.all_to_all(weights=1.0)
    m = net.monitor(proj.dendrite(0), "d")   # d of the synapse, each step
    net.compile(silent=True)
    net.simulate(8.0)
    d = np.asarray(m.get("d")).reshape(-1)
    # steps 2-4: the pre spike is the later one; from step 5 the post spike is
    assert d[2:5].tolist() == [-1.0, -1.0, -1.0] and d[5:].tolist() == [1.0, 1.0, 1.0]
