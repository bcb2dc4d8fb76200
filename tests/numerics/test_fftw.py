"""FFT storage on FFTW where the toolchain finds it (any transform size, real transforms),
on the built-in radix-2 transform otherwise; both agree with the dense product."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.storage.fft_numerics import FFTWConvolution, smooth_size
from neurogen.toolchain import compiler
from netutil import make_network, offset_matrix, parallel_threshold, steps_against_matrix

SOURCE = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
SINK = ng.Neuron(equations="r = sum(exc)")




CASES = {   # geometry, periodic, profile
    "ring 20": ((20,), True, lambda d: np.cos(2 * np.pi * d[..., 0] / 20) + 0.3),
    "line 37": ((37,), False, lambda d: np.exp(-0.1 * d[..., 0] ** 2) + 0.01 * d[..., 0]),
    "torus 10x15": ((10, 15), True, lambda d: np.cos(2 * np.pi * d[..., 0] / 10)
                    * np.sin(2 * np.pi * d[..., 1] / 15) + 0.1),
    "grid 6x9": ((6, 9), False, lambda d: np.exp(-(d ** 2).sum(-1) / 5.0) - 0.2 * d[..., 1]),
}


def test_smooth_sizes():
    assert [smooth_size(n) for n in (1, 11, 13, 17, 39, 127, 199)] == \
        [1, 12, 14, 18, 40, 128, 200]


@pytest.mark.parametrize("case", list(CASES))
def test_numpy_tables_match_dense_product(case):
    geometry, periodic, profile = CASES[case]
    W = offset_matrix(geometry, profile, periodic)
    plan = FFTWConvolution(W, geometry)
    if periodic:          # any ring size, unpadded
        assert (plan.m0, plan.m1)[-len(geometry):] == geometry
    x = np.random.default_rng(1).normal(size=W.shape[0])
    assert np.abs(plan.apply(x) - W @ x).max() <= 1e-12 * np.abs(W).max() * np.abs(x).sum()


@pytest.fixture(params=["fftw", "builtin"])
def fft_library(request, monkeypatch):
    """Each test once on FFTW (skipped where the toolchain has none) and once on the
    built-in transform (NEUROGEN_FFTW=0)."""
    if request.param == "builtin":
        monkeypatch.setenv("NEUROGEN_FFTW", "0")
    compiler.toolchain.cache_clear()
    tc = compiler.toolchain()
    if request.param == "fftw" and not tc.fftw:
        pytest.skip("FFTW not found (apt-get install libfftw3-dev)")
    yield request.param
    monkeypatch.undo()
    compiler.toolchain.cache_clear()


@pytest.mark.parametrize("case", list(CASES))
def test_compiled_fft_matches_dense_each_step(case, fft_library, tmp_path):
    geometry, periodic, profile = CASES[case]
    W = offset_matrix(geometry, profile, periodic)
    runs = {}
    for threads in (1, 2):
        net = make_network(num_threads=threads)
        src = ng.Population(geometry, SOURCE, net=net)
        sinks = {s: ng.Population(geometry, SINK, net=net, name=s) for s in ("fft", "dense")}
        for s, sink in sinks.items():
            ng.Projection(src, sink, "exc", net=net, name=s).connect_from_matrix(
                W, storage_format=s)
        net.compile(directory=str(tmp_path / str(threads)))
        code = (tmp_path / str(threads) / "network.cpp").read_text()
        assert ("ng_fftw_convolve(pre" in code) == (fft_library == "fftw")
        assert compiler.toolchain().fft_library.startswith(
            "FFTW" if fft_library == "fftw" else "built-in")
        assert net.build_info["fft_library"] == compiler.toolchain().fft_library
        rng = np.random.default_rng(3)
        history = []
        for _ in range(4):
            src.baseline = rng.normal(size=src.size).reshape(geometry)
            net.step()
            history.append({s: p.r.reshape(-1).copy() for s, p in sinks.items()})
        for h in history:
            scale = np.abs(W).max() * np.abs(h["dense"]).size * 4.0
            assert np.abs(h["fft"] - h["dense"]).max() <= 1e-12 * scale
        runs[threads] = history
    for a, b in zip(runs[1], runs[2]):     # bit-identical across thread counts
        assert np.array_equal(a["fft"], b["fft"])


def test_large_grid_runs_on_two_threads_bit_identically(fft_library, tmp_path):
    """A grid past the parallel threshold (FFTW: rows and column blocks split over the
    threads; an odd transform width and zero-padded rows) against NumPy's dense
    product, 1e-12 relative to the sum of absolute terms, at every step."""
    geometry = (40, 61)
    W = offset_matrix(geometry, lambda d: 0.2 * np.exp(-(d ** 2).sum(-1) / 30.0)
                      - 0.1 * np.exp(-(d ** 2).sum(-1) / 400.0) + 0.01 * d[..., 1])
    plan = FFTWConvolution(W, geometry)
    assert (plan.m0, plan.m1) == (80, 125)
    runs = {}
    for threads in (1, 2):
        net = make_network(num_threads=threads)
        src = ng.Population(geometry, SOURCE, net=net)
        sink = ng.Population(geometry, SINK, net=net)
        ng.Projection(src, sink, "exc", net=net).connect_from_matrix(W, storage_format="fft")
        net.compile(directory=str(tmp_path / str(threads)))
        if fft_library == "fftw":
            code = (tmp_path / str(threads) / "network.cpp").read_text()
            assert plan.m0 * plan.m1 >= parallel_threshold(code, "NG_FFTW_PARALLEL")
        runs[threads] = steps_against_matrix(net, src, sink, W, seed=11)
    for a, b in zip(runs[1], runs[2]):
        assert np.array_equal(a, b)
