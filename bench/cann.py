"""CANN1D simulation speed: steps/s of the ring at N=512 and N=2048, with the recurrent
input as an FFT convolution (the default from 64 neurons) and as a dense product, in the
same run; plus CANN2D on a torus. Prints one JSON line per configuration.

    python bench/cann.py [--steps 100000] [--threads 1] [--sizes 512 2048]

``vs_brainpy`` divides by the figures in the issue (BrainPy/JAX, CPU, float32, measured
once on the development machine: 44 800 steps/s at N=512, 1 665 at N=2048); for BrainPy
run side by side in the same session use bench/cann_vs_brainpy.py.
"""
import argparse
import json

import numpy as np

from benchutil import timed_steps
from neurogen.models import CANN1D, CANN2D

BRAINPY = {512: 44800, 2048: 1665}


def steps_per_second(model, steps: int, max_seconds: float) -> tuple:
    """Warm up, then time ``steps`` steps (fewer when a probe says it would exceed
    ``max_seconds``)."""
    model.compile()
    model.Iext = model.get_stimulus_by_pos(0.0 if model.dimension == 1 else (0.0, 0.0))
    return timed_steps(model, steps, max_seconds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 2048])
    parser.add_argument("--max-seconds", type=float, default=20.0)
    parser.add_argument("--length2d", type=int, default=64)
    args = parser.parse_args()
    for num in args.sizes:
        rates = {}
        for storage in ("fft", "dense"):
            model = CANN1D(num=num, storage_format=storage, seed=0)
            model.net.config(num_threads=args.threads)
            steps, rates[storage] = steps_per_second(model, args.steps, args.max_seconds)
            final = model.u.copy()
            print(json.dumps({"benchmark": "cann1d", "num": num, "storage": storage,
                              "threads": args.threads, "steps": steps,
                              "steps_per_s": round(rates[storage], 1),
                              "vs_brainpy": round(rates[storage] / BRAINPY[num], 2)
                              if num in BRAINPY else None,
                              "bump_max": round(float(final.max()), 6)}), flush=True)
        print(json.dumps({"benchmark": "cann1d_ratio", "num": num,
                          "fft_over_dense": round(rates["fft"] / rates["dense"], 2)}))
    if args.length2d:
        for storage in ("fft", "dense"):
            model = CANN2D(length=args.length2d, storage_format=storage, seed=0)
            model.net.config(num_threads=args.threads)
            steps, rate = steps_per_second(model, args.steps, args.max_seconds)
            print(json.dumps({"benchmark": "cann2d", "length": args.length2d,
                              "storage": storage, "threads": args.threads, "steps": steps,
                              "steps_per_s": round(rate, 1)}), flush=True)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
