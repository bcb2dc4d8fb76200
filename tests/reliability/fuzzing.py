"""Equation-string fuzzing, shared by ``test_fuzz_equations.py`` (hypothesis, a few
thousand seeded cases in CI) and ``bench/fuzz.py`` (100 000 cases, JSON report).

A case is a neuron (``parameters``, ``equations``) built from a vocabulary of tokens
that mixes the grammar with what breaks parsers: huge and tiny numbers, towers of
powers, deep unary chains, conditions used as numbers, bad flags, stray ``:``, quotes,
Unicode. Each case goes through parsing (``Population``) and code generation (plan and
templates, no C++ compiler). What must hold:

* anything refused is refused with a :class:`NeurogenError`;
* a ``ModelError`` names the neuron and the line (``'<name> / <field> line <n>'``);
* no case takes longer than ``LIMIT_S`` seconds of CPU time (CPU, not wall time: a
  loaded machine must not turn a slow case into a "hang").
"""
from __future__ import annotations

import random
import signal
import time
import traceback

import neurogen as ng
from neurogen.errors import ModelError, NeurogenError

LIMIT_S = 2.0
NAME = "Fuzzed"

NAMES = ["r", "x", "tau", "k", "b", "t", "dt", "sum(exc)", "pre.r", "w", "pi", "e", "I_ext",
         "ﬁ", "fi", "r2", "_x", "lambda", "if", "then", "else", "True", "None", "mean(r)",
         "max(r)"]
NUMBERS = ["0", "1", "2", "0.5", "10", "1e400", "1e-400", "-1", "1e30", "2**10**10",
           "10**10**10", "9" * 40, "0x10", "1_000", "1.5e", "nan", "inf", ".5", "5."]
OPERATORS = ["+", "-", "*", "/", "**", "^", "%", "==", "!=", "<", ">", "<=", ">=", "and",
             "or", "not", "if", "then", "else", ",", "=", "//", "@", "|", "&", "~", "<<"]
FUNCTIONS = ["exp", "log", "sqrt", "sin", "modulo", "clip", "ite", "pos", "neg", "max",
             "min", "pow", "atan2", "heaviside", "Uniform", "Normal", "mean", "sum",
             "log10", "abs", "floor", "unknownf", "print", "__import__", "eval"]
PUNCT = ["(", ")", "[", "]", "{", "}", ":", ";", "'", '"', "\\", "#", "$", "?", ".", "\t",
         "\x00", "é", "∂", "\u200b", "`"]
FLAGS = ["", ": init=0.5", ": init=", ": init=1/0", ": min=0", ": min=1/0", ": max=1",
         ": max=x", ": population", ": int", ": bool", ": exponential", ": implicit",
         ": rk4", ": method=rk4", ": method=", ": midpoint", ": init=1e400", ": int, bool",
         ": :", ": min=0, max=", ": init=2**10**10", ": explicit, rk4", ": unknown",
         ": init=r", ": min==0"]
PARAMETER_LINES = ["tau = 10.0", "k = 2 : int", "b = True : bool", "I_ext = 0.5 : population",
                   "k = 1e400 : int", "tau = 1/0", "tau = log(0)", "tau = ", "= 1",
                   "tau = 10.0 : init=", "b = 2**10**10", "tau = modulo(1, 0)", "tau tau",
                   "x = 1 : min=0", "tau = 1e400", "k = nan : int", "tau = r"]
TEMPLATES = ["r = {e}", "dr/dt = {e}", "tau * dr/dt + r = {e}", "x = {e}", "dx/dt = {e}",
             "{e}", "r = {e} {f}", "dr/dt = {e} {f}", "tau * dr/dt = {e} {f}",
             "r = {e}\nr = {e}", "dr/dt + dx/dt = {e}", "r[0] = {e}", "dr/dt = r > 1",
             "r = {e} : init={e}", "r = {e} : min={e}, max={e}"]


def expression(rng: random.Random, depth: int = 0) -> str:
    """A random expression: mostly well-formed, sometimes token soup."""
    roll = rng.random()
    if depth > 4 or roll < 0.25:
        return rng.choice(NAMES + NUMBERS)
    if roll < 0.45:
        return f"{expression(rng, depth + 1)} {rng.choice(OPERATORS)} " \
               f"{expression(rng, depth + 1)}"
    if roll < 0.6:
        args = ", ".join(expression(rng, depth + 1) for _ in range(rng.randint(0, 3)))
        return f"{rng.choice(FUNCTIONS)}({args})"
    if roll < 0.68:
        return f"({expression(rng, depth + 1)})"
    if roll < 0.74:
        return rng.choice(["-", "+", "not ", "~"]) * rng.choice([1, 2, 50, 400, 2000]) \
            + expression(rng, depth + 1)
    if roll < 0.78:
        return "(" * rng.choice([50, 300, 1000]) + "1" + ")" * rng.choice([50, 300, 1000])
    if roll < 0.84:
        return f"if {expression(rng, depth + 1)} then {expression(rng, depth + 1)} " \
               f"else {expression(rng, depth + 1)}"
    if roll < 0.9:
        return "**".join(rng.choice(["2", "10", "9", "1.5", "r", "-1"])
                         for _ in range(rng.randint(2, 5)))
    return " ".join(rng.choice(NAMES + NUMBERS + OPERATORS + FUNCTIONS + PUNCT)
                    for _ in range(rng.randint(1, 8)))


VALID_NAMES = ["r", "tau", "b", "x", "t", "dt", "sum(exc)", "mean(r)", "1", "0.5", "2", "10",
               "1e-3", "0"]
VALID_FUNCTIONS = {"exp": 1, "log": 1, "sqrt": 1, "sin": 1, "tanh": 1, "pos": 1, "neg": 1,
                   "abs": 1, "modulo": 2, "pow": 2, "atan2": 2, "clip": 3, "max": 2, "min": 2,
                   "Uniform": 2, "Normal": 2, "heaviside": 1}
VALID_FLAGS = ["", ": init=0.5", ": min=0.0", ": max=1.0", ": min=0.0, max=1.0", ": midpoint",
               ": rk4", ": exponential", ": implicit", ": population", ": init=1, min=-1"]


def valid_expression(rng: random.Random, depth: int = 0) -> str:
    """A well-formed expression over declared names (it may still divide by zero…)."""
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        return rng.choice(VALID_NAMES)
    if roll < 0.65:
        return f"{valid_expression(rng, depth + 1)} {rng.choice(['+', '-', '*', '/', '^'])} " \
               f"{valid_expression(rng, depth + 1)}"
    if roll < 0.85:
        name = rng.choice(sorted(VALID_FUNCTIONS))
        args = ", ".join(valid_expression(rng, depth + 1)
                         for _ in range(VALID_FUNCTIONS[name]))
        return f"{name}({args})"
    return f"if {valid_expression(rng, depth + 1)} > {valid_expression(rng, depth + 1)} " \
           f"then {valid_expression(rng, depth + 1)} else {valid_expression(rng, depth + 1)}"


def valid_neuron_case(rng: random.Random) -> tuple[str, str]:
    """A neuron that usually parses: what reaches code generation."""
    parameters = "tau = 10.0\nb = 0.5 : population"
    equations = [f"tau * dr/dt + r = {valid_expression(rng)} {rng.choice(VALID_FLAGS)}",
                 f"x = {valid_expression(rng)}"]
    return parameters, "\n".join(equations[:rng.randint(1, 2)])


def neuron_case(rng: random.Random) -> tuple[str, str]:
    """(parameters, equations) of one fuzzed neuron: half well-formed, half hostile."""
    if rng.random() < 0.5:
        return valid_neuron_case(rng)
    parameters = "\n".join(rng.choice(PARAMETER_LINES) for _ in range(rng.randint(0, 3)))
    lines = []
    for _ in range(rng.randint(1, 3)):
        template = rng.choice(TEMPLATES)
        lines.append(template.format(e=expression(rng), f=rng.choice(FLAGS)))
    return parameters, "\n".join(lines)


class Timeout(BaseException):
    """Raised by the alarm: a BaseException, so that no ``except Exception`` in the code
    under test swallows it."""


_FIRED: list = []


def _alarm(signum, frame):
    _FIRED.append(True)      # noted too: an alarm landing in a GC callback is swallowed
    raise Timeout()


def generate_code(net):
    """Plan and render the network's code (what compile() does before the C++ compiler)."""
    from neurogen.codegen.plan import build_plan
    from neurogen.codegen.render import render
    from neurogen.core.freeze import freeze
    backend = net.backend
    for pop in net.populations:
        pop.use_precision()
    render(build_plan(freeze(net, backend), backend), backend)


def check(parameters: str, equations: str, generate: bool = True) -> dict:
    """Run one case; returns ``{"outcome": ..., ...}`` where outcome is ``ok``,
    ``refused`` (a NeurogenError that names the object and line), ``unnamed`` (a
    NeurogenError that does not), ``raw`` (any other exception) or ``hang``."""
    net = ng.Network(seed=1)
    _FIRED.clear()
    previous = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, LIMIT_S)
    start = time.perf_counter()
    result: dict = {"outcome": "ok"}
    try:
        neuron = ng.Neuron(parameters=parameters, equations=equations, name=NAME)
        ng.Population(3, neuron, net=net)
        if generate:
            generate_code(net)
    except Timeout:
        result = {"outcome": "hang"}
    except ModelError as exc:
        named = exc.obj == NAME and (exc.line is not None or exc.field is None) \
            and NAME in str(exc)
        result = {"outcome": "refused" if named else "unnamed", "type": type(exc).__name__,
                  "message": str(exc)}
    except NeurogenError as exc:
        result = {"outcome": "refused" if NAME in str(exc) else "unnamed",
                  "type": type(exc).__name__, "message": str(exc)}
    except Exception as exc:            # what the fuzzer looks for
        result = {"outcome": "raw", "type": type(exc).__name__, "message": str(exc)[:300],
                  "where": traceback.format_exc().splitlines()[-3][:300]}
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    if _FIRED:
        result = {"outcome": "hang"}
    result["seconds"] = time.perf_counter() - start
    return result
