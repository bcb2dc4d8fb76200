"""Kernel-first connectors: gaussian/dog on one grid with storage 'fft' or 'separable'
keep the offset kernel (double precision), never the (N, N) matrix unless asked."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import ConnectivityError
from neurogen.core.kernel_connectivity import KernelConnectivity
from netutil import make_network

INPUT = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
FIELD = ng.Neuron(parameters="tau = 10.0 : population",
                  equations="tau * dr/dt + r = sum(exc) + sum(inh) : min=0.0, max=1.0")


def field(n, storage, periodic=False, self_connections=False):
    net = make_network()
    inp = ng.Population((n, n), INPUT, net=net, name="inp")
    focus = ng.Population((n, n), FIELD, net=net, name="focus")
    ng.Projection(inp, focus, "exc", net=net).connect_one_to_one(1.0)
    lat = ng.Projection(focus, focus, "inh", net=net, name="lat")
    lat.connect_dog(0.2, 0.1, 0.1, 0.7, storage_format=storage, periodic=periodic,
                    allow_self_connections=self_connections)
    x, y = np.meshgrid(np.arange(n), np.arange(n))
    inp.baseline = np.exp(-((x - n / 2) ** 2 + (y - n / 3) ** 2) / 8.0)
    return net, focus, lat


@pytest.mark.parametrize("storage", ["fft", "separable"])
def test_no_matrix_until_asked(storage):
    net, _, lat = field(24, storage)
    conn = lat.connectivity
    assert isinstance(conn, KernelConnectivity) and conn.kernel.shape == (47, 47)
    net.compile()
    assert not conn.materialized and lat.storage == storage
    # counted from the kernel, then from the dense view built on demand
    count = lat.nb_synapses
    W = lat.connectivity_matrix()
    assert conn.materialized and count == np.count_nonzero(W) == 24 ** 4 - 24 ** 2
    i, j = np.unravel_index(np.arange(24 * 24), (24, 24))
    d2 = ((i[:, None] - i[None]) / 23.0) ** 2 + ((j[:, None] - j[None]) / 23.0) ** 2
    expected = (np.float32(0.2) * np.exp(-d2 / (2 * float(np.float32(0.1) ** 2)))
                - np.float32(0.1) * np.exp(-d2 / (2 * float(np.float32(np.float32(0.7) ** 2)))))
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(W, expected, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("storage", ["fft", "separable"])
def test_matches_annarchy_weights_within_1e_6_over_2000_steps(storage):
    """The kernel is the formula in double precision; the dense connector rounds as
    ANNarchy does (~1e-8 relative): the tutorial's trajectories stay within 1e-6."""
    rates = {}
    for s in ("dense", storage):
        net, focus, _ = field(20, s)
        net.compile()
        net.simulate(2000.0)
        rates[s] = focus.r
    assert np.abs(rates[storage] - rates["dense"]).max() < 1e-6


@pytest.mark.parametrize("storage", ["fft", "separable"])
@pytest.mark.parametrize("periodic", [False, True])
def test_agrees_with_its_own_dense_view_each_step(storage, periodic):
    net, focus, lat = field(16, storage, periodic=periodic, self_connections=True)
    net.compile()
    W = lat.connectivity_matrix()      # the kernel's dense view (double)
    r = np.random.default_rng(4).random(256)
    focus.r = r
    net.step()
    expected = W @ r
    np.testing.assert_allclose(focus.sum("inh").reshape(-1), expected,
                               rtol=0, atol=1e-12 * np.abs(W).max() * r.sum())


def test_new_weights_after_compile():
    net, focus, lat = field(12, "fft")
    net.compile()
    W = 0.5 * lat.connectivity_matrix()
    lat.w = W
    focus.r = np.ones((12, 12))
    net.step()
    np.testing.assert_allclose(focus.sum("inh").reshape(-1), W @ np.ones(144), atol=1e-13)


def test_auto_keeps_a_kernel_where_a_kernel_storage_is_cheaper_than_dense():
    from neurogen import storage
    net, _, small = field(20, "auto")           # the tutorial: rank 2, separable wins
    assert isinstance(small.connectivity, KernelConnectivity)
    costs = {k: storage.kernel(k).cost(small) for k in ("dense", "fft", "separable")}
    assert costs["separable"] < costs["fft"] < costs["dense"]
    net.compile()
    assert small.storage == "separable" and not small.connectivity.materialized
    n = 64
    net, _, large = field(n, "auto")
    costs = {k: storage.kernel(k).cost(large) for k in ("dense", "fft", "separable")}
    assert costs["fft"] < costs["separable"] < costs["dense"]
    net.compile()
    assert large.storage == "fft" and not large.connectivity.materialized


def test_auto_keeps_annarchys_exact_weights_where_dense_is_cheapest():
    # a ring of 8: a transform pair of 16 values costs more than 64 multiply-adds
    net = make_network()
    ring = ng.Population(8, FIELD, net=net)
    proj = ng.Projection(ring, ring, "inh", net=net)
    proj.connect_dog(0.2, 0.1, 0.1, 0.7)
    assert not isinstance(proj.connectivity, KernelConnectivity)
    # per-synapse delays (computed synapse by synapse): exact too
    net = make_network()
    a = ng.Population((20, 20), FIELD, net=net)
    proj = ng.Projection(a, a, "inh", net=net)
    proj.connect_dog(0.2, 0.1, 0.1, 0.7, delays=ng.Uniform(1.0, 2.0))
    assert not isinstance(proj.connectivity, KernelConnectivity)


def test_a_backend_without_kernel_storages_gets_the_same_weights():
    # CUDA has no fft/separable storage: the kernel's (double-precision) weights are
    # used as a matrix there, as OpenMP computes with them, so the same script gives the
    # same numbers on both (ANNarchy's float-rounded weights differ by ~1e-8)
    n = 32
    weights = {}
    for paradigm in ("openmp", "cuda"):
        net = make_network(paradigm=paradigm)
        a = ng.Population((n, n), FIELD, net=net)
        proj = ng.Projection(a, a, "inh", net=net)
        proj.connect_dog(0.2, 0.1, 0.1, 0.7)
        assert isinstance(proj.connectivity, KernelConnectivity) == (paradigm == "openmp")
        weights[paradigm] = np.asarray(proj.connectivity_matrix())
    assert np.array_equal(weights["openmp"], weights["cuda"])
    exact = np.asarray(ng.Projection(a, a, "exc", net=net).connect_dog(
        0.2, 0.1, 0.1, 0.7, storage_format="dense").connectivity_matrix())
    assert 0.0 < np.abs(exact - weights["cuda"]).max() <= 1e-7


def test_weights_that_break_the_kernel_are_refused_with_the_way_out():
    net, _, lat = field(20, "auto")
    net.compile()
    assert lat.storage == "separable"
    w = np.array(lat.connectivity_matrix())
    w[0, 1] += 1.0                                   # no longer translation-invariant
    with pytest.raises(ConnectivityError, match=r"storage 'separable'.*"
                                                r"storage_format='dense' or 'csr'"):
        lat.w = w
    same = np.array(lat.connectivity_matrix()) * 0.5   # still a kernel: accepted
    lat.w = same
    np.testing.assert_allclose(lat.connectivity_matrix(), same, rtol=1e-12, atol=1e-15)


def test_a_kernel_of_a_few_taps_stays_sparse_under_auto():
    # four nearest neighbours on a torus: 4 synapses per neuron, CSR beats any transform
    net = make_network()
    a = ng.Population((64, 64), FIELD, net=net)
    proj = ng.Projection(a, a, "inh", net=net)
    proj.connect_from_offset_function(
        lambda dx, dy: np.where(np.abs(dx) + np.abs(dy) == 1, 0.25, 0.0), periodic=True)
    assert not isinstance(proj.connectivity, KernelConnectivity)
    assert not proj.connectivity.is_dense             # built as CSR, no 4096 x 4096 matrix
    net.compile()
    assert proj.storage in ("csr", "sell") and proj.nb_synapses == 4 * 64 * 64


def test_the_sparse_form_of_a_kernel_equals_its_matrix():
    from neurogen.core.kernel_connectivity import KernelConnectivity
    rng = np.random.default_rng(3)
    for geometry in ((7,), (5, 6), (3, 4, 2)):
        kernel = rng.normal(size=tuple(2 * g - 1 for g in geometry))
        kernel[rng.random(kernel.shape) < 0.6] = 0.0
        conn = KernelConnectivity(geometry, kernel)
        sparse = conn.sparse()
        assert not sparse.is_dense and sparse.nb_synapses == conn.nb_synapses
        np.testing.assert_array_equal(sparse.dense(), KernelConnectivity(geometry, kernel).dense())
