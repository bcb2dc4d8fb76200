"""Benchmark: per-step cost of clamping a rotating bubble into the neural field's input
and stepping, at N = 20 and N = 64 (one thread), four ways:

  python_loop  the tutorial's naive loop: NumPy bubble, ``inp.baseline = ...``, ``step()``
  world        the tutorial's Cython ``World`` (NumPy bubble, ``func=step``)
  cworld       the C-level ``CWorld``: bubble written into the live buffer, C entry called
  simulate     ``simulate()`` with no input (the floor)

Each figure is the median (and the minimum) of 9 rounds in which the four variants run
one after the other (steps per round: 2000 at N <= 32, 100 above). Prints one
JSON line; ``cworld_over_simulate`` is the ratio the issue asks to keep within 1.10.

    python bench/inputs.py [N ...]
"""
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import neurogen as ng
from neurogen.inputs import load_pyx

HERE = Path(__file__).resolve().parent
PYX = HERE.parent / "examples" / "neural_field" / "BubbleWorld.pyx"


def network(n):
    ng.clear(seed=1)
    Input = ng.Neuron(parameters="baseline = 0.0",
                      equations="r = pos(baseline + Uniform(-0.5, 0.5))")
    Field = ng.Neuron(parameters="tau = 10.0 : population",
                      equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5)"
                                " : min=0.0, max=1.0")
    inp = ng.Population((n, n), Input, name="Input")
    focus = ng.Population((n, n), Field, name="Focus")
    ng.Projection(inp, focus, "exc").connect_one_to_one(weights=1.0, delays=20.0)
    ng.Projection(focus, focus, "inh").connect_dog(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1,
                                                   sigma_neg=0.7)
    ng.compile()
    return inp, focus


def python_loop(inp, steps):
    n = inp.geometry[0]
    x, y = np.meshgrid(np.linspace(0, n - 1, n), np.linspace(0, n - 1, n))
    angle = 0.0
    for _ in range(steps):
        angle += 1.0 / 5000.0
        cx = n / 2 * (1.0 + 0.5 * np.cos(2.0 * np.pi * angle))
        cy = n / 2 * (1.0 + 0.5 * np.sin(2.0 * np.pi * angle))
        inp.baseline = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 2.0 / 2.0 ** 2)
        ng.step()


def per_step_us(variants: dict, steps: int, rounds: int = 9) -> dict:
    """Median and minimum µs per step of each variant, measured round-robin so that a
    burst of load on a shared machine hits all of them alike."""
    times = {name: [] for name in variants}
    for fn in variants.values():
        fn(max(1, steps // 10))   # warm-up
    for _ in range(rounds):
        for name, fn in variants.items():
            start = time.perf_counter()
            fn(steps)
            times[name].append((time.perf_counter() - start) / steps * 1e6)
    return {name: (statistics.median(t), min(t)) for name, t in times.items()}


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [20, 64]
    module = load_pyx(PYX)
    result = {"benchmark": "inputs", "threads": 1, "cpus": os.cpu_count(),
              "loadavg_1min_before": round(os.getloadavg()[0], 2)}
    for n in sizes:
        inp, _ = network(n)
        steps = 2000 if n <= 32 else 100
        world = module.World(population=inp, radius=0.5, sigma=2.0, period=5000.0,
                             func=ng.step)
        cworld = module.CWorld(population=inp, radius=0.5, sigma=2.0, period=5000.0)
        measured = per_step_us({
            "python_loop": lambda k: python_loop(inp, k),
            "world": world.rotate,
            "cworld": cworld.rotate,
            "simulate": lambda k: ng.simulate(k * ng.dt()),
        }, steps)
        row = {f"{k}_us": round(v[0], 2) for k, v in measured.items()}
        row.update({f"{k}_min_us": round(v[1], 2) for k, v in measured.items()})
        row["cworld_over_simulate"] = round(measured["cworld"][0] / measured["simulate"][0], 3)
        row["cworld_over_simulate_min"] = round(measured["cworld"][1] /
                                                measured["simulate"][1], 3)
        row["python_loop_over_cworld"] = round(measured["python_loop"][0] /
                                               measured["cworld"][0], 2)
        result[f"N{n}"] = row
    print(json.dumps(result))


if __name__ == "__main__":
    main()
