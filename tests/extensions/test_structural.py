"""Structural plasticity: synapses created and pruned on a compiled projection, checked
against NumPy sums over the new connectivity."""
import numpy as np
import pytest

import neurogen
from neurogen import Neuron, Synapse, Uniform
from neurogen.errors import ModelError, NetworkError, ParseError

INPUT = Neuron(parameters="r = 0.0")
SINK = Neuron(equations="r = sum(exc)")
GROW = Synapse(parameters="eta = 0.5 : projection\ntau = 20.0\nalpha = 0.0",
               equations="dw/dt = eta * pre.r")


def _net(seed=9, delays=0.0):
    net = neurogen.Network(seed=seed)
    net.config(structural_plasticity=True)
    a = net.create(geometry=6, neuron=INPUT)
    b = net.create(geometry=4, neuron=SINK)
    static = net.connect(a, b, "exc")
    static.connect_all_to_all(1.0, delays=delays)
    learn = net.connect(a, b, "exc", synapse=GROW)
    learn.connect_from_matrix(np.where(np.eye(4, 6) > 0, 2.0, np.nan))   # i <- i
    learn.alpha = Uniform(0.1, 1.0)
    net.compile(silent=True)
    a.r = np.arange(1.0, 7.0)
    return net, a, b, static, learn


def test_storage_is_csr_and_sums_follow_the_new_synapses():
    net, a, b, static, learn = _net()
    assert static.storage == learn.storage == "csr"   # all-to-all would be dense otherwise
    static.dendrite(1).prune_synapses([0, 5])
    learn.dendrite(2).create_synapse(0, 0.5)
    w = static.connectivity_matrix() + learn.connectivity_matrix()   # learning runs after
    net.simulate(1)
    np.testing.assert_allclose(b.r, w @ a.r, rtol=0, atol=1e-12)
    assert static.dendrite(1).pre_ranks == [1, 2, 3, 4]


def test_created_synapses_are_sorted_and_learn():
    net, a, b, static, learn = _net()
    learn.dendrite(1).create_synapses([5, 0], [3.0, 4.0])
    assert learn.dendrite(1).pre_ranks == [0, 1, 5]
    np.testing.assert_array_equal(learn.dendrite(1).w, [4.0, 2.0, 3.0])
    np.testing.assert_array_equal(learn.dendrite(1).tau, [20.0] * 3)   # the default
    alpha = np.asarray(learn.dendrite(1).alpha)
    assert np.all((alpha >= 0.1) & (alpha < 1.0)) and alpha.size == 3  # fresh draws
    net.simulate(2)      # dw/dt = eta * pre.r on every synapse, the new ones too
    np.testing.assert_allclose(learn.dendrite(1).w, np.array([4.0, 2.0, 3.0])
                               + 2 * 0.5 * a.r[[0, 1, 5]], rtol=0, atol=1e-12)
    w = static.connectivity_matrix() + learn.connectivity_matrix()   # learning runs after
    net.simulate(1)
    np.testing.assert_allclose(b.r, w @ a.r, rtol=0, atol=1e-12)


def test_reset_restores_the_connector_synapses():
    net, a, b, static, learn = _net()
    before = static.connectivity_matrix()
    static.dendrite(0).prune_synapses(range(6))                  # a whole dendrite
    learn.dendrite(3).create_synapse(1, 5.0)
    net.reset(projections=True, synapses=True)
    np.testing.assert_array_equal(static.connectivity_matrix(), before)
    assert learn.dendrite(3).pre_ranks == [3] and learn.nb_synapses == 4
    a.r = np.arange(1.0, 7.0)
    net.simulate(1)
    w = static.connectivity_matrix() + learn.connectivity_matrix()   # learning runs after
    net.simulate(1)
    np.testing.assert_allclose(b.r, w @ a.r, rtol=0, atol=1e-12)


def test_same_seed_same_draws():
    draws = []
    for _ in range(2):
        net, a, b, static, learn = _net(seed=21)
        learn.dendrite(2).create_synapses([0, 4])
        draws.append(np.asarray(learn.dendrite(2).alpha))
    np.testing.assert_array_equal(draws[0], draws[1])


def test_uniform_delay_kept_for_new_synapses():
    net, a, b, static, learn = _net(delays=3.0)
    static.dendrite(0).prune_synapse(2)
    with pytest.raises(NetworkError, match="one delay"):
        static.dendrite(0).create_synapse(2, 1.0, delay=5.0)
    static.dendrite(0).create_synapse(2, 1.0, delay=3.0)
    assert static.dendrite(0).pre_ranks == list(range(6))


def test_errors_name_the_problem():
    net, a, b, static, learn = _net()
    with pytest.raises(NetworkError, match="no synapse from presynaptic"):
        learn.dendrite(1).prune_synapse(4)
    with pytest.raises(NetworkError, match="exist already"):
        learn.dendrite(1).create_synapse(1)
    with pytest.raises(NetworkError, match=r"\[0, 6\)"):
        learn.dendrite(1).create_synapse(6)
    with pytest.raises(NetworkError, match="cannot change after compile"):
        net.config(structural_plasticity=False)
    off = neurogen.Network()
    x = off.create(geometry=3, neuron=INPUT)
    y = off.create(geometry=3, neuron=SINK)
    proj = off.connect(x, y, "exc")
    proj.connect_one_to_one(1.0)
    off.compile(silent=True)
    with pytest.raises(NetworkError, match="structural_plasticity=True"):
        proj.dendrite(0).create_synapse(1, 1.0)


def test_creating_and_pruning_rules_are_parsed():
    rule = Synapse(parameters="tau_utility = 1000",
                   equations="tau_utility * dutility/dt = pre.r * post.r : init=1.0",
                   creating="pre.r * post.r > 0.9 : proba = 1.0, w = 1.0",
                   pruning="utility < 0.0 : proba = 0.5", operation="max")
    net = neurogen.Network()
    net.config(structural_plasticity=True)
    v = net.create(geometry=5, neuron=SINK)
    proj = net.connect(v, v, "exc", synapse=rule)
    proj.connect_fixed_number_pre(1, 1.0, delays=2.0)
    net.compile(silent=True)
    creating, pruning = proj.synapse_ir.creating, proj.synapse_ir.pruning
    assert creating.proba == 1.0 and creating.w == 1.0 and pruning.proba == 0.5
    assert [r.kind for r in net.ir.projections[0].rules] == ["pruning", "creating"]
    bad = Synapse(equations="dw/dt = 1", creating="pre.q > 0 : proba = 1.0")
    with pytest.raises(ModelError, match="pre.q"):
        bad.parse(v.ir, v.ir, {}, "explicit")
    worse = Synapse(equations="dw/dt = 1", pruning="w < 0 : proba = 2")
    with pytest.raises(ParseError, match=r"\[0, 1\]"):
        worse.parse(v.ir, v.ir, {}, "explicit")
    typo = Synapse(equations="dw/dt = 1", pruning="w < 0 : probability = 0.5")
    with pytest.raises(ParseError, match="unknown flag"):
        typo.parse(v.ir, v.ir, {}, "explicit")


POST = Neuron(parameters="baseline = 0.0", equations="r = baseline + 0.001 * sum(exc)")


def _rule_net(synapse, weights, seed=4):
    net = neurogen.Network(seed=seed)
    net.config(structural_plasticity=True)
    a = net.create(geometry=5, neuron=INPUT)
    b = net.create(geometry=4, neuron=POST)
    proj = net.connect(a, b, "exc", synapse=synapse)
    proj.connect_from_matrix(weights)
    net.compile(silent=True)
    return net, a, b, proj


def test_pruning_rule_runs_every_period():
    weights = np.random.default_rng(1).uniform(0, 1, size=(4, 5))
    prune = Synapse(psp="w * pre.r", pruning="w < 0.5 : proba = 1.0")
    net, a, b, proj = _rule_net(prune, weights)
    proj.start_pruning(period=3.0)
    net.simulate(2)
    assert proj.nb_synapses == 20                      # not due yet
    net.simulate(1)
    np.testing.assert_array_equal(~np.isnan(proj.connectivity_matrix(np.nan)),
                                  weights >= 0.5)
    a.r = np.arange(1.0, 6.0)
    net.simulate(2)
    np.testing.assert_allclose(b.r, 0.001 * (np.where(weights >= 0.5, weights, 0) @ a.r),
                               rtol=0, atol=1e-15)
    proj.stop_pruning()


def test_creating_rule_follows_pre_and_post_rates():
    """In the dendrites that exist (rows 0, 1, 3), as ANNarchy: none in row 2."""
    weights = np.full((4, 5), np.nan)
    weights[[0, 1, 3], 0] = 1.0
    grow = Synapse(psp="w * pre.r", creating="pre.r * post.r > 0.9 : proba = 1.0, w = 0.25")
    net, a, b, proj = _rule_net(grow, weights)
    a.r = [0.0, 1.0, 2.0, 0.5, 3.0]
    b.baseline = [0.0, 1.0, 0.4, 0.2]
    proj.start_creating()
    net.simulate(1)
    product = np.outer(b.r, a.r)
    expected = (product > 0.9)
    expected[2] = False                     # no dendrite: row 2 would gain one (0.4 * 3)
    assert (product[2] > 0.9).any()
    expected[[0, 1, 3], 0] = True
    np.testing.assert_array_equal(~np.isnan(proj.connectivity_matrix(np.nan)), expected)
    np.testing.assert_array_equal(proj.connectivity_matrix()[expected & (product > 0.9)],
                                  0.25)


def test_rules_with_a_probability_repeat_for_a_seed():
    weights = np.full((4, 5), 0.2)
    prune = Synapse(psp="w * pre.r", pruning="w < 0.5 : proba = 0.5")
    kept = []
    for _ in range(2):
        net, a, b, proj = _rule_net(prune, weights, seed=11)
        proj.start_pruning()
        net.simulate(1)
        kept.append(~np.isnan(proj.connectivity_matrix(np.nan)))
    np.testing.assert_array_equal(kept[0], kept[1])
    assert 0 < kept[0].sum() < 20
    with pytest.raises(NetworkError, match="no 'creating' rule"):
        proj.start_creating()
    reads_w = Synapse(psp="w * pre.r", creating="w > 0 : proba = 1.0")
    with pytest.raises(ModelError, match="does not exist yet"):   # refused when parsed
        _rule_net(reads_w, weights)
