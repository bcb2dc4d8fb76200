"""Equation strings as a hostile user writes them (issue 14, part 2): the reproducers of
the issue, then a seeded hypothesis run over the fuzzing vocabulary of ``fuzzing.py``
(``bench/fuzz.py`` runs the same checks on 100 000 cases).

Every case must be accepted or refused with a NeurogenError naming the neuron and the
line, within two seconds."""
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings, strategies as st

import neurogen as ng
from neurogen.errors import FlagError, ModelError, ODEError, ParseError

from fuzzing import (FLAGS, FUNCTIONS, NAME, NAMES, NUMBERS, OPERATORS, PARAMETER_LINES,
                     PUNCT, TEMPLATES, check, neuron_case)


def refused(parameters, equations):
    result = check(parameters, equations)
    assert result["outcome"] == "refused", result
    return result["message"]


@pytest.mark.parametrize("equations, parameters, reason", [
    ("r = " + "-" * 1000 + "1", "", "nested"),                     # was RecursionError
    ("r = " + "(" * 1000 + "1" + ")" * 1000, "", "nested"),
    ("dr/dt = r > 1", "", "not a condition"),                      # was TypeError
    ("dr/dt = ite(r > 1, 1, -r) : implicit", "", "linear in r"),   # was a printer error
    ("r = 1", "k = 1e400 : int", "double range"),                  # was OverflowError
    ("r = 1", "k = 3e9 : int", "out of range"),                    # would wrap in int32
    ("r = 1", "k = modulo(1, 0)", "modulo by zero"),               # was TypeError
    ("r = modulo(r, 0)", "", "modulo by zero"),
    ("r = 1/0", "", "infinite or undefined"),                      # was a printer error
    ("r = log(0)", "", "infinite or undefined"),
    ("r = 1 : min=1/0", "", "infinite or undefined"),
    ("r = Uniform(1/0, 1)", "", "infinite or undefined"),
    ("r = 1e300 * 1e300", "", "double range"),
    ("r = 2**10**10", "", "beyond the double range"),              # was 40 s and 2 GB
    ("r = pow(10, 10**10)", "", "beyond the double range"),
    ("r = 2**-10**10", "", "beyond the double range"),
    ("r = 99999999999999999999999", "", "64 bits"),                # a literal: say so
    ("r = 1 : init=", "", "malformed flag 'init='"),               # named neither object
    ("r = 1 : min=0, max=", "", "malformed flag 'max='"),          # nor line before
    ("r = 1 : min=0 : max=1", "", "more than one ':'"),
])
def test_issue_reproducers_are_refused_naming_object_and_line(equations, parameters, reason):
    message = refused(parameters, equations)
    assert reason in message
    assert message.startswith(f"{NAME} / ")
    assert " line " in message.splitlines()[0]


def test_the_line_number_is_the_offending_line():
    message = refused("tau = 10.0\nk = 2 : int", "r = 1\nx = 2\ny = 3 : init=")
    assert message.splitlines()[0].startswith(f"{NAME} / equations line 3:")
    message = refused("tau = 10.0\nk = 1e400 : int", "r = 1")
    assert message.splitlines()[0].startswith(f"{NAME} / parameters line 2:")


def test_numeric_modulo_follows_c(net):
    pop = ng.Population(1, ng.Neuron(parameters="a = modulo(7, -3)\nb = modulo(-7, 3)"))
    assert (pop.a, pop.b) == (1.0, -1.0)          # C: the sign of the dividend


def test_x_over_x_is_not_simplified_to_one(net):
    """0/0 is NaN in C; sympy would have cancelled x/x to 1 and hidden it."""
    pop = ng.Population(2, ng.Neuron(parameters="x = 1.0", equations="r = x/x\ny = x*r/x"))
    pop.x = np.array([0.0, 2.0])
    net.compile(silent=True)
    with pytest.raises(ng.SimulationError, match="r became nan at neuron 0, step 0"):
        net.step()
    assert np.isnan(pop.r[0]) and pop.r[1] == 1.0
    assert np.isnan(pop.y[0]) and pop.y[1] == 1.0


def test_abs_of_a_power_compiles_without_complex_parts(net):
    """sympy writes Abs(10**x) as 10**re(x); every value here is real."""
    pop = ng.Population(1, ng.Neuron(parameters="x = 2.0", equations="r = abs(x**2 / 10**x)"))
    net.compile(silent=True)
    net.step()
    assert pop.r == pytest.approx(0.04)


def test_powers_within_the_double_range_still_work(net):
    pop = ng.Population(1, ng.Neuron(parameters="a = 2**10\nb = 10**300\nc = 0.5**1000"))
    assert (pop.a, pop.b) == (1024.0, 1e300)
    assert pop.c == pytest.approx(0.5 ** 1000)


# -- seeded fuzzing --------------------------------------------------------------------------
TOKENS = NAMES + NUMBERS + OPERATORS + FUNCTIONS + PUNCT + ["=", "dr/dt", "(", ")", ","]
token_soup = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map(" ".join)
equation_line = st.builds(lambda template, body, flag: template.format(e=body, f=flag),
                          st.sampled_from(TEMPLATES), token_soup, st.sampled_from(FLAGS))
neuron = st.tuples(
    st.lists(st.sampled_from(PARAMETER_LINES), max_size=3).map("\n".join),
    st.lists(equation_line, min_size=1, max_size=3).map("\n".join))


def assert_sound(parameters, equations):
    result = check(parameters, equations)
    assert result["outcome"] in ("ok", "refused"), (parameters, equations, result)


@seed(14)
@settings(max_examples=1500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(neuron)
def test_token_soup_is_accepted_or_refused_cleanly(case):
    assert_sound(*case)


def test_grammar_based_cases_are_accepted_or_refused_cleanly():
    """The bench's generator (half well-formed neurons that reach code generation)."""
    rng = random.Random(14)
    outcomes = {"ok": 0, "refused": 0}
    for _ in range(1500):
        parameters, equations = neuron_case(rng)
        result = check(parameters, equations)
        assert result["outcome"] in outcomes, (parameters, equations, result)
        outcomes[result["outcome"]] += 1
    assert outcomes["ok"] > 200          # the generator does reach code generation


def test_model_errors_carry_their_fields():
    """What the checks above rely on: the error's attributes, not just its text."""
    with pytest.raises(FlagError) as info:
        ng.Population(1, ng.Neuron(equations="r = 1 : init=", name="N"), net=ng.Network())
    assert (info.value.obj, info.value.field, info.value.line) == ("N", "equations", 1)
    assert isinstance(info.value, ModelError)
    for cls in (ParseError, ODEError):
        assert issubclass(cls, ModelError)
