"""Brette et al. (2007) benchmarks 1 (COBA) and 2 (CUBA) in Brian 2, cpp_standalone mode, with
the same dimensionless equations, parameters, weights and initial values as ANNarchy's COBA/CUBA
tutorial (see annarchy_coba.py next to this file): N neurons (80 % excitatory), connection
probability p (default 80/N), no self-connections, dt = 0.1 ms, 1000 ms, forward Euler,
5 ms refractory period during which v is frozen and the conductances keep decaying (as ANNarchy,
which freezes every variable not named g_*: here ``(unless refractory)`` on v only).

Runs in a venv with ``pip install brian2`` (numpy < 2.4 for brian2 2.9.0), e.g.

    /tmp/venv-brian2/bin/python bench/anchors/brian2_coba.py --model coba --json

How build and run times are separated: the script uses ``set_device('cpp_standalone',
build_on_run=False)``, so ``run()`` only records the simulation. build_s = that ``run()`` call +
``device.build(compile=True, run=False, clean=True)`` (code generation and C++ compilation, in a
fresh directory). The binary is then started by ``device.run()``; its wall time (process start,
connectivity generation, simulation, writing results) is reported as run_process_s, and
simulate_s is Brian's own measure of the simulation loop alone (``device._last_run_time``, read
from results/last_run_info.txt written by the binary), the counterpart of ANNarchy's
``net.simulate()``.

Prints one JSON line: tool, model, neurons, threads, build_s, simulate_s, run_process_s,
rate_hz (mean rate over all neurons), spikes (total).
"""
import argparse, json, shutil, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--model", choices=["coba", "cuba"], default="coba")
ap.add_argument("--neurons", type=int, default=4000)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--prob", type=float, default=None, help="connection probability (default 80/N)")
ap.add_argument("--duration", type=float, default=1000.0, help="ms")
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--json", action="store_true", help="print only the JSON line")
args = ap.parse_args()

import brian2 as b2
from brian2 import ms
from importlib.metadata import version

b2.BrianLogger.log_level_error() if args.json else None
build_dir = tempfile.mkdtemp(prefix="brian2_coba_")
b2.set_device("cpp_standalone", build_on_run=False, directory=build_dir)
b2.prefs.devices.cpp_standalone.openmp_threads = args.threads if args.threads > 1 else 0
b2.defaultclock.dt = 0.1 * ms
b2.seed(args.seed)

N = args.neurons
NE = int(0.8 * N)
p = args.prob if args.prob is not None else 80.0 / N

if args.model == "coba":
    ns = dict(El=-60.0, Vr=-60.0, Erev_exc=0.0, Erev_inh=-80.0, Vt=-50.0,
              tau=20.0 * ms, tau_exc=5.0 * ms, tau_inh=10.0 * ms, I=20.0)
    eqs = """
    dv/dt = ((El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I) / tau : 1 (unless refractory)
    dg_exc/dt = -g_exc / tau_exc : 1
    dg_inh/dt = -g_inh / tau_inh : 1
    """
    w_exc, w_inh = 0.6, 6.7
else:
    ns = dict(El=-49.0, Vr=-60.0, Vt=-50.0, tau_m=20.0 * ms, tau_exc=5.0 * ms, tau_inh=10.0 * ms)
    eqs = """
    dv/dt = ((El - v) + g_exc - g_inh) / tau_m : 1 (unless refractory)
    dg_exc/dt = -g_exc / tau_exc : 1
    dg_inh/dt = -g_inh / tau_inh : 1
    """
    w_exc, w_inh = 0.27 * 60.0 / 10.0, 4.5 * 20.0 / 10.0
ns.update(NE=NE, w_exc=w_exc, w_inh=w_inh)

P = b2.NeuronGroup(N, eqs, threshold="v > Vt", reset="v = Vr", refractory=5.0 * ms,
                   method="euler", namespace=ns)
if args.model == "coba":
    P.v = "-55.0 + 5.0 * randn()"
    P.g_exc = "4.0 + 1.5 * randn()"
    P.g_inh = "20.0 + 12.0 * randn()"
else:
    P.v = "-60.0 + 10.0 * rand()"
Ce = b2.Synapses(P[:NE], P, on_pre="g_exc_post += w_exc", namespace=ns)
Ce.connect(condition="i != j", p=p)          # i counts from 0 in the subgroup P[:NE]
Ci = b2.Synapses(P[NE:], P, on_pre="g_inh_post += w_inh", namespace=ns)
Ci.connect(condition="i + NE != j", p=p)     # i counts from 0 in the subgroup P[NE:]
M = b2.SpikeMonitor(P)

t0 = time.perf_counter()
b2.run(args.duration * ms)
b2.device.build(directory=build_dir, compile=True, run=False, clean=True, with_output=not args.json)
build_s = time.perf_counter() - t0

t0 = time.perf_counter()
b2.device.run(directory=build_dir, with_output=not args.json)
run_process_s = time.perf_counter() - t0
simulate_s = float(b2.device._last_run_time)

total = int(M.num_spikes)
out = {"tool": "brian2-" + version("brian2") + "-cpp_standalone", "model": args.model,
       "neurons": N, "threads": args.threads, "prob": p,
       "build_s": round(build_s, 3), "simulate_s": round(simulate_s, 4),
       "run_process_s": round(run_process_s, 3),
       "rate_hz": round(total / N / (args.duration / 1000.0), 4), "spikes": total}
shutil.rmtree(build_dir, ignore_errors=True)
print(json.dumps(out), flush=True)
