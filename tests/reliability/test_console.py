"""At the console (issue 14, part 4): compile() says what it is doing unless silent=True,
its events reach the standard ``neurogen`` logger, and measure_time=True prints what
ANNarchy prints."""
import logging
import re

import neurogen as ng

NEURON = ng.Neuron(parameters="tau = 10.0", equations="tau * dr/dt + r = 1.0")


def test_compile_reports_progress_on_stderr(net, capsys):
    ng.Population(3, NEURON)
    ng.compile()
    captured = capsys.readouterr()
    assert captured.out == ""                          # stdout stays the script's
    lines = captured.err.splitlines()
    assert lines[0].startswith("neurogen: generating code for 1 population(s)")
    assert any(re.fullmatch(r"neurogen: building the module .*: done in \d+\.\d s", line)
               for line in lines)
    assert re.match(r"neurogen: (cache hit|compiled and cached): ", lines[-1])


def test_silent_compile_prints_nothing_but_still_logs(net, capsys, caplog):
    ng.Population(3, NEURON)
    with caplog.at_level(logging.INFO, logger="neurogen"):
        ng.compile(silent=True)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("neurogen")]
    assert any(m.startswith("generating code") for m in messages)
    assert any(m.startswith(("cache hit", "compiled and cached")) for m in messages)


def test_neurogen_logger_is_silent_unless_configured():
    logger = logging.getLogger("neurogen")
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)


def test_measure_time_prints_what_annarchy_prints(net, capsys):
    ng.Population(3, NEURON)
    ng.compile(silent=True)
    ng.simulate(250.0, measure_time=True)
    out = capsys.readouterr().out
    match = re.fullmatch(r"Simulating 0\.25 seconds of the network took (\S+) seconds\.\n", out)
    assert match and float(match.group(1)) >= 0.0
    ng.simulate(10.0)
    assert capsys.readouterr().out == ""


def test_simulate_until_measures_the_time_it_ran(net, capsys):
    pop = ng.Population(3, NEURON, stop_condition="r > 0.5 : any")
    ng.compile(silent=True)
    done = net.simulate_until(1000.0, pop, measure_time=True)
    assert 0 < done < 1000.0
    out = capsys.readouterr().out
    assert out.startswith(f"Simulating {done / 1000.0} seconds of the network took ")


def test_neurogen_quiet_silences_the_console_lines(net, capsys, monkeypatch):
    """What the ``neurogen`` command sets: its stderr carries one-line errors only."""
    monkeypatch.setenv("NEUROGEN_QUIET", "1")
    ng.Population(3, NEURON)
    ng.compile()
    assert capsys.readouterr().err == ""
