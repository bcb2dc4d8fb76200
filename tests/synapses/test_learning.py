"""Rate-coded synapses: learning rules, custom psp and summation, against NumPy."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.models.synapses import IBCM, Hebb, Oja

INPUT = ng.Neuron(parameters="I = 0.0", equations="r = I")
OUTPUT = ng.Neuron(parameters="b = 0.0", equations="r = sum(exc) + b")


def network(synapse, n_pre=5, n_post=3, seed=0):
    net = ng.Network(dt=1.0, seed=seed)
    pre = net.create(n_pre, INPUT)
    post = net.create(n_post, OUTPUT)
    proj = net.connect(pre, post, "exc", synapse=synapse)
    proj.connect_all_to_all(weights=ng.Uniform(0.1, 0.5))
    net.compile()
    return net, pre, post, proj


def simulate_rule(rule, steps=30, **values):
    """Runs the compiled rule; returns neurogen's weights and a NumPy replay."""
    net, pre, post, proj = network(rule)
    for name, value in values.items():
        setattr(proj, name, value)
    rng = np.random.default_rng(1)
    W = proj.connectivity_matrix()
    r_pre, r_post = np.zeros(5), np.zeros(3)
    theta = np.zeros(3)
    for _ in range(steps):
        x = rng.uniform(0, 1, 5)
        pre.I = x
        net.step()
        # NumPy replay of one step: sums from the previous rates, neurons, learning
        sum_exc = W @ r_pre
        r_pre, r_post = x, sum_exc
        W, theta = yield_rule(rule, W, r_pre, r_post, theta, **values)
    return proj.connectivity_matrix(), W, proj, theta


def yield_rule(rule, W, pre, post, theta, eta=0.01, alpha=1.0, tau=2000.0):
    if rule is Hebb:
        W = W + eta * np.outer(post, pre)
    elif rule is Oja:
        W = W + eta * (np.outer(post, pre) - alpha * (post ** 2)[:, None] * W)
    else:
        theta = post ** 2 + (theta - post ** 2) * np.exp(-1.0 / tau)
        W = W + eta * np.outer(post * (post - theta), pre)
    return np.maximum(W, 0.0), theta


@pytest.mark.parametrize("rule, values", [(Hebb, {"eta": 0.05}), (Oja, {"eta": 0.1, "alpha": 2.0}),
                                          (IBCM, {"eta": 0.1, "tau": 5.0})])
def test_learning_rules_match_numpy(rule, values):
    got, expected, proj, theta = simulate_rule(rule, **values)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    assert not np.allclose(got, proj.initial_connectivity().dense())        # the weights did learn
    if rule is IBCM:
        np.testing.assert_allclose(proj.theta, theta, rtol=1e-12)
    assert proj.eta == values["eta"]


def test_custom_psp_and_operations():
    for op, reduce in (("sum", np.sum), ("max", np.max), ("min", np.min), ("mean", np.mean)):
        syn = ng.Synapse(psp="w * pre.r^2 + c", parameters="c = 0.5 : projection",
                         operation=op)
        net, pre, post, proj = network(syn)
        x = np.linspace(0.1, 0.9, 5)
        pre.I = x
        net.step(); net.step()
        W = proj.connectivity_matrix()
        expected = reduce(W * x ** 2 + 0.5, axis=1)
        np.testing.assert_allclose(post.r, expected, rtol=1e-13, err_msg=op)


def test_per_synapse_variables_and_postsynaptic_locality():
    syn = ng.Synapse(parameters="g = 1.0", equations="trace = trace + pre.r\n"
                     "avg = post.r * 2 : postsynaptic", psp="w * pre.r * g")
    net, pre, post, proj = network(syn, n_pre=2, n_post=2)
    proj.g = [[1.0, 2.0], [3.0, 4.0]]            # one list per dendrite
    pre.I = [1.0, 0.5]
    for _ in range(3):
        net.step()
    assert [list(t) for t in proj.trace] == [[3.0, 1.5], [3.0, 1.5]]
    W = proj.connectivity_matrix()
    expected_post = (W * np.array([[1.0, 2.0], [3.0, 4.0]])) @ np.array([1.0, 0.5])
    np.testing.assert_allclose(post.r, expected_post, rtol=1e-13)
    np.testing.assert_allclose(proj.avg, 2 * expected_post, rtol=1e-13)


def test_synapse_errors(tmp_path):
    """As ANNarchy: a synapse that does not compile in its projection's context is
    reported by compile(), naming the synapse and quoting the line."""
    cases = [(ng.Synapse(equations="dw/dt = pre.rate"), ng.UnknownNameError,
              "pre.rate.*did you mean 'pre.r'"),
             (ng.Synapse(parameters="eta = 1.0", equations="eta = 2 * w"), ng.ParseError,
              "parameter"),
             (ng.Synapse(equations="x = pre.r : postsynaptic"), ng.ParseError,
              "postsynaptic.*pre.r"),
             (ng.Synapse(operation="median"), ng.FlagError, "operation")]
    for synapse, error, match in cases:
        net = ng.Network()
        a, b = net.create(2, INPUT), net.create(2, OUTPUT)
        net.connect(a, b, "exc", synapse=synapse).connect_all_to_all(1.0)
        with pytest.raises(error, match=match):
            net.compile(directory=str(tmp_path))
