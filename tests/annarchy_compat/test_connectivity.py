"""Connectors as ANNarchy takes them (issue 10, items 7-9): storage names, orientation,
user functions, delays; unknown keywords refused."""
import numpy as np
import pytest
import scipy.sparse

import neurogen as ng

SPARSE = ["lil", "csr", "ell", "ellr", "sell", "bsr", "auto", "dense"]


def pair(pre_size=6, post_size=4):
    net = ng.Network(seed=5)
    pre = net.create(geometry=pre_size, neuron=ng.Neuron(parameters="r = 0.0"))
    post = net.create(geometry=post_size, neuron=ng.Neuron(equations="r = sum(exc)"))
    return net, pre, post


@pytest.mark.parametrize("storage_format", SPARSE)
def test_every_storage_format_gives_the_same_sums(storage_format):
    net, pre, post = pair()
    proj = net.connect(pre, post, "exc")
    proj.fixed_number_pre(3, weights=ng.Uniform(0.0, 1.0), storage_format=storage_format,
                          storage_order="pre_to_post")
    net.compile()
    x = np.linspace(0.5, 3.0, 6)
    pre.r = x
    net.simulate(1)
    np.testing.assert_allclose(post.sum("exc"), proj.connectivity_matrix() @ x, rtol=1e-13)
    assert proj.storage_format in ("auto", "dense", "csr")   # a neurogen storage


def test_unknown_connector_keyword_is_refused_with_a_hint():
    net, pre, post = pair()
    with pytest.raises(ng.ConnectivityError, match="storage_fromat.*did you mean 'storage_format'"):
        net.connect(pre, post, "exc").all_to_all(1.0, storage_fromat="csr")
    with pytest.raises(ng.NetworkError, match="storage_order"):
        net.connect(pre, post, "exc").all_to_all(1.0, storage_order="sideways")
    with pytest.raises(ng.NetworkError, match="did you mean 'lil'"):
        net.connect(pre, post, "exc").all_to_all(1.0, storage_format="lill")


def test_from_sparse_is_pre_by_post():
    net, pre, post = pair()
    w = np.zeros((6, 4))                       # (pre, post)
    w[1, 0], w[5, 3], w[2, 3] = 0.5, 2.0, -1.0
    proj = net.connect(pre, post, "exc").from_sparse(scipy.sparse.lil_matrix(w))
    np.testing.assert_array_equal(proj.connectivity_matrix(), w.T)
    assert proj.post_ranks == [0, 3]
    with pytest.raises(ng.ConnectivityError, match=r"\(pre, post\)"):
        net.connect(pre, post, "exc").from_sparse(scipy.sparse.lil_matrix(w.T))


def test_from_function_receives_dt_and_keywords_and_delays_read_back():
    net, pre, post = pair(5, 5)
    net.setup(dt=0.5)
    seen = {}

    def diagonal(pre, post, dt, weight, delay):
        seen["dt"] = dt
        lil = ng.LILConnectivity(dt=dt)
        for rank in post.ranks:
            ranks = [r for r in (rank - 1, rank, rank + 1) if 0 <= r < pre.size]
            lil.add(rank, ranks, [weight] * len(ranks), [delay])     # one delay for all
        return lil
    proj = net.connect(pre, post, "exc").from_function(diagonal, weight=0.25, delay=2.0)
    assert seen["dt"] == 0.5 and proj.delay == 2.0
    assert proj.dendrite(0).pre_ranks == [0, 1] and proj.dendrite(2).w.tolist() == [0.25] * 3
    plain = net.connect(pre, post, "exc").one_to_one(1.0)
    assert plain.delay == 0.5                  # no delay: one step, reported as dt
