"""Behaviours that needed the code generator (issue 10, items 10, 11, 13-16 and the wrong
numbers), each against a NumPy or hand computation."""
import numpy as np
import pytest

import neurogen as ng


# -- 10. a target the post neuron never reads ----------------------------------------------
def test_unused_target_is_summed_and_its_synapses_learn():
    net = ng.Network(seed=2)
    pre = net.create(geometry=4, neuron=ng.Neuron(parameters="r = 0.0"))
    post = net.create(geometry=3, neuron=ng.Neuron(equations="r = t"))      # no sum() at all
    proj = net.connect(pre, post, "side", synapse=ng.Synapse(
        parameters="eta = 0.5 : projection", equations="w += eta"))
    proj.fixed_number_pre(2, weights=ng.Uniform(0.0, 1.0))
    net.compile()
    w0 = proj.connectivity_matrix()
    x = np.array([1.0, -2.0, 3.0, 0.5])
    pre.r = x
    net.simulate(3)
    mask = w0 != 0
    # the sum of step 3 uses the weights before that step's learning (two updates so far)
    np.testing.assert_allclose(post.sum("side"), np.where(mask, w0 + 1.0, 0) @ x, rtol=1e-13)
    np.testing.assert_allclose(proj.connectivity_matrix(), np.where(mask, w0 + 1.5, 0), rtol=1e-13)
    m = net.monitor(post, "sum(side)")
    net.simulate(1)
    assert m.get("sum(side)").shape == (1, 3)
