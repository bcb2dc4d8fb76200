"""Every connector through the Projection API (classic and ANNarchy 5 names),
dendrites, delays and connectivity files."""
import numpy as np
import pytest
import scipy.sparse

import neurogen as ng
from neurogen.core.connectors import LILConnectivity

SRC = ng.Neuron(parameters="I = 0.0", equations="r = I")
DST = ng.Neuron(equations="r = sum(exc)")


def pair(n_pre=20, n_post=30, same=False, seed=3):
    net = ng.Network(seed=seed)
    pre = net.create(n_pre, SRC, name="pre")
    post = pre if same else net.create(n_post, DST, name="post")
    return net, pre, post


def test_fixed_probability_statistics_and_no_self_connections():
    net, pre, _ = pair(200, same=True)
    proj = net.connect(pre, pre, "exc").fixed_probability(0.1, weights=0.5)
    n = proj.nb_synapses
    expected = 0.1 * 200 * 199
    assert abs(n - expected) < 5 * np.sqrt(expected * 0.9)
    assert all(i not in proj.dendrite(i).pre_ranks for i in proj.post_ranks)
    assert np.all(np.concatenate(proj.w) == 0.5)


def test_fixed_probability_draws_independent_pairs_block_by_block():
    """Drawn a block of rows at a time in O(synapses) (binomial count, then distinct
    pairs): the count per row is Binomial(pre, p), rows and columns are uniform, the
    columns of a row are sorted and distinct, across blocks (1000 x 20 000 at p = 0.05
    makes several blocks)."""
    from neurogen.core.connectors import fixed_probability
    pre, post, p = 20_000, 1000, 0.05
    conn = fixed_probability(pre, post, p, 1.0, False, np.random.default_rng(7))
    counts = np.diff(conn.row_ptr)
    mean, var = pre * p, pre * p * (1 - p)
    assert abs(counts.mean() - mean) < 5 * np.sqrt(var / post)
    assert abs(counts.var() / var - 1) < 0.15               # chi2 with 999 dof: +-5 sigma
    cols = np.asarray(conn.cols)
    for r in range(post):
        row = cols[conn.row_ptr[r]:conn.row_ptr[r + 1]]
        assert np.all(np.diff(row) > 0) and r not in row
    per_col = np.bincount(cols, minlength=pre).reshape(20, -1).sum(axis=1)  # 20 bins
    expected = cols.size / 20
    assert np.sum((per_col - expected) ** 2 / expected) < 60  # chi2, 19 dof: p < 1e-5
    again = fixed_probability(pre, post, p, 1.0, False, np.random.default_rng(7))
    np.testing.assert_array_equal(np.asarray(again.cols), cols)


def test_fixed_numbers():
    net, pre, post = pair()
    a = net.connect(pre, post, "exc").connect_fixed_number_pre(5, weights=ng.Uniform(0, 1))
    assert all(len(set(r)) == 5 for r in a.pre_ranks) and a.size == 30
    b = net.connect(pre, post, "inh").fixed_number_post(4, weights=1.0)
    counts = np.bincount(np.concatenate(b.pre_ranks), minlength=20)
    assert np.all(counts == 4)
    with pytest.raises(ng.ConnectivityError, match="distinct"):
        net.connect(pre, post, "x").fixed_number_pre(21, 1.0)


def test_from_sparse_and_from_function_run_in_the_simulation():
    net, pre, post = pair(4, 3)
    m = scipy.sparse.random(3, 4, density=0.5, random_state=1, format="coo")   # (post, pre)
    net.connect(pre, post, "exc").from_sparse(m.T)          # ANNarchy's orientation: (pre, post)

    def ring(pre, post, weight):
        lil = LILConnectivity()
        for i in range(post.size):
            lil.add(i, [i, (i + 1) % pre.size], [weight, 2 * weight], [0.0, 3.0])
        return lil
    proj = net.connect(pre, post, "exc").from_function(ring, weight=0.5)
    assert proj.delay == [[0.0, 3.0]] * 3
    net.compile()
    x = np.array([1.0, 2.0, 3.0, 4.0])
    pre.I = x
    for _ in range(5):
        net.step()
    W = np.zeros((3, 4))
    for i in range(3):
        W[i, i] += 0.5
        W[i, (i + 1) % 4] += 1.0
    np.testing.assert_allclose(post.r, m.toarray() @ x + W @ x, rtol=1e-13)


def test_save_and_load_connectivity_round_trip(tmp_path):
    net, pre, post = pair()
    proj = net.connect(pre, post, "exc").fixed_probability(0.3, ng.Normal(0, 1),
                                                           delays=ng.DiscreteUniform(1, 5))
    path = tmp_path / "conn.npz"
    proj.save_connectivity(path)
    net2, pre2, post2 = pair(seed=99)
    copy = net2.connect(pre2, post2, "exc").from_file(path)
    np.testing.assert_array_equal(copy.connectivity_matrix(), proj.connectivity_matrix())
    assert copy.delay == proj.delay
    net3, pre3, post3 = pair(5, 5)
    with pytest.raises(ng.ConnectivityError, match="20 -> 30"):
        net3.connect(pre3, post3, "exc").from_file(path)
    (tmp_path / "bad.npz").write_text("not a file")
    with pytest.raises(ng.ConnectivityError, match="cannot read"):
        net3.connect(pre3, post3, "exc").from_file(tmp_path / "bad.npz")


def test_dendrites_and_errors():
    net, pre, post = pair(3, 2)
    proj = net.connect(pre, post, "exc").from_matrix([[1.0, None, 2.0], [None, None, None]])
    d = proj[0]
    assert d.pre_ranks == [0, 2] and list(d.w) == [1.0, 2.0] and d.size == 2
    d.w = [5.0, 6.0]
    assert proj.connectivity_matrix()[0].tolist() == [5.0, 0.0, 6.0]
    with pytest.raises(ng.NetworkError, match="receives no synapse"):
        proj.dendrite(1)
    with pytest.raises(ng.NetworkError, match="no postsynaptic neuron 7"):
        proj[7]


def test_user_generator_for_random_weights():
    net, pre, post = pair()
    a = net.connect(pre, post, "exc").all_to_all(ng.Uniform(0, 1, rng=np.random.default_rng(5)))
    expected = np.random.default_rng(5).uniform(0, 1, a.nb_synapses)
    np.testing.assert_array_equal(np.concatenate(a.w), expected)
    assert ng.Uniform(2, 3).get_values(4).shape == (4,)


def test_weights_as_one_list_per_dendrite_of_different_lengths():
    """proj.w = [[...], [..., ...]]: ragged nesting, which NumPy refuses to shape."""
    net = ng.Network(seed=1)
    a = ng.Population(3, ng.Neuron(parameters="r = 1.0"), net=net)
    b = ng.Population(2, ng.Neuron(equations="r = sum(exc)"), net=net)
    proj = ng.Projection(a, b, "exc", net=net).connect_from_matrix(
        np.array([[1.0, np.nan, np.nan], [1.0, 1.0, np.nan]]))
    net.compile(silent=True)
    a.r = np.array([1.0, 10.0, 100.0])
    proj.w = [[2.0], [3.0, 4.0]]
    net.simulate(1)
    np.testing.assert_array_equal(b.r, [2.0 * 1.0, 3.0 * 1.0 + 4.0 * 10.0])
