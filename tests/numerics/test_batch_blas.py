"""Batched dense weighted sums as one BLAS product (``Network(batch=B)``).

Copy b's sums are row b of ``rates (B x pre) @ W^T``, on SciPy's dgemm pinned to one
thread (neurogen/toolchain/blas.py) once the product has ``BLAS_MIN_MACS`` multiply-adds;
smaller products, float networks and other storages keep the loop, which is bit-identical
to single runs. BLAS orders its additions otherwise: the sums are checked against
NumPy's ``W @ x`` within 1e-12 of the sum of absolute terms (double).
"""
import numpy as np
import pytest

import neurogen as ng
from neurogen.codegen.batch import BLAS_MIN_MACS
from neurogen.codegen.render import PARALLEL_THRESHOLD
from neurogen.toolchain.blas import scipy_blas

SOURCE = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
SINK = ng.Neuron(equations="r = sum(exc)")
PRE, POST, B = 150, 230, 4          # 138 000 multiply-adds a step: the BLAS product

needs_blas = pytest.mark.skipif(scipy_blas()[0] is None, reason=scipy_blas()[1])


def network(batch=B, pre=PRE, post=POST, threads=1, delay=0.0, precision="double",
            storage="dense"):
    net = ng.Network(seed=2, batch=batch, num_threads=threads, precision=precision)
    src = net.create(pre, SOURCE, name="src")
    sink = net.create(post, SINK, name="sink")
    W = np.random.default_rng(5).normal(size=(post, pre))
    net.connect(src, sink, "exc").connect_from_matrix(W, delays=delay, storage_format=storage)
    net.compile()
    return net, src, sink, W


def run(net, src, sink, steps=4, batch=B):
    """Every step's (rates read, sums written), copy by copy; new random rates each step."""
    rng = np.random.default_rng(9)
    reads, sums = [], []
    for _ in range(steps):
        reads.append(np.array(src.r).reshape(batch, -1).copy())
        src.baseline = rng.normal(size=(batch, src.size))
        net.step()
        sums.append(np.array(sink.r).reshape(batch, -1).copy())
    return np.array(reads), np.array(sums)


def assert_sums(W, reads, sums, lag=0):
    for t in range(lag, len(sums)):
        for b in range(reads.shape[1]):
            x = reads[t - lag, b]
            bound = 1e-12 * (np.abs(W) @ np.abs(x)).max()
            assert np.abs(sums[t, b] - W @ x).max() <= bound


@needs_blas
def test_blas_sums_equal_numpy_and_loop_fallback():
    assert B * PRE * POST >= BLAS_MIN_MACS
    net, src, sink, W = network()
    assert net._sim.plan.blas and net._sim.use_blas(True) != "loops"
    reads, sums = run(net, src, sink)
    assert_sums(W, reads, sums)
    assert np.abs(sums).max() > 1         # the sums are not trivially zero
    assert net._sim.use_blas(False) == "loops"  # the loop: the same sums within rounding
    net.reset()
    reads_loop, sums_loop = run(net, src, sink)
    np.testing.assert_array_equal(reads_loop, reads)
    assert_sums(W, reads_loop, sums_loop)


@needs_blas
def test_blas_sums_through_a_delay_ring():
    """A uniform delay: copy b's rates are rows of the ring, pre_stride apart."""
    net, src, sink, W = network(delay=2.0)       # dt = 1: two steps
    assert net._sim.use_blas(True) != "loops"
    reads, sums = run(net, src, sink, steps=6)
    assert_sums(W, reads, sums, lag=1)           # sums at step t read the rates of t - 1


@needs_blas
def test_blas_sums_bit_identical_across_threads():
    """Enough work (B * post * pre >= the parallel threshold) for one dgemm per block of
    rows on each thread; the blocks do not depend on the thread count."""
    assert B * 2 * PRE * POST >= PARALLEL_THRESHOLD
    got = []
    for threads in (1, 2):
        net, src, sink, W = network(threads=threads, pre=2 * PRE)
        assert net._sim.use_blas(True) != "loops"
        reads, sums = run(net, src, sink)
        assert_sums(W, reads, sums)
        got.append(sums)
    np.testing.assert_array_equal(got[0], got[1])


def test_small_float_and_csr_products_keep_the_loop():
    """Below the threshold the loop runs: each copy bit-identical to its single run."""
    pre, post, batch = 12, 30, 2
    assert batch * pre * post < BLAS_MIN_MACS
    net, src, sink, _ = network(batch=batch, pre=pre, post=post)
    _, sums = run(net, src, sink, batch=batch)
    rng = np.random.default_rng(9)
    inputs = [rng.normal(size=(batch, pre)) for _ in range(4)]
    for b in range(batch):
        net1, src1, sink1, _ = network(batch=1, pre=pre, post=post)
        for t in range(4):
            src1.baseline = inputs[t][b]
            net1.step()
            np.testing.assert_array_equal(np.ravel(sink1.r), sums[t, b])
    assert not network(precision="float")[0]._sim.plan.blas      # sgemm: float accumulation
    assert not network(storage="csr")[0]._sim.plan.blas
