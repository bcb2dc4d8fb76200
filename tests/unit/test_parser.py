"""Equation strings → IR: forms of ODEs, flags, names, functions (no compiler needed)."""
import pytest
import sympy as sp

from neurogen.errors import FlagError, ODEError, ParseError, UnknownFunctionError, UnknownNameError
from neurogen.parser.neuron import parse_neuron

r, tau, I, u = sp.symbols("r tau I u")


def parse(parameters="", equations="", functions=None, constants=None, method="explicit"):
    return parse_neuron(parameters, equations, functions, "TestNeuron", constants or {}, method)


@pytest.mark.parametrize("text", [
    "tau * dr/dt + r = I",
    "dr/dt = (I - r) / tau",
    "tau * dr/dt = I - r",
    "dr/dt * tau = I - r",
    "r + tau*dr/dt - I = 0",
])
def test_ode_arrangements_give_the_same_derivative(text):
    ir = parse("tau = 10.0\nI = 1.0", text)
    (eq,) = ir.equations
    assert eq.kind == "ode" and eq.target == "r"
    assert sp.simplify(eq.rhs - (I - r) / tau) == 0


def test_flags_init_bounds_locality_and_types():
    ir = parse("tau = 10.0 : population\nn = 3 : int\nflag = True : bool",
               "tau * dr/dt + r = 1 : init=0.5, min=0.0, max=tau\ncount = n + 1 : int")
    assert ir.attribute("tau").locality == "global"
    assert ir.attribute("n").ctype == "int" and ir.attribute("n").init == 3
    assert ir.attribute("flag").ctype == "bool" and ir.attribute("flag").init is True
    assert ir.attribute("r").init == 0.5
    eq = ir.equations[0]
    assert float(eq.bounds[0]) == 0.0 and eq.bounds[1] == tau
    assert ir.attribute("count").ctype == "int"


def test_methods_as_bare_flag_keyword_and_default():
    ir = parse("", "dr/dt = -r : midpoint\ndu/dt = -u : method=rk4\ndv/dt = -v", method="implicit")
    assert [e.method for e in ir.equations] == ["midpoint", "rk4", "implicit"]


def test_conditionals_and_functions():
    ir = parse("x = 0.0", "r = if x > 0 then sigmoid(x) else ite(x < -1, -1, 0)\n"
               "u = clip(x, 0, 1) + pos(x) + neg(x) + modulo(x, 3) + power(x, 2)",
               functions="sigmoid(y) = 1 / (1 + exp(-y))")
    x = sp.Symbol("x")
    rhs = ir.equations[0].rhs
    assert isinstance(rhs, sp.Piecewise)
    assert rhs.subs(x, 2.0) == pytest.approx(1 / (1 + 2.718281828459045 ** -2))
    assert rhs.subs(x, -2.0) == -1 and rhs.subs(x, -0.5) == 0


def test_nested_if_then_else():
    ir = parse("x = 0.0", "r = if x > 1 then 2 else if x > 0 then 1 else 0")
    rhs, x = ir.equations[0].rhs, sp.Symbol("x")
    assert [rhs.subs(x, v) for v in (3, 0.5, -1)] == [2, 1, 0]


@pytest.mark.parametrize("name", ["I", "E", "S", "N", "beta", "gamma", "lambda", "pi",
                                  "int", "double", "new", "class", "delete", "register"])
def test_special_names_are_ordinary_variables(name):
    ir = parse(f"{name} = 2.0", f"r = {name} * 3")
    assert ir.equations[0].rhs == 3 * sp.Symbol(name)


def test_sums_randoms_and_global_operations_are_recorded():
    ir = parse("", "r = sum(exc) - sum(inh) + Uniform(-1, 1) + Normal(0, 1)\n"
               "u = mean(r) + max(r) + total(r^2) + max(r, 0.5)")
    assert ir.targets == ("exc", "inh")
    assert [rv.distribution for rv in ir.randoms] == ["Uniform", "Normal"]
    assert [red.op for red in ir.reductions] == ["mean", "max", "total"]
    assert [red.in_place for red in ir.reductions] == [False, False, True]


def test_constants_are_symbols_and_parameters_may_use_them():
    ir = parse("tau = 2 * T0", "r = T0 * r", constants={"T0": 5.0})
    assert ir.attribute("tau").init == 10.0
    assert ir.constants == ("T0",)


@pytest.mark.parametrize("equations, error, token", [
    ("r = 2 * * x", ParseError, None),
    ("r = tua * 2", UnknownNameError, "tua"),
    ("r = foo(2)", UnknownFunctionError, "foo"),
    ("r = 1 : mni=0", FlagError, "mni"),
    ("dr/dt = -r : method=euler2", FlagError, "euler2"),
    ("dr/dt * dr/dt = 1", ODEError, None),
    ("r * 2 = 1", ParseError, None),
    ("r = __import__('os')", UnknownFunctionError, "__import__"),
    ("r = exp.__class__", ParseError, None),
    ("r = 1\nr = 2", ParseError, "r"),
    ("dr/dt = r*r : exponential", ODEError, None),
])
def test_bad_equations_raise_model_errors_with_context(equations, error, token):
    with pytest.raises(error) as info:
        parse("tau = 1.0", equations)
    exc = info.value
    assert exc.obj == "TestNeuron" and exc.field == "equations"
    assert exc.equation is not None and exc.equation in str(exc)
    if token:
        assert token in str(exc)
        assert "^" in str(exc)


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownNameError, match="did you mean 'tau'"):
        parse("tau = 1.0", "dr/dt = -r / tua")


def test_parameter_cannot_be_assigned():
    with pytest.raises(ParseError, match="parameter"):
        parse("tau = 1.0", "tau = 2")
