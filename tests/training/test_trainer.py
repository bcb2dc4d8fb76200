"""Trainer: optimizers, clipping, early stop, history, save/load (atomic), apply()."""
import numpy as np
import pytest

from neurogen import Network
from neurogen.models import rate_rnn
from neurogen.tasks import PerceptualDecisionMaking
from neurogen.training import (SGD, Adam, ExponentialDecay, Trainer, TrainingError,
                               clip_by_norm, cross_entropy, mse)


def _setup(seed=0, **kw):
    net = Network(dt=100.0, seed=seed)
    m = rate_rnn(net, 3, 12, 3)
    return Trainer(net, m.inp, m.out, m.trainable, **kw), m, net


def test_adam_matches_its_definition():
    theta = np.array([1.0, -2.0, 0.5])
    opt = Adam(lr=0.1)
    opt.init(theta)
    m = v = np.zeros(3)
    ref = theta.copy()
    for t, g in enumerate([np.array([0.3, -1.0, 2.0]), np.array([-0.1, 0.2, 0.0])], 1):
        opt.update(theta, g)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        ref = ref - 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    np.testing.assert_allclose(theta, ref, rtol=1e-12)
    decay = ExponentialDecay(0.01, 1, 0.9)
    sched = Adam(lr=decay)
    sched.init(theta)
    sched.update(theta, np.ones(3))
    assert sched.current_lr() == pytest.approx(0.009)


def test_sgd_momentum_and_clipping():
    theta = np.zeros(2)
    opt = SGD(lr=0.5, momentum=0.5)
    opt.init(theta)
    opt.update(theta, np.array([1.0, 0.0]))
    opt.update(theta, np.array([1.0, 0.0]))
    np.testing.assert_allclose(theta, [-0.5 - 0.75, 0.0])
    g = np.array([3.0, 4.0])
    assert clip_by_norm(g, 1.0) == 5.0
    np.testing.assert_allclose(g, [0.6, 0.8])
    with pytest.raises(TrainingError):
        SGD(lr=-1.0)


def test_losses_values():
    out = np.zeros((2, 1, 3))
    loss, grad = cross_entropy(out, np.array([[0], [2]]))
    assert loss == pytest.approx(np.log(3))
    np.testing.assert_allclose(grad.sum(axis=2), 0.0, atol=1e-15)
    loss, grad = mse(np.ones((1, 2, 2)), np.zeros((1, 2, 2)), mask=np.array([[1.0, 0.0]]))
    assert loss == 1.0 and grad[0, 1].sum() == 0.0
    with pytest.raises(TrainingError, match="did you mean 'mse'"):
        _setup(loss="mes")


def test_fit_history_early_stop_and_progress(capsys):
    trainer, m, net = _setup(optimizer=Adam(lr=5e-3), clip_norm=1.0)
    data = PerceptualDecisionMaking(dt=100, seed=0).dataset(4, 30)
    history = trainer.fit(data, 40, log_every=10, progress=True)
    assert len(history["loss"]) == 40 and len(history["mean_loss"]) == 4
    assert "40/40" in capsys.readouterr().err
    trainer2, _, _ = _setup()
    stopped = trainer2.fit(data, 200, log_every=5, target_accuracy=0.0, progress=False)
    assert stopped["stopped_early"] and len(stopped["loss"]) == 5
    trainer3, _, _ = _setup(optimizer=SGD(lr=1e-9))
    patient = trainer3.fit(data, 200, log_every=5, patience=2, min_delta=1.0, progress=False)
    assert patient["stopped_early"] and len(patient["loss"]) == 15


def test_save_load_and_apply(tmp_path):
    trainer, m, net = _setup(optimizer=Adam(lr=1e-2))
    data = PerceptualDecisionMaking(dt=100, seed=1).dataset(4, 30)
    trainer.fit(data, 10, progress=False)            # apply=True: the network now has them
    values = trainer.values()
    np.testing.assert_array_equal(m.w_rec.connectivity_matrix(), values["w_rec"])
    np.testing.assert_array_equal(m.rnn.b, values["rnn.b"])
    path = tmp_path / "trained.npz"
    trainer.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["trained.npz"]   # no temporary left
    other, m2, _ = _setup(seed=5)
    x, y = data()
    assert other.evaluate(x, y) != trainer.evaluate(x, y)
    other.load(path)
    assert other.evaluate(x, y) == trainer.evaluate(x, y)
    assert other.optimizer.step_count == 10
    net3 = Network(dt=100.0, seed=0)
    m3 = rate_rnn(net3, 3, 7, 3)
    small = Trainer(net3, m3.inp, m3.out, m3.trainable)
    before = small.values()
    with pytest.raises(TrainingError, match="shaped"):
        small.load(path)
    for name, value in small.values().items():
        np.testing.assert_array_equal(value, before[name])
    with pytest.raises(TrainingError, match="cannot read"):
        small.load(tmp_path / "missing.npz")


def test_data_shapes_are_checked():
    trainer, m, net = _setup()
    with pytest.raises(TrainingError, match="inputs must be shaped"):
        trainer.predict(np.zeros((10, 2, 4)))
    with pytest.raises(TrainingError, match="labels must be shaped"):
        trainer.train_step(np.zeros((10, 2, 3)), np.zeros((10, 3), dtype=int))
    with pytest.raises(TrainingError, match="ran out"):
        trainer.fit([(np.zeros((5, 2, 3)), np.zeros((5, 2), dtype=int))], 3, progress=False)
