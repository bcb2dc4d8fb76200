"""The built-in FFT (mixed radix 2-3-4-5, Stockham, used when FFTW is absent; forced here
with NEUROGEN_FFTW=0) on sizes that are not powers of two.

Reference: the dense product ``W @ x`` (W from the offset kernel, built in row blocks
where the full matrix would be large). Tolerance 1e-12 relative to each output value
(positive kernels and inputs: no cancellation), or to ``max|W| * sum|x|`` for kernels of
both signs."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.storage.fft_numerics import FFTConvolution, smooth235
from neurogen.toolchain import compiler
from netutil import make_network, offset_matrix

SOURCE = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
SINK = ng.Neuron(equations="r = sum(exc)")


@pytest.fixture
def builtin_fft(monkeypatch):
    monkeypatch.setenv("NEUROGEN_FFTW", "0")
    compiler.toolchain.cache_clear()
    assert compiler.toolchain().fft_library.startswith("built-in")
    yield
    monkeypatch.undo()
    compiler.toolchain.cache_clear()


def dense_product(kernel, geometry, x):
    """``W @ x`` with ``W[i, j] = kernel[i - j + n - 1]`` (per axis), 256 rows at a time."""
    n = int(np.prod(geometry))
    idx = np.stack(np.unravel_index(np.arange(n), geometry), axis=1)
    y = np.empty(n)
    for start in range(0, n, 256):
        d = idx[start:start + 256, None, :] - idx[None, :, :] + (np.array(geometry) - 1)
        y[start:start + 256] = kernel[tuple(np.moveaxis(d, -1, 0))] @ x
    return y


def test_sizes_and_stages():
    assert [smooth235(n) for n in (1, 7, 11, 13, 17, 49, 97, 127)] == \
        [1, 8, 12, 15, 18, 50, 100, 128]
    ring = offset_matrix((100,), lambda d: np.cos(2 * np.pi * d[..., 0] / 100), periodic=True)
    plan = FFTConvolution(ring, (100,))
    assert plan.m1 == 100                                   # a ring of any 2-3-5 size
    assert list(plan.bitrev) == [1, 5, 2, 2, 5]         # packed: 50 = 5 x 10, four steps
    line = offset_matrix((37,), lambda d: np.exp(-0.1 * d[..., 0] ** 2))
    assert FFTConvolution(line, (37,)).m1 == 80             # even, >= 2 * 37 - 1
    ring7 = offset_matrix((14,), lambda d: np.cos(2 * np.pi * d[..., 0] / 14), periodic=True)
    assert FFTConvolution(ring7, (14,)).m1 == 30            # factor 7: padded instead


CASES = {   # geometry, periodic, profile (weights of both signs where possible)
    "ring 100": ((100,), True, lambda d: np.cos(2 * np.pi * d[..., 0] / 100) + 0.3),
    "ring 45 (odd)": ((45,), True, lambda d: np.cos(2 * np.pi * d[..., 0] / 45) - 0.1),
    "line 37": ((37,), False, lambda d: np.exp(-0.1 * d[..., 0] ** 2) + 0.01 * d[..., 0]),
    "grid 20x20": ((20, 20), False, lambda d: np.exp(-(d ** 2).sum(-1) / 20.0) - 0.05),
    "grid 30x45": ((30, 45), False, lambda d: np.exp(-(d ** 2).sum(-1) / 30.0)
                   - 0.02 * d[..., 1]),
    "torus 15x9 (odd)": ((15, 9), True, lambda d: np.cos(2 * np.pi * d[..., 0] / 15)
                         * np.sin(2 * np.pi * d[..., 1] / 9) + 0.1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_numpy_tables_match_dense_product(case):
    geometry, periodic, profile = CASES[case]
    W = offset_matrix(geometry, profile, periodic)
    plan = FFTConvolution(W, geometry)
    if periodic:
        assert (plan.m0, plan.m1)[-len(geometry):] == geometry
    x = np.random.default_rng(1).normal(size=W.shape[0])
    assert np.abs(plan.apply(x) - W @ x).max() <= 1e-12 * np.abs(W).max() * np.abs(x).sum()


@pytest.mark.parametrize("case", list(CASES))
def test_compiled_matches_dense_product_each_step(case, builtin_fft):
    geometry, periodic, profile = CASES[case]
    W = offset_matrix(geometry, profile, periodic)
    net = make_network()
    src = ng.Population(geometry, SOURCE, net=net)
    sink = ng.Population(geometry, SINK, net=net)
    ng.Projection(src, sink, "exc", net=net).connect_from_matrix(W, storage_format="fft")
    net.compile()
    rng = np.random.default_rng(5)
    previous = None
    for _ in range(4):
        x = rng.normal(size=src.size)
        src.baseline = x.reshape(geometry)
        net.step()
        if previous is not None:          # the sink sees the source one step later
            scale = np.abs(W).max() * np.abs(previous).sum()
            assert np.abs(sink.r.reshape(-1) - W @ previous).max() <= 1e-12 * scale
        previous = x


def kernel_network(n, periodic, threads):
    """A Gaussian on an n x n grid, kept as its kernel (no n^2 x n^2 matrix)."""
    net = make_network(num_threads=threads)
    src = ng.Population((n, n), SOURCE, net=net)
    sink = ng.Population((n, n), SINK, net=net)
    proj = ng.Projection(src, sink, "exc", net=net)
    proj.connect_gaussian(amp=1.0, sigma=0.15, limit=0.0, allow_self_connections=True,
                          periodic=periodic, storage_format="fft")
    net.compile()
    return net, src, sink, proj


@pytest.mark.parametrize("n, periodic, m", [(100, True, 100), (90, False, 180)])
def test_large_grids_bit_identical_for_one_and_two_threads(n, periodic, m, builtin_fft):
    """The 100 x 100 torus runs unpadded; 90 x 90 pads to 180 x 180, large enough for the
    parallel passes. Positive weights and inputs: 1e-12 relative to every output."""
    x = np.random.default_rng(3).uniform(0.5, 1.5, size=n * n)
    results = []
    for threads in (1, 2):
        net, src, sink, proj = kernel_network(n, periodic, threads)
        assert (proj.kernel_data.convolution.m0, proj.kernel_data.convolution.m1) == (m, m)
        src.baseline = x.reshape(n, n)
        net.step()
        net.step()
        results.append(sink.r.reshape(-1).copy())
    assert np.array_equal(results[0], results[1])
    expected = dense_product(proj.connectivity.kernel, (n, n), x)
    np.testing.assert_allclose(results[0], expected, rtol=1e-12, atol=0)
