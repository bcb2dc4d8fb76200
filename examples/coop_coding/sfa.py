"""Spike-frequency adaptation in the 1D E/I network
================================================

The 1D network with spike-frequency adaptation (seed 004, its supplementary Fig. Aa
values: d_RF = 4.5, a_SFA = 0.09, tau_SFA = 10 tau): an input pulse at the centre neuron
from t = 100 to t = 300 tau. The seed's three panels (x, u and the input at the centre;
the activity profile when the pulse ends; the loss), with the same network without
adaptation (a_SFA = 0) for comparison: adaptation makes the response after the pulse more
than twice as fast, at the price of an overshoot and a negative rebound.

    MPLBACKEND=Agg python examples/coop_coding/sfa.py [--out DIR] [--n 200]

Writes ``sfa.png`` and ``sfa.json``.
"""
import os
import time

import numpy as np

from _common import parse_args, pyplot, save_json
from neurogen.models import SFANetwork1D

args = parse_args(__doc__.splitlines()[0], n=(int, 200, "ring size (seed: 200)"),
                  a_sfa=(float, 0.09, "adaptation strength (seed: 0.09)"),
                  tau_sfa=(float, 10.0, "adaptation time constant (seed: 10)"))

runs, results = {}, {}
for label, a in (("SFA", args.a_sfa), ("no SFA", 0.0)):
    model = SFANetwork1D(N=args.n, a_SFA=a, tau_SFA=args.tau_sfa, seed=0)
    model.net.config(num_threads=args.threads)
    t0 = time.perf_counter()
    res = model.pulse_experiment(t_on=100.0, t_off=300.0, duration=500.0)
    runs[label] = (model, res)
    on = slice(res.n_on, res.n_off)
    results[label] = {
        "a_SFA": a, "tau_SFA": args.tau_sfa, "w_rec": model.w_rec, "w_ff": model.w_ff,
        "response_time_off": res.response_time, "response_time_on": res.response_time_on,
        "t_decay_without_SFA": model.t_decay, "loss_at_pulse_end": float(res.loss[res.n_off - 1]),
        "peak_x_j0": float(res.x_j0[on].max()),
        "peak_time_after_onset": float((np.argmax(res.x_j0[on]) + 1) * model.dt),
        "min_x_j0_after_pulse": float(res.x_j0[res.n_off:].min()),
        "seconds": round(time.perf_counter() - t0, 2)}
    print(f"{label:7s} response time after the pulse {res.response_time:.2f} tau (after its "
          f"onset {res.response_time_on:.2f}); x_j0 peak {results[label]['peak_x_j0']:.3f}, "
          f"min after the pulse {results[label]['min_x_j0_after_pulse']:.3f}; "
          f"loss at the pulse end {results[label]['loss_at_pulse_end']:.4f}")
speedup = results["no SFA"]["response_time_off"] / results["SFA"]["response_time_off"]
print(f"without SFA the analytic t_decay is {runs['SFA'][0].t_decay:.2f} tau; adaptation "
      f"speeds the response up {speedup:.2f}x")
save_json(os.path.join(args.out, "sfa.json"), results)

plt = pyplot()
if plt is not None:
    model, res = runs["SFA"]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    axes[0].plot(res.t, res.x_j0, c="black", label=r"$x_{j_0}$")
    axes[0].plot(res.t, res.u_j0, c="green", label=r"$u_{j_0}$")
    axes[0].plot(res.t, res.r_in_j0, c="blue", label=r"$r_{j_0}$ (input)")
    axes[0].plot(res.t, runs["no SFA"][1].x_j0, c="gray", ls=":", label=r"$x_{j_0}$, no SFA")
    axes[0].set(title="Dynamics", xlabel=r"Time ($\tau$)")
    axes[0].legend(fontsize=8)
    j = np.arange(model.j0 - 20, model.j0 + 21)
    axes[1].plot(j, res.profile_off[j], "o-", ms=3, label="activity at the pulse end")
    axes[1].plot(j, model.target[j], "k--", label=r"target $\gamma^{|j-j_0|}$")
    axes[1].set(title="Final activity", xlabel="Neuron index", ylabel="Response")
    axes[1].legend(fontsize=8)
    for label, color in (("SFA", "C0"), ("no SFA", "gray")):
        r = runs[label][1]
        axes[2].plot(r.t, r.loss, c=color, label=f"{label}: t_resp = {r.response_time:.2f}")
        axes[2].axvline(r.t[r.n_off] - model.dt + r.response_time, c=color, ls=":", lw=1)
    axes[2].axhline(np.exp(-1), c="gray", ls="dashed", lw=0.8)
    axes[2].set(title="Loss evolution", xlabel=r"Time ($\tau$)", ylabel="Loss")
    axes[2].legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(args.out, "sfa.png")
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")
