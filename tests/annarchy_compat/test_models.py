"""ANNarchy's standard library names and errors (issue 10, items 6 and 18)."""
import numpy as np
import pytest

import neurogen as ng
from neurogen import models


def test_standard_synapses_are_classes_usable_as_synapse():
    names = [m.__name__ for m in models.list_standard_synapses()]
    assert names == ["STP", "STDP", "Hebb", "Oja", "IBCM"]
    assert isinstance(ng.Hebb(eta=0.5), ng.Synapse)
    stdp = models.STDP()
    assert isinstance(stdp, ng.Synapse) and stdp.type == "spike"


def test_hebb_class_learns_as_numpy():
    """dw/dt = eta * pre.r * post.r with the default eta = 0.01, explicit Euler."""
    net = ng.Network(seed=3)
    pre = net.create(geometry=3, neuron=ng.Neuron(parameters="r = 0.0"))
    post = net.create(geometry=2, neuron=ng.Neuron(parameters="r = 0.0",
                                                    equations="s = sum(exc)"))
    proj = net.connect(pre, post, "exc", synapse=ng.Hebb)        # the class itself
    proj.all_to_all(weights=0.5)
    net.compile()
    pre.r, post.r = [1.0, 2.0, 3.0], [0.5, 1.5]
    net.simulate(4)
    w = 0.5 + 4 * 0.01 * np.outer([0.5, 1.5], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(proj.connectivity_matrix(), w, rtol=1e-13)
    assert proj.eta == 0.01


def test_leaky_integrator_relaxes_as_numpy():
    net = ng.Network(seed=3)
    inp = net.create(geometry=1, neuron=ng.Neuron(parameters="r = 2.0"))
    pop = net.create(geometry=1, neuron=ng.LeakyIntegrator(tau=5.0, B=0.5))
    net.connect(inp, pop, "exc").one_to_one(1.0)
    net.compile()
    net.simulate(10)
    v = 0.0
    for _ in range(10):
        v += (2.0 + 0.5 - v) / 5.0
    np.testing.assert_allclose(pop.r, [v], rtol=1e-13)


def test_if_curr_exp_population_spikes_under_a_constant_current():
    """Spiking is built: IF_curr_exp (exponential Euler, refractory 2 ms) under a constant
    current fires at the period the closed form gives."""
    net = ng.Network(dt=0.1)
    pop = net.create(geometry=3, neuron=ng.IF_curr_exp(tau_refrac=2.0))
    m = net.monitor(pop, "spike")
    net.compile(silent=True)
    pop.i_offset = [0.0, 1.0, 2.0]
    net.simulate(200.0)
    spikes = m.get("spike")
    assert spikes[0] == []
    for rank, i in ((1, 1.0), (2, 2.0)):
        v, decay, first = -65.0, np.exp(-0.1 / 20.0), None
        for step in range(2000):                    # v -> v_rest + tau_m * i / cm
            v = v + (1.0 - decay) * (-65.0 + 20.0 * i - v)
            if v > -50.0:
                first = step
                break
        assert spikes[rank][0] == first
        assert np.all(np.diff(spikes[rank]) == first + 1 + 20)   # + the refractory steps


def test_missing_dendrite_raises_annarchy_exception():
    net = ng.Network()
    a = net.create(geometry=2, neuron=ng.Neuron(parameters="r = 0.0"))
    b = net.create(geometry=2, neuron=ng.Neuron(equations="r = sum(exc)"))
    proj = net.connect(a, b, "exc")
    proj.all_to_all(1.0)
    with pytest.raises(ng.ANNarchyException):
        proj.dendrite(14)
