"""Activity of the E/I-lag networks after a step input
===================================================

Activity of the E/I-lag networks after a step input (seed 004): the 1D ring's activity
over time (excitatory vs balanced) with the final profile against the steady state, and
snapshots of the 2D torus under the seed's linear mixing (the input is a cross through
the stimulated neuron).

    MPLBACKEND=Agg python examples/coop_coding/activity.py [--out DIR] [--n2d 200]

Writes ``activity_1d.png`` and ``activity_2d.png``.
"""
import os

import numpy as np

from _common import parse_args, pyplot
from neurogen.models import EILagNetwork1D, EILagNetwork2D

args = parse_args(__doc__.splitlines()[0],
                  n1d=(int, 200, "ring size (seed: 200)"),
                  n2d=(int, 200, "torus side (seed: 200)"))

runs = {}
for balanced in (False, True):
    model = EILagNetwork1D(N=args.n1d, balanced=balanced, seed=0)
    model.net.config(num_threads=args.threads)
    n_steps = int(round(300.0 / model.dt)) if not balanced else int(round(30.0 / model.dt))
    res = model.step_response(n_steps=n_steps, record_every=max(1, n_steps // 600))
    runs["balanced" if balanced else "excitatory"] = (model, res)
    err = np.abs(res.final - res.target).max()
    print(f"1D {'balanced' if balanced else 'excitatory':10s}: after {res.t[-1]:g} tau "
          f"max |x - x*| = {err:.2e}, response time {res.response_time:.3f}")

model2 = EILagNetwork2D(N=args.n2d, balanced=True, seed=0)
model2.net.config(num_threads=args.threads)
snap_times = [1.0, 2.5, 5.0, 10.0, 25.0]
n2 = int(round(snap_times[-1] / model2.dt))
every = int(round(0.5 / model2.dt))
res2 = model2.step_response(n_steps=n2, record_every=every)
print(f"2D balanced N={args.n2d}: response time {res2.response_time:.3f}, after "
      f"{res2.t[-1]:g} tau max |x - x*| = {np.abs(res2.final - res2.target).max():.2e}")

plt = pyplot()
if plt is not None:
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    for ax, kind in zip(axes[:2], ("excitatory", "balanced")):
        model, res = runs[kind]
        im = ax.imshow(res.states.T, aspect="auto", origin="lower", vmin=0, vmax=1,
                       extent=(0, res.state_times[-1], -0.5, model.N - 0.5), cmap="viridis")
        ax.axvline(res.response_time, color="w", ls="--", lw=1)
        ax.set(xlabel=r"t ($\tau$)", ylabel="neuron",
               title=f"1D {kind}: x(t) (dashed: response time {res.response_time:.2f})")
        fig.colorbar(im, ax=ax)
    ax = axes[2]
    c = args.n1d // 2
    window = np.arange(c - 30, c + 31)
    for kind, style in (("excitatory", "-"), ("balanced", "-")):
        model, res = runs[kind]
        i = np.searchsorted(res.state_times, 2.0 * runs["balanced"][1].response_time)
        ax.plot(window, res.states[i][window], style,
                label=f"{kind} at t={res.state_times[i]:.1f}")
    ax.plot(window, runs["balanced"][1].target[window], "k--", label="steady state x*")
    ax.set(xlabel="neuron", ylabel="x", title="profiles (same steady state)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(args.out, "activity_1d.png")
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")

    c, h = args.n2d // 2, min(40, args.n2d // 2)
    crop = (slice(c - h, c + h + 1), slice(c - h, c + h + 1))     # the centre, enlarged
    fig, axes = plt.subplots(1, len(snap_times) + 1, figsize=(3.2 * (len(snap_times) + 1), 3.4))
    for ax, t in zip(axes, snap_times):
        i = int(np.argmin(np.abs(res2.state_times - t)))
        ax.imshow(res2.states[i][crop], origin="lower", vmin=0, vmax=1, cmap="viridis")
        ax.set(title=f"t = {res2.state_times[i]:g}", xticks=[], yticks=[])
    im = axes[-1].imshow(res2.target[crop], origin="lower", vmin=0, vmax=1, cmap="viridis")
    axes[-1].set(title="steady state x*", xticks=[], yticks=[])
    fig.colorbar(im, ax=axes[-1], fraction=0.046)
    fig.suptitle(f"2D balanced E/I-lag network, {args.n2d}x{args.n2d} torus, linear mixing "
                 f"(central {2 * h + 1}x{2 * h + 1}; response time "
                 f"{res2.response_time:.2f})")
    fig.tight_layout()
    path = os.path.join(args.out, "activity_2d.png")
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")
