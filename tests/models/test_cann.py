"""CANN1D/CANN2D against independent NumPy integrations of the seed's equations.

The reference is BrainPy's Euler step written out in NumPy: ``r`` from ``u``,
``Irec = W r``, ``u += dt * (-u + Irec + Iext) / tau``.
"""
import numpy as np
import pytest

from neurogen import Network, NetworkError
from neurogen.models import CANN1D, CANN2D


def ring_weights(x, J0, a, z_range):
    d = np.remainder(x[:, None] - x[None, :], z_range)
    d = np.where(d > z_range / 2, d - z_range, d)
    return J0 * np.exp(-0.5 * (d / a) ** 2) / (np.sqrt(2 * np.pi) * a)


def numpy_cann(u0, W, Iext_seq, k, tau, dt):
    """Euler steps of BrainPy's CANN1D; returns u after every step."""
    u, out = np.array(u0, dtype=np.float64), []
    for I in Iext_seq:
        r1 = u ** 2
        r = r1 / (1.0 + k * r1.sum())
        u = u + dt * (-u + W @ r + I) / tau
        out.append(u.copy())
    return np.array(out)


def test_feature_grid_and_weights_match_the_seed():
    m = CANN1D(num=64, a=0.4, J0=3.0, A=7.0, dt=0.1, seed=0)
    np.testing.assert_array_equal(m.x, np.linspace(-np.pi, np.pi, 64))
    assert m.rho == pytest.approx(64 / (2 * np.pi))
    assert m.dx == pytest.approx(2 * np.pi / 64)
    np.testing.assert_allclose(m.conn_mat, ring_weights(m.x, 3.0, 0.4, 2 * np.pi), rtol=1e-14)
    # the projection holds the same weights, in (post, pre) order (built from the offset
    # kernel: each offset's value from one pair at that offset, equal to rounding,
    # which the exponent amplifies to ~2e-14 relative in the tails)
    np.testing.assert_allclose(m.proj.connectivity_matrix(), m.conn_mat, rtol=1e-12)
    # stimulus: peak A at the position, periodic in the position, batched over rows
    s = m.get_stimulus_by_pos(m.x[10])
    assert s.shape == (64,) and s.argmax() == 10 and s.max() == pytest.approx(7.0)
    np.testing.assert_allclose(m.get_stimulus_by_pos(m.x[10] + 2 * np.pi), s, atol=1e-12)
    batch = m.get_stimulus_by_pos(np.arange(-np.pi, np.pi, 0.5).reshape(-1, 1))
    assert batch.shape == (13, 64)
    np.testing.assert_allclose(batch[3], m.get_stimulus_by_pos(-np.pi + 1.5))


def test_large_models_keep_an_offset_kernel_not_the_matrix():
    from neurogen.core.kernel_connectivity import KernelConnectivity
    ring = CANN1D(num=512, seed=0)
    assert isinstance(ring.proj.connectivity, KernelConnectivity)
    assert ring.proj.connectivity.kernel.shape == (1023,)
    assert "conn_mat" not in vars(ring)                # nothing N x N built yet
    ring.compile()
    assert ring.proj.storage == "fft" and not ring.proj.connectivity.materialized
    torus = CANN2D(length=64, seed=0)
    assert torus.proj.connectivity.kernel.shape == (127, 127)
    torus.compile()            # a Gaussian: rank 1, separable and fft cost about the same
    assert torus.proj.storage in ("fft", "separable")
    assert not torus.proj.connectivity.materialized
    small = CANN1D(num=32, seed=0)                     # a dense product is cheaper here
    small.compile()
    assert small.proj.storage == "dense"
    np.testing.assert_allclose(small.proj.connectivity_matrix(), small.conn_mat, rtol=1e-12)


def test_exact_ring_is_circulant():
    m = CANN1D(num=50, endpoint=False, dt=0.1, seed=0)
    assert m.x[1] - m.x[0] == pytest.approx(2 * np.pi / 50)
    W = m.conn_mat
    for shift in (1, 7, 25):
        np.testing.assert_allclose(np.roll(np.roll(W, shift, 0), shift, 1), W, atol=1e-15)


def test_simulation_matches_numpy_value_by_value():
    dt, k, tau = 0.1, 8.1, 1.0
    m = CANN1D(num=128, k=k, tau=tau, dt=dt, seed=3)
    mon = m.monitor(["u", "r"])
    m.compile()
    I = m.get_stimulus_by_pos(0.7)
    m.Iext = I
    m.simulate(15.0)                     # 150 steps with the stimulus
    m.Iext = 0.0
    m.simulate(10.0)                     # 100 steps without: the bump persists
    got = mon.get(["u", "r"])
    seq = [I] * 150 + [np.zeros(128)] * 100
    ref = numpy_cann(np.zeros(128), ring_weights(m.x, 4.0, 0.5, 2 * np.pi), seq, k, tau, dt)
    assert got["u"].shape == (250, 128)
    scale = np.abs(ref).max()
    assert scale > 1.0
    np.testing.assert_allclose(got["u"], ref, rtol=0, atol=1e-12 * scale)
    r_ref = ref ** 2 / (1 + k * (ref ** 2).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(got["r"], r_ref, rtol=0, atol=1e-12 * r_ref.max())
    # the bump outlives the stimulus and stays where it was put
    assert abs(m.center() - 0.7) < m.dx


def test_free_bump_has_the_analytic_height():
    """Without input the bump relaxes to the continuum solution u0 exp(-x^2/(4a^2))
    (seed: num=512, k=0.1, A=30 -> u0 = 22.563)."""
    m = CANN1D(num=512, k=0.1, A=30.0, a=0.5, dt=0.1, seed=0)
    assert m.analytic_bump_height() == pytest.approx(22.563, abs=1e-3)
    m.compile()
    m.u = m.get_stimulus_by_pos(0.3)
    m.simulate(100.0)
    assert m.u.max() == pytest.approx(m.analytic_bump_height(), rel=2e-3)
    profile = m.analytic_bump_height() * np.exp(-0.25 * (m.dist(m.x - m.center()) / 0.5) ** 2)
    np.testing.assert_allclose(m.u, profile, atol=5e-3 * profile.max())
    small = CANN1D(num=128, k=8.1, dt=0.1)      # 0.26 for the default k
    assert small.analytic_bump_height() == pytest.approx(0.26, abs=0.01)
    assert np.isnan(CANN1D(num=128, k=100.0).analytic_bump_height())


def test_initial_state_and_runtime_parameters():
    """Setting ``u`` also sets ``r = f(u)`` (the rates the next step reads); changing
    ``k``, ``tau`` and the weights needs no recompilation."""
    m = CANN1D(num=96, dt=0.05, seed=0)
    m.compile()
    key = m.net.build_info.get("key")
    m.k, m.tau = 0.5, 2.0
    assert m.pop.k == 0.5 and m.pop.tau == 2.0
    u0 = m.get_stimulus_by_pos(-2.0) * 0.3
    m.u = u0
    np.testing.assert_allclose(m.r, u0 ** 2 / (1 + 0.5 * (u0 ** 2).sum()))
    mon = m.monitor(["u"])
    m.simulate(5.0)
    ref = numpy_cann(u0, m.conn_mat, [np.zeros(96)] * 100, 0.5, 2.0, 0.05)
    np.testing.assert_allclose(mon.get("u"), ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    assert m.net.build_info.get("key") == key
    # derivative() is the same vector field in NumPy
    np.testing.assert_allclose(m.derivative(u0, 1.0),
                               (-u0 + m.conn_mat @ (u0 ** 2 / (1 + 0.5 * (u0 ** 2).sum())) + 1.0)
                               / 2.0, rtol=1e-13)


def test_two_models_in_one_network_and_bad_arguments():
    net = Network(dt=0.1, seed=1)
    a = CANN1D(num=16, net=net, name="ring_a")
    b = CANN1D(num=16, net=net, name="ring_b", k=1.0)
    assert a.net is b.net and len(net.populations) == 2
    with pytest.raises(NetworkError, match="num"):
        CANN1D(num=1)
    with pytest.raises(NetworkError, match="a must be"):
        CANN1D(num=8, a=0.0)
    with pytest.raises(NetworkError, match="z_max"):
        CANN1D(num=8, z_min=1.0, z_max=0.0)


def test_cann2d_matches_numpy_on_the_torus():
    L, dt, k = 12, 0.1, 8.1
    m = CANN2D(length=L, a=0.6, dt=dt, seed=0)
    assert m.pop.geometry == (L, L)
    stim = m.get_stimulus_by_pos([0.5, -1.0])
    assert stim.shape == (L, L)
    i, j = np.unravel_index(stim.argmax(), stim.shape)
    assert abs(m.x[i] - 0.5) <= m.dx and abs(m.x[j] + 1.0) <= m.dx
    assert m.get_stimulus_by_pos(np.zeros((5, 2))).shape == (5, L, L)
    # weights: periodic Euclidean distance on the torus, independent construction
    g = np.array([(xi, yj) for xi in m.x for yj in m.x])
    d = np.remainder(g[:, None, :] - g[None, :, :], 2 * np.pi)
    d = np.where(d > np.pi, d - 2 * np.pi, d)
    W = 4.0 * np.exp(-0.5 * (d ** 2).sum(-1) / 0.36) / (2 * np.pi * 0.36)
    np.testing.assert_allclose(m.conn_mat, W, rtol=1e-13)
    mon = m.monitor(["u"])
    m.compile()
    m.Iext = stim
    m.simulate(10.0)
    ref = numpy_cann(np.zeros(L * L), W, [stim.ravel()] * 100, k, 1.0, dt)
    np.testing.assert_allclose(mon.get("u").reshape(100, -1), ref, rtol=0,
                               atol=1e-12 * np.abs(ref).max())
    c = m.center()
    assert abs(c[0] - 0.5) < m.dx and abs(c[1] + 1.0) < m.dx
