"""Simulation speed of the cooperative-coding networks (seed 004): steps/s of the balanced
E/I-lag ring and torus (three nearest-neighbour projections, one of them delayed) and
of the SFA ring, at the seed's sizes. Prints one JSON line per configuration.

    python bench/coop_coding.py [--steps 20000] [--threads 1] [--n1d 200] [--n2d 200]
"""
import argparse
import json

from benchutil import timed_steps
from neurogen.models import EILagNetwork1D, EILagNetwork2D, SFANetwork1D


def steps_per_second(model, steps: int, max_seconds: float) -> tuple:
    """Warm up, then time ``steps`` steps (fewer when a probe says it would take longer
    than ``max_seconds``)."""
    model.compile()
    if hasattr(model, "set_input"):
        model.set_input(model.default_input())
    else:
        model.pop.I_ext = (model.target == 1.0).astype(float)
    return timed_steps(model, steps, max_seconds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n1d", type=int, default=200)
    parser.add_argument("--n2d", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=10.0)
    args = parser.parse_args()
    configs = [("EILagNetwork1D", lambda: EILagNetwork1D(N=args.n1d, seed=0)),
               ("EILagNetwork2D", lambda: EILagNetwork2D(N=args.n2d, seed=0)),
               ("SFANetwork1D", lambda: SFANetwork1D(N=args.n1d, seed=0))]
    for name, make in configs:
        model = make()
        model.net.config(num_threads=args.threads)
        steps, rate = steps_per_second(model, args.steps, args.max_seconds)
        print(json.dumps({"model": name, "neurons": model.pop.size, "dt": model.dt,
                          "threads": args.threads, "steps": steps,
                          "steps_per_s": round(rate, 1),
                          "neuron_steps_per_s": round(rate * model.pop.size, 1)}))


if __name__ == "__main__":
    main()
