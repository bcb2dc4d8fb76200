"""Separable (low-rank) storage: W = sum_k A_k (x) B_k from the SVD of the offset kernel,
against the dense product (1e-12 relative per step, double precision)."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import ConnectivityError, NetworkError
from neurogen.storage.fft_numerics import offset_kernel
from neurogen.storage.separable import SeparableData, decompose, low_rank
from netutil import make_network, parallel_threshold, steps_against_matrix

SOURCE = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
SINK = ng.Neuron(equations="r = sum(exc)")


def offsets(geometry, periodic=False):
    idx = np.indices(geometry).reshape(len(geometry), -1).T
    d = (idx[:, None, :] - idx[None, :, :]).astype(float)
    if periodic:
        d = np.remainder(d, geometry)
        d = np.minimum(d, np.array(geometry) - d)
    return d / np.array(geometry)


def gaussian(geometry, sigma, periodic=False):
    return np.exp(-(offsets(geometry, periodic) ** 2).sum(-1) / (2 * sigma ** 2))


def dog(geometry, periodic=False, self_connections=True):
    W = 0.2 * gaussian(geometry, 0.1, periodic) - 0.1 * gaussian(geometry, 0.7, periodic)
    if not self_connections:
        np.fill_diagonal(W, 0.0)      # a removed centre tap: still translation-invariant
    return W


@pytest.mark.parametrize("W, geometry, rank", [
    (gaussian((9, 13), 0.2), (9, 13), 1),
    (dog((12, 17)), (12, 17), 2),
    (dog((16, 16), periodic=True), (16, 16), 2),
    (dog((10, 10), self_connections=False), (10, 10), 2),    # + the centre tap's diag
])
def test_rank_and_numpy_product(W, geometry, rank):
    data = SeparableData(W, geometry, "test")
    assert data.rank == rank and data.truncation_error <= 1e-13
    x = np.random.default_rng(0).normal(size=W.shape[0])
    assert np.abs(data.apply(x) - W @ x).max() <= 1e-12 * np.abs(W).max() * np.abs(x).sum()


def test_low_rank_of_a_random_kernel_is_full():
    kernel = np.random.default_rng(1).random((7, 9))
    assert low_rank(kernel)[0] == 7
    assert decompose(kernel)[0] == 7 and decompose(kernel)[5] == 0.0   # nothing to gain


@pytest.mark.parametrize("geometry", [(10, 10), (9, 14)])
def test_a_removed_centre_tap_is_a_correction_not_a_component(geometry):
    # without self-connections a difference of Gaussians is rank 3; as the rank-2 kernel
    # plus a correction at the centre tap it is two components, and the correction is
    # minus the removed self-weight
    W, full = dog(geometry, self_connections=False), dog(geometry)
    assert low_rank(offset_kernel(W, geometry))[0] == 3
    data = SeparableData(W, geometry, "test")
    assert data.rank == 2 and data.truncation_error <= 1e-13
    assert data.diag[0] == pytest.approx(-full[0, 0], rel=1e-12)
    x = np.random.default_rng(2).normal(size=W.shape[0])
    assert np.abs(data.apply(x) - W @ x).max() <= 1e-12 * np.abs(W).max() * np.abs(x).sum()


def run(W, geometry, threads, steps=4):
    net = make_network(num_threads=threads)
    src = ng.Population(geometry, SOURCE, net=net)
    sinks = {s: ng.Population(geometry, SINK, net=net, name=s) for s in ("separable", "dense")}
    for s, sink in sinks.items():
        ng.Projection(src, sink, "exc", net=net, name=s).connect_from_matrix(
            W, storage_format=s)
    net.compile()
    rng = np.random.default_rng(5)
    history = []
    for _ in range(steps):
        src.baseline = rng.normal(size=src.size).reshape(geometry)
        net.step()
        history.append({s: p.r.reshape(-1).copy() for s, p in sinks.items()})
    return net, history


@pytest.mark.parametrize("geometry", [(12, 17), (20, 20)])
def test_compiled_separable_matches_dense_and_is_thread_independent(geometry):
    W = dog(geometry, self_connections=False)
    runs = {t: run(W, geometry, t)[1] for t in (1, 2)}
    for h in runs[1]:
        scale = np.abs(W).max() * np.abs(h["dense"]).size * 4.0
        assert np.abs(h["separable"] - h["dense"]).max() <= 1e-12 * scale
    for a, b in zip(runs[1], runs[2]):
        assert np.array_equal(a["separable"], b["separable"])


def test_large_grid_runs_on_two_threads_bit_identically(tmp_path):
    """Past the parallel threshold the row passes split over the threads: the same
    result on 1 and 2 threads, 1e-12 relative to NumPy's dense product each step."""
    geometry = (40, 44)
    W = dog(geometry, self_connections=False)
    runs = {}
    for threads in (1, 2):
        net = make_network(num_threads=threads)
        src = ng.Population(geometry, SOURCE, net=net)
        sink = ng.Population(geometry, SINK, net=net)
        proj = ng.Projection(src, sink, "exc", net=net)
        proj.connect_from_matrix(W, storage_format="separable")
        net.compile(directory=str(tmp_path / str(threads)))
        code = (tmp_path / str(threads) / "network.cpp").read_text()
        rank = SeparableData(W, geometry, "test").rank
        assert rank * 40 * 44 * (40 + 44) >= parallel_threshold(code, "NG_SEPARABLE_PARALLEL")
        runs[threads] = steps_against_matrix(net, src, sink, W)
    for a, b in zip(runs[1], runs[2]):
        assert np.array_equal(a, b)


def test_a_gaussian_torus_without_self_connections_is_rank_one_plus_diag():
    geometry = (11, 13)
    W = gaussian(geometry, 0.2, periodic=True)
    np.fill_diagonal(W, 0.0)
    net, history = run(W, geometry, 1)
    assert net.get_projection("separable").kernel_data.rank == 1
    for h in history:
        scale = np.abs(W).max() * np.abs(h["dense"]).size * 4.0
        assert np.abs(h["separable"] - h["dense"]).max() <= 1e-12 * scale


def test_new_weights_of_the_compiled_rank_or_lower():
    geometry = (8, 8)
    net, _ = run(dog(geometry), geometry, 1, steps=1)
    proj = net.get_projection("separable")
    proj.w = gaussian(geometry, 0.3)                          # rank 1 <= 2
    src = net.get_population("pop0")
    src.baseline = np.ones(geometry)
    net.step()
    net.step()
    np.testing.assert_allclose(net.get_population("separable").r.reshape(-1),
                               gaussian(geometry, 0.3) @ np.ones(64), rtol=1e-12)
    no_self = dog(geometry, self_connections=False)     # rank 2 and the centre's diag
    proj.w = no_self
    net.step()
    np.testing.assert_allclose(net.get_population("separable").r.reshape(-1),
                               no_self @ np.ones(64), rtol=1e-12, atol=1e-15)
    three = gaussian(geometry, 0.1) + gaussian(geometry, 0.3) + gaussian(geometry, 0.7)
    with pytest.raises(ConnectivityError, match="rank 3"):
        proj.w = three


def test_refusals_name_the_projection():
    net = make_network()
    a = ng.Population(10, SOURCE, net=net)
    b = ng.Population(10, SINK, net=net)
    ng.Projection(a, b, "exc", net=net, name="line").connect_all_to_all(
        1.0, storage_format="separable")
    with pytest.raises(NetworkError, match="line.*same 2-D grid"):
        net.compile()
    net = make_network(paradigm="cuda")
    a = ng.Population((4, 4), SOURCE, net=net)
    b = ng.Population((4, 4), SINK, net=net)
    ng.Projection(a, b, "exc", net=net).connect_all_to_all(1.0, storage_format="separable")
    with pytest.raises(NetworkError, match="not available on the 'cuda' backend"):
        net.compile()
