"""Shared by the cooperative-coding examples: the output folder, a headless pyplot, and a
NumPy port of the seed's own integrator (midpoint with a lagged-derivative correction),
used to check that neurogen's Euler runs give the seed's response times."""
import argparse
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args(description: str, **extra):
    """``--out`` (default ``examples/coop_coding/output``) and ``--threads``; ``extra``:
    name -> (type, default, help)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default=os.path.join(HERE, "output"),
                        help="folder for the figures and numbers (created if needed)")
    parser.add_argument("--threads", type=int, default=1, help="OpenMP threads")
    for name, (kind, default, text) in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=default,
                            help=text)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    return args


def pyplot():
    """matplotlib with the Agg backend (headless), or None when it is not installed."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: numbers only, no figures")
        return None
    return plt


def save_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
    print(f"wrote {path}")


def neighbours_sum(x):
    """A x for the periodic nearest-neighbour adjacency (any number of axes)."""
    return sum(np.roll(x, s, axis=a) for a in range(x.ndim) for s in (1, -1))


def seed_midpoint_losses(x_in, w_rec_netE, w_rec_I, tau, dt, n_lag, n_steps):
    """The seed's ``evolve_net`` twice, in NumPy: a run of ``2 n_steps`` gives the target
    (its last state; ``w_in`` then scales its maximum to 1), a second run of ``n_steps``
    the loss ``mean |x - target|`` after every step. Each step is the seed's
    ``midpoint_method_step``: ``k1 = f(x, x_lag)``, ``x += dt f(x + dt/2 k1, x_lag + dt/2
    k1_old)`` with ``k1_old`` the ``k1`` of ``n_lag + 1`` steps earlier."""
    tau_lag = n_lag * dt

    def run(w_in, n, target):
        def f(x, lagged):
            return (-x + w_in * x_in + w_rec_netE * neighbours_sum(x)
                    - (tau / tau_lag) * w_rec_I * neighbours_sum(x - lagged)) / tau
        x = np.zeros_like(x_in)
        history = [x] * (n_lag + 1)              # states x_{t - n_lag} ... x_t
        k_hist = [np.zeros_like(x)] * (n_lag + 1)
        loss = np.empty(n)
        for i in range(n):
            lagged = history[0]
            k1 = f(x, lagged)
            x = x + dt * f(x + 0.5 * dt * k1, lagged + 0.5 * dt * k_hist[0])
            k_hist = k_hist[1:] + [k1]
            history = history[1:] + [x]
            loss[i] = np.abs(x - target).mean()
        return x, loss

    final, _ = run(1.0, 2 * n_steps, 0.0)
    w_in = 1.0 / final.max()
    _, loss = run(w_in, n_steps, final / final.max())
    return loss
