"""Convolution (ANNarchy's extension) on neurogen's shared-filter kernel vs the CSR
pattern of the same synapses and SciPy's direct correlation, one thread.

For each image side and filter: best steps per second (of 5 windows) of a network image -> Convolution ->
rectified neurons (the whole step: weighted sum and neuron update), the microseconds per
step, and scipy.ndimage.correlate's time for the same correlation (NumPy reference, no
neuron update). A dense matrix would hold side^4 weights (given in GB). Prints one JSON
line per case.

    python bench/convolution.py [--sides 64 128 256] [--seconds 2]
"""
import argparse
import json
import time

import numpy as np
import scipy.ndimage as ndi

from neurogen import Network, Neuron
from neurogen.extensions.convolution import Convolution

INPUT = Neuron(parameters="baseline = 0.0", equations="r = baseline")
OUTPUT = Neuron(equations="r = pos(sum(exc))")


def network(side, filters, storage):
    net = Network(seed=1)
    inp = net.create(geometry=(side, side), neuron=INPUT)
    bank = filters.ndim == 3
    out = net.create(geometry=(side, side) + ((len(filters),) if bank else ()),
                     neuron=OUTPUT)
    proj = net.connect(Convolution(inp, out, "exc"))
    (proj.connect_filters if bank else proj.connect_filter)(filters)
    proj.storage_format = storage            # 'filter' (default here) or 'csr' to compare
    net.compile(silent=True)
    inp.baseline = np.random.default_rng(0).uniform(0, 1, size=(side, side))
    return net, proj


def steps_per_second(net, seconds, windows=5):
    """The best of ``windows`` timed windows (a shared machine slows some of them)."""
    net.simulate(20)
    best = 0.0
    for _ in range(windows):
        steps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds / windows:
            net.simulate(100)
            steps += 100
        best = max(best, steps / (time.perf_counter() - t0))
    return best


def scipy_us(x, filters, seconds, windows=5):
    """Best per-call time of scipy.ndimage.correlate over the filters."""
    bank = filters if filters.ndim == 3 else filters[None]
    best = float("inf")
    for _ in range(windows):
        runs, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds / (4 * windows) or runs < 3:
            for h in bank:
                ndi.correlate(x, h, mode="constant")
            runs += 1
        best = min(best, (time.perf_counter() - t0) / runs * 1e6)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sides", type=int, nargs="+", default=[64, 128, 256])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    cases = {"3x3": rng.normal(size=(3, 3)), "5x5": rng.normal(size=(5, 5)),
             "bank 4x3x3": rng.normal(size=(4, 3, 3))}
    for side in args.sides:
        x = np.random.default_rng(0).uniform(0, 1, size=(side, side))
        for label, filters in cases.items():
            record = {"benchmark": "convolution", "side": side, "filter": label,
                      "madds_per_output": int(np.prod(filters.shape[-2:])),
                      "dense_matrix_gb": round(side ** 4 * (filters.shape[0] if
                                               filters.ndim == 3 else 1) * 8 / 1e9, 2)}
            for storage in ("filter", "csr"):
                net, proj = network(side, filters, storage)
                rate = steps_per_second(net, args.seconds)
                record[f"{storage}_steps_per_s"] = round(rate, 1)
                record[f"{storage}_us_per_step"] = round(1e6 / rate, 2)
            record["scipy_correlate_us"] = round(scipy_us(x, filters, args.seconds), 2)
            print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
