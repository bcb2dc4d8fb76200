"""No user text reaches generated code except through the printer (issue 14, part 1).

Every name, target, flag, function, condition, description and file path a user can set
gets a payload that would run ``system()`` if it were pasted into the C++ or Cython
source. Each case either is refused with a NeurogenError or builds and runs; either way
the generated sources must not contain the payload, and no marker file may appear
(the tests run with the working directory in a temporary folder)."""
import numpy as np
import pytest

import neurogen as ng
from netutil import make_network

MARKER = "pwned"
PAYLOAD = f'x\n{{ int rc = system("touch {MARKER}"); (void)rc; }}\n//'
PAYLOADS = [
    PAYLOAD,
    f'x */ int rc = system("touch {MARKER}"); /* ',
    f'x \\\nint rc = system("touch {MARKER}");',
    f'x\r#include "/etc/{MARKER}"',
    f'x\u2028int rc = system("touch {MARKER}");',
]
SOURCE = ng.Neuron(parameters="baseline = 0.5", equations="r = baseline")
FIELD = ng.Neuron(parameters="tau = 10.0", equations="tau * dr/dt + r = sum(exc) : min=0.0")


def _check_sources(folder):
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "system(" not in text and MARKER not in text, path.name


def _run(net, tmp_path, until=None):
    out = tmp_path / "generated"
    net.compile(directory=str(out))
    _check_sources(out)
    net.simulate(3.0)
    if until is not None:
        net.simulate_until(5.0, until)


def _expect_safe(build, tmp_path):
    """``build(net)`` returns the population to use with simulate_until, or None."""
    net = make_network()
    try:
        _run(net, tmp_path, build(net))
    except ng.NeurogenError:
        pass                      # refused when built or at compile: nothing was generated
    assert not any(MARKER in p.name for p in tmp_path.rglob("*"))


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


CASES = {
    "population name": lambda net, s: (ng.Population(2, SOURCE, name=s, net=net), None)[1],
    "create name": lambda net, s: (net.create(2, SOURCE, name=s), None)[1],
    "timed array name": lambda net, s: (ng.TimedArray(rates=np.ones((3, 2)), name=s,
                                                      net=net), None)[1],
    "projection name": lambda net, s: _projection(net, name=s),
    "projection target": lambda net, s: _projection(net, target=s),
    "monitor name": lambda net, s: (net.monitor(net.create(2, SOURCE), "r", name=s),
                                    None)[1],
    "monitor variable": lambda net, s: (ng.Monitor(net.create(2, SOURCE), s, net=net),
                                        None)[1],
    "neuron name": lambda net, s: (ng.Population(2, ng.Neuron(equations="r = 1", name=s),
                                                 net=net), None)[1],
    "neuron description": lambda net, s: (ng.Population(
        2, ng.Neuron(equations="r = 1", description=s), net=net), None)[1],
    "parameter": lambda net, s: (ng.Population(2, ng.Neuron(parameters=s), net=net), None)[1],
    "equation": lambda net, s: (ng.Population(2, ng.Neuron(equations=f"r = {s}"), net=net),
                                None)[1],
    "flag": lambda net, s: (ng.Population(2, ng.Neuron(equations=f"r = 1 : {s}"), net=net),
                            None)[1],
    "init flag": lambda net, s: (ng.Population(
        2, ng.Neuron(equations=f"dr/dt = 1 : init={s}"), net=net), None)[1],
    "bound flag": lambda net, s: (ng.Population(
        2, ng.Neuron(equations=f"r = 1 : min={s}"), net=net), None)[1],
    "method flag": lambda net, s: (ng.Population(
        2, ng.Neuron(equations=f"dr/dt = 1 : method={s}"), net=net), None)[1],
    "function": lambda net, s: (ng.Population(
        2, ng.Neuron(equations="r = f(1)", functions=f"f(x) = {s}"), net=net), None)[1],
    "function name": lambda net, s: (ng.Population(
        2, ng.Neuron(equations="r = 1", functions=f"{s}(x) = x"), net=net), None)[1],
    "constant name": lambda net, s: (ng.Constant(s, 1.0, net=net), None)[1],
    "stop condition": lambda net, s: ng.Population(
        2, ng.Neuron(equations="r = 2"), net=net, stop_condition=f"r > 1 : any\n#{s}"),
    "stop condition flag": lambda net, s: ng.Population(
        2, ng.Neuron(equations="r = 2"), net=net, stop_condition=f"r > 1 : {s}"),
    "synapse name and psp": lambda net, s: _projection(
        net, synapse=ng.Synapse(psp="w * pre.r", name=s, description=s)),
    "synapse psp": lambda net, s: _projection(net, synapse=ng.Synapse(psp=s)),
    "synapse operation": lambda net, s: _projection(net, synapse=ng.Synapse(operation=s)),
    "synapse equation": lambda net, s: _projection(
        net, synapse=ng.Synapse(equations=f"dw/dt = {s}")),
    "structural rules": lambda net, s: _structural(net, s, f"pre.r > 0 : proba = 1.0, w = {s}",
                                                   f"w < 0.1 and {s}"),
    "name of a synapse with rules": lambda net, s: _structural(
        net, s, "pre.r * post.r > 0.1 : proba = 0.5, w = 0.2", "w < 0.1 : proba = 0.5"),
}


def _structural(net, name, creating, pruning):
    """Rules compiled into the step (structural plasticity on, started after compile)."""
    net.config(structural_plasticity=True)
    return _projection(net, synapse=ng.Synapse(name=name, creating=creating, pruning=pruning))


def _projection(net, name=None, target="exc", synapse=None):
    src = net.create(2, SOURCE)
    dst = net.create(2, FIELD)
    net.connect(src, dst, target, synapse=synapse, name=name).connect_all_to_all(0.5)
    return None


@pytest.mark.parametrize("payload", PAYLOADS, ids=["newline", "comment", "splice", "cr",
                                                   "line-separator"])
@pytest.mark.parametrize("case", list(CASES))
def test_payload_never_reaches_generated_code(case, payload, tmp_path):
    _expect_safe(lambda net: CASES[case](net, payload), tmp_path)


def test_issue_reproducers(tmp_path):
    """The three reproducers of issue 14 (each ran system() at 28e03c7)."""
    net = ng.clear(seed=1)
    ng.Population(2, ng.Neuron(equations="r = 1"), name=PAYLOAD)
    ng.compile(directory=str(tmp_path / "a"))
    ng.simulate(1.0)
    _check_sources(tmp_path / "a")
    with pytest.raises(ng.NeurogenError):
        ng.Constant('k = 0; int rc = system("touch pwned"); const double y', 1.0)
    net = ng.clear(seed=1)
    pop = ng.Population(2, ng.Neuron(equations="r = 2"), stop_condition=(
        'r > 1 : any\n#define false (system("touch pwned") != 0)'))
    ng.compile(directory=str(tmp_path / "b"))
    assert net.simulate_until(10.0, pop) == 1.0
    _check_sources(tmp_path / "b")
    assert not any(MARKER in p.name for p in tmp_path.rglob("*"))


def test_file_paths_are_data_not_code(tmp_path):
    """Paths a user gives (compile directory, save/load, connectivity files) only name
    files; they never enter generated sources."""
    folder = tmp_path / PAYLOAD.replace("/", "_")
    net = make_network()
    src, dst = net.create(2, SOURCE), net.create(2, FIELD)
    proj = net.connect(src, dst, "exc")
    proj.connect_all_to_all(0.5)
    conn = tmp_path / "conn.npz"
    proj.save_connectivity(str(conn))
    net.compile(directory=str(folder))
    _check_sources(folder)
    net.simulate(2.0)
    net.save(str(tmp_path / "state.npz"))
    net.load(str(tmp_path / "state.npz"))
    assert not any(MARKER in p.name for p in tmp_path.rglob("*") if p != folder
                   and folder not in p.parents)


def test_renaming_does_not_change_the_sources():
    """Names are not code: two networks that differ only in names share one binary."""
    keys = []
    for name in ("A", "B with spaces"):
        net = make_network()
        a = ng.Population(3, SOURCE, net=net, name=name)
        b = ng.Population(3, FIELD, net=net, name=name + "2")
        net.connect(a, b, "exc", name=name + "3").connect_all_to_all(0.1)
        net.compile()
        keys.append(net.build_info["key"])
    assert keys[0] == keys[1]
