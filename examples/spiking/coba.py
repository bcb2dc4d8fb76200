"""The COBA network of Brette et al. (2007), as ANNarchy's tutorial writes it
==========================================================================

4000 leaky integrate-and-fire neurons (80 % excitatory, 20 % inhibitory) with
exponentially decaying conductances, connected at random with probability 0.02
(80 / N for another size, so that each neuron keeps about 80 inputs), dt = 0.1 ms,
refractory period 5 ms. The model is written as ANNarchy's tutorial writes it (the
classic API: these lines run under ANNarchy with only the import changed).

Headless: prints the mean firing rate, the coefficient of variation of the inter-spike
intervals and the time taken, and saves ``coba.png`` (a raster of the spikes above the
population rate, drawn by :func:`neurogen.analysis.spike_trains.raster_and_rate`) into
``--out`` (default ``examples/spiking/output/``). ``--json PATH`` writes the run's numbers (size,
synapses, spikes, mean rate, mean CV, seconds).

    python examples/spiking/coba.py [--neurons 4000] [--duration 1000] [--out DIR]
        [--json PATH]
"""
import argparse
import time
from pathlib import Path

import numpy as np

from neurogen import *
from neurogen.analysis.spike_trains import raster_and_rate

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--neurons", type=int, default=4000, help="network size (80 %% excitatory)")
parser.add_argument("--duration", type=float, default=1000.0, help="simulated time (ms)")
parser.add_argument("--threads", type=int, default=1, help="OpenMP threads")
parser.add_argument("--json", default=None, help="write the run's numbers to this file")
parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "output"),
                    help="folder for coba.png (created if needed)")
args = parser.parse_args()

clear()
setup(dt=0.1, seed=1, num_threads=args.threads)

COBA = Neuron(
    parameters="""
        El = -60.0          : population
        Vr = -60.0          : population
        Erev_exc = 0.0      : population
        Erev_inh = -80.0    : population
        Vt = -50.0          : population
        tau = 20.0          : population
        tau_exc = 5.0       : population
        tau_inh = 10.0      : population
        I = 20.0            : population
    """,
    equations="""
        tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v ) + I
        tau_exc * dg_exc/dt = - g_exc
        tau_inh * dg_inh/dt = - g_inh
    """,
    spike="v > Vt",
    reset="v = Vr",
    refractory=5.0
)

N = args.neurons
P = Population(geometry=N, neuron=COBA)
Pe = P[:N * 4 // 5]
Pi = P[N * 4 // 5:]
P.v = Normal(-55.0, 5.0)
P.g_exc = Normal(4.0, 1.5)
P.g_inh = Normal(20.0, 12.0)

Ce = Projection(pre=Pe, post=P, target='exc')
Ce.connect_fixed_probability(weights=0.6, probability=min(1.0, 80.0 / N))
Ci = Projection(pre=Pi, post=P, target='inh')
Ci.connect_fixed_probability(weights=6.7, probability=min(1.0, 80.0 / N))

compile()

m = Monitor(P, ['spike'])
start = time.perf_counter()
simulate(args.duration)
took = time.perf_counter() - start

data = m.get('spike')
rate = m.mean_fr(data)
cv = np.asarray(m.coefficient_of_variation(data), dtype=float)
print(f"{N} neurons, {Ce.nb_synapses + Ci.nb_synapses} synapses, {args.duration:g} ms "
      f"simulated in {took:.3f} s")
print(f"{sum(len(s) for s in data.values())} spikes: mean rate {rate:.2f} Hz, "
      f"mean CV of the inter-spike intervals {np.nanmean(cv):.2f}")
if args.json:
    import json
    record = {"neurons": N, "synapses": Ce.nb_synapses + Ci.nb_synapses,
              "duration_ms": args.duration, "threads": args.threads,
              "spikes": sum(len(s) for s in data.values()), "mean_rate_hz": rate,
              "mean_cv": float(np.nanmean(cv)), "simulate_seconds": took}
    Path(args.json).write_text(json.dumps(record, indent=1))
    print(f"numbers written to {args.json}")

# The raster shows one neuron in eight (all of them make a grey wall), the rate is theirs;
# the rate axis stops at 3 times the steady rate, above which the first milliseconds go
# (the initial potentials, Normal(-55, 5) mV, put a sixth of the neurons above threshold).
shown = {rank: data[rank] for rank in range(0, N, 8)}
fig = raster_and_rate(shown, dt(), smooth=5.0, size=len(shown), markersize=1.0,
                      figsize=(8.0, 5.0), title=f"COBA, {N} neurons (1 in 8 shown): "
                                                f"raster and population rate (5 ms smoothing)")
raster_ax, rate_ax = fig.axes
rate_ax.set_ylim(0.0, 3.0 * max(rate, 1.0))
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
fig.savefig(out / "coba.png", dpi=100)
print("saved", out / "coba.png")
