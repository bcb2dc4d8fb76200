"""Two Python threads driving one network: the C++ loop releases the GIL, so without a
lock two ``simulate(200.0)`` calls advanced one clock together and left the network at
step 208 with no error. Calls on one network are serialised (the second waits); and
``import neurogen`` leaves the process environment alone."""
import os
import subprocess
import sys
import threading

import numpy as np

import neurogen as ng


def leaky_network(size=200_000):
    net = ng.Network(dt=1.0, seed=3)
    pop = ng.Population(size, ng.Neuron(parameters="tau = 20.0",
                                        equations="tau * dr/dt = 1.0 - r"), net=net)
    net.compile(silent=True)
    return net, pop


def run_in_threads(target, count=2):
    errors = []

    def guarded():
        try:
            target()
        except Exception as exc:   # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
    threads = [threading.Thread(target=guarded) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)


def test_two_threads_simulating_one_network_run_one_after_the_other():
    net, pop = leaky_network()
    run_in_threads(lambda: net.simulate(200.0))
    assert net.get_current_step() == 400
    # dr/dt = (1 - r) / tau from r = 0 with explicit Euler: r_n = 1 - (1 - dt/tau)^n
    np.testing.assert_allclose(pop.r, 1.0 - (1.0 - 1.0 / 20.0) ** 400, rtol=1e-12)


def test_steps_from_two_threads_are_all_taken():
    net, pop = leaky_network(size=20_000)

    def steps():
        for _ in range(150):
            net.step()
    run_in_threads(steps, count=3)
    assert net.get_current_step() == 450
    np.testing.assert_allclose(pop.r, 1.0 - (1.0 - 1.0 / 20.0) ** 450, rtol=1e-12)


def test_importing_neurogen_changes_no_environment_variable():
    code = ("import os, json; before = dict(os.environ); import neurogen; "
            "after = dict(os.environ); "
            "print(json.dumps(sorted(set(before.items()) ^ set(after.items()))))")
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
