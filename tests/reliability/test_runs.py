"""Long runs (issue 14, parts 3 and 4): a NaN or infinity stops the run with a
SimulationError naming population, variable, neuron and step; Ctrl-C stops simulate()
at the end of a step, well before the run would end; report= prints progress."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import InvalidValueError


def diverging(net, equations="dr/dt = a * r * r : init=0.5", geometry=(2, 3)):
    pop = ng.Population(geometry, ng.Neuron(parameters="a = 0.0", equations=equations),
                        name="div", net=net)
    return pop


@pytest.mark.parametrize("threads", [1, 2])
def test_divergence_names_population_variable_neuron_and_step(threads):
    net = ng.Network(seed=1, num_threads=threads)
    pop = diverging(net)
    pop.a = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    _diverges_at(net, pop, (1, 1))


@pytest.mark.parametrize("threads", [1, 2])
def test_divergence_is_found_anywhere_in_a_large_population(threads):
    """Loops check their new values as they compute them: a neuron near the end of the
    second thread's half of a large population is found."""
    net = ng.Network(seed=1, num_threads=threads)
    pop = diverging(net, geometry=(201, 199))
    a = np.zeros((201, 199))
    a[200, 150] = 1.0
    pop.a = a
    _diverges_at(net, pop, (200, 150))


def _diverges_at(net, pop, neuron):
    monitor = ng.Monitor(pop, "r", net=net)
    net.compile(silent=True)
    with pytest.raises(ng.SimulationError) as info:
        net.simulate(1000.0)
    # explicit Euler of r' = r^2 from 0.5: r(n+1) = r(n) + r(n)^2 overflows at step 12
    r, step = 0.5, 0
    while np.isfinite(r):
        with np.errstate(over="ignore"):
            r, step = r + r * r, step + 1
    error = info.value
    assert (error.population, error.variable, error.neuron, error.step) == \
        ("div", "r", neuron, step - 1)
    assert f"population 'div': r became inf at neuron {neuron}" in str(error)
    assert "dr/dt = a * r * r" in str(error)
    # the state is the end of that step: time, values and monitors agree
    assert net.get_current_step() == step
    flat = np.ravel_multi_index(neuron, pop.geometry)
    assert np.isinf(pop.r[neuron]) and np.all(np.delete(pop.r.ravel(), flat) == 0.5)
    assert len(monitor.get("r")) == step


def test_nan_from_an_assignment_and_population_wide_variables():
    net = ng.Network(seed=1)
    pop = ng.Population(4, ng.Neuron(parameters="x = 1.0 : population", equations="g = log(-x) : population\nr = x"),
                        name="p", net=net)
    net.compile(silent=True)
    with pytest.raises(ng.SimulationError, match="p': g became nan at population-wide, step 0"):
        net.simulate(5.0)


def test_check_finite_false_runs_on_and_true_checks_again():
    net = ng.Network(seed=1, check_finite=False)
    pop = diverging(net)
    pop.a = 1.0
    net.compile(silent=True)
    net.simulate(50.0)
    assert net.get_current_step() == 50 and not np.any(np.isfinite(pop.r))
    net.setup(check_finite=True)
    with pytest.raises(ng.SimulationError):
        net.step()
    with pytest.raises(InvalidValueError):
        net.setup(check_finite="no")


def test_finite_runs_are_unchanged_by_chunks():
    """Chunks only split the loop: one simulate() equals many short ones, bit for bit."""
    def run(pieces):
        net = ng.Network(seed=7)
        pop = ng.Population(50, ng.Neuron(equations="tau * dr/dt + r = Normal(0, 1) : init=0\ntau = 5.0 : population"),
                            net=net)
        net.compile(silent=True)
        for _ in range(pieces):
            net.simulate(600.0 / pieces)
        return pop.r
    np.testing.assert_array_equal(run(1), run(6))


def test_report_text_and_function(capsys):
    net = ng.Network(seed=1)
    ng.Population(10, ng.Neuron(equations="dr/dt = -r + 1"), net=net)
    net.compile(silent=True)
    net.simulate(500.0, report="text", report_period=1e-9)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Starting simulation at t=0 ms for a duration of 500 ms"
    assert lines[-1].startswith("500 ms (100%) simulated in ")
    assert all(" simulated in " in line for line in lines[1:])
    calls = []
    net.simulate(100.0, report=lambda *args: calls.append(args), report_period=1e-9)
    elapsed, completed, t_start, duration = calls[-1]
    assert (completed, t_start, duration) == (1.0, 500.0, 100.0) and elapsed >= 0
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)
    net.simulate(10.0, progress_bar=True)
    assert "10 ms (100%)" in capsys.readouterr().out
    with pytest.raises(InvalidValueError, match="report"):
        net.simulate(1.0, report="verbose")


INTERRUPTED = textwrap.dedent("""
    import signal, sys, time
    import numpy as np
    # Python's own Ctrl-C handling, whatever the test process left blocked or ignored
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import neurogen as ng
    net = ng.Network(seed=1)
    pop = ng.Population(20000, ng.Neuron(equations="tau * dr/dt + r = sin(t) + Uniform(0, 1)\\ntau = 10.0 : population"), net=net)
    small = ng.Population(3, ng.Neuron(equations="r = t"), net=net)
    monitor = ng.Monitor(small, "r", net=net)
    net.compile(silent=True)
    print("running", flush=True)
    start = time.perf_counter()
    try:
        net.simulate(2e6)
    except KeyboardInterrupt:
        stopped = time.perf_counter()
        steps = net.get_current_step()
        records = len(monitor.get("r"))
        print(f"interrupted {stopped} {steps} {records} {net.get_time()}", flush=True)
        net.simulate(5.0)          # the network goes on from where it stopped
        print(f"resumed {net.get_current_step() - steps}", flush=True)
""")


def test_ctrl_c_stops_simulate_at_the_end_of_a_step():
    proc = subprocess.Popen([sys.executable, "-c", INTERRUPTED], stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    try:
        assert proc.stdout.readline().strip() == "running"
        time.sleep(1.0)
        sent = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    words = out.split()
    assert words[0] == "interrupted", out
    stopped, steps, records, now = float(words[1]), int(words[2]), int(words[3]), float(words[4])
    # 2e6 steps of 20 000 neurons take minutes: the run stopped because of Ctrl-C, soon
    assert 0 < steps < 2 * 10 ** 6 and stopped - sent < 5.0
    assert records == steps and now == steps * 1.0        # consistent: one record per step
    assert words[5:] == ["resumed", "5"]
