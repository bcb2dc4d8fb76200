"""Each integration method against analytic solutions, with its order of convergence.

dt is runtime data, so one compiled network serves every step size.
"""
import numpy as np
import pytest

import neurogen as ng
from netutil import make_network

# every test runs on each backend that can run here
pytestmark = pytest.mark.usefixtures("paradigm")

TAU, DRIVE, X0, T_END = 5.0, 2.0, 1.0, 10.0


def relaxation(method):
    """tau dx/dt = -x + I, x(0) = X0  →  x(t) = I + (X0 - I) exp(-t/tau)."""
    net = make_network()
    neuron = ng.Neuron(parameters=f"tau = {TAU}\nI = {DRIVE}",
                       equations=f"tau * dx/dt = -x + I : init={X0}, {method}")
    pop = ng.Population(3, neuron, net=net)
    net.compile()
    return net, pop


def error_at(net, pop, dt):
    net.setup(dt=dt)
    net.reset()
    net.simulate(T_END)
    exact = DRIVE + (X0 - DRIVE) * np.exp(-T_END / TAU)
    return abs(pop.x[0] - exact)


@pytest.mark.parametrize("method, order", [("explicit", 1), ("midpoint", 2), ("rk4", 4),
                                           ("implicit", 1)])
def test_convergence_order(method, order):
    net, pop = relaxation(method)
    errors = [error_at(net, pop, dt) for dt in (0.5, 0.25, 0.125)]
    observed = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    np.testing.assert_allclose(observed, order, atol=0.15)


def test_exponential_is_exact_for_linear_odes():
    net, pop = relaxation("exponential")
    for dt in (2.0, 0.5, 0.1):
        assert error_at(net, pop, dt) < 1e-13


def test_explicit_euler_single_step_matches_formula():
    net, pop = relaxation("explicit")
    net.setup(dt=0.1)
    net.step()
    assert pop.x[0] == pytest.approx(X0 + 0.1 * (DRIVE - X0) / TAU, abs=1e-15)


def test_coupled_odes_are_integrated_jointly():
    """Harmonic oscillator dx/dt = v, dv/dt = -x: explicit Euler on the pair multiplies
    x² + v² by exactly (1 + dt²) per step (a sequential update would conserve it)."""
    net = make_network(dt=0.01)
    osc = ng.Neuron(equations="dx/dt = v : init=1.0\ndv/dt = -x : init=0.0")
    pop = ng.Population(1, osc, net=net)
    net.compile()
    net.simulate(1.0)   # 100 steps
    energy = pop.x[0] ** 2 + pop.v[0] ** 2
    assert energy == pytest.approx((1 + 0.01 ** 2) ** 100, rel=1e-12)


def test_rk4_on_the_oscillator_follows_cos_sin():
    net = make_network(dt=0.05)
    osc = ng.Neuron(equations="dx/dt = v : init=1.0, rk4\ndv/dt = -x : init=0.0, rk4")
    pop = ng.Population(1, osc, net=net)
    net.compile()
    net.simulate(2.0)
    assert pop.x[0] == pytest.approx(np.cos(2.0), abs=1e-7)
    assert pop.v[0] == pytest.approx(-np.sin(2.0), abs=1e-7)


def test_bounds_apply_after_each_update_and_may_be_expressions():
    net = make_network()
    neuron = ng.Neuron(parameters="top = 0.3", equations="dx/dt = 1.0 : min=-1, max=top\n"
                                                         "y = -5 : min=-1")
    pop = ng.Population(4, neuron, net=net)
    net.compile()
    net.simulate(5.0)
    np.testing.assert_array_equal(pop.x, 0.3)
    np.testing.assert_array_equal(pop.y, -1.0)
    pop.top = 2.5     # a parameter in a bound is runtime data
    net.simulate(5.0)
    np.testing.assert_array_equal(pop.x, 2.5)


def test_assignments_see_values_updated_earlier_in_the_step():
    net = make_network()
    neuron = ng.Neuron(equations="dx/dt = 1.0\ny = x\nz = t + dt")
    pop = ng.Population(2, neuron, net=net)
    net.compile()
    net.simulate(3.0)
    np.testing.assert_array_equal(pop.y, pop.x)
    np.testing.assert_array_equal(pop.x, 3.0)
    np.testing.assert_array_equal(pop.z, 3.0)   # t of the last step (2.0) + dt


def test_population_wide_variables_and_functions():
    net = make_network()
    neuron = ng.Neuron(parameters="g = 2.0 : population",
                       equations="c = g * 3 : population\nr = sigmoid(c - 6) + modulo(7, 3)",
                       functions="sigmoid(x) = 1 / (1 + exp(-x))")
    pop = ng.Population((2, 2), neuron, net=net)
    net.compile()
    net.step()
    assert pop.c == 6.0
    np.testing.assert_allclose(pop.r, 0.5 + 1.0)
