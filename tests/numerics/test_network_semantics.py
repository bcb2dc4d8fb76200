"""Delays, weighted sums, global operations, random draws and determinism."""
import numpy as np
import pytest

import neurogen as ng
from netutil import make_network

SOURCE = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
SINK = ng.Neuron(equations="r = sum(exc)")


def chain(delay, storage="auto", **connect):
    net = make_network()
    src = ng.Population(5, SOURCE, net=net)
    dst = ng.Population(5, SINK, net=net)
    proj = ng.Projection(src, dst, "exc", net=net)
    proj.connect_one_to_one(weights=1.0, delays=delay, storage_format=storage)
    net.compile()
    return net, src, dst


@pytest.mark.parametrize("delay_ms, lag", [(0.0, 1), (1.0, 1), (3.0, 3), (20.0, 20)])
@pytest.mark.parametrize("storage", ["csr", "dense", "fft"])
def test_delay_semantics(delay_ms, lag, storage):
    """An impulse written at step s reaches the sum ``lag`` steps later, ANNarchy's rule:
    a delay of d > 1 steps reads r(t - d); 0 or 1 step reads the previous step's r."""
    net, src, dst = chain(delay_ms, storage)
    seen = []
    for s in range(lag + 5):
        src.baseline = 1.0 if s == 2 else 0.0
        net.step()
        seen.append(dst.r[0])
    assert np.nonzero(seen)[0].tolist() == [2 + lag]


def test_delay_buffer_starts_with_initial_rates():
    net = make_network()
    src = ng.Population(3, ng.Neuron(equations="r = 0.0 : init=0.7"), net=net)
    dst = ng.Population(3, SINK, net=net)
    ng.Projection(src, dst, "exc", net=net).connect_one_to_one(1.0, delays=4.0)
    net.compile()
    values = []
    for _ in range(6):
        net.step()
        values.append(dst.r[0])
    np.testing.assert_allclose(values, [0.7, 0.7, 0.7, 0.7, 0.0, 0.0])


def test_random_per_synapse_delays():
    net = make_network()
    src = ng.Population(1, SOURCE, net=net)
    dst = ng.Population(4, SINK, net=net)
    proj = ng.Projection(src, dst, "exc", net=net)
    proj.connect_all_to_all(1.0, delays=ng.DiscreteUniform(2, 6))
    net.compile()
    steps = proj.delay_steps()
    arrival = np.full(4, -1)
    for s in range(12):
        src.baseline = 1.0 if s == 0 else 0.0
        net.step()
        arrival[(dst.r > 0) & (arrival < 0)] = s
    np.testing.assert_array_equal(arrival, steps)


def test_weighted_sums_match_matrix_products():
    rng = np.random.default_rng(3)
    W = rng.normal(size=(6, 8))
    W[rng.random(W.shape) < 0.6] = np.nan          # sparse → CSR
    for storage in ("dense", "csr"):
        net = make_network()
        src = ng.Population(8, SOURCE, net=net)
        dst = ng.Population(6, ng.Neuron(equations="r = sum(exc) - 2 * sum(inh)"), net=net)
        ng.Projection(src, dst, "exc", net=net).connect_from_matrix(W, storage_format=storage)
        ng.Projection(src, dst, "inh", net=net).connect_all_to_all(0.25)
        net.compile()
        x = rng.normal(size=8)
        src.baseline = x
        net.step()   # rates are written
        net.step()   # sums read them
        expected = np.nan_to_num(W) @ x - 2 * 0.25 * x.sum()
        np.testing.assert_allclose(dst.r, expected, rtol=1e-13, atol=1e-13)


def test_weights_are_runtime_data():
    net, src, dst = chain(0.0)
    proj = net.projections[0]
    proj.w = 3.0
    src.baseline = 1.0
    net.step(); net.step()
    np.testing.assert_allclose(dst.r, 3.0)
    assert [list(w) for w in proj.w] == [[3.0]] * 5


def test_global_operations_read_the_previous_step():
    """mean/max/min/norm1/norm2 are computed at the end of a step (ANNarchy): 0 at the
    first step, then the values of the rates at the end of the previous step."""
    net = make_network()
    neuron = ng.Neuron(parameters="x = 0.0", equations="r = x\n"
                       "m = mean(r)\nhi = max(r)\nlo = min(r)\nn1 = norm1(r)\nn2 = norm2(r)")
    pop = ng.Population(4, neuron, net=net)
    net.compile()
    values = np.array([1.0, -2.0, 3.0, 0.5])
    pop.x = values
    net.step()
    for name in ("m", "hi", "lo", "n1", "n2"):
        np.testing.assert_array_equal(getattr(pop, name), 0.0)
    pop.x = 0.0
    net.step()
    np.testing.assert_allclose(pop.m, values.mean())
    np.testing.assert_allclose(pop.hi, values.max())
    np.testing.assert_allclose(pop.lo, values.min())
    np.testing.assert_allclose(pop.n1, np.abs(values).sum())
    np.testing.assert_allclose(pop.n2, np.sqrt((values ** 2).sum()))


def test_total_is_computed_in_place():
    """CANN-style divisive normalisation: r = u² / (1 + k Σ u²) with the updated u."""
    net = make_network()
    neuron = ng.Neuron(parameters="k = 0.5\nI = 0.0",
                       equations="du/dt = -u + I\nr = u^2 / (1 + k * total(u^2))")
    pop = ng.Population(6, neuron, net=net)
    net.compile()
    drive = np.linspace(0.0, 2.0, 6)
    pop.I = drive
    u = np.zeros(6)
    for _ in range(5):
        net.step()
        u = u + 1.0 * (-u + drive)
    np.testing.assert_allclose(pop.u, u, rtol=1e-14)
    np.testing.assert_allclose(pop.r, u ** 2 / (1 + 0.5 * np.sum(u ** 2)), rtol=1e-14)


def uniform_and_normal(threads, seed=7, steps=50):
    net = make_network(seed=seed, num_threads=threads)
    neuron = ng.Neuron(equations="u = Uniform(-1.0, 3.0)\nz = Normal(2.0, 0.5)\n"
                                 "e = Exponential(2.0)")
    pop = ng.Population(40000, neuron, net=net)
    mon = ng.Monitor(pop, ["u", "z", "e"], net=net)
    net.compile()
    net.simulate(steps)
    return mon.get(["u", "z", "e"])


def test_random_moments_and_fresh_draws():
    data = uniform_and_normal(1, steps=3)
    u, z, e = data["u"], data["z"], data["e"]
    n = u.size
    assert u.min() >= -1.0 and u.max() < 3.0
    # 5-sigma tolerances on the sample mean and variance
    assert abs(u.mean() - 1.0) < 5 * np.sqrt(16 / 12 / n)
    assert abs(u.var() - 16 / 12) < 5 * 16 / 12 * np.sqrt(0.8 / n)
    assert abs(z.mean() - 2.0) < 5 * 0.5 / np.sqrt(n)
    assert abs(z.std() - 0.5) < 5 * 0.5 / np.sqrt(2 * n)
    assert abs(e.mean() - 0.5) < 5 * 0.5 / np.sqrt(n)
    assert not np.array_equal(u[0], u[1])                         # fresh each step
    assert abs(np.corrcoef(u[0].ravel(), u[1].ravel())[0, 1]) < 5 / np.sqrt(u[0].size)


def test_same_seed_bit_identical_across_runs_and_threads():
    one = uniform_and_normal(1)
    two = uniform_and_normal(2)
    again = uniform_and_normal(1)
    other = uniform_and_normal(1, seed=8)
    for key in one:
        assert np.array_equal(one[key], two[key])
        assert np.array_equal(one[key], again[key])
        assert not np.array_equal(one[key], other[key])


def test_total_in_population_wide_equations_and_bounds():
    net = make_network()
    neuron = ng.Neuron(parameters="x = 1.0",
                       equations="s = total(x) : population\nr = 10 : max=total(x) / 2")
    pop = ng.Population(4, neuron, net=net)
    net.compile()
    pop.x = [1.0, 2.0, 3.0, 4.0]
    net.step()
    assert pop.s == 10.0
    np.testing.assert_array_equal(pop.r, 5.0)


def test_max_min_pos_clip_and_bounds_as_numpy_and_fmax_with_nan(tmp_path):
    """max/min/pos/clip and min=/max= bounds (printed as comparisons, so the loops
    vectorise) against NumPy, in float and double; a NaN argument loses to a number, as
    C's fmax/fmin (and ANNarchy's pos) decide: pos(NaN) = 0, max(NaN, 2) = 2."""
    x = np.array([-3.0, -0.5, 0.0, 0.25, 0.5, 2.0, 7.0, np.nan])
    for precision in ("double", "float"):
        net = ng.Network(precision=precision)
        pop = net.create(x.size, ng.Neuron(parameters="x = 0.0", equations="""
            a = pos(x)
            b = max(x, 0.5)
            c = min(0.5, x)
            d = clip(x, -1.0, 1.0)
            e = x : min = -1.0, max = 1.0
        """))
        pop.x = x
        net.compile(directory=str(tmp_path / precision))
        net.config(check_finite=False)
        net.step()
        dtype = net.real_dtype
        xd = x.astype(dtype)
        expected = {"a": np.fmax(xd, 0), "b": np.fmax(xd, 0.5), "c": np.fmin(0.5, xd),
                    "d": np.fmin(np.fmax(xd, -1.0), 1.0)}
        for name, want in expected.items():
            np.testing.assert_array_equal(getattr(pop, name), want.astype(dtype), err_msg=name)
        bounded = np.clip(xd[:-1], -1.0, 1.0)          # a bound keeps a NaN (no test holds)
        np.testing.assert_array_equal(pop.e[:-1], bounded)
        assert np.isnan(pop.e[-1])
