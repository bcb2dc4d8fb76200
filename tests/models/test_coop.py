"""E/I-lag and SFA networks (seed 004) against independent NumPy integrations and the
seed's response-time measurements.

The NumPy references build the nearest-neighbour coupling with ``np.roll`` (not with the
model's index tables) and keep the delayed state in an explicit history list, as the
seed does: ``x(t - tau_lag)`` is the state ``n_lag`` steps back, the initial state before.
"""
import numpy as np
import pytest

from neurogen import Network, NetworkError
from neurogen.models import EILagNetwork1D, EILagNetwork2D, SFANetwork1D, lag_response_time
from neurogen.models.coop import (critical_crossing, excitatory_decay_time,
                                  loss_response_times, sfa_weights)


def neighbours_sum(x):
    """A x for the periodic nearest-neighbour adjacency, on any number of axes."""
    return sum(np.roll(x, s, axis=a) for a in range(x.ndim) for s in (1, -1))


def numpy_eilag(x0, I, wE, wI, w_in, tau, dt, n_lag, n_steps):
    """Euler steps of tau dx/dt = -x + w_in I + wE A x - (tau/tau_lag) wI A (x - x_lag)."""
    tau_lag = n_lag * dt
    x = np.array(x0, dtype=np.float64)
    history = [x.copy()] * (n_lag + 1)           # x_{n - n_lag} ... x_n
    out = []
    for _ in range(n_steps):
        lagged = history[0]
        x = x + dt * (-x + w_in * I + wE * neighbours_sum(x)
                      - (tau / tau_lag) * wI * neighbours_sum(x - lagged)) / tau
        history = history[1:] + [x]
        out.append(x)
    return np.array(out)


def numpy_sfa(N, w_rec, w_ff, a, tau, tau_sfa, dt, schedule, x0=None, u0=None):
    """The seed's SFA Euler step (u from the state before the step); ``schedule`` gives
    the input at ``N // 2`` per step."""
    x = np.zeros(N) if x0 is None else np.array(x0, dtype=np.float64)
    u = np.zeros(N) if u0 is None else np.array(u0, dtype=np.float64)
    xs, us = [], []
    for on in schedule:
        r_in = np.zeros(N)
        r_in[N // 2] = on
        x_old = x.copy()
        x = x + (dt / tau) * (-x + w_rec * neighbours_sum(x) + w_ff * r_in - a * u)
        u = u + (dt / tau_sfa) * (-u + x_old)
        xs.append(x)
        us.append(u)
    return np.array(xs), np.array(us)


# -- analytic ----------------------------------------------------------------------------
def test_lag_response_time_solves_the_seed_equation_and_is_a_double_root():
    tau, tau_lag, w_sum = 1.0, 0.1, 0.99                      # the seed's 1D and 2D values
    t, w_I_sum, t_dec_I = lag_response_time(w_sum, tau, tau_lag)
    assert t == pytest.approx(2.2194014981, rel=1e-9)         # the seed's scipy root
    t_net = tau / (1 - w_sum)
    assert 1 / t == pytest.approx(1 / t_net + (1 - np.exp(-tau_lag / t)) / tau_lag, rel=1e-13)
    assert w_I_sum == pytest.approx(-np.exp(-tau_lag / t), rel=1e-14)
    assert t_dec_I == pytest.approx(tau / (1 + w_I_sum), rel=1e-14)
    # the total's delay equation h(s) = tau s + (1 - w_sum) + (tau/tau_lag) w_I_sum
    # (1 - exp(-s tau_lag)) has s = -1/t as a double root: critical damping
    s = -1 / t
    assert tau * s + (1 - w_sum) + tau / tau_lag * w_I_sum * (1 - np.exp(-s * tau_lag)) \
        == pytest.approx(0, abs=1e-12)
    assert tau * (1 + w_I_sum * np.exp(-s * tau_lag)) == pytest.approx(0, abs=1e-12)
    u = critical_crossing()
    assert (1 + u) * np.exp(-u) == pytest.approx(np.exp(-1), rel=1e-13)
    assert u == pytest.approx(2.1462, abs=1e-4)
    assert excitatory_decay_time(0.99, 1.0) == pytest.approx(100.0)
    # the response-time rule: earliest index from which the loss stays below p * loss[0]
    loss = np.array([1.0, 0.5, 0.3, 0.4, 0.2, 0.1, 0.04])
    assert loss_response_times(loss, 0.5) == pytest.approx(2.0)       # index 4 (0.4 > e^-1)
    np.testing.assert_allclose(loss_response_times(loss, 0.5, n_powers=3), [2.0, 2.5, 3.0])
    assert np.isnan(loss_response_times(np.ones(5), 0.1))


# -- value-by-value equivalence with NumPy -----------------------------------------------
@pytest.mark.parametrize("kind", ["seed", "explicit"])
def test_eilag_1d_matches_numpy(kind):
    N, n_lag, dt = 24, 5, 0.01
    if kind == "seed":      # the seed's balanced weights
        m = EILagNetwork1D(N=N, n_lag=n_lag, dt=dt, t_decay=20.0, seed=0)
    else:                   # arbitrary weights, tau and input scale
        m = EILagNetwork1D(N=N, n_lag=n_lag, dt=dt, tau=2.0, w_rec_netE=0.3, w_rec_I=-0.2,
                           w_in=0.7, seed=0)
    A = np.roll(np.eye(N), 1, 0) + np.roll(np.eye(N), -1, 0)
    np.testing.assert_array_equal(m.adjacency, A)
    np.testing.assert_allclose(m.proj_exc.connectivity_matrix(), m.w_rec_netE * A, rtol=0)
    np.testing.assert_allclose(m.proj_inh_lag.connectivity_matrix(), m.w_rec_I * A, rtol=0)
    assert m.proj_inh_lag.delay_steps() == n_lag + 1 and m.proj_inh.delay_steps() == 0
    assert m.w_rec_I < 0 and "sum(inh_lag)" in m.neuron.equations
    rng = np.random.default_rng(4)
    x0 = rng.uniform(0, 0.5, N)
    m.pop.r = x0                      # before compile: the initial state fills the delays
    mon = m.monitor(["r"])
    m.compile()
    I = rng.uniform(0, 1, N)
    m.set_input(I)
    m.simulate(300 * dt)
    got = mon.get("r", reshape=True)
    ref = numpy_eilag(x0, I, m.w_rec_netE, m.w_rec_I, m.w_in, m.tau, dt, n_lag, 300)
    scale = np.abs(ref).max()
    assert got.shape == (300, N) and scale > 0.5
    # the lagged term matters: without it the trajectory is far off
    assert np.abs(ref - numpy_eilag(x0, I, m.w_rec_netE, 0.0, m.w_in, m.tau, dt, n_lag,
                                    300)).max() > 0.05 * scale
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12 * scale)


@pytest.mark.parametrize("selectivity", ["linear_mixed", "nonlinear_mixed"])
def test_eilag_2d_matches_numpy(selectivity):
    N, n_lag, dt = 7, 4, 0.01
    m = EILagNetwork2D(N=N, n_lag=n_lag, dt=dt, t_decay=30.0, selectivity=selectivity,
                       seed=0)
    assert m.pop.geometry == (N, N) and m.proj_exc.nb_synapses == 4 * N * N
    rng = np.random.default_rng(5)
    x0 = rng.uniform(0, 0.3, (N, N))
    m.pop.r = x0
    mon = m.monitor(["r"])
    m.compile()
    stim = rng.uniform(0, 1, (N, N))
    m.set_input(stim)
    I = stim.sum(1)[:, None] + stim.sum(0)[None, :] if selectivity == "linear_mixed" else stim
    np.testing.assert_allclose(m.I_ext.reshape(N, N), I, rtol=1e-15)
    m.simulate(300 * dt)
    got = mon.get("r", reshape=True)
    ref = numpy_eilag(x0, I, m.w_rec_netE, m.w_rec_I, m.w_in, m.tau, dt, n_lag, 300)
    assert got.shape == (300, N, N)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    # the model's fixed point is the reference's: the balanced run gets there
    m.simulate(60.0)
    np.testing.assert_allclose(m.r.reshape(N, N), m.steady_state(stim), rtol=0,
                               atol=1e-8 * np.abs(m.steady_state(stim)).max())


def test_sfa_matches_numpy():
    N, dt = 32, 0.01
    m = SFANetwork1D(N=N, dt=dt, seed=0)
    w_rec, w_ff = sfa_weights(4.5, 0.09)
    assert (m.w_rec, m.w_ff) == (w_rec, w_ff)
    rng = np.random.default_rng(6)
    x0, u0 = rng.uniform(0, 0.5, N), rng.uniform(0, 0.5, N)
    m.pop.r, m.pop.u = x0, u0
    mon = m.monitor(["r", "u"])
    m.compile()
    m.simulate(100 * dt)
    m.pop.I_ext = np.eye(N)[N // 2]            # attributes read as copies: assign whole
    m.simulate(200 * dt)
    got = mon.get(["r", "u"])
    xs, us = numpy_sfa(N, w_rec, w_ff, 0.09, 1.0, 10.0, dt, [0] * 100 + [1] * 200, x0, u0)
    np.testing.assert_allclose(got["r"], xs, rtol=0, atol=1e-12 * np.abs(xs).max())
    np.testing.assert_allclose(got["u"], us, rtol=0, atol=1e-12 * np.abs(us).max())


# -- the seed's response-time measurements -----------------------------------------------
def test_excitatory_response_time_is_t_decay():
    """Seed: the excitatory network (dt = 0.1) responds in its analytic t_decay = 100."""
    m = EILagNetwork1D(N=64, balanced=False, seed=0)
    assert m.w_rec_I == 0 and m.dt == 0.1 and m.t_decay == pytest.approx(100.0)
    res = m.step_response(n_powers=3)
    assert len(res.loss) == 10_000
    t1, t2, t3 = res.response_time
    assert t1 == pytest.approx(m.t_decay, rel=2e-3)            # measured 100.0
    assert (t2, t3) == pytest.approx((2 * m.t_decay, 3 * m.t_decay), rel=2e-3)
    # why: x rises monotonically to x*, so the loss is the deficit of the total activity,
    # whose Euler step contracts by (1 - dt/t_decay): a pure exponential
    i = np.arange(len(res.loss))
    np.testing.assert_allclose(res.loss / res.loss[0], (1 - m.dt / m.t_decay) ** i, rtol=1e-8)
    np.testing.assert_allclose(res.final, res.target, atol=1e-3 * res.target.max())
    assert res.target.max() == pytest.approx(1.0)               # w_in normalises the target


def test_balanced_network_responds_much_faster():
    """Seed: the balanced E/I-lag network's response is ~20x faster than t_decay."""
    bal = EILagNetwork1D(N=64, seed=0)
    exc = EILagNetwork1D(N=64, balanced=False, seed=0)
    assert bal.t_decay == exc.t_decay == pytest.approx(100.0)
    rb, re = bal.step_response(), exc.step_response()
    assert rb.analytic == pytest.approx(2.2194, rel=1e-4)
    assert re.response_time / rb.response_time > 15             # measured 100.0 / 4.79 = 20.9
    # critically damped total: (1 + t/T) e^{-t/T} crosses e^-1 at 2.146 T = 4.763
    assert rb.response_time == pytest.approx(critical_crossing() * rb.analytic, rel=0.03)
    assert rb.loss[-1] < 1e-3 * rb.loss[0]                     # 10 t_resp: settled
    np.testing.assert_allclose(rb.final, rb.target, atol=1e-3)
    # 2D (4 neighbours, the seed's linear mixing): the same total dynamics, the same time
    m2 = EILagNetwork2D(N=12, seed=0)
    r2 = m2.step_response()
    assert r2.response_time == pytest.approx(rb.response_time, abs=0.05)
    assert r2.target.max() == pytest.approx(1.0) and r2.target.shape == (12, 12)


def test_sfa_curves():
    """Seed's SFA example (supp. Fig. Aa values): the response settles on the exponential
    target during the pulse, x overshoots while u builds up and rebounds below 0 after
    it, and the decay after the pulse is over twice as fast as without adaptation."""
    N = 64
    m = SFANetwork1D(N=N, seed=0)
    res = m.pulse_experiment()                     # on at 100, off at 300, end at 500
    assert (res.n_on, res.n_off, len(res.loss)) == (10_000, 30_000, 50_000)
    on = slice(res.n_on, res.n_off)
    assert res.loss[res.n_off - 1] < 0.04                        # measured 0.026
    np.testing.assert_allclose(res.profile_off, m.target, atol=0.01)
    peak = res.x_j0[on].max()
    assert 1.1 < peak < 1.3                                      # measured 1.185
    assert 20 < (np.argmax(res.x_j0[on]) + 1) * m.dt < 80        # measured 43.7 after onset
    assert res.x_j0[res.n_off:].min() < -0.15                    # measured -0.188
    assert abs(res.u_j0[res.n_off - 1] - res.x_j0[res.n_off - 1]) < 0.02
    assert res.u_j0[res.n_on + 100] < 0.1 * res.x_j0[res.n_on + 100]    # u lags x
    # the same t_resp as the seed's procedure in NumPy
    xs, _ = numpy_sfa(N, m.w_rec, m.w_ff, m.a_SFA, 1.0, 10.0, 0.01,
                      [0] * 10_000 + [1] * 20_000 + [0] * 20_000)
    np.testing.assert_allclose(res.x_j0, xs[:, N // 2], rtol=0, atol=1e-9)
    loss_ref = np.abs(xs[30_000:]).sum(1) / m.target.sum()
    assert res.response_time == pytest.approx(np.argmax(loss_ref < np.exp(-1)) * 0.01)
    assert res.response_time == pytest.approx(18.35, abs=0.05)
    # without adaptation the decay after the pulse is the excitatory t_decay
    plain = SFANetwork1D(N=N, a_SFA=0.0, seed=0)
    res0 = plain.pulse_experiment()
    assert res0.response_time == pytest.approx(plain.t_decay, rel=0.02)   # 41.0 vs 41.33
    assert res.response_time < 0.5 * res0.response_time                   # 18.35 vs 41.0


def test_bad_parameters():
    bad = [dict(N=2), dict(N=3.5), dict(tau=0.0), dict(dt=-0.1), dict(n_lag=0),
           dict(n_lag=1.5), dict(t_decay=-5.0), dict(w_rec_netE=0.5), dict(w_rec_I=0.1),
           dict(w_rec_I=-0.6)]
    for kwargs in bad:
        with pytest.raises(NetworkError):
            EILagNetwork1D(**kwargs)
    with pytest.raises(NetworkError, match="w_rec_netE must be below 1/2"):
        EILagNetwork1D(w_rec_netE=0.5)
    with pytest.raises(NetworkError, match="n_lag must be an integer"):
        EILagNetwork1D(n_lag=0)
    with pytest.raises(NetworkError, match="w_rec_I must be in"):
        EILagNetwork2D(N=8, w_rec_I=-0.3)
    with pytest.raises(NetworkError, match="selectivity"):
        EILagNetwork2D(N=8, selectivity="mixed")
    with pytest.raises(NetworkError, match="differs from the network"):
        EILagNetwork1D(N=8, net=Network(dt=0.1))
    for kwargs in (dict(d_RF=0.0), dict(a_SFA=-0.1), dict(tau_SFA=0.0), dict(N=1)):
        with pytest.raises(NetworkError):
            SFANetwork1D(**kwargs)
    m = EILagNetwork1D(N=8)
    with pytest.raises(NetworkError, match="shape"):
        m.set_input(np.ones(9))
    with pytest.raises(NetworkError, match="p_thr"):
        m.step_response(p_thr=1.5)
    with pytest.raises(NetworkError, match="t_on < t_off"):
        SFANetwork1D(N=8).pulse_experiment(t_on=50.0, t_off=20.0)
    with pytest.raises(NetworkError, match="stable"):
        lag_response_time(1.0, 1.0, 0.1)
