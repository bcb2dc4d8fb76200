"""The compiled passes of a training step (templates/training/kernel.cpp.j2): the
cross-entropy with its derivative and accuracy against losses.cross_entropy and the
trainer's NumPy accuracy, and Adam's update bit for bit against optimizers.Adam's NumPy
code."""
import numpy as np
import pytest

from neurogen.tasks import PerceptualDecisionMaking
from neurogen.training import Adam, Trainer, TrainingError
from neurogen.training.losses import cross_entropy
from test_seed_rnn import seed_rnn


def trainer_for(precision):
    net, m = seed_rnn(hidden=16, precision=precision)
    return Trainer(net, m.inp, m.out, m.trainable)


@pytest.mark.parametrize("precision, tol", [("double", 1e-14), ("float", 1e-6)])
def test_compiled_cross_entropy_equals_numpy(precision, tol):
    trainer = trainer_for(precision)
    xs, ys = PerceptualDecisionMaking(dt=100, seed=2).dataset(5, 30, seed=2)()
    outputs = trainer.model.forward(xs)
    ref_loss, ref_dy = cross_entropy(outputs, ys)
    for on in ("nonzero", "all"):
        trainer.accuracy_on = on
        loss, accuracy = trainer.model.cross_entropy(ys, on == "nonzero")
        assert abs(loss - ref_loss) <= 1e-12 * abs(ref_loss)
        assert accuracy == trainer._accuracy(outputs, ys)
        dy = trainer.model.buffers[("dy",)]
        assert np.abs(dy - ref_dy).max() <= tol * np.abs(ref_dy).max()
    with pytest.raises(TrainingError, match=r"labels must lie in \[0, 3\)"):
        trainer.model.cross_entropy(np.full_like(ys, 3))
    with pytest.raises(TrainingError, match="labels must be shaped"):
        trainer.model.cross_entropy(ys[:-1])


@pytest.mark.parametrize("precision", ["double", "float"])
def test_compiled_adam_equals_numpy_adam(precision):
    trainer = trainer_for(precision)
    theta = trainer.model.theta
    rng = np.random.default_rng(0)
    fused, plain = Adam(lr=1e-2), Adam(lr=1e-2)
    fused.kernel = trainer.model.adam
    mine, ref = theta.copy(), theta.copy()
    fused.init(mine)
    plain.init(ref)
    for _ in range(4):
        grad = rng.normal(size=theta.shape).astype(theta.dtype)
        fused.update(mine, grad)
        plain.update(ref, grad)
    np.testing.assert_array_equal(mine, ref)
    np.testing.assert_array_equal(fused.m, plain.m)
    np.testing.assert_array_equal(fused.v, plain.v)
    assert not np.array_equal(mine, theta)
    # another dtype: the NumPy code runs
    assert trainer.model.adam(mine.astype(np.float16), grad, fused.m, fused.v,
                              .9, .999, 1.0, 1e-8, 1e-3) is False
    assert trainer.model.adam(mine, grad, fused.m, fused.v, .9, .999, 1.0, 1e-8, 0.0) is True
