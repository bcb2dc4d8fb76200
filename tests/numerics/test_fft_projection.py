"""Translation-invariant projections computed as FFT convolutions (storage_format="fft").

Reference: the dense product ``W @ r`` in NumPy. The FFT result differs by rounding
only: tolerance 1e-12 relative to ``max|W| * sum|r|`` in double precision, 1e-5 in
single precision."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import ConnectivityError, NetworkError
from neurogen.core.connectors import squared_distances
from neurogen.storage.fft_numerics import FFTConvolution
from netutil import make_network, offset_matrix

SOURCE = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
SINK = ng.Neuron(equations="r = sum(exc)")




PROFILES = {
    (37,): lambda d: np.exp(-0.1 * d[..., 0] ** 2) + 0.01 * d[..., 0],      # not symmetric
    (64,): lambda d: np.cos(2 * np.pi * d[..., 0] / 64) + 0.5,               # circulant
    (6, 9): lambda d: np.exp(-(d ** 2).sum(-1) / 5.0) - 0.2 * d[..., 1],
    (8, 16): lambda d: np.cos(2 * np.pi * d[..., 0] / 8) * np.sin(2 * np.pi * d[..., 1] / 16),
    (1,): lambda d: 2.0 + 0 * d[..., 0],
}


@pytest.mark.parametrize("geometry", list(PROFILES))
def test_numpy_plan_matches_dense_product(geometry):
    periodic = geometry in ((64,), (8, 16))
    W = offset_matrix(geometry, PROFILES[geometry], periodic)
    plan = FFTConvolution(W, geometry)
    x = np.random.default_rng(1).normal(size=W.shape[0])
    scale = np.abs(W).max() * np.abs(x).sum()
    assert np.abs(plan.apply(x) - W @ x).max() <= 1e-12 * scale
    if periodic:      # circulant on power-of-two axes: no zero padding needed
        assert (plan.m0, plan.m1)[-len(geometry):] == geometry


def run_both(geometry, W, precision="double", delay=0.0, threads=1, steps=3):
    """Sink rates through an fft and a dense projection of the same weights."""
    net = make_network(precision=precision, num_threads=threads)
    src = ng.Population(geometry, SOURCE, net=net)
    sinks = {}
    for storage in ("fft", "dense"):
        sinks[storage] = ng.Population(geometry, SINK, net=net, name=f"sink_{storage}")
        ng.Projection(src, sinks[storage], "exc", net=net, name=storage).connect_from_matrix(
            W, delays=delay, storage_format=storage)
    net.compile()
    rng = np.random.default_rng(7)
    history = []
    for _ in range(steps):
        src.baseline = rng.normal(size=src.size).reshape(geometry)
        net.step()
        history.append({k: p.r.reshape(-1).copy() for k, p in sinks.items()})
    return net, src, history


@pytest.mark.parametrize("geometry", list(PROFILES))
def test_compiled_fft_matches_dense(geometry):
    periodic = geometry in ((64,), (8, 16))
    W = offset_matrix(geometry, PROFILES[geometry], periodic)
    _, _, history = run_both(geometry, W)
    for h in history:
        scale = np.abs(W).max() * 3.0 * W.shape[0]
        assert np.abs(h["fft"] - h["dense"]).max() <= 1e-12 * scale


def test_single_precision_and_uniform_delay():
    W = offset_matrix((40,), PROFILES[(37,)])
    _, _, history = run_both((40,), W, precision="float", delay=2.0, steps=5)
    for h in history:
        np.testing.assert_allclose(h["fft"], h["dense"], rtol=1e-5, atol=1e-5)


def test_bit_identical_with_one_and_two_threads():
    """Large enough (64 x 64 -> 128 x 128 transforms) for the parallel path."""
    W = offset_matrix((64, 64), lambda d: np.exp(-(d ** 2).sum(-1) / 20.0))
    runs = [run_both((64, 64), W, threads=t, steps=2)[2] for t in (1, 2)]
    for a, b in zip(*runs):
        assert np.array_equal(a["fft"], b["fft"])


def test_periodic_gaussian_connector_is_a_ring():
    """Periodic distances: x / n on a circle of circumference 1, wrapped differences."""
    net = make_network()
    pop = ng.Population(32, SOURCE, net=net)
    sink = ng.Population(32, SINK, net=net)
    proj = ng.Projection(pop, sink, "exc", net=net)
    proj.connect_gaussian(amp=1.0, sigma=0.1, limit=0.0, allow_self_connections=True,
                          periodic=True, storage_format="fft")
    i = np.arange(32)
    offset = np.remainder(i[:, None] - i[None, :], 32)
    d = np.minimum(offset, 32 - offset) / 32.0
    expected = np.exp(-d ** 2 / (2 * float(np.float32(np.float32(0.1) ** 2))))
    np.testing.assert_allclose(proj.connectivity_matrix(), expected, rtol=1e-7)
    assert np.array_equal(squared_distances((32,), (32,), periodic=True), d ** 2)
    net.compile()
    assert proj.kernel_data.convolution.m1 == 32          # exactly circulant: no padding
    pop.baseline = np.random.default_rng(0).random(32)
    net.step()      # the source takes its rates...
    net.step()      # ...the sink sees them one step later
    np.testing.assert_allclose(sink.r, proj.connectivity_matrix() @ pop.baseline,
                               rtol=1e-12, atol=1e-12)


def test_weights_written_after_compile_update_the_spectrum():
    W = offset_matrix((16,), PROFILES[(37,)])
    net, src, _ = run_both((16,), W, steps=1)
    proj = net.get_projection("fft")
    proj.w = 2 * W
    src.baseline = np.ones(16)
    net.step()
    net.step()
    np.testing.assert_allclose(net.get_population("sink_fft").r, 2 * W @ np.ones(16),
                               rtol=1e-12)
    with pytest.raises(ConnectivityError, match="translation-invariant"):
        proj.w = np.random.default_rng(0).random((16, 16))
    np.testing.assert_array_equal(proj.connectivity_matrix(), 2 * W)   # unchanged


def test_errors_name_the_projection():
    net = make_network()
    a = ng.Population(10, SOURCE, net=net)
    b = ng.Population(10, SINK, net=net)
    ng.Projection(a, b, "exc", net=net, name="random_w").connect_from_matrix(
        np.random.default_rng(0).random((10, 10)), storage_format="fft")
    with pytest.raises(ConnectivityError, match="random_w.*translation-invariant"):
        net.compile()

    net = make_network()
    a = ng.Population(10, SOURCE, net=net)
    b = ng.Population(12, SINK, net=net)
    ng.Projection(a, b, "exc", net=net, name="sizes").connect_all_to_all(
        1.0, storage_format="fft")
    with pytest.raises(NetworkError, match="sizes.*same geometry"):
        net.compile()

    with pytest.raises(NetworkError, match="storage_format must be one of"):
        ng.Projection(a, b, "exc", net=net).connect_all_to_all(1.0, storage_format="fftw")

    net = make_network()
    a = ng.Population(10, SOURCE, net=net)
    b = ng.Population(10, SINK, net=net)
    syn = ng.Synapse(parameters="eta = 0.1", equations="dw/dt = eta * pre.r * post.r")
    ng.Projection(a, b, "exc", synapse=syn, net=net, name="learning").connect_all_to_all(
        0.1, storage_format="fft")
    with pytest.raises(NetworkError, match="learning.*no synapse model"):
        net.compile()


def test_ring_sized_transform_refuses_non_wrapping_weights():
    """A ring compiled without padding cannot take weights that need it (they would
    alias); the error says so and the weights stay."""
    W = offset_matrix((64,), PROFILES[(64,)], periodic=True)
    plan = FFTConvolution(W, (64,))
    assert plan.m1 == 64
    line = offset_matrix((64,), PROFILES[(37,)])      # Toeplitz, not circulant
    with pytest.raises(ConnectivityError, match="periodic"):
        plan.update(line)
    x = np.random.default_rng(2).normal(size=64)
    np.testing.assert_allclose(plan.apply(x), W @ x, rtol=1e-12, atol=1e-12)
    plan.update(2 * W)
    np.testing.assert_allclose(plan.apply(x), 2 * W @ x, rtol=1e-12, atol=1e-12)
