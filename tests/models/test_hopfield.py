"""Amari-Hopfield network and Hebbian trainer against dense NumPy references, and the
acceptance case: 4 random +-1 128x128 patterns recovered from 30 % flipped pixels."""
import numpy as np
import pytest

from neurogen import NeurogenError
from neurogen.models import AmariHopfieldNetwork, HebbianTrainer


def random_patterns(rng, m, n):
    return rng.choice([-1.0, 1.0], size=(m, n))


def flip(rng, patterns, fraction):
    return patterns * np.where(rng.random(patterns.shape) < fraction, -1.0, 1.0)


def test_hebbian_weights_field_energy_and_sync_step_match_dense_numpy():
    rng = np.random.default_rng(5)
    P = rng.normal(size=(3, 40))                     # real-valued patterns work as well
    m = AmariHopfieldNetwork(40, threshold=0.1)
    HebbianTrainer(m).train(list(P[:2]))
    m.apply_hebbian_learning(P[2])                    # learning adds up
    W = sum(np.outer(p, p) for p in P) / 40
    np.fill_diagonal(W, 0.0)
    np.testing.assert_allclose(m.weights(), W, rtol=0, atol=1e-13)
    s = rng.choice([-1.0, 1.0], size=(5, 40))
    np.testing.assert_allclose(m.field(s), s @ W.T, rtol=0, atol=1e-12)
    np.testing.assert_allclose(m.energy(s), -0.5 * np.einsum("bi,ij,bj->b", s, W, s)
                               + 0.1 * s.sum(axis=1), rtol=0, atol=1e-12)
    m.s = s[0].copy()
    changed = m.update()
    expected = np.where(W @ s[0] >= 0.1, 1.0, -1.0)
    np.testing.assert_array_equal(m.s, expected)
    assert changed == np.count_nonzero(expected != s[0])


def test_asynchronous_sweeps_never_raise_the_energy_and_end_at_a_fixed_point():
    rng = np.random.default_rng(7)
    P = random_patterns(rng, 6, 60)                  # above capacity: spurious minima too
    m = AmariHopfieldNetwork(60, asyn=True, seed=3)
    m.apply_hebbian_learning(P)
    W = m.weights()
    for trial in range(5):
        m.s = rng.choice([-1.0, 1.0], size=60)
        energies = [m.energy()]
        for _ in range(50):
            changed = m.update()
            energies.append(m.energy())
            if changed == 0:
                break
        assert changed == 0
        assert np.all(np.diff(energies) <= 1e-12)
        np.testing.assert_array_equal(np.where(W @ m.s >= 0, 1.0, -1.0), m.s)


@pytest.mark.parametrize("asyn", [False, True])
def test_recovers_four_128x128_patterns_from_30_percent_noise(asyn):
    rng = np.random.default_rng(42)
    P = random_patterns(rng, 4, 128 * 128)
    model = AmariHopfieldNetwork(num_neurons=128 * 128, asyn=asyn, activation="sign",
                                 seed=0)
    model.init_state()
    trainer = HebbianTrainer(model)
    trainer.train(list(P))
    noisy = flip(rng, P, 0.3)
    assert 0.28 < (noisy != P).mean() < 0.32
    predicted = trainer.predict_batch(list(noisy), progress=False)
    for p, q in zip(P, predicted):
        np.testing.assert_array_equal(q, p)
    # stored patterns are fixed points, with the lowest energy of all tested states
    assert trainer.predict(P[0]).tolist() == P[0].tolist() and trainer.iterations == 1
    assert np.all(model.energy(P) < model.energy(noisy))
    # images keep their shape
    img = trainer.predict(noisy[1].reshape(128, 128))
    assert img.shape == (128, 128)
    np.testing.assert_array_equal(img.ravel(), P[1])


def test_progress_goes_to_stderr(capsys):
    rng = np.random.default_rng(1)
    P = random_patterns(rng, 2, 30)
    t = HebbianTrainer(AmariHopfieldNetwork(30)).train(P)
    out = t.predict_batch(P, progress=True)
    assert len(out) == 2
    captured = capsys.readouterr()
    assert "2/2" in captured.err and captured.out == ""


def test_bad_input():
    with pytest.raises(NeurogenError, match="num_neurons"):
        AmariHopfieldNetwork(0)
    with pytest.raises(NeurogenError, match="activation"):
        AmariHopfieldNetwork(10, activation="relu")
    m = AmariHopfieldNetwork(10)
    with pytest.raises(NeurogenError, match="10 finite values"):
        m.apply_hebbian_learning(np.ones(9))
    with pytest.raises(NeurogenError, match="finite"):
        HebbianTrainer(m).predict(np.full(10, np.nan))
