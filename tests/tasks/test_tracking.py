"""SmoothTracking1D/2D: stimulus arrays against the interpolation formula, the replay
through a TimedArray against a NumPy Euler integration, files, errors, tracking quality."""
import numpy as np
import pytest

from neurogen import NeurogenError
from neurogen.models import CANN1D, CANN2D
from neurogen.tasks import SmoothTracking1D, SmoothTracking2D, TaskError


def ring_weights(x, J0, a, z_range):
    d = np.remainder(x[:, None] - x[None, :], z_range)
    d = np.where(d > z_range / 2, d - z_range, d)
    return J0 * np.exp(-0.5 * (d / a) ** 2) / (np.sqrt(2 * np.pi) * a)


def wrap(d, z_range=2 * np.pi):
    d = np.remainder(d, z_range)
    return np.where(d > z_range / 2, d - z_range, d)


def numpy_cann(W, inputs, k, tau, dt):
    """BrainPy's Euler step driven by inputs[n] at step n; returns u after every step."""
    u, out = np.zeros(W.shape[0]), []
    for I in inputs:
        r1 = u ** 2
        u = u + dt * (-u + W @ (r1 / (1.0 + k * r1.sum())) + I) / tau
        out.append(u.copy())
    return np.array(out)


def test_stimulus_1d_follows_the_interpolation_formula():
    m = CANN1D(num=64, A=7.0, a=0.4, dt=0.1)
    task = SmoothTracking1D(m, Iext=(1.0, 0.75, 2.0, -3.0), duration=(2.0, 1.0, 0.5),
                            time_step=0.1)
    data = task.get_data()
    assert task.run_steps == 35 and data.shape == (35, 64)
    # canns: each segment is linspace(start, end, steps) with both ends
    pos = np.concatenate([np.linspace(1.0, 0.75, 20), np.linspace(0.75, 2.0, 10),
                          np.linspace(2.0, -3.0, 5)])
    np.testing.assert_allclose(task.Iext_sequence, pos, rtol=0, atol=1e-15)
    expected = 7.0 * np.exp(-0.25 * wrap(m.x[None, :] - pos[:, None]) ** 2 / 0.4 ** 2)
    np.testing.assert_allclose(data, expected, rtol=1e-13, atol=1e-13)
    assert task.Iext_sequence[0] == 1.0 and task.Iext_sequence[-1] == -3.0


def test_stimulus_1d_matches_the_seed_printout():
    """The canns notebook prints data[0, :2] and data[-1, :2] of its (400, 512) task."""
    m = CANN1D(num=512, dt=0.1)
    task = SmoothTracking1D(cann_instance=m, Iext=(1.0, 0.75, 2.0, 1.75, 3.0),
                            duration=(10.0,) * 4, time_step=0.1)
    data = task.get_data()
    assert data.shape == (400, 512)
    np.testing.assert_allclose(data[0, :2], [0.10189284, 0.09665093], rtol=2e-6)
    np.testing.assert_allclose(data[1, :2], [0.10079604, 0.09560461], rtol=2e-6)
    np.testing.assert_allclose(data[-1, :2], [9.80151176, 9.76596642], rtol=2e-6)


def test_stimulus_2d_follows_the_interpolation_formula():
    m = CANN2D(length=12, A=5.0, a=0.6, dt=0.1)
    task = SmoothTracking2D(m, Iext=((0.0, 0.0), (1.0, -2.0), (3.0, 3.0)),
                            duration=(1.0, 0.6), time_step=0.1)
    data = task.get_data()
    assert data.shape == (16, 12, 12)
    pos = np.concatenate([np.linspace([0.0, 0.0], [1.0, -2.0], 10),
                          np.linspace([1.0, -2.0], [3.0, 3.0], 6)])
    np.testing.assert_allclose(task.Iext_sequence, pos, atol=1e-15)
    xx, yy = np.meshgrid(m.x, m.x, indexing="ij")
    d2 = wrap(xx[None] - pos[:, 0, None, None]) ** 2 + wrap(yy[None] - pos[:, 1, None, None]) ** 2
    np.testing.assert_allclose(data, 5.0 * np.exp(-0.25 * d2 / 0.6 ** 2), rtol=1e-13,
                               atol=1e-13)


def test_replay_matches_numpy_value_by_value_and_tracks():
    dt, k, tau = 0.1, 8.1, 1.0
    m = CANN1D(num=128, k=k, tau=tau, dt=dt, seed=0)
    task = SmoothTracking1D(m, Iext=(0.0, 0.0, 1.5, 1.5), duration=(10.0, 15.0, 10.0),
                            time_step=dt)
    task.get_data()
    task.attach()
    mon = m.monitor(["u", "r"])
    got = task.run(mon)
    ref = numpy_cann(ring_weights(m.x, 4.0, 0.5, 2 * np.pi), task.data, k, tau, dt)
    assert got["u"].shape == (350, 128)
    scale = np.abs(ref).max()
    assert scale > 1.0
    np.testing.assert_allclose(got["u"], ref, rtol=0, atol=1e-12 * scale)
    # tracking: the bump follows the stimulus, lags while it moves, catches up after
    err = task.tracking_error(got["r"])
    assert err.shape == (350,)
    assert err[90:100].max() < m.dx                       # settled on the still stimulus
    assert err[-10:].max() < m.dx                          # caught up after the ramp
    assert err[100:250].max() < 0.2                        # follows the moving one closely
    # past the end the TimedArray keeps the last stimulus
    m.simulate(1.0)
    np.testing.assert_allclose(task.input.r, task.data[-1])


def test_uncompensated_replay_lags_one_step_and_reset_reprimes():
    dt = 0.1
    m = CANN1D(num=64, dt=dt, seed=0)
    task = SmoothTracking1D(m, Iext=(-1.0, 1.0), duration=(3.0,), time_step=dt)
    task.get_data()
    task.attach(compensate_lag=False)
    mon = m.monitor(["u"])
    got = task.run(mon)
    W = ring_weights(m.x, 4.0, 0.5, 2 * np.pi)
    shifted = np.concatenate([np.zeros((1, 64)), task.data[:-1]])
    ref = numpy_cann(W, shifted, 8.1, 1.0, dt)
    np.testing.assert_allclose(got["u"], ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    # after a reset, run() starts again from the same state
    m.reset()
    m.net.reset()
    again = task.run(mon)
    np.testing.assert_allclose(again["u"], got["u"], rtol=0, atol=1e-14 * np.abs(ref).max())


def test_2d_replay_matches_numpy():
    dt, k = 0.1, 8.1
    m = CANN2D(length=10, k=k, dt=dt, seed=0)
    task = SmoothTracking2D(m, Iext=((0.0, 0.0), (1.0, -1.0)), duration=(5.0,),
                            time_step=dt)
    task.attach()
    mon = m.monitor(["u", "r"])
    got = task.run(mon)
    ref = numpy_cann(m.conn_mat, task.data.reshape(len(task.data), -1), k, 1.0, dt)
    np.testing.assert_allclose(got["u"].reshape(len(ref), -1), ref, rtol=0,
                               atol=1e-12 * np.abs(ref).max())
    err = task.tracking_error(got["r"])
    assert err.shape == (50,) and err[-1] < 0.3


def test_save_and_load_round_trip(tmp_path):
    m = CANN1D(num=32, dt=0.1)
    task = SmoothTracking1D(m, Iext=(0.5, -0.5, 2.0), duration=(1.0, 2.0), time_step=0.1)
    task.get_data()
    path = tmp_path / "sub" / "task.npz"
    task.save_data(path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["task.npz"]   # no temp left
    other = SmoothTracking1D(m, Iext=(1.0, 0.8), duration=(8.0,), time_step=0.1)
    other.load_data(path)
    np.testing.assert_array_equal(other.data, task.data)
    np.testing.assert_array_equal(other.Iext_sequence, task.Iext_sequence)
    np.testing.assert_array_equal(other.Iext, task.Iext)
    assert other.run_steps == 30 and other.time_step == 0.1
    small = CANN1D(num=16, dt=0.1)
    with pytest.raises(TaskError, match="geometry"):
        SmoothTracking1D(small, Iext=(0, 1), duration=(1,)).load_data(path)
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(TaskError, match="cannot read"):
        other.load_data(tmp_path / "bad.npz")


def test_bad_input_raises_task_errors():
    m = CANN1D(num=16, dt=0.1)
    with pytest.raises(TaskError, match="durations"):
        SmoothTracking1D(m, Iext=(0, 1, 2), duration=(1.0,))
    with pytest.raises(TaskError, match="positive"):
        SmoothTracking1D(m, Iext=(0, 1), duration=(-1.0,))
    with pytest.raises(TaskError, match="time_step"):
        SmoothTracking1D(m, Iext=(0, 1), duration=(1.0,), time_step=0.0)
    with pytest.raises(TaskError, match="shaped"):
        SmoothTracking2D(CANN2D(length=4, dt=0.1), Iext=(0, 1), duration=(1.0,))
    with pytest.raises(TaskError, match="get_stimulus_by_pos"):
        SmoothTracking1D(object(), Iext=(0, 1), duration=(1.0,))
    with pytest.raises(TaskError, match="get_data"):
        SmoothTracking1D(m, Iext=(0, 1), duration=(1.0,)).save_data("x.npz")
    with pytest.raises(TaskError, match="dt"):
        SmoothTracking1D(m, Iext=(0, 1), duration=(1.0,), time_step=0.2).attach()
    with pytest.raises(TaskError, match="input target"):
        SmoothTracking1D(CANN1D(num=8, dt=0.1, input_target=None), Iext=(0, 1),
                         duration=(1.0,)).attach()
    m.compile()
    with pytest.raises(TaskError, match="compiled"):
        SmoothTracking1D(m, Iext=(0, 1), duration=(1.0,)).attach()
    assert issubclass(TaskError, NeurogenError)
