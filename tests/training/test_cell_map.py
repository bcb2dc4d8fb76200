"""CellMap: the trained update as a map (for fixed points) agrees with the training
kernel's step, and its Jacobian with finite differences; SlowPointFinder uses it."""
import numpy as np
import pytest

from neurogen import Network
from neurogen.analysis import SlowPointFinder
from neurogen.models import rate_rnn
from neurogen.training import CellMap, Trainer, TrainingError
from trainutil import two_variable_network


def _trainer(hidden=10, seed=0):
    net = Network(dt=100.0, seed=seed)
    m = rate_rnn(net, 3, hidden, 3)
    return Trainer(net, m.inp, m.out, m.trainable), m


def test_map_is_the_kernel_step_and_jacobian_is_exact():
    trainer, m = _trainer()
    x = np.array([1.0, 0.5, 0.5])
    cell = CellMap(trainer, m.rnn, inputs={m.inp: x})
    rng = np.random.default_rng(0)
    h = np.abs(rng.normal(size=(4, 10)))
    # one kernel step from the initial state (0), input clamped to x
    trainer.predict(np.broadcast_to(x, (1, 1, 3)).copy())
    start = trainer.model.history("rnn")[1, 0].copy()
    np.testing.assert_allclose(cell.f(np.zeros((1, 10)))[0], start, rtol=1e-13, atol=1e-15)
    J = cell.jacobian(h)
    eps = 1e-6
    for j in range(10):
        dh = np.zeros(10)
        dh[j] = eps
        fd = (cell.f(h + dh) - cell.f(h - dh)) / (2 * eps)
        np.testing.assert_allclose(J[:, :, j], fd, rtol=1e-6, atol=1e-9)


def test_two_variable_population_jacobian():
    trainer, inp, pop = two_variable_network()
    cell = CellMap(trainer, pop, inputs={inp: [0.3, -0.2]})
    assert cell.dim == 10
    h = np.random.default_rng(2).normal(size=(3, 10))
    J = cell.jacobian(h)
    for j in range(10):
        dh = np.zeros(10)
        dh[j] = 1e-6
        fd = (cell.f(h + dh) - cell.f(h - dh)) / 2e-6
        np.testing.assert_allclose(J[:, :, j], fd, rtol=1e-6, atol=1e-9)
    finder = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian, vectorized=True,
                             verbose=False)
    finder.find_fps_with_opt_solver(h, tolerance=1e-20)
    fp = finder.fixed_points
    np.testing.assert_allclose(cell.f(fp), fp, atol=1e-9)


def test_cell_map_checks_its_inputs():
    trainer, m = _trainer()
    with pytest.raises(TrainingError, match="give a value"):
        CellMap(trainer, m.rnn)
    with pytest.raises(TrainingError, match="takes 3 values"):
        CellMap(trainer, m.rnn, inputs={m.inp: [1.0, 0.5]})
    with pytest.raises(TrainingError, match="not a trained"):
        CellMap(trainer, m.inp, inputs={m.inp: [1.0, 0.5, 0.5]})
