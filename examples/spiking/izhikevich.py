"""Izhikevich's (2003) pulse-coupled network of 1000 spiking neurons
===================================================================

The network of "Simple model of spiking neurons" (Izhikevich, IEEE Trans. Neural
Networks 14:6, 2003), as ANNarchy's tutorial writes it: 800 excitatory neurons
(regular spiking, ``c`` and ``d`` spread towards chattering by ``re**2``) and 200
inhibitory ones (fast spiking, ``a`` and ``b`` spread by ``ri``), all-to-all, weights
drawn uniformly in [0, 0.5] (excitatory) and [0, 1] (inhibitory), a random thalamic
input ``noise * Normal(0, 1)`` drawn per neuron and step (noise 5 for the excitatory
neurons, 2 for the inhibitory ones), dt = 1 ms. The neuron is neurogen's
``Izhikevich`` (ANNarchy's standard model: explicit Euler,
synapses that add ``w`` to the input for one step).

Headless: prints the mean rates and the frequency of the population rhythm (the paper
shows alpha- and gamma-band oscillations); saves ``izhikevich.png`` (the raster, the
membrane potential of one excitatory neuron, the population rate) into ``--out``
(default ``examples/spiking/output/``). ``--json PATH`` writes the run's numbers (rates,
spikes, rhythm, seconds).

    python examples/spiking/izhikevich.py [--duration 1000] [--seed 1] [--out DIR]
        [--json PATH]
"""
import argparse
import time
from pathlib import Path

import numpy as np

import neurogen as ng
from neurogen.analysis.spike_trains import raster_and_rate

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--duration", type=float, default=1000.0, help="simulated time (ms)")
parser.add_argument("--seed", type=int, default=1,
                    help="seed of the parameters, weights and noise")
parser.add_argument("--json", default=None, help="write the run's numbers to this file")
parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "output"),
                    help="folder for izhikevich.png (created if needed)")
args = parser.parse_args()

net = ng.Network(dt=1.0, seed=args.seed)
pop = net.create(1000, neuron=ng.Izhikevich(), name="izhikevich")
Exc, Inh = pop[:800], pop[800:]

rng = np.random.default_rng(args.seed)
re, ri = rng.random(800), rng.random(200)
Exc.noise = 5.0                 ; Inh.noise = 2.0             # noqa: E702 (the paper's layout)
Exc.a = 0.02                    ; Inh.a = 0.02 + 0.08 * ri    # noqa: E702
Exc.b = 0.2                     ; Inh.b = 0.25 - 0.05 * ri    # noqa: E702
Exc.c = -65.0 + 15.0 * re**2    ; Inh.c = -65.0               # noqa: E702
Exc.d = 8.0 - 6.0 * re**2       ; Inh.d = 2.0                 # noqa: E702
pop.v = -65.0
pop.u = pop.v * pop.b

net.connect(Exc, pop, "exc").all_to_all(weights=ng.Uniform(0.0, 0.5))
net.connect(Inh, pop, "inh").all_to_all(weights=ng.Uniform(0.0, 1.0))

m = net.monitor(pop, ["spike", "v"])
net.compile()
start = time.perf_counter()
net.simulate(args.duration)
took = time.perf_counter() - start

spikes = m.get("spike")
v = m.get("v")
steps = v.shape[0]
counts = np.array([len(spikes[i]) for i in range(1000)])
rate_exc = counts[:800].sum() / 800 / (steps * net.dt / 1000.0)
rate_inh = counts[800:].sum() / 200 / (steps * net.dt / 1000.0)
print(f"{args.duration:g} ms of 1000 neurons (1000000 synapses) simulated in {took:.3f} s")
print(f"mean rates: excitatory {rate_exc:.2f} Hz, inhibitory {rate_inh:.2f} Hz "
      f"({counts.sum()} spikes)")

# The population rhythm: the peak of the spectrum of the population rate (1 ms bins),
# between 4 and 100 Hz, after the first 100 ms.
rate = m.population_rate(spikes)
settled = rate[min(100, rate.size // 2):]
spectrum = np.abs(np.fft.rfft(settled - settled.mean()))
freqs = np.fft.rfftfreq(settled.size, d=net.dt / 1000.0)
band = (freqs >= 4.0) & (freqs <= 100.0)
peak = float(freqs[band][np.argmax(spectrum[band])]) if band.any() else None
if peak is not None:
    print(f"population rhythm: spectral peak at {peak:.1f} Hz")
if args.json:
    import json
    record = {"seed": args.seed, "duration_ms": args.duration, "spikes": int(counts.sum()),
              "rate_exc_hz": float(rate_exc), "rate_inh_hz": float(rate_inh),
              "rhythm_hz": peak, "simulate_seconds": took}
    Path(args.json).write_text(json.dumps(record, indent=1))
    print(f"numbers written to {args.json}")

# The figure, drawn on matplotlib's Agg canvas: no display needed.
from matplotlib.figure import Figure  # noqa: E402

fig = Figure(figsize=(8.0, 7.0), layout="constrained")
raster_ax, v_ax, rate_ax = fig.subplots(3, 1, sharex=True,
                                        gridspec_kw={"height_ratios": (3, 1, 1)})
raster_and_rate(spikes, net.dt, ax=(raster_ax, rate_ax), smooth=2.0, markersize=1.0,
                title="Izhikevich (2003): 800 excitatory (below the line), "
                      "200 inhibitory neurons")
raster_ax.axhline(799.5, color="tab:red", lw=0.8)
t = np.arange(steps) * net.dt
v_ax.plot(t, v[:, 15], color="tab:blue", lw=0.8)
v_ax.set_ylabel("v (mV)\nneuron 15")
v_ax.set_xlim(t[0], t[-1])
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
fig.savefig(out / "izhikevich.png", dpi=90)
print("saved", out / "izhikevich.png")
