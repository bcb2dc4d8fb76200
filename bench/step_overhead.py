"""Benchmark: the Python cost of one ``step()`` call and of an attribute write, against
``simulate()`` doing the same steps in one call. Prints one JSON line."""
import json
import time

import numpy as np

import neurogen as ng


def per_call(fn, repeat=20000):
    fn()
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main():
    net = ng.clear(seed=1)
    pop = ng.Population(1, ng.Neuron(parameters="I = 0.0", equations="dr/dt = I - r"))
    net.compile()
    values = np.zeros(1)
    step_s = per_call(ng.step)
    method_s = per_call(net.step)
    write_s = per_call(lambda: setattr(pop, "I", values))
    start = time.perf_counter()
    net.simulate(20000.0)
    simulate_s = (time.perf_counter() - start) / 20000
    print(json.dumps({"benchmark": "step_overhead", "step_us": round(step_s * 1e6, 3),
                      "network_step_us": round(method_s * 1e6, 3),
                      "attribute_write_us": round(write_s * 1e6, 3),
                      "simulate_per_step_us": round(simulate_s * 1e6, 4),
                      "step_over_simulate": round(step_s / simulate_s, 1)}))


if __name__ == "__main__":
    main()
