"""PerceptualDecisionMaking: neurogym's v0 semantics (periods, observations, noise,
targets) and its Dataset (trials back to back, consecutive windows, cache refill)."""
import numpy as np
import pytest

from neurogen.tasks import PerceptualDecisionMaking, TaskError


def test_trial_layout_matches_neurogym_v0():
    task = PerceptualDecisionMaking(dt=100, seed=0)
    trial = task.new_trial(ground_truth=1, coh=25.6)
    assert trial.periods == {"fixation": (0, 1), "stimulus": (1, 21), "delay": (21, 21),
                             "decision": (21, 22)}
    assert trial.ob.shape == (22, 3) and task.num_inputs == task.num_outputs == 3
    np.testing.assert_array_equal(trial.ob[:, 0], [1.0] * 21 + [0.0])
    np.testing.assert_array_equal(trial.ob[0, 1:], [0, 0])
    np.testing.assert_array_equal(trial.ob[21, 1:], [0, 0])
    np.testing.assert_array_equal(trial.gt, [0] * 21 + [2])
    assert trial.info == {"ground_truth": 1, "coh": 25.6} == task.trial


def test_stimulus_mean_and_noise():
    task = PerceptualDecisionMaking(dt=100, seed=1)
    stim = np.concatenate([task.new_trial(ground_truth=0, coh=51.2).ob[1:21, 1:]
                           for _ in range(400)])
    np.testing.assert_allclose(stim.mean(0), [0.5 + 0.256, 0.5 - 0.256], atol=0.005)
    np.testing.assert_allclose(stim.std(0), [0.1, 0.1], rtol=0.03)   # sigma / sqrt(dt)
    gts = [task.new_trial().info for _ in range(2000)]
    assert abs(np.mean([g["ground_truth"] for g in gts]) - 0.5) < 0.05
    assert set(g["coh"] for g in gts) == {0.0, 6.4, 12.8, 25.6, 51.2}


def test_dataset_concatenates_trials_in_consecutive_windows():
    task = PerceptualDecisionMaking(dt=100, seed=2)
    data = task.dataset(batch_size=4, seq_len=30)
    first, labels1 = data()
    second, labels2 = data()
    assert first.shape == (30, 4, 3) and labels1.shape == (30, 4)
    joined = np.concatenate([first, second])[:, 0]
    labels = np.concatenate([labels1, labels2])[:, 0]
    # trials of 22 steps back to back: fixation off exactly at the decision steps
    np.testing.assert_array_equal(np.flatnonzero(joined[:, 0] == 0), [21, 43])
    assert set(np.flatnonzero(labels)) == {21, 43}
    assert data.cache_len == int((1 + (1e5 / 3 / 4) // 30) * 30)
    for _ in range(data.cache_len // 30 + 2):   # past the cache: refilled
        x, y = data()
        assert x.shape == (30, 4, 3) and np.all(np.isin(y, [0, 1, 2]))
    bf = task.dataset(2, 10, batch_first=True)()
    assert bf[0].shape == (2, 10, 3) and bf[1].shape == (2, 10)


def test_dataset_is_reproducible_and_checks_arguments():
    a = PerceptualDecisionMaking(seed=3).dataset(3, 50)()
    b = PerceptualDecisionMaking(seed=3).dataset(3, 50)()
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(TaskError, match="did you mean 'stimulus'"):
        PerceptualDecisionMaking(timing={"stimulos": 500})
    with pytest.raises(TaskError):
        PerceptualDecisionMaking().dataset(0, 10)


def test_fixation_semantics_seed_default_and_neurogym2():
    """The seed's neurogym keeps the fixation input on through stimulus and delay;
    neurogym 2.3.1 only during fixation (add_ob(1, period='fixation'))."""
    timing = {"fixation": 200, "stimulus": 500, "delay": 300, "decision": 100}
    seed = PerceptualDecisionMaking(dt=100, timing=timing, seed=0).new_trial()
    ng2 = PerceptualDecisionMaking(dt=100, timing=timing, seed=0,
                                   fixation="neurogym2").new_trial()
    np.testing.assert_array_equal(seed.ob[:, 0], [1] * 10 + [0])
    np.testing.assert_array_equal(ng2.ob[:, 0], [1, 1] + [0] * 9)
    np.testing.assert_array_equal(seed.ob[:, 1:], ng2.ob[:, 1:])   # same draws otherwise
    x, _ = PerceptualDecisionMaking(dt=100, timing=timing, seed=0,
                                    fixation="neurogym2").dataset(2, 11, seed=1)()
    assert set(np.unique(x[:, :, 0])) == {0.0, 1.0} and x[:, :, 0].sum() < 2 * 11 / 2
    with pytest.raises(TaskError, match="fixation is one of"):
        PerceptualDecisionMaking(fixation="old")
