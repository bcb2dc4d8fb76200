"""The STDP window, measured on pairs of spikes
=============================================

One synapse per pair: a presynaptic ``SpikeSourceArray`` neuron spikes once at
``t_pre``, its postsynaptic neuron (made to spike at one chosen time ``t_post``,
nothing else) once at ``t_pre + dt_pair``; the synapse is ANNarchy's online STDP rule
(:class:`neurogen.models.STDP`: traces ``x`` and ``y`` decaying with ``tau_plus`` and
``tau_minus``). After the pair the weight has changed by the window::

    dw(dt_pair) =  A_plus * w_max * exp(-dt_pair / tau_plus)     (pre before post)
    dw(dt_pair) = -A_minus * w_max * exp(dt_pair / tau_minus)    (post before pre)

with neurogen's (= ANNarchy 5's) event timing: a presynaptic spike emitted at step n is
processed at step n + 1 (no delay), where the traces are first brought to step n but
the synapse's last event is set to n + 1. A postsynaptic spike ``dt_pair > 0`` after
the presynaptic one therefore sees ``x`` decayed over ``dt_pair - dt`` only, and a
postsynaptic spike at the step of the presynaptic one counts as "post before pre"::

    dw = A_plus * w_max * exp(-(dt_pair - dt) / tau_plus)  for dt_pair >= dt
    dw = -A_minus * w_max * exp(dt_pair / tau_minus)       for dt_pair <= 0

Prints the largest deviation of the measured changes from this curve (round-off:
1e-12 or less); saves ``stdp_window.png`` (the measured changes over the analytic
curves) into ``--out`` (default ``examples/spiking/output/``). ``--json PATH`` writes the
numbers (the pairs' delays, the measured and analytic changes, the deviations).

    python examples/spiking/stdp_window.py [--range 50] [--spacing 0.5] [--out DIR]
        [--json PATH]
"""
import argparse
import math
from pathlib import Path

import numpy as np

import neurogen as ng
from neurogen.models import STDP

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--range", type=float, default=50.0,
                    help="largest |t_post - t_pre| (ms)")
parser.add_argument("--spacing", type=float, default=0.5,
                    help="spacing of the pairs' delays (ms, a multiple of dt)")
parser.add_argument("--dt", type=float, default=0.1, help="simulation step (ms)")
parser.add_argument("--json", default=None, help="write the run's numbers to this file")
parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "output"),
                    help="folder for stdp_window.png (created if needed)")
args = parser.parse_args()

tau_plus, tau_minus, A_plus, A_minus, w_max, w0 = 20.0, 20.0, 0.01, 0.0105, 1.0, 0.5
dt = args.dt
half = int(round(args.range / args.spacing))
# ms; with -dt and +dt, where the event timing matters most
dt_pairs = np.unique(np.round(np.concatenate([np.arange(-half, half + 1) * args.spacing,
                                              [-dt, dt]]) / dt) * dt)
n = dt_pairs.size
t_pre = args.range + 10.0                                 # every pre spike at this time

net = ng.Network(dt=dt)
pre = net.create(ng.SpikeSourceArray(spike_times=[[t_pre]] * n), name="pre")
# The postsynaptic neurons spike at t_post and only then (their input is ignored).
post = net.create(n, ng.Neuron(parameters="t_post = 0.0", equations="v = g_exc",
                               spike="abs(t - t_post) < 0.5 * dt"), name="post")
post.t_post = t_pre + dt_pairs
proj = net.connect(pre, post, "exc", synapse=STDP(tau_plus=tau_plus, tau_minus=tau_minus,
                                                  A_plus=A_plus, A_minus=A_minus,
                                                  w_min=0.0, w_max=w_max))
proj.one_to_one(weights=w0)
m = net.monitor(post, "spike")
net.compile()
net.simulate(t_pre + args.range + 10.0)

spikes = m.get("spike")
assert all(len(spikes[i]) == 1 for i in range(n)), "each postsynaptic neuron spikes once"
# one synapse per postsynaptic neuron, in rank order
dw = np.array([d.w[0] for d in proj.dendrites]) - w0


def event_timed(delta):
    """The window with neurogen's (= ANNarchy's) event timing."""
    if delta > 0.5 * dt:
        return A_plus * w_max * math.exp(-(delta - dt) / tau_plus)
    return -A_minus * w_max * math.exp(delta / tau_minus)


def textbook(delta):
    """The continuous-time window."""
    if delta > 0.0:
        return A_plus * w_max * math.exp(-delta / tau_plus)
    return -A_minus * w_max * math.exp(delta / tau_minus)


expected = np.array([event_timed(d) for d in dt_pairs])
deviation = float(np.max(np.abs(dw - expected)))
continuous = float(np.max(np.abs(dw - np.array([textbook(d) for d in dt_pairs]))))
print(f"{n} pairs, t_post - t_pre from {dt_pairs[0]:g} to {dt_pairs[-1]:g} ms, dt = {dt:g} ms")
print(f"largest dw: {dw.max():.6f} (dt_pair = {dt_pairs[np.argmax(dw)]:g} ms), "
      f"smallest: {dw.min():.6f} (dt_pair = {dt_pairs[np.argmin(dw)]:g} ms)")
print(f"max |measured - analytic (event timing)| = {deviation:.3e}")
print(f"max |measured - continuous-time window|  = {continuous:.3e} (the one-step shift)")
if args.json:
    import json
    record = {"dt": dt, "tau_plus": tau_plus, "tau_minus": tau_minus, "A_plus": A_plus,
              "A_minus": A_minus, "w_max": w_max, "dt_pairs": dt_pairs.tolist(),
              "dw": dw.tolist(), "dw_analytic": expected.tolist(),
              "max_deviation": deviation, "max_deviation_continuous": continuous}
    Path(args.json).write_text(json.dumps(record, indent=1))
    print(f"numbers written to {args.json}")

# The figure, drawn on matplotlib's Agg canvas: no display needed.
from matplotlib.figure import Figure  # noqa: E402

fig = Figure(figsize=(10.0, 4.2), layout="constrained")
axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": (3, 2)})
for ax, (lo, hi) in zip(axes, ((-args.range, args.range), (-1.0, 1.0))):
    fine = np.linspace(lo, hi, 2001)
    inside = (dt_pairs >= lo) & (dt_pairs <= hi)
    ax.axhline(0.0, color="0.7", lw=0.8)
    ax.axvline(0.0, color="0.7", lw=0.8)
    ax.plot(fine, [textbook(d) for d in fine], color="0.5", ls="--",
            label=r"$A_+ e^{-\Delta t/\tau_+}$, $-A_- e^{\Delta t/\tau_-}$")
    steps = np.arange(round(lo / dt), round(hi / dt) + 1) * dt    # defined on the steps
    ax.plot(steps, [event_timed(d) for d in steps], color="tab:blue", lw=1.0,
            label="the same with the event timing")
    ax.plot(dt_pairs[inside], dw[inside], ".", color="k", ms=5, label="measured (neurogen)")
    ax.set(xlabel=r"$\Delta t = t_{post} - t_{pre}$ (ms)", xlim=(lo, hi))
axes[0].set(ylabel=r"$\Delta w$ after one pair",
            title=f"STDP window: max deviation from the curve {deviation:.1e}")
axes[1].set(title=f"around 0: the one-step shift (dt = {dt:g} ms)")
axes[0].legend(fontsize=8, loc="lower right")
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
fig.savefig(out / "stdp_window.png", dpi=100)
print("saved", out / "stdp_window.png")
