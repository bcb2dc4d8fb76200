"""Response times of the excitatory and the balanced E/I-lag networks (seed 004).
==============================================================================

The seed's measurement: the input (a unit pulse, scaled so the steady state peaks at 1)
is switched on at t = 0; the loss is ``mean |x - x*|``; the response time is the time
from the first sample to the earliest sample from which the loss stays below
``e^-k`` of its first value (k = 1, 2, 3). The excitatory network should give its
analytic ``t_decay = 100``; the balanced network, with the same steady state, is much
faster (analytic ``t_resp = 2.22``, a critically damped double root, so the e^-1 time is
``2.146 t_resp``). The 1D numbers are also computed with a NumPy port of the seed's own
midpoint integrator.

    MPLBACKEND=Agg python examples/coop_coding/response_times.py [--out DIR] [--n2d 200]

Writes ``response_times.png`` and ``response_times.json``.
"""
import os
import time

import numpy as np

from _common import parse_args, pyplot, save_json, seed_midpoint_losses
from neurogen.models import EILagNetwork1D, EILagNetwork2D
from neurogen.models.coop import critical_crossing, loss_response_times

args = parse_args(__doc__.splitlines()[0],
                  n1d=(int, 200, "ring size (seed: 200)"),
                  n2d=(int, 200, "torus side (seed: 200)"),
                  no_seed_check=(int, 0, "1: skip the NumPy port of the seed's integrator"))

results, curves = {}, {}
for label, cls, size in (("1D", EILagNetwork1D, args.n1d), ("2D", EILagNetwork2D, args.n2d)):
    for balanced in (False, True):
        kind = "balanced" if balanced else "excitatory"
        model = cls(N=size, balanced=balanced, seed=0)
        model.net.config(num_threads=args.threads)
        t0 = time.perf_counter()
        res = model.step_response(n_powers=3)
        wall = time.perf_counter() - t0
        key = f"{label} {kind}"
        results[key] = {
            "N": size, "dt": model.dt, "n_steps": len(res.loss),
            "w_rec_netE": model.w_rec_netE, "w_rec_I": model.w_rec_I, "w_in": model.w_in,
            "response_times": [float(v) for v in res.response_time],
            "analytic": res.analytic, "t_decay": model.t_decay, "seconds": round(wall, 2)}
        if balanced:
            results[key]["critical_prediction"] = critical_crossing() * res.analytic
        curves[key] = res
        print(f"{key:14s} N={size:4d} dt={model.dt:<5g} response times (e^-1, e^-2, e^-3) "
              f"{np.round(res.response_time, 3)}  analytic {res.analytic:.4f}  "
              f"({len(res.loss)} steps, {wall:.2f} s)")

for label in ("1D", "2D"):
    ratio = (results[f"{label} excitatory"]["response_times"][0]
             / results[f"{label} balanced"]["response_times"][0])
    results[f"{label} ratio excitatory/balanced"] = ratio
    print(f"{label}: the balanced network responds {ratio:.1f}x faster")

if not args.no_seed_check:                 # the seed's midpoint integrator, in NumPy
    for balanced in (False, True):
        model = EILagNetwork1D(N=args.n1d, balanced=balanced)
        n_steps = len(curves[f"1D {'balanced' if balanced else 'excitatory'}"].loss)
        t0 = time.perf_counter()
        loss = seed_midpoint_losses(model.default_input(), model.w_rec_netE, model.w_rec_I,
                                    model.tau, model.dt, model.n_lag, n_steps)
        times = loss_response_times(loss, model.dt, n_powers=3)
        key = f"1D {'balanced' if balanced else 'excitatory'}"
        results[key]["seed_midpoint_response_times"] = [float(v) for v in times]
        print(f"{key:14s} seed's midpoint integrator (NumPy): {np.round(times, 3)} "
              f"({time.perf_counter() - t0:.1f} s)")

save_json(os.path.join(args.out, "response_times.json"), results)

plt = pyplot()
if plt is not None:
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    colors = {"excitatory": "tab:blue", "balanced": "tab:red"}
    for key, res in curves.items():
        kind = key.split()[1]
        style = "-" if key.startswith("1D") else "--"
        ax1.plot(res.t, res.loss / res.loss[0], style, color=colors[kind], label=key)
        ax1.axvline(res.response_time[0], color=colors[kind], ls=":", lw=1)
    for k in (1, 2, 3):
        ax1.axhline(np.exp(-k), color="gray", ls="dashed", lw=0.8)
    ax1.set(xscale="log", yscale="log", ylim=(1e-3, 1.5), xlabel=r"t ($\tau$)",
            ylabel="loss / first loss", title="loss after the input is switched on")
    ax1.legend(fontsize=8)
    keys = [k for k in curves]
    x = np.arange(len(keys))
    measured = [results[k]["response_times"][0] for k in keys]
    analytic = [results[k]["analytic"] for k in keys]
    ax2.bar(x - 0.2, measured, 0.4, label="measured (e^-1)", color="tab:gray")
    ax2.bar(x + 0.2, analytic, 0.4, label="analytic (t_decay / t_resp)", color="tab:orange")
    predicted = [results[k].get("critical_prediction", results[k]["t_decay"]) for k in keys]
    ax2.plot(x - 0.2, predicted, "bo", ms=5,
             label="predicted e^-1 time (t_decay; 2.146 t_resp)")
    if not args.no_seed_check:
        seed = [results[k].get("seed_midpoint_response_times", [np.nan])[0] for k in keys]
        ax2.plot(x - 0.2, seed, "k_", ms=20, mew=2, label="seed's integrator (1D)")
    ax2.set(xticks=x, yscale="log", ylabel=r"response time ($\tau$)",
            title="excitatory vs balanced E/I-lag")
    ax2.set_xticklabels(keys, rotation=15)
    ax2.set_ylim(1, 400)
    ax2.legend(fontsize=8, loc="upper center")
    fig.tight_layout()
    path = os.path.join(args.out, "response_times.png")
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")
