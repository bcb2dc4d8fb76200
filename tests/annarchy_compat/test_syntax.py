"""ANNarchy 5 equation syntax (issue 10, items 1-5): each form is checked against the
same computation written in NumPy/Python, step by step (dt = 1 ms unless stated)."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.parser.lines import split_lines
from neurogen.parser.neuron import parse_neuron


def run(neuron, steps, size=3, dt=1.0, **attrs):
    net = ng.Network(dt=dt, seed=1)
    pop = net.create(geometry=size, neuron=neuron)
    for k, v in attrs.items():
        setattr(pop, k, v)
    net.compile()
    net.simulate(steps * dt)
    return net, pop


# -- 1. augmented assignments ------------------------------------------------------------
def test_augmented_assignments_update_every_step():
    neuron = ng.Neuron(parameters="tau = 4.0", equations="""
        a += t / tau
        b -= 2
        c *= 1.5 : init = 1.0
        d /= 2 : init = 64.0
    """)
    _, pop = run(neuron, steps=5)
    a, b, c, d = 0.0, 0.0, 1.0, 64.0
    for step in range(5):
        t = float(step)          # equations at step k see t = k * dt
        a, b, c, d = a + t / 4.0, b - 2, c * 1.5, d / 2
    np.testing.assert_allclose(pop.a, a, rtol=1e-15)
    np.testing.assert_allclose(pop.b, b, rtol=1e-15)
    np.testing.assert_allclose(pop.c, c, rtol=1e-15)
    np.testing.assert_allclose(pop.d, d, rtol=1e-15)


def test_augmented_assignment_lowered_text():
    line = split_lines("r += t/tau : init = 1.0")[0]
    assert line.body == "r = r + (t/tau)" and line.flags == {"init": "1.0"}


def test_augmented_assignment_on_a_derivative_is_refused():
    with pytest.raises(ng.ParseError, match=r"\+="):
        parse_neuron("", "dr/dt += 1", None, "N", {})


# -- 4. conditionals, booleans, continuation lines, ';' -----------------------------------
def test_if_colon_else_forms_match_python():
    neuron = ng.Neuron(parameters="state = 2.0", equations="""
        a = if (t is 1): 1.0 else: 0.0
        b = if (t <= 2):
                10
            else:
                if (t >= 4):
                    30
                else:
                    20
        dc/dt = if t > 1: 1 else: 0
        e = if t is not 3: 1 else: 0
        f = ite(state >= 2, 2, ite(state == 1, 1, 0))
    """)
    net = ng.Network(seed=1)
    pop = net.create(geometry=1, neuron=neuron)
    m = net.monitor(pop, ["a", "b", "c", "e"])
    net.compile()
    net.simulate(6)
    ts = np.arange(6.0)
    np.testing.assert_array_equal(m.get("a")[:, 0], np.where(ts == 1, 1.0, 0.0))
    np.testing.assert_array_equal(m.get("b")[:, 0], np.where(ts <= 2, 10, np.where(ts >= 4, 30, 20)))
    np.testing.assert_array_equal(m.get("c")[:, 0], np.cumsum(ts > 1))
    np.testing.assert_array_equal(m.get("e")[:, 0], np.where(ts != 3, 1.0, 0.0))
    assert pop.f[0] == 2.0


def test_one_line_conditional_in_a_function_and_true_false():
    neuron = ng.Neuron(parameters="flag = true : bool\noff = false : bool",
                       equations="r = g(t) + if flag and not off: 100 else: 0",
                       functions="g(x) = if x > 2: if x > 4 : (x - 4)^2 else: x - 2 else: 0.")
    _, pop = run(neuron, steps=7, size=1)
    t = 6.0                                  # the last step computed
    assert pop.r[0] == pytest.approx(((t - 4) ** 2) + 100)
    assert pop.flag is True or pop.flag == 1


def test_continuation_lines_and_semicolons():
    lines = split_lines("""
        tau * dmp/dt + mp = 1.0
                            + 2.0 * x : min = 0.0
        a = 1; b = 2 : init = 3
        c = (1 +
             2)
    """)
    assert [l.body for l in lines] == ["tau * dmp/dt + mp = 1.0 + 2.0 * x", "a = 1", "b = 2",
                                       "c = (1 + 2)"]
    assert lines[0].flags == {"min": "0.0"} and lines[2].flags == {"init": "3"}
    neuron = ng.Neuron(parameters="tau = 2.0; x = 1.0", equations="""
        tau * dmp/dt + mp = 1.0
                            + 2.0 * x
        r = mp; s = 2 * mp
    """)
    _, pop = run(neuron, steps=4, size=1)
    mp = 0.0
    for _ in range(4):
        mp += (3.0 - mp) / 2.0
    np.testing.assert_allclose([pop.r[0], pop.s[0]], [mp, 2 * mp], rtol=1e-14)


# -- 3. init = another attribute ---------------------------------------------------------
def test_init_refers_to_a_parameter():
    ir = parse_neuron("base = 3.0\ngain = 2.0", "dx/dt = -x : init = base\n"
                      "y = x : init = gain * base", None, "N", {})
    assert ir.attribute("x").init == 3.0 and ir.attribute("y").init == 6.0
    with pytest.raises(ng.UnknownNameError, match="later"):    # declared below: not yet known
        parse_neuron("", "x = 1 : init = later\nlater = 2", None, "N", {})
    with pytest.raises(ng.ParseError, match="not a real number"):
        parse_neuron("a = -1.0", "x = 1 : init = sqrt(a)", None, "N", {})


# -- 2. ANNarchy 5 definition objects ------------------------------------------------------
def test_parameter_dict_and_variable_list():
    neuron = ng.Neuron(
        parameters=dict(tau=10.0, baseline=ng.Parameter(0.5, locality="local"),
                        n=ng.Parameter(3, type=int, locality="global"), on=True),
        equations=["r = baseline + n",
                   ng.Variable("tau * dv/dt = 1 - v", init=0.2, min=0.0, max=0.9,
                               method="exponential")])
    ir = neuron.parse()
    loc = {a.name: (a.locality, a.ctype, a.init) for a in ir.attributes}
    assert loc["tau"] == ("global", "real", 10.0)      # a plain value: one per population
    assert loc["baseline"] == ("local", "real", 0.5)
    assert loc["n"] == ("global", "int", 3)
    assert loc["on"] == ("global", "bool", True)
    assert loc["v"] == ("local", "real", 0.2)
    eq = next(e for e in ir.equations if e.target == "v")
    assert eq.method == "exponential" and [float(b) for b in eq.bounds] == [0.0, 0.9]
    synapse = ng.Synapse(parameters=dict(eta=0.1, tau=ng.Parameter(5.0, locality="semiglobal")),
                         equations=[ng.Variable("w = eta", locality="local")])
    assert "eta = 0.1 : projection" in synapse.parameters
    assert "tau = 5.0 : postsynaptic" in synapse.parameters
    with pytest.raises(ng.ModelError, match="semiglobal"):
        ng.Neuron(parameters=dict(a=ng.Parameter(1.0, locality="semiglobal")))
    with pytest.raises(ng.ModelError, match="random initial value"):
        ng.Neuron(parameters=dict(a=ng.Parameter(ng.Uniform(0, 1))))


def test_unknown_neuron_argument_names_the_closest():
    with pytest.raises(ng.NeurogenError, match="did you mean 'equations'"):
        ng.Neuron(equation="r = 1")


# -- 5. add_function and module-level constants --------------------------------------------
def test_add_function_and_module_level_constant_in_a_later_network():
    ng.add_function("compat_sq(x) = x * x")
    ng.Constant("compat_k", 3.0)                        # no network: every later one has it
    net = ng.Network(seed=2)
    pop = net.create(geometry=2, neuron=ng.Neuron(equations="r = compat_sq(t) + compat_k"))
    net.compile()
    net.simulate(4)
    np.testing.assert_allclose(pop.r, 3.0 ** 2 + 3.0)   # last step: t = 3
    pop2_net = ng.Network()
    assert "compat_k" in pop2_net.constants


def test_functions_are_callable_from_python_with_lists():
    neuron = ng.Neuron(equations="r = 0", functions="f(x, y) = if x > y: x - y else: 0")
    net = ng.Network()
    pop = net.create(geometry=1, neuron=neuron)
    np.testing.assert_allclose(pop.f([0.0, 3.0, 5.0], [1.0, 1.0, 1.0]), [0.0, 2.0, 4.0])
