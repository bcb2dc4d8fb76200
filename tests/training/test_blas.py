"""Training's dense products on SciPy's BLAS (neurogen/toolchain/blas.py): the same
gradients as the built-in loops and as an independent NumPy BPTT, the same bits whatever
OpenBLAS's thread setting, batched runs equal to single runs, and the switch back to the
built-in loops. The recurrent matrix is 160 x 160, above BLAS_MIN_WEIGHTS."""
import ctypes

import numpy as np
import pytest

from neurogen.tasks import PerceptualDecisionMaking
from neurogen.toolchain import blas as blas_module
from neurogen.training import Trainer, kernel_source
from test_seed_rnn import assert_matches_numpy, seed_rnn

HIDDEN = 160
BLAS, WHY = blas_module.scipy_blas()
needs_blas = pytest.mark.skipif(BLAS is None, reason=f"no usable BLAS: {WHY}")


def trainer_for(precision="double"):
    """With the zero-skipping products off: every dense product on BLAS or the loops."""
    assert HIDDEN * HIDDEN >= kernel_source.BLAS_MIN_WEIGHTS
    net, m = seed_rnn(hidden=HIDDEN, precision=precision)
    trainer = Trainer(net, m.inp, m.out, m.trainable)
    assert trainer.model.skip_zeros(False) is False
    return trainer


def data(batch=4, steps=30, seed=3):
    return PerceptualDecisionMaking(dt=100, seed=seed).dataset(batch, steps, seed=seed)()


@needs_blas
@pytest.mark.parametrize("precision, tol", [("double", 1e-12), ("float", 2e-5)])
def test_blas_gradients_equal_the_built_in_loops(precision, tol):
    trainer = trainer_for(precision)
    xs, ys = data()
    assert trainer.model.use_blas(True) == BLAS.name
    loss_b, grads_b = trainer.gradient(xs, ys)
    out_b = trainer.predict(xs)
    assert trainer.model.use_blas(False) == "built-in loops"
    loss_l, grads_l = trainer.gradient(xs, ys)
    out_l = trainer.predict(xs)
    assert abs(loss_b - loss_l) <= tol * abs(loss_l)
    assert np.abs(out_b - out_l).max() <= tol * np.abs(out_l).max()
    for name, value in grads_l.items():
        err = np.linalg.norm(grads_b[name] - value) / np.linalg.norm(value)
        assert err <= tol, (name, err)


@needs_blas
def test_blas_gradients_match_numpy_reference():
    assert_matches_numpy(trainer_for(), *data(batch=3, steps=40, seed=4))


@needs_blas
def test_same_bits_whatever_openblas_threads():
    """OpenBLAS would use every core; the kernel calls pin it to one thread."""
    libs = [ctypes.CDLL(p) for p in blas_module._loaded_openblas()]
    controls = [(getattr(lib, prefix + "set_num_threads"), getattr(lib, prefix + "get_num_threads"))
                for lib in libs for prefix in ("scipy_openblas_", "openblas_")
                if hasattr(lib, prefix + "set_num_threads")]
    before = [get() for _, get in controls]
    trainer = trainer_for()
    xs, ys = data(batch=8)
    results = []
    try:
        for threads in (1, 2, 4):
            for set_threads, _ in controls:
                set_threads(threads)
            results.append(trainer.gradient(xs, ys))
    finally:
        for (set_threads, _), n in zip(controls, before):
            set_threads(n)
    for loss, grads in results[1:]:
        assert loss == results[0][0]
        for name, value in grads.items():
            np.testing.assert_array_equal(value, results[0][1][name])


@needs_blas
def test_batched_blas_run_equals_single_runs():
    """Each trial's products are BLAS's, so a batched run equals single runs to rounding
    (OpenBLAS gave the same bits on the development machine; not promised by BLAS)."""
    trainer = trainer_for()
    xs, _ = data(batch=5)
    batched = trainer.predict(xs)
    for b in range(xs.shape[1]):
        single = trainer.predict(xs[:, b:b + 1])
        np.testing.assert_allclose(single[:, 0], batched[:, b], rtol=1e-13, atol=1e-15)


def test_without_blas_the_built_in_loops_run(monkeypatch):
    monkeypatch.setenv("NEUROGEN_BLAS", "0")
    probe = blas_module.scipy_blas.__wrapped__      # uncached: reads the variable
    assert probe() == (None, "NEUROGEN_BLAS=0")
    from neurogen.training import differentiable
    monkeypatch.setattr(differentiable, "scipy_blas", probe)
    trainer = trainer_for()
    assert trainer.model.blas == "built-in loops"
    assert trainer.model.use_blas(True) == "built-in loops"
