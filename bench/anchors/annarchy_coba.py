"""Brette et al. (2007) benchmarks 1 (COBA) and 2 (CUBA), Vogels & Abbott (2005) network,
as in ANNarchy's COBA/CUBA tutorial: N neurons (80 % excitatory, 20 % inhibitory), random
connections with probability p (default 80/N, i.e. 0.02 at N = 4000 and 0.002 at N = 40000,
80 synapses per neuron), dt = 0.1 ms, 1000 ms simulated, explicit Euler, 5 ms refractory period.

Runs under ANNarchy 5 itself (a venv with ``pip install annarchy``; its bin/ must be first on
PATH when compiling so that CMake finds nanobind), e.g.

    PATH=/tmp/venv-annarchy/bin:$PATH python bench/anchors/annarchy_coba.py --model coba --json

Prints one JSON line: tool, model, neurons, threads, build_s (code generation, C++ compilation,
network instantiation and connectivity; always a clean build in a fresh directory), simulate_s
(``net.simulate(duration)`` alone), rate_hz (mean rate over all neurons), spikes (total).
"""
import argparse, json, os, shutil, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--model", choices=["coba", "cuba"], default="coba")
ap.add_argument("--neurons", type=int, default=4000)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--prob", type=float, default=None, help="connection probability (default 80/N)")
ap.add_argument("--duration", type=float, default=1000.0, help="ms")
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--json", action="store_true", help="print only the JSON line")
args = ap.parse_args()

import contextlib, io
from importlib.metadata import version
with contextlib.redirect_stdout(io.StringIO() if args.json else sys.stdout):
    import ANNarchy as ann   # prints a banner

N = args.neurons
NE = int(0.8 * N)
p = args.prob if args.prob is not None else 80.0 / N

if args.model == "coba":
    neuron = ann.Neuron(
        parameters=dict(El=-60.0, Vr=-60.0, Erev_exc=0.0, Erev_inh=-80.0, Vt=-50.0,
                        tau=20.0, tau_exc=5.0, tau_inh=10.0, I=20.0),
        equations=[
            "tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I",
            "tau_exc * dg_exc/dt = - g_exc",
            "tau_inh * dg_inh/dt = - g_inh",
        ],
        spike="v > Vt", reset="v = Vr", refractory=5.0)
    w_exc, w_inh = 0.6, 6.7
else:
    neuron = ann.Neuron(
        parameters=dict(El=-49.0, Vr=-60.0, Vt=-50.0, tau_m=20.0, tau_exc=5.0, tau_inh=10.0),
        equations=[
            "tau_m * dv/dt = (El - v) + g_exc - g_inh",
            "tau_exc * dg_exc/dt = - g_exc",
            "tau_inh * dg_inh/dt = - g_inh",
        ],
        spike="v > Vt", reset="v = Vr", refractory=5.0)
    w_exc, w_inh = 0.27 * 60.0 / 10.0, 4.5 * 20.0 / 10.0

net = ann.Network(dt=0.1, seed=args.seed)
net.config(num_threads=args.threads)
P = net.create(geometry=N, neuron=neuron)
# rng=net.default_rng: without it ANNarchy's Normal/Uniform draw from an unseeded
# np.random.default_rng(), and runs with the same --seed differ (the tutorial leaves it out).
rng = net.default_rng
if args.model == "coba":
    P.v = ann.Normal(-55.0, 5.0, rng=rng)
    P.g_exc = ann.Normal(4.0, 1.5, rng=rng)
    P.g_inh = ann.Normal(20.0, 12.0, rng=rng)
else:
    P.v = ann.Uniform(-60.0, -50.0, rng=rng)
Ce = net.connect(pre=P[:NE], post=P, target="exc")
Ce.fixed_probability(weights=w_exc, probability=p)
Ci = net.connect(pre=P[NE:], post=P, target="inh")
Ci.fixed_probability(weights=w_inh, probability=p)
m = net.monitor(P, ["spike"])

build_dir = tempfile.mkdtemp(prefix="annarchy_coba_")
t0 = time.perf_counter()
net.compile(directory=build_dir, clean=True, silent=args.json)
build_s = time.perf_counter() - t0

t0 = time.perf_counter()
net.simulate(args.duration)
simulate_s = time.perf_counter() - t0

spikes = m.get("spike")
total = int(sum(len(v) for v in spikes.values()))
out = {"tool": "annarchy-" + version("annarchy"),
       "model": args.model, "neurons": N, "threads": args.threads, "prob": p,
       "build_s": round(build_s, 3), "simulate_s": round(simulate_s, 4),
       "rate_hz": round(total / N / (args.duration / 1000.0), 4), "spikes": total}
shutil.rmtree(build_dir, ignore_errors=True)
print(json.dumps(out), flush=True)
