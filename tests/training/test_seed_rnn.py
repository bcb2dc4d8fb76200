"""The seed's RNN (Yang & Wang 2020): generated BPTT against an independent NumPy
implementation, batched runs against single runs and against ``simulate()``,
determinism."""
import numpy as np
import pytest

from neurogen import Network
from neurogen.models import rate_rnn
from neurogen.tasks import PerceptualDecisionMaking
from neurogen.training import Adam, Trainer


def seed_rnn(hidden=16, seed=0, precision="double"):
    net = Network(dt=100.0, seed=seed, precision=precision)
    m = rate_rnn(net, 3, hidden, 3)
    return net, m


def numpy_loss_and_grads(w_ir, w_rr, b_rr, w_ro, b_ro, xs, ys, alpha):
    """The seed's cell, readout and mean cross-entropy, and their BPTT gradients, written
    directly in NumPy (weights as in the seed: (in, out) matrices)."""
    steps, batch, _ = xs.shape
    h = np.zeros((steps + 1, batch, w_rr.shape[0]))
    pre = np.zeros((steps, batch, w_rr.shape[0]))
    for t in range(steps):
        pre[t] = h[t] * (1 - alpha) + alpha * (xs[t] @ w_ir + h[t] @ w_rr + b_rr)
        h[t + 1] = np.maximum(pre[t], 0.0)
    o = h[1:] @ w_ro + b_ro
    p = np.exp(o - o.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    n = steps * batch
    loss = -np.mean(np.log(np.take_along_axis(p, ys[..., None], -1)))
    do = p.copy()
    np.put_along_axis(do, ys[..., None], np.take_along_axis(do, ys[..., None], -1) - 1, -1)
    do /= n
    g = {"w_out": np.einsum("tbh,tbo->ho", h[1:], do), "out.b": do.sum((0, 1))}
    dh_next = np.zeros_like(h[0])
    g_ir, g_rr, g_b = np.zeros_like(w_ir), np.zeros_like(w_rr), np.zeros_like(b_rr)
    for t in reversed(range(steps)):
        dh = do[t] @ w_ro.T + dh_next
        dpre = dh * (pre[t] > 0)
        g_ir += alpha * xs[t].T @ dpre
        g_rr += alpha * h[t].T @ dpre
        g_b += alpha * dpre.sum(0)
        dh_next = dpre * (1 - alpha) + alpha * dpre @ w_rr.T
    g.update({"w_in": g_ir, "w_rec": g_rr, "rnn.b": g_b})
    return loss, g


def assert_matches_numpy(trainer, xs, ys, tol=1e-10):
    """Loss (1e-12) and every gradient (``tol``, norm-wise) equal the NumPy BPTT's."""
    loss, grads = trainer.gradient(xs, ys)
    v = trainer.values()
    ref_loss, ref = numpy_loss_and_grads(v["w_in"].T, v["w_rec"].T, v["rnn.b"],
                                         v["w_out"].T, v["out.b"], xs, ys, alpha=1.0)
    assert abs(loss - ref_loss) <= 1e-12 * abs(ref_loss)
    for name, matrix in (("w_in", True), ("w_rec", True), ("w_out", True),
                         ("rnn.b", False), ("out.b", False)):
        mine = grads[name].T if matrix else grads[name]
        err = np.linalg.norm(mine - ref[name]) / np.linalg.norm(ref[name])
        assert err <= tol, (name, err)


def test_bptt_matches_numpy_reference():
    net, m = seed_rnn(hidden=24)
    trainer = Trainer(net, m.inp, m.out, m.trainable)
    assert_matches_numpy(trainer, *PerceptualDecisionMaking(dt=100, seed=4).dataset(5, 60, seed=4)())


def test_dt_below_tau_matches_numpy_reference():
    net = Network(dt=20.0, seed=5)
    m = rate_rnn(net, 3, 10, 3)
    trainer = Trainer(net, m.inp, m.out, m.trainable)
    xs, ys = PerceptualDecisionMaking(dt=20, seed=5).dataset(3, 40, seed=5)()
    _, grads = trainer.gradient(xs, ys)
    v = trainer.values()
    _, ref = numpy_loss_and_grads(v["w_in"].T, v["w_rec"].T, v["rnn.b"], v["w_out"].T,
                                  v["out.b"], xs, ys, alpha=0.2)
    err = np.linalg.norm(grads["w_rec"].T - ref["w_rec"]) / np.linalg.norm(ref["w_rec"])
    assert err <= 1e-10


def test_batched_forward_equals_single_runs():
    net, m = seed_rnn(hidden=20)
    trainer = Trainer(net, m.inp, m.out, m.trainable)
    xs, _ = PerceptualDecisionMaking(dt=100, seed=1).dataset(6, 50, seed=1)()
    batched = trainer.predict(xs)
    for b in range(xs.shape[1]):
        single = trainer.predict(xs[:, b:b + 1])
        np.testing.assert_array_equal(single[:, 0], batched[:, b])


def test_forward_matches_simulate():
    """The training kernel computes what the network's own simulate() computes."""
    net, m = seed_rnn(hidden=12)
    trainer = Trainer(net, m.inp, m.out, m.trainable)
    xs, _ = PerceptualDecisionMaking(dt=100, seed=2).dataset(1, 30, seed=2)()
    outputs = trainer.predict(xs)
    net.compile()
    rates = []
    for t in range(xs.shape[0] + trainer.lag):
        m.inp.r = xs[t, 0] if t < xs.shape[0] else 0.0
        net.step()
        rates.append(m.out.r.copy())
    np.testing.assert_allclose(np.array(rates[trainer.lag:]), outputs[:, 0], rtol=1e-12,
                               atol=1e-12)


def _train(seed, iterations, hidden=32):
    net, m = seed_rnn(hidden=hidden, seed=seed)
    trainer = Trainer(net, m.inp, m.out, m.trainable, optimizer=Adam(lr=3e-3), clip_norm=1.0)
    data = PerceptualDecisionMaking(dt=100, seed=seed).dataset(16, 40)
    history = trainer.fit(data, iterations, progress=False, log_every=20)
    return trainer, history


def test_training_is_deterministic_for_a_seed():
    a, ha = _train(7, 20)
    b, hb = _train(7, 20)
    assert ha["loss"] == hb["loss"]
    for name, value in a.values().items():
        np.testing.assert_array_equal(value, b.values()[name])
    c, hc = _train(8, 20)
    assert hc["loss"] != ha["loss"]


def test_small_training_run_learns():
    """CI form of the seed's training: the loss falls and decisions become right
    (accuracy on decision steps starts near 0: the untrained network keeps fixating)."""
    trainer, history = _train(0, 200)
    assert np.mean(history["loss"][-10:]) < 0.2 * np.mean(history["loss"][:10])
    assert history["mean_accuracy"][0] < 0.3 and history["mean_accuracy"][-1] > 0.6


@pytest.mark.heavy
def test_seed_training_and_line_attractor():
    """The seed's setup: 1500 iterations of batch 16 x 100 steps, 64 hidden units,
    Adam(1e-3); accuracy on decision steps (label > 0) over the last 100 iterations.
    Then its analysis: slow points of the cell with input [1, .5, .5], searched by
    gradient descent from visited states, form a line (PC 1 > 90 % of their variance)
    and the Jacobian there has a leading eigenvalue within 0.05 of 1."""
    from neurogen.analysis import Adam as PointAdam, ExponentialDecay, SlowPointFinder
    from neurogen.analysis.plot import principal_components
    from neurogen.training import CellMap
    net, m = seed_rnn(hidden=64, seed=0)
    trainer = Trainer(net, m.inp, m.out, m.trainable, optimizer=Adam(lr=1e-3))
    task = PerceptualDecisionMaking(dt=100, seed=0)
    history = trainer.fit(task.dataset(16, 100), 1500, progress=False)
    assert history["mean_accuracy"][-1] >= 0.85
    xs = np.stack([task.new_trial().ob for _ in range(100)], axis=1)
    trainer.predict(xs)
    visited = trainer.model.history("rnn")[1:xs.shape[0] + 1].reshape(-1, 64)
    cell = CellMap(trainer, m.rnn, inputs={m.inp: [1.0, 0.5, 0.5]})
    finder = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian,
                             vectorized=True, verbose=False)
    pick = np.random.default_rng(0).choice(len(visited), 200, replace=False)
    finder.find_fps_with_gd_method(visited[pick], tolerance=1e-5, num_batch=200,
                                   optimizer=PointAdam(lr=ExponentialDecay(0.01, 1, 0.9999)))
    finder.filter_loss(1e-5)
    points = finder.fixed_points
    assert len(points) >= 20
    assert principal_components(points, 1)[2][0] > 0.9
    leading = np.abs(np.linalg.eigvals(finder.compute_jacobians(points))).max(axis=1)
    assert abs(np.median(leading) - 1.0) <= 0.05


def test_float32_gradients_are_close_to_double():
    xs, ys = PerceptualDecisionMaking(dt=100, seed=3).dataset(4, 40, seed=3)()
    results = []
    for precision in ("double", "float"):
        net, m = seed_rnn(hidden=16, seed=3, precision=precision)
        results.append(Trainer(net, m.inp, m.out, m.trainable).gradient(xs, ys)[1])
    for name in results[0]:
        err = np.linalg.norm(results[1][name] - results[0][name]) / \
            np.linalg.norm(results[0][name])
        assert err < 1e-4, name
