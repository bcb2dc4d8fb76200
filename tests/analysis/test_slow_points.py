"""SlowPointFinder and the symbolic vector field, against analytic facts and independent
NumPy implementations of the same equations."""
import numpy as np
import pytest

import neurogen
from neurogen import Monitor, Network, Neuron, NeurogenError, Population, Projection
from neurogen.analysis import Adam, AnalysisError, ExponentialDecay, SlowPointFinder, SymbolicField
from neurogen.models import CANN1D


def fd_jacobian(f, x, h=1e-6):
    return np.stack([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)], axis=-1)


# -- Python callables -------------------------------------------------------------------------
def bistable(x):
    return np.array([x[0] - x[0] ** 3, -2.0 * x[1]])


def test_callable_continuous_finds_the_three_fixed_points():
    cands = np.array([[1.3, 0.5], [0.8, -0.4], [-1.2, 0.1], [-0.7, 0.3], [0.05, 0.2],
                      [-0.04, -0.1]])
    finder = SlowPointFinder(bistable, verbose=False)
    finder.find_fps_with_opt_solver(cands, tolerance=1e-24)
    finder.filter_loss(1e-20)
    finder.keep_unique(1e-3)
    fps = finder.fixed_points[np.argsort(finder.fixed_points[:, 0])]
    np.testing.assert_allclose(fps, [[-1, 0], [0, 0], [1, 0]], atol=1e-9)
    J = finder.compute_jacobians(fps)                      # central differences here
    np.testing.assert_allclose(J[0], [[-2, 0], [0, -2]], atol=1e-6)
    np.testing.assert_allclose(J[1], [[1, 0], [0, -2]], atol=1e-6)
    eig = SlowPointFinder.decompose_eigenvalues(J[1:2])[0]["eig_values"]
    np.testing.assert_allclose(eig, [-2, 1], atol=1e-6)    # sorted by magnitude


def test_callable_gradient_descent_with_given_jacobian(capsys):
    jac = lambda x: np.array([[1 - 3 * x[0] ** 2, 0], [0, -2.0]])  # noqa: E731
    finder = SlowPointFinder(bistable, f_jac=jac)
    finder.find_fps_with_gd_method(np.array([[1.4, 0.3], [-0.6, -0.2]]), tolerance=1e-12,
                                   num_batch=200, num_opt=5000,
                                   optimizer=Adam(lr=ExponentialDecay(0.05, 2, 0.999)))
    out = capsys.readouterr().out
    assert "Optimizing with Adam" in out and "Batches 1-200 in" in out
    assert finder.losses.max() < 1e-12
    np.testing.assert_allclose(finder.fixed_points, [[1, 0], [-1, 0]], atol=1e-5)
    assert finder.opt_losses[-1] < finder.opt_losses[0] * 1e-6


def test_discrete_map_and_outliers():
    f = lambda x: 0.5 * x + np.array([1.0, -1.0])  # noqa: E731  fixed point (2, -2)
    finder = SlowPointFinder(f, f_type="discrete", verbose=False)
    finder.find_fps_with_opt_solver(np.array([[0.0, 0.0], [5.0, 1.0], [2.1, -2.0]]))
    np.testing.assert_allclose(finder.fixed_points, [[2, -2]] * 3, atol=1e-8)
    np.testing.assert_allclose(finder.compute_jacobians(finder.fixed_points[:1])[0],
                               0.5 * np.eye(2), atol=1e-6)
    finder._fixed_points = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    finder._losses = np.zeros(3)
    finder._selected_ids = np.arange(3)
    finder.exclude_outliers(1.0)
    assert finder.selected_ids.tolist() == [0, 1]


def test_bad_calls_raise_neurogen_errors():
    with pytest.raises(AnalysisError, match="f_type"):
        SlowPointFinder(bistable, f_type="both")
    with pytest.raises(AnalysisError, match="callable"):
        SlowPointFinder(42)
    finder = SlowPointFinder(bistable, verbose=False)
    with pytest.raises(AnalysisError, match="no fixed points yet"):
        finder.filter_loss(1e-3)
    with pytest.raises(AnalysisError, match="NaN"):
        finder.find_fps_with_opt_solver(np.array([[np.nan, 0.0]]))
    assert issubclass(AnalysisError, NeurogenError)
    m = CANN1D(num=16)
    with pytest.raises(AnalysisError, match="16 values"):
        SlowPointFinder(m).find_fps_with_opt_solver(np.zeros((2, 15)))
    net = Network(dt=0.1)
    noisy = Population(4, Neuron(equations="dv/dt = -v + Normal(0, 1)\nr = v"), net=net)
    with pytest.raises(AnalysisError, match="random"):
        SymbolicField(noisy)


# -- the symbolic field of neurogen populations ---------------------------------------------------
def test_cann_field_and_exact_jacobian_match_numpy():
    m = CANN1D(num=128, k=0.3, a=0.5)
    field = SymbolicField(m)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 128)) * 2

    def F(u):                                   # independent NumPy form of the seed's cell
        r = u ** 2 / (1 + 0.3 * np.sum(u ** 2))
        return -u + m.conn_mat @ r

    np.testing.assert_allclose(field(x), np.stack([F(u) for u in x]), rtol=1e-13, atol=1e-13)
    J = field.jacobian(x)
    for b in range(4):
        np.testing.assert_allclose(J[b], fd_jacobian(F, x[b]), atol=1e-7 * np.abs(J[b]).max())
    v = rng.normal(size=(4, 128))
    _, vjp = field.value_and_vjp(x, lambda F_: v)
    np.testing.assert_allclose(vjp, np.einsum("bij,bi->bj", J, v), atol=1e-12)
    d, L, M, _ = field.factors(x)
    low_rank = d[:, :, None] * np.eye(128) + L @ M
    assert L.shape[2] < 128 // 3
    np.testing.assert_allclose(low_rank, J, atol=1e-8 * np.abs(J).max())
    m.k = 1.0                                  # runtime parameters are read at each call
    r = x[0] ** 2 / (1 + np.sum(x[0] ** 2))
    np.testing.assert_allclose(field(x[0]), -x[0] + m.conn_mat @ r, rtol=1e-13, atol=1e-13)


def test_general_field_two_variables_mean_and_external_input():
    """Two ODE variables, an assignment, mean(), a self projection and an input from
    another population; Jacobian against central differences of a NumPy version."""
    net = Network(dt=0.1, seed=0)
    neuron = Neuron(parameters="tau = 2.0 : population\nI = 0.0\nga = 0.7",
                    equations="""
                        tau * dv/dt = -v + sum(exc) - ga * a + I
                        da/dt = (tanh(v) - a) / 5.0
                        r = tanh(pos(v)) / (1 + mean(v^2))
                    """)
    inp = Population(6, Neuron(parameters="r0 = 0.0", equations="r = r0"), net=net)
    pop = Population(6, neuron, net=net)
    rng = np.random.default_rng(1)
    W, V = rng.normal(size=(6, 6)) * 0.5, rng.normal(size=(6, 6))
    Projection(pop, pop, "exc", net=net).connect_from_matrix(W)
    Projection(inp, pop, "exc", net=net).connect_from_matrix(V)
    inp.r = rng.normal(size=6)
    pop.I = rng.normal(size=6)
    ext = V @ inp.r

    def F(x):
        v, a = x[:6], x[6:]
        r = np.tanh(np.maximum(v, 0)) / (1 + np.mean(v ** 2))
        return np.concatenate([(-v + W @ r + ext - 0.7 * a + pop.I) / 2.0,
                               (np.tanh(v) - a) / 5.0])

    field = SymbolicField(pop)
    assert field.variables == ["v", "a"] and field.dim == 12
    x = rng.normal(size=(3, 12)) + 0.3
    np.testing.assert_allclose(field(x), np.stack([F(xi) for xi in x]), atol=1e-13)
    J = field.jacobian(x)
    for b in range(3):
        np.testing.assert_allclose(J[b], fd_jacobian(F, x[b]), atol=1e-7)
    finder = SlowPointFinder(pop, verbose=False)
    fps = finder.find_fps_with_opt_solver(x, tolerance=1e-26)   # dense LM (two variables)
    assert np.abs(np.stack([F(p) for p in fps])).max() < 1e-11


# -- the seed's acceptance check, small: a ring of fixed points --------------------------------
def check_ring(m, finder, pos, cands, eig_ids):
    fps = finder.find_fps_with_opt_solver(cands)
    assert fps.shape == cands.shape
    assert finder.losses.max() < 1e-16
    # one fixed point per candidate position, bump-shaped, at the analytic height
    centre = m.center(m.rate(fps))
    assert np.abs(m.dist(centre - pos)).max() < 1e-6
    np.testing.assert_allclose(fps.max(axis=1), m.analytic_bump_height(), rtol=5e-3)
    profile = fps.max(axis=1, keepdims=True) * np.exp(
        -0.25 * (m.dist(m.x - centre[:, None]) / m.a) ** 2)
    assert np.abs(fps - profile).max() < 0.01 * fps.max()
    finder.filter_loss(1e-16)
    finder.keep_unique(2.5e-2)
    assert len(finder.fixed_points) == len(cands)
    # one neutral direction along the ring, all other eigenvalues negative
    for J in finder.compute_jacobians(fps[eig_ids]):
        w = np.linalg.eigvals(J)
        neutral = np.abs(w) < 1e-3
        assert neutral.sum() == 1
        assert np.all(w.real[~neutral] < -1e-3)
    return fps


def test_cann_ring_of_fixed_points_small():
    m = CANN1D(num=128, k=0.1, A=30, a=0.5, endpoint=False, dt=0.1)
    pos = np.arange(-np.pi, np.pi, 0.05)
    cands = m.get_stimulus_by_pos(pos.reshape(-1, 1))
    finder = SlowPointFinder(m.cell, verbose=False)       # the seed's call: model.cell
    assert finder.model is m
    fps = check_ring(m, finder, pos, cands, eig_ids=np.arange(0, len(pos), 9))
    # verified by simulation: the network started on a fixed point stays there
    mon = Monitor(m.pop, "u", net=m.net)
    m.compile()
    for p in fps[[3, 60]]:
        m.u = p
        m.simulate(50.0)
        assert np.abs(m.u - p).max() < 1e-8 * p.max()
    assert mon.get("u").shape[0] == 1000


def test_gradient_descent_approaches_the_ring():
    m = CANN1D(num=64, k=0.1, A=30, a=0.5, endpoint=False)
    pos = np.arange(-np.pi, np.pi, 0.4)
    cands = m.get_stimulus_by_pos(pos.reshape(-1, 1))
    finder = SlowPointFinder(m, verbose=False)
    finder.find_fps_with_gd_method(cands, tolerance=1e-30, num_batch=100, num_opt=1000,
                                   optimizer=Adam(lr=ExponentialDecay(0.1, 2, 0.999)))
    assert finder.opt_losses[-1] < 1e-4 * finder.opt_losses[0]
    exact = SlowPointFinder(m, verbose=False).find_fps_with_opt_solver(cands)
    # Adam stops near the exact points (same positions, within the remaining speed)
    assert np.abs(finder.fixed_points - exact).max() < 0.05 * exact.max()


@pytest.mark.slow
def test_cann_ring_of_fixed_points_seed_size():
    """The seed's check: num=512, k=0.1, A=30, a=0.5, candidates every 0.005 rad
    (1257 of them) -> 1257 fixed points on the ring (exact ring, endpoint=False)."""
    m = CANN1D(num=512, k=0.1, A=30, a=0.5, endpoint=False)
    pos = np.arange(-np.pi, np.pi, 0.005)
    cands = m.get_stimulus_by_pos(pos.reshape(-1, 1))
    assert cands.shape == (1257, 512)
    finder = SlowPointFinder(m.cell, verbose=False)
    check_ring(m, finder, pos, cands, eig_ids=np.arange(0, 1257, 60))
    assert m.analytic_bump_height() == pytest.approx(22.563, abs=1e-3)


@pytest.mark.parametrize("f_type", ["continuous", "discrete"])
def test_structured_lm_step_equals_dense_step(f_type):
    """The low-rank (shared-basis) Woodbury step is the dense LM step
    ``-(J^T J + lam I)^{-1} J^T R`` with the exact Jacobian. (num=96: at num=64 the
    kernel's numerical rank, 25, is above n/3 and the dense path is used.)"""
    from neurogen.analysis.slow_points import _woodbury_lm_structured
    n, B = 96, 4
    m = CANN1D(num=n, k=0.1, A=30, a=0.5, endpoint=False)
    rng = np.random.default_rng(0)
    x = m.get_stimulus_by_pos(rng.uniform(-np.pi, np.pi, (B, 1))) \
        * rng.uniform(0.5, 1.2, (B, 1)) + rng.normal(0, 0.5, (B, n))
    finder = SlowPointFinder(m, f_type=f_type, verbose=False)
    finder.field.snapshot()
    sf = finder.field.structured_factors(x)
    assert sf is not None and sf.q > 0 and sf.Lf.shape[2] == 1    # rec basis + total()
    d, L, M, F = finder.field.factors(x)                          # same factors, dense
    np.testing.assert_allclose(np.einsum("bnq,bqm->bnm", sf.L(), sf.M()),
                               np.einsum("bnq,bqm->bnm", L, M), rtol=1e-12, atol=1e-12)
    J = finder.compute_jacobians(x)
    R = finder._residual(x, finder.f(x))
    if f_type == "discrete":
        J = J - np.eye(n)
    for lam in (1e-3, 1.0):
        step, structured = finder._lm_step(x, np.full(B, lam), None)
        assert structured
        A = np.einsum("bki,bkj->bij", J, J) + lam * np.eye(n)
        ref = -np.linalg.solve(A, np.einsum("bki,bk->bi", J, R)[..., None])[..., 0]
        assert np.abs(step - ref).max() < 1e-8 * np.abs(ref).max()
        scale = finder._dt() ** 2 if f_type == "discrete" else 1.0
        direct = _woodbury_lm_structured(sf, np.full(B, lam / scale))
        np.testing.assert_allclose(direct, step, rtol=0, atol=1e-13 * np.abs(ref).max())
