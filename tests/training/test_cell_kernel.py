"""The compiled slow-point search (CellMap.adam_search, SlowPointFinder's default for a
CellMap) against the NumPy search: float64 to rounding, float32 within a stated
tolerance, the same bits on any number of threads; sizes that exercise the full
register tiles, the one-vector tiles and the scalar tail of the kernel's products;
a two-variable population; the stop and the optimizer's state. Seconds in all."""
import numpy as np
import pytest

from neurogen import Network
from neurogen.analysis import Adam, AnalysisError, ExponentialDecay, SlowPointFinder
from neurogen.models import rate_rnn
from neurogen.training import CellMap, Trainer
from trainutil import two_variable_network


@pytest.fixture(scope="module")
def cell():
    """83 units: the kernel's products take float32 tiles of 4 x 64 columns, one
    16-wide vector and 3 scalar columns (float64: 2 x 32, 2 x 8 and 3)."""
    net = Network(dt=100.0, seed=0)
    m = rate_rnn(net, 3, 83, 3)
    trainer = Trainer(net, m.inp, m.out, m.trainable)
    return CellMap(trainer, m.rnn, inputs={m.inp: [1.0, 0.5, 0.5]})


def _search(cell, cands, f_type="discrete", iters=300, **kw):
    finder = SlowPointFinder(cell.f, f_type=f_type, verbose=False)
    finder.find_fps_with_gd_method(cands, tolerance=0, num_batch=100, num_opt=iters,
                                   optimizer=Adam(lr=ExponentialDecay(0.01, 1, 0.9999)), **kw)
    return finder


def test_compiled_search_is_the_numpy_search(cell):
    cands = np.abs(np.random.default_rng(1).standard_normal((37, 83))) * 0.5
    ref = _search(cell, cands, compiled=False)
    dbl = _search(cell, cands, precision="double")
    flt = _search(cell, cands, precision="float")
    assert ref.opt_losses[-1] < 0.5 * ref.opt_losses[0]            # it did descend
    np.testing.assert_allclose(dbl.fixed_points, ref.fixed_points, rtol=0, atol=1e-12)
    np.testing.assert_allclose(dbl.opt_losses, ref.opt_losses, rtol=1e-12)
    # float32: Adam's step m / sqrt(v) is about +/-1 per component whatever the size of
    # the gradient, so where rounding flips the sign of a tiny gradient component (near a
    # relu kink) that component moves differently by up to the learning rate (0.01) for
    # a step (and its neighbours follow); most components agree to 1e-6
    diff = np.abs(flt.fixed_points - ref.fixed_points)
    assert diff.max() < 3e-3
    assert np.median(diff) < 1e-5
    np.testing.assert_allclose(flt.opt_losses, ref.opt_losses, rtol=2e-3)
    assert flt.fixed_points.dtype == np.float64


@pytest.mark.parametrize("precision", ["float", "double"])
def test_same_bits_on_any_number_of_threads(cell, precision):
    cands = np.abs(np.random.default_rng(3).standard_normal((90, 83)))
    one = _search(cell, cands, iters=200, precision=precision, num_threads=1)
    three = _search(cell, cands, iters=200, precision=precision, num_threads=3)
    np.testing.assert_array_equal(one.fixed_points, three.fixed_points)
    np.testing.assert_array_equal(one.opt_losses, three.opt_losses)


def test_two_variable_population_and_continuous_field():
    """v relaxes to the weighted sums, r = tanh(v): the state is (v, r); sympy's
    derivatives of both in both, and of the sums; f_type='continuous' takes the map's
    value as the field F."""
    trainer, inp, pop = two_variable_network()
    cell = CellMap(trainer, pop, inputs={inp: [0.3, -0.2]})
    cands = np.random.default_rng(4).standard_normal((11, 10))
    for f_type in ("discrete", "continuous"):
        ref = _search(cell, cands, f_type=f_type, compiled=False)
        dbl = _search(cell, cands, f_type=f_type, compiled=True)
        np.testing.assert_allclose(dbl.fixed_points, ref.fixed_points, rtol=0, atol=1e-12)
        np.testing.assert_allclose(dbl.opt_losses, ref.opt_losses, rtol=1e-12)


def test_stop_and_optimizer_state_as_the_numpy_search(cell):
    cands = np.abs(np.random.default_rng(6).standard_normal((20, 83)))
    runs = []
    for compiled in (False, True):
        opt = Adam(lr=0.02)
        finder = SlowPointFinder(cell, f_type="discrete", verbose=False)
        finder.find_fps_with_gd_method(cands, tolerance=1e-3, num_batch=50, num_opt=5000,
                                       optimizer=opt, compiled=compiled)
        runs.append((finder, opt))
    (ref, ropt), (cmp, copt) = runs
    assert len(cmp.opt_losses) == len(ref.opt_losses) < 5000      # stopped at a check
    assert copt.step_count == ropt.step_count == len(ref.opt_losses)
    np.testing.assert_allclose(copt.v, ropt.v, rtol=1e-9, atol=1e-30)
    np.testing.assert_allclose(cmp.fixed_points, ref.fixed_points, rtol=0, atol=1e-12)


def test_refusals(cell):
    cands = np.ones((2, 83))
    finder = SlowPointFinder(lambda h: 0.5 * h, f_type="discrete", vectorized=True,
                             verbose=False)
    with pytest.raises(AnalysisError, match="not a neurogen.training.CellMap"):
        finder.find_fps_with_gd_method(cands, compiled=True)
    with pytest.raises(AnalysisError, match="needs the compiled search"):
        finder.find_fps_with_gd_method(cands, precision="float")
    with pytest.raises(AnalysisError, match="precision must be"):
        _search(cell, cands, precision="half")
    with pytest.raises(AnalysisError, match="compiled must be"):
        _search(cell, cands, compiled="yes")


@pytest.mark.parametrize("precision", ["float", "double"])
def test_a_states_result_does_not_depend_on_its_block(cell, precision):
    """Blocks of 3 rows (one-row tiles only) against blocks of 16 (four-row tiles): the
    same operations per element, so the same bits; and the search runs on after a pause
    (two calls of 50 iterations = one of 100). The mean loss is summed per block, so
    only it depends on the blocks (to rounding)."""
    cands = np.abs(np.random.default_rng(8).standard_normal((23, 83)))
    out = []
    for rows, calls in ((16, (100,)), (3, (50, 50))):
        kernel = cell.adam_search("discrete", precision, rows=rows)
        x = cands.astype(kernel.dtype)
        m, v = np.zeros_like(x), np.zeros_like(x)
        losses, done = [], 0
        for n in calls:
            losses.extend(kernel.run(x, m, v, done, n, 0.01, 1.0, 0.9999))
            done += n
        out.append((x, m, v, np.array(losses)))
    for a, b in zip(out[0][:3], out[1][:3]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(out[0][3], out[1][3], rtol=1e-5 if precision == "float"
                               else 1e-13)
