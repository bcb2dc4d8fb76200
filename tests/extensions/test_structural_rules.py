"""Structural plasticity rules (``creating=``/``pruning=``) compiled into the step: the
synapses they choose against an independent NumPy reference, thread-count and seed
determinism, ANNarchy's manual example, and the refusals."""
import numpy as np
import pytest

import neurogen
from neurogen import Neuron, Synapse, Uniform
from neurogen.errors import NetworkError

FIXED = Neuron(parameters="r = 0.0\nb = 0.0")      # rates set by the test, never updated


def _fixed_net(synapse, weights, seed=3, num_threads=1):
    """pre (50 neurons) -> post (10) with the given (10, 50) weight matrix (NaN: no
    synapse); both populations hold fixed rates."""
    net = neurogen.Network(seed=seed, num_threads=num_threads)
    net.config(structural_plasticity=True)
    pre = net.create(geometry=50, neuron=FIXED)
    post = net.create(geometry=10, neuron=FIXED)
    proj = net.connect(pre, post, "exc", synapse=synapse)
    proj.connect_from_matrix(weights)
    return net, pre, post, proj


def _exists(proj):
    return ~np.isnan(proj.connectivity_matrix(np.nan))


def test_pruning_removes_exactly_what_numpy_says():
    weights = np.random.default_rng(5).uniform(0.0, 1.0, (10, 50))
    weights[weights > 0.9] = np.nan                       # some pairs absent from the start
    net, pre, post, proj = _fixed_net(Synapse(pruning="w < 0.5 : proba = 1.0"), weights)
    net.compile(silent=True)
    proj.start_pruning(period=2.0)
    net.simulate(1.0)
    np.testing.assert_array_equal(_exists(proj), ~np.isnan(weights))      # not due yet
    net.simulate(1.0)
    expected = ~np.isnan(weights) & (np.nan_to_num(weights, nan=1.0) >= 0.5)
    np.testing.assert_array_equal(_exists(proj), expected)
    np.testing.assert_array_equal(proj.connectivity_matrix()[expected], weights[expected])


CREATE = Synapse(parameters="c = 0.5 : projection\ntau = 20.0\nalpha = 0.0",
                 creating="pre.r * post.r > c : proba = 1.0, w = 0.3")


def test_creating_adds_exactly_what_numpy_says_even_past_the_list_capacity():
    weights = np.full((10, 50), np.nan)
    weights[np.arange(10), np.arange(10) * 3] = 2.0
    net, pre, post, proj = _fixed_net(CREATE, weights)
    proj.alpha = Uniform(0.1, 1.0)
    net.compile(silent=True)
    proj.c = 0.6                   # a projection-wide parameter read by the rule
    pre.r = np.linspace(0.0, 2.0, 50)
    post.r = np.linspace(0.0, 1.5, 10)
    proj.start_creating()          # hundreds of pairs: more than the list's first room
    net.step()
    chosen = (np.outer(post.r, pre.r) > 0.6) & np.isnan(weights)
    assert chosen.sum() > 4 * 10   # the list started with room for 4 per neuron
    np.testing.assert_array_equal(_exists(proj), chosen | ~np.isnan(weights))
    matrix = proj.connectivity_matrix()
    np.testing.assert_array_equal(matrix[chosen], 0.3)
    np.testing.assert_array_equal(matrix[~np.isnan(weights)], 2.0)
    for i in range(10):            # sorted rows, defaults and fresh draws for the new ones
        dendrite = proj.dendrite(i)
        assert dendrite.pre_ranks == sorted(dendrite.pre_ranks)
        assert dendrite.tau == [20.0] * dendrite.size
    alpha = np.concatenate([proj.dendrite(i).alpha for i in range(10)])
    assert np.all((alpha >= 0.1) & (alpha < 1.0)) and np.unique(alpha).size > 100


def test_creating_with_probability_one_half_is_binomial():
    net, pre, post, proj = _fixed_net(
        Synapse(creating="pre.r * post.r > 0.5 : proba = 0.5, w = 0.3"),
        np.where(np.eye(10, 50) > 0, 1.0, np.nan), seed=17)
    net.compile(silent=True)
    pre.r, post.r = 1.0, 1.0
    proj.start_creating()
    net.step()
    candidates = 10 * 50 - 10
    created = proj.nb_synapses - 10
    # Binomial(490, 0.5): mean 245, standard deviation 11.1; 4 sigma either side
    assert abs(created - candidates / 2) <= 4 * np.sqrt(candidates * 0.25)


RULES = Synapse(parameters="T = 2 : projection, int\nk = 0.5 : postsynaptic",
                equations="age = age + 1 : init = 0, int",
                pruning="age > T and post.b > pre.b : proba = 1.0",
                creating="pre.r > k + post.b : proba = 1.0, w = 0.25")


def test_population_wide_and_pre_post_values_in_conditions():
    """``T : projection`` (one value), ``k : postsynaptic`` and pre./post. attributes:
    ANNarchy's manual example crashed on the first in the NumPy interpreter."""
    weights = np.where(np.random.default_rng(2).random((10, 50)) < 0.3, 1.0, np.nan)
    net, pre, post, proj = _fixed_net(RULES, weights)
    net.compile(silent=True)
    pre.b = np.linspace(0.0, 1.0, 50)
    post.b = np.linspace(0.0, 1.0, 10)
    pre.r = np.linspace(0.0, 2.0, 50)
    proj.k = np.linspace(0.0, 0.9, 10)
    proj.start_pruning(period=3.0)      # ages are 3 > T at the first due step
    proj.start_creating(period=3.0)
    net.simulate(3.0)
    exists = ~np.isnan(weights)
    pruned = exists & np.greater.outer(post.b, pre.b)
    created = ~exists & np.less.outer(np.linspace(0.0, 0.9, 10) + post.b, pre.r)
    np.testing.assert_array_equal(_exists(proj), (exists & ~pruned) | created)
    proj.stop_pruning()
    proj.stop_creating()
    before = _exists(proj)
    net.simulate(6.0)
    np.testing.assert_array_equal(_exists(proj), before)          # stopped


# -- ANNarchy's manual example (v4 syntax) --------------------------------------------------
LEAKY = Neuron(parameters="tau = 10.0\nbaseline = -0.2\ntau_mean = 100000.0",
               equations="""
                   tau * dmp/dt + mp = baseline + sum(exc)
                   r = pos(mp)
                   tau_mean * dmean_r/dt = (r - mean_r) : init = 0.0""")
AGEING = Synapse(parameters=" T = 10000 : int, projection ",
                 equations="""
                     age = if pre.r * post.r > 1.0 :
                             0
                           else :
                             age + 1 : init = 0, int""",
                 pruning="age > T : proba = 0.5",
                 creating="pre.r * post.r > 1.0 : proba = 0.1, w = 0.01")


def _tutorial(n, duration, seed=1, num_threads=1, silent=0):
    """ANNarchy's manual example; ``silent`` presynaptic neurons get baseline 0 (their
    synapses age, whatever the connectivity drawn)."""
    neurogen.clear()
    neurogen.setup(structural_plasticity=True, seed=seed, num_threads=num_threads)
    pop1 = neurogen.Population(n, LEAKY)
    pop2 = neurogen.Population(n, LEAKY)
    proj = neurogen.Projection(pop1, pop2, "exc", AGEING)
    proj.connect_fixed_probability(weights=1.0, probability=0.1)
    neurogen.compile(silent=True)
    pop1.baseline = Uniform(0.5, 2.0)
    pop2.baseline = Uniform(0.5, 2.0)
    pop1[:silent].baseline = 0.0
    proj.T = 50
    start = proj.connectivity_matrix(np.nan)
    proj.start_pruning(period=10.0)
    proj.start_creating(period=10.0)
    neurogen.simulate(duration)
    return proj, start


def test_annarchy5_creating_and_pruning_objects():
    """ANNarchy 5 writes the rules as ``Creating(...)``/``Pruning(...)``: the same IR."""
    from neurogen import Creating, Parameter, Pruning, Variable
    from neurogen.errors import ModelError
    v5 = Synapse(parameters=dict(T=Parameter(10000, "global", int)),
                 equations=[Variable("age = if pre.r * post.r > 1.0 : 0 else : age + 1",
                                     init=0, type=int)],
                 pruning=Pruning("age > T", proba=0.5),
                 creating=Creating("pre.r * post.r > 1.0", proba=0.1, w=0.01))
    net = neurogen.Network()
    pop = net.create(geometry=3, neuron=LEAKY)
    ir5 = net.connect(pop, pop, "exc", synapse=v5).synapse_ir
    ir4 = net.connect(pop, pop, "exc", synapse=AGEING).synapse_ir
    for kind in ("pruning", "creating"):
        a, b = getattr(ir5, kind), getattr(ir4, kind)
        assert (a.condition, a.proba, a.w, a.d) == (b.condition, b.proba, b.w, b.d)
    with pytest.raises(ModelError, match="Creating"):
        Synapse(creating=Pruning("w > 0"))


def test_annarchy_manual_example_creates_and_prunes():
    """Active pairs (r products > 1) are created; the synapses of the 5 silent
    presynaptic neurons are older than T = 50 steps from step 51 and each pruning (every
    10 steps, proba 0.5) removes about half of them: after 300 ms, (almost) none left."""
    proj, start = _tutorial(30, 300.0, silent=5)
    end = proj.connectivity_matrix(np.nan)
    created = np.isnan(start) & ~np.isnan(end)
    pruned = ~np.isnan(start) & np.isnan(end)
    assert created.any()
    silent_before = np.count_nonzero(~np.isnan(start[:, :5]))
    assert silent_before > 0 and np.count_nonzero(pruned[:, :5]) >= silent_before - 1
    assert not created[:, :5].any()                  # a silent neuron's product is 0
    assert proj.nb_synapses == np.count_nonzero(~np.isnan(end))


CHURN = Synapse(parameters="eta = 0.001 : projection",
                equations="dw/dt = eta * (pre.r * post.r - w) : min = 0.0, max = 1.0",
                pruning="w < 0.2 : proba = 0.5",
                creating="pre.r * post.r > 0.5 : proba = 0.2, w = 0.1")


def _churn(seed, num_threads, n=150):
    """n x n neurons, half of the pairs connected with random weights, that learn, are pruned and
    created every 5 ms; one projection onto its own population (a target its neurons
    do not read)."""
    net = neurogen.Network(seed=seed, num_threads=num_threads)
    net.config(structural_plasticity=True)
    pop1 = net.create(geometry=n, neuron=LEAKY)
    pop2 = net.create(geometry=n, neuron=LEAKY)
    forward = net.connect(pop1, pop2, "exc", synapse=CHURN)
    forward.connect_fixed_probability(0.5, Uniform(0.0, 1.0))
    recurrent = net.connect(pop1, pop1, "mod", synapse=CHURN)
    recurrent.connect_fixed_probability(0.2, Uniform(0.0, 1.0))
    net.compile(silent=True)
    pop1.baseline = Uniform(0.0, 1.5)
    for proj in (forward, recurrent):
        proj.start_pruning(period=5.0)
        proj.start_creating(period=5.0)
    start = [p.connectivity_matrix(np.nan) for p in (forward, recurrent)]
    net.simulate(200.0)
    return start, [p.connectivity_matrix(np.nan) for p in (forward, recurrent)]


def test_same_synapses_and_weights_whatever_the_threads_and_for_a_seed():
    """Large enough (150 x 150, about 11 000 synapses) that the rules' loops run on two
    threads; connectivity and weights after 200 ms, bit for bit."""
    (start, one), (_, two), (_, again) = (_churn(4, t) for t in (1, 2, 1))
    for k in range(2):
        np.testing.assert_array_equal(one[k], two[k])     # NaN where no synapse
        np.testing.assert_array_equal(one[k], again[k])
        assert (~np.isnan(start[k]) & np.isnan(one[k])).any()     # pruned
        assert (np.isnan(start[k]) & ~np.isnan(one[k])).any()     # created
    had = ~np.isnan(start[1]).all(axis=1)               # rows with a dendrite at compile
    assert np.isnan(one[1][~had]).all()                 # nothing created elsewhere
    _, other = _churn(5, 1)
    assert not np.array_equal(np.isnan(one[0]), np.isnan(other[0]))


def test_refusals_name_the_problem():
    weights = np.where(np.eye(10, 50) > 0, 1.0, np.nan)
    net, pre, post, proj = _fixed_net(CREATE, weights)
    with pytest.raises(NetworkError, match="compiled network"):
        proj.start_creating()
    net.compile(silent=True)
    with pytest.raises(NetworkError, match="no 'pruning' rule"):
        proj.start_pruning()
    with pytest.raises(NetworkError, match="period"):
        proj.start_creating(period=-1.0)
    from neurogen.inputs import InputError, c_interface
    with pytest.raises(InputError, match="net.step"):     # edits are applied in Python
        c_interface(net)
    from neurogen import backends
    from neurogen.core.freeze import freeze
    with pytest.raises(NetworkError, match="'openmp' backend only"):
        freeze(net, backends.get("cuda"))
    batched = neurogen.Network(batch=2)
    batched.config(structural_plasticity=True)
    a = batched.create(geometry=3, neuron=FIXED)
    batched.connect(a, a, "exc", synapse=CREATE).connect_all_to_all(1.0)
    with pytest.raises(NetworkError, match="creating/pruning rules"):
        batched.compile(silent=True)


def test_a_synapse_with_rules_turns_structural_plasticity_on_at_compile():
    """As ANNarchy 5.0.4.1 (its sanity check sets the flag): no config() needed."""
    net = neurogen.Network(seed=3)
    pre, post = net.create(geometry=50, neuron=FIXED), net.create(geometry=10, neuron=FIXED)
    proj = net.connect(pre, post, "exc", synapse=Synapse(pruning="w < 0.5 : proba = 1.0"))
    weights = np.random.default_rng(5).uniform(0.0, 1.0, (10, 50))
    proj.connect_from_matrix(weights)
    assert not net.options.structural_plasticity
    net.compile(silent=True)
    assert net.options.structural_plasticity
    proj.start_pruning(period=1.0)
    net.simulate(1.0)
    np.testing.assert_array_equal(_exists(proj), weights >= 0.5)


def test_creating_fills_existing_dendrites_only_self_connections_included():
    """As ANNarchy 5.0.4.1's generated code: the candidates are the postsynaptic neurons
    with a dendrite (synapses at compile; a dendrite pruned empty stays), every absent
    presynaptic neuron, itself included."""
    net = neurogen.Network(seed=2)
    pop = net.create(geometry=6, neuron=FIXED)
    weights = np.full((6, 6), np.nan)
    weights[1, 4] = weights[3, 0] = weights[4, 4] = 0.5        # dendrites: rows 1, 3, 4
    proj = net.connect(pop, pop, "exc", synapse=Synapse(
        pruning="w > 0.4 : proba = 1.0", creating="pre.r < 10.0 : proba = 1.0, w = 0.1"))
    proj.connect_from_matrix(weights)
    net.compile(silent=True)
    proj.start_pruning(period=1.0)
    net.simulate(1.0)
    assert proj.nb_synapses == 0                  # every dendrite emptied, none removed
    proj.stop_pruning()
    proj.start_creating(period=1.0)
    net.simulate(1.0)
    expected = np.zeros((6, 6), bool)
    expected[[1, 3, 4]] = True                     # every presynaptic neuron, self too
    np.testing.assert_array_equal(_exists(proj), expected)
