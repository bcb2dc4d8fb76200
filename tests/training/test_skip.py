"""The zero-skipping product of training's wide dense projections (ng_skip_gemm in
templates/training/kernel_math.j2): gradients equal an independent NumPy BPTT and the
other products (BLAS or the built-in loops), a batched run equals single runs bit for
bit; with the AVX-512 listing of the nonzeros and the scalar one. 341 hidden units: above
SKIP_WIDE (skipping on any CPU), and every column path of the product (blocks of 8, 4 and
1 vectors, a partial vector) and a partial chunk of K run."""
import numpy as np
import pytest

from neurogen.tasks import PerceptualDecisionMaking
from neurogen.training import Trainer, kernel_source
from test_seed_rnn import assert_matches_numpy, seed_rnn

HIDDEN = 341


def trainer_for(precision="double"):
    assert HIDDEN >= kernel_source.SKIP_WIDE
    net, m = seed_rnn(hidden=HIDDEN, precision=precision)
    trainer = Trainer(net, m.inp, m.out, m.trainable)
    assert trainer.model.skipping
    return trainer


def data(batch=3, steps=20, seed=5):
    return PerceptualDecisionMaking(dt=100, seed=seed).dataset(batch, steps, seed=seed)()


def test_skipping_gradients_match_numpy_reference():
    trainer = trainer_for()
    xs, ys = data()
    h = trainer.model
    trainer.predict(xs)
    assert (h.history("rnn") == 0).mean() > 0.3        # there are zeros to skip
    assert_matches_numpy(trainer, xs, ys)


@pytest.mark.parametrize("precision, tol", [("double", 1e-12), ("float", 2e-5)])
def test_skipping_equals_the_other_products(precision, tol):
    trainer = trainer_for(precision)
    xs, ys = data()
    loss_s, grads_s = trainer.gradient(xs, ys)
    trainer.model.ints[kernel_source.INT_SKIP] = 2        # the scalar listing: same bits
    loss_2, grads_2 = trainer.gradient(xs, ys)
    assert loss_2 == loss_s
    for name, value in grads_2.items():
        np.testing.assert_array_equal(value, grads_s[name])
    assert trainer.model.skip_zeros(False) is False
    for blas in (True, False):
        trainer.model.use_blas(blas)
        loss, grads = trainer.gradient(xs, ys)
        assert abs(loss - loss_s) <= tol * abs(loss)
        for name, value in grads.items():
            err = np.linalg.norm(grads_s[name] - value) / np.linalg.norm(value)
            assert err <= tol, (name, blas, err)


def test_batched_skipping_run_equals_single_runs():
    """A trial's sums take the same operations whatever the trials beside it."""
    trainer = trainer_for("float")
    xs, _ = data(batch=4)
    batched = trainer.predict(xs)
    for b in range(xs.shape[1]):
        np.testing.assert_array_equal(trainer.predict(xs[:, b:b + 1])[:, 0], batched[:, b])


def test_small_networks_skip_where_the_cpu_lists_fast():
    """64 hidden units (below SKIP_WIDE): the same gradients, skipping or not."""
    net, m = seed_rnn(hidden=64)
    trainer = Trainer(net, m.inp, m.out, m.trainable)
    assert trainer.model.skipping
    xs, ys = data(batch=4)
    assert_matches_numpy(trainer, xs, ys)
    loss, grads = trainer.gradient(xs, ys)
    trainer.model.skip_zeros(False)
    loss_d, grads_d = trainer.gradient(xs, ys)
    assert abs(loss - loss_d) <= 1e-12 * abs(loss_d)
    for name, value in grads_d.items():
        assert np.linalg.norm(grads[name] - value) <= 1e-12 * np.linalg.norm(value), name
