"""SlowPointFinder against BrainPy's definitions (re-implemented here in NumPy from
brainpy 2.8.2's ``analysis/highdim/slow_points.py`` and ``optim/optimizer.py``) and
against analytic fixed points; the batched vector-Jacobian product of a trained
:class:`~neurogen.training.CellMap` against its full Jacobian. Seconds in all."""
import numpy as np
import pytest

from neurogen import Network
from neurogen.analysis import Adam, ExponentialDecay, SlowPointFinder, line_attractor_summary
from neurogen.models import rate_rnn
from neurogen.training import Adam as TrainAdam, CellMap, Trainer

RNG = np.random.default_rng(7)
A = 0.5 * np.eye(3) + 0.1 * RNG.standard_normal((3, 3))     # contraction, I - A invertible
C = np.array([0.3, -0.2, 0.5])


def linear_map(h):                       # vectorised: h (B, 3)
    return h @ A.T + C


def linear_jac(h):
    return np.broadcast_to(A, (np.atleast_2d(h).shape[0], 3, 3)).copy()


def test_loss_is_brainpys_mean_squared_error_discrete_and_continuous():
    h = RNG.standard_normal((5, 3))
    disc = SlowPointFinder(linear_map, f_type="discrete", vectorized=True, verbose=False)
    cont = SlowPointFinder(linear_map, f_type="continuous", vectorized=True, verbose=False)
    # brainpy.losses.mean_squared_error(h, f(h), axis=1) and mean_square(F(h), axis=1)
    np.testing.assert_allclose(disc.loss(h), np.mean((linear_map(h) - h) ** 2, axis=1),
                               rtol=1e-14)
    np.testing.assert_allclose(cont.loss(h), np.mean(linear_map(h) ** 2, axis=1), rtol=1e-14)


@pytest.mark.parametrize("f_type", ["discrete", "continuous"])
def test_gradient_is_that_of_the_batch_mean_loss(f_type):
    """BrainPy differentiates mean over the batch of the per-point losses."""
    h = RNG.standard_normal((4, 3))
    finder = SlowPointFinder(linear_map, f_type=f_type, f_jac=linear_jac, vectorized=True,
                             verbose=False)
    _, grad = finder._loss_and_grad(h)
    eps, fd = 1e-6, np.zeros_like(h)
    for i in range(4):
        for j in range(3):
            hp, hm = h.copy(), h.copy()
            hp[i, j] += eps
            hm[i, j] -= eps
            fd[i, j] = (finder.loss(hp).mean() - finder.loss(hm).mean()) / (2 * eps)
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-10)


def test_adam_is_brainpys_update():
    """brainpy.optim.Adam: lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), eps added to sqrt(v);
    ExponentialDecay evaluated at steps 0, 1, ... (step_epoch after the update)."""
    x0 = RNG.standard_normal((2, 3))
    grads = [RNG.standard_normal((2, 3)) * 1e-7 for _ in range(5)]
    opt = Adam(lr=ExponentialDecay(0.01, 1, 0.9999))
    opt.init(x0)
    x = x0
    for g in grads:
        x = opt.update(x, g)
    ref, m, v = x0.copy(), np.zeros_like(x0), np.zeros_like(x0)
    for t, g in enumerate(grads, start=1):
        lr = 0.01 * 0.9999 ** (t - 1)
        lr = lr / (1 - 0.9 ** t) * np.sqrt(1 - 0.999 ** t)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g ** 2
        ref = ref - lr * m / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(x, ref, rtol=1e-13)


@pytest.mark.parametrize("f_type", ["discrete", "continuous"])
def test_gd_and_lm_find_the_analytic_fixed_point_of_a_linear_rnn(f_type):
    """discrete f(h) = A h + c: h* = (I - A)^-1 c; continuous F(h) = A h + c: h* = -A^-1 c."""
    exact = np.linalg.solve(np.eye(3) - A, C) if f_type == "discrete" else \
        -np.linalg.solve(A, C)
    cands = exact + RNG.standard_normal((6, 3))
    gd = SlowPointFinder(linear_map, f_type=f_type, f_jac=linear_jac, vectorized=True,
                         verbose=False)
    gd.find_fps_with_gd_method(cands, tolerance=1e-14, num_batch=100, num_opt=20000,
                               optimizer=Adam(lr=ExponentialDecay(0.05, 1, 0.9995)))
    assert gd.opt_losses[-1] < 1e-14
    np.testing.assert_allclose(gd.fixed_points, np.tile(exact, (6, 1)), atol=1e-5)
    lm = SlowPointFinder(linear_map, f_type=f_type, f_jac=linear_jac, vectorized=True,
                         verbose=False)
    lm.find_fps_with_opt_solver(cands, tolerance=1e-28)
    np.testing.assert_allclose(lm.fixed_points, np.tile(exact, (6, 1)), atol=1e-12)
    lm.keep_unique(1e-6)
    assert len(lm.fixed_points) == 1


def test_continuous_tanh_rnn_three_fixed_points():
    """F(x) = -x + tanh(2 x) per component: fixed points 0 and +/- x*, x* = tanh(2 x*)
    (0.957504...); the Jacobian there is diag(-1 + 2 sech^2(2 x)), exact."""
    xs = 1.0
    for _ in range(200):
        xs = np.tanh(2 * xs)

    def F(h):
        return -h + np.tanh(2 * h)

    def J(h):
        return np.stack([np.diag(-1 + 2 / np.cosh(2 * hi) ** 2) for hi in np.atleast_2d(h)])
    finder = SlowPointFinder(F, f_type="continuous", f_jac=J, vectorized=True, verbose=False)
    cands = np.array([[1.5, -0.2], [-1.2, 2.5], [0.1, -0.05]])
    finder.find_fps_with_opt_solver(cands, tolerance=1e-30)
    np.testing.assert_allclose(finder.fixed_points, [[xs, 0], [-xs, xs], [0, 0]], atol=1e-12)
    eig = np.linalg.eigvals(finder.compute_jacobians(finder.fixed_points[:1]))[0]
    np.testing.assert_allclose(sorted(eig.real), [-1 + 2 / np.cosh(2 * xs) ** 2, 1.0],
                               rtol=1e-10)


def test_blocked_gd_equals_unblocked():
    cands = RNG.standard_normal((37, 3))
    out = []
    for block in (0, 8 * 3 * 5):           # all at once, and blocks of 5 rows
        f = SlowPointFinder(linear_map, f_type="discrete", f_jac=linear_jac, vectorized=True,
                            verbose=False)
        f.find_fps_with_gd_method(cands, tolerance=0, num_batch=50, num_opt=200,
                                  optimizer=Adam(lr=ExponentialDecay(0.01, 1, 0.9999)),
                                  block_bytes=block)
        out.append((f.fixed_points, f.opt_losses))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-12)


def test_lm_stall_stops_at_a_slow_point_that_is_no_fixed_point():
    """F(x) = x^2 + 0.01 has no zero; the slowest point is 0 (loss 1e-4)."""
    F = lambda h: h ** 2 + 0.01                            # noqa: E731
    Jf = lambda h: np.stack([np.diag(2 * hi) for hi in np.atleast_2d(h)])  # noqa: E731
    finder = SlowPointFinder(F, f_type="continuous", f_jac=Jf, vectorized=True, verbose=False)
    finder.find_fps_with_opt_solver(np.array([[1.0], [-0.7]]), tolerance=1e-12, max_iter=200,
                                    stall_rtol=1e-3)
    assert len(finder.opt_losses) < 100
    np.testing.assert_allclose(finder.fixed_points[:, 0], 0.0, atol=0.02)


def test_cellmap_batched_vjp_equals_full_jacobian(tmp_path):
    net = Network(dt=100.0, seed=3)
    m = rate_rnn(net, 3, 12, 3)
    trainer = Trainer(net, inputs=m.inp, outputs=m.out, trainable=m.trainable,
                      loss="cross_entropy", optimizer=TrainAdam(lr=1e-3))
    cell = CellMap(trainer, m.rnn, inputs={m.inp: [1.0, 0.5, 0.5]})
    h = np.abs(np.random.default_rng(0).standard_normal((9, 12)))
    h[0, :4] = 0.0                                          # some relus off
    finder = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian, vectorized=True,
                             verbose=False)
    assert finder._cell_vjp is not None
    f, vjp = finder._cell_vjp(h)
    np.testing.assert_allclose(f, cell.f(h), rtol=1e-14, atol=1e-14)
    v = np.random.default_rng(1).standard_normal((9, 12))
    np.testing.assert_allclose(vjp(v), np.einsum("bij,bi->bj", cell.jacobian(h), v),
                               rtol=1e-12, atol=1e-14)
    # the fast gradient equals the one through the full Jacobians
    slow = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian, vectorized=True,
                           verbose=False)
    slow._cell_vjp = None
    np.testing.assert_allclose(finder._loss_and_grad(h)[1], slow._loss_and_grad(h)[1],
                               rtol=1e-12, atol=1e-18)


def test_line_attractor_summary_on_a_known_line():
    rng = np.random.default_rng(0)
    direction = rng.standard_normal(8)
    direction /= np.linalg.norm(direction)
    trials = np.outer(np.linspace(-2, 2, 200), direction) + 0.01 * rng.standard_normal((200, 8))
    points = np.outer(np.linspace(-0.5, 0.5, 30), direction)       # a quarter of the span
    jac = np.stack([np.eye(8) * 0.5 + 0.5 * np.outer(direction, direction)] * 30)
    out = line_attractor_summary(points, trials, jac)
    assert out["points"] == 30
    assert out["pc1_share"] == pytest.approx(1.0, abs=1e-12)
    assert out["span_ratio"] == pytest.approx(0.25, rel=0.02)
    assert out["leading_abs_eigenvalue"] == pytest.approx(1.0, rel=1e-12)


def test_keep_unique_and_exclude_outliers_follow_brainpys_rules():
    """BrainPy's keep_unique drops a point within tolerance (<=) of any earlier point,
    kept or not: on a chain 0 - 0.02 - 0.04 (tolerance 0.025) only the first survives;
    exclude_outliers keeps points whose nearest neighbour is strictly closer."""
    finder = SlowPointFinder(linear_map, f_type="discrete", vectorized=True, verbose=False)
    pts = np.array([[0.0, 0, 0], [0.02, 0, 0], [0.04, 0, 0], [1.0, 0, 0], [1.02, 0, 0]])
    finder._set(pts.copy())
    finder.keep_unique(0.025)
    np.testing.assert_array_equal(finder.selected_ids, [0, 3])
    finder._set(pts.copy())
    finder.keep_unique(0.0)
    assert len(finder.fixed_points) == 5
    finder._set(np.array([[0.0, 0, 0], [0.5, 0, 0], [3.0, 0, 0]]))
    finder.exclude_outliers(0.5)                      # 0.5 is not strictly closer than 0.5
    assert len(finder.fixed_points) == 0
    finder._set(np.array([[0.0, 0, 0], [0.5, 0, 0], [3.0, 0, 0]]))
    finder.exclude_outliers(0.6)
    np.testing.assert_array_equal(finder.selected_ids, [0, 1])


def test_user_vjp_gives_the_same_search_as_the_jacobian():
    """f_vjp(x, v) = J^T v replaces forming J; the search is the same."""
    cands = RNG.standard_normal((10, 3))
    runs = []
    for kw in ({"f_jac": linear_jac}, {"f_vjp": lambda x, v: v @ A}):
        f = SlowPointFinder(linear_map, f_type="discrete", vectorized=True, verbose=False, **kw)
        f.find_fps_with_gd_method(cands, tolerance=0, num_batch=100, num_opt=300,
                                  optimizer=Adam(lr=ExponentialDecay(0.01, 1, 0.9999)))
        runs.append(f.fixed_points)
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-12, atol=1e-15)
