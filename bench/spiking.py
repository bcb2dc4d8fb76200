"""Brette et al. (2007) COBA and CUBA networks, side by side: neurogen, ANNarchy and
Brian2, each in its own process, rounds interleaved (the machine is shared: compare the
columns of one run).

The network is ANNarchy's tutorial one (N neurons, 80 % excitatory, fixed connection
probability 80/N, dt = 0.1 ms, refractory 5 ms, 1000 ms); neurogen and ANNarchy run the
*same script* (below), only the import differs; Brian2 runs ``anchors/brian2_coba.py``
(cpp_standalone, the same dimensionless equations).

    python bench/spiking.py [--models coba cuba] [--neurons 4000 40000] [--threads 1 2]
        [--annarchy-python /venv-annarchy/bin/python] [--brian2-python /venv-brian2/bin/python]
        [--rounds 2] [--competing]

``--competing`` runs a CPU-bound process beside every measurement (a busy machine).
Prints one JSON line: per model, size, thread count and simulator, the best
``simulate(1000)`` time of the rounds, the build time of the first round, the mean rate.
"""
import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

MODEL = r"""
import json, sys, time
lib, model, N, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if lib == "annarchy":
    from ANNarchy import *
else:
    from neurogen import *
setup(dt=0.1, num_threads=threads, seed=1)
if model == "coba":
    neuron = Neuron(parameters='''
            El = -60.0 : population
            Vr = -60.0 : population
            Erev_exc = 0.0 : population
            Erev_inh = -80.0 : population
            Vt = -50.0 : population
            tau = 20.0 : population
            tau_exc = 5.0 : population
            tau_inh = 10.0 : population
            I = 20.0 : population
        ''', equations='''
            tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v ) + I
            tau_exc * dg_exc/dt = - g_exc
            tau_inh * dg_inh/dt = - g_inh
        ''', spike="v > Vt", reset="v = Vr", refractory=5.0)
    w_exc, w_inh = 0.6, 6.7
else:
    neuron = Neuron(parameters='''
            El = -49.0 : population
            Vr = -60.0 : population
            Vt = -50.0 : population
            tau = 20.0 : population
            tau_exc = 5.0 : population
            tau_inh = 10.0 : population
        ''', equations='''
            tau * dv/dt = (El - v) + g_exc + g_inh
            tau_exc * dg_exc/dt = - g_exc
            tau_inh * dg_inh/dt = - g_inh
        ''', spike="v > Vt", reset="v = Vr", refractory=5.0)
    w_exc, w_inh = 0.27 * 60 / 10, -4.5 * 20 / 10
P = Population(geometry=N, neuron=neuron)
P.v = Normal(-55.0, 5.0)
if model == "coba":
    P.g_exc = Normal(4.0, 1.5)
    P.g_inh = Normal(20.0, 12.0)
n_exc = N * 4 // 5
Ce = Projection(pre=P[:n_exc], post=P, target='exc')
Ce.connect_fixed_probability(weights=w_exc, probability=80.0 / N)
Ci = Projection(pre=P[n_exc:], post=P, target='inh')
Ci.connect_fixed_probability(weights=w_inh, probability=80.0 / N)
t0 = time.perf_counter()
compile()
build = time.perf_counter() - t0
m = Monitor(P, 'spike')
t0 = time.perf_counter()
simulate(1000.0)
elapsed = time.perf_counter() - t0
spikes = sum(len(s) for s in m.get('spike').values())
print(json.dumps({"build_s": build, "simulate_s": elapsed, "spikes": spikes,
                  "rate_hz": spikes / N}))
"""


def _burn():
    while True:
        pass


def run(cmd, env=None, cwd=None) -> dict | None:
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.stderr.write(f"{cmd[:3]} failed:\n{out.stderr[-2000:]}\n")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="+", default=["coba", "cuba"])
    ap.add_argument("--neurons", nargs="+", type=int, default=[4000])
    ap.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--annarchy-python")
    ap.add_argument("--brian2-python")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--competing", action="store_true",
                    help="a CPU-bound process runs beside every measurement")
    args = ap.parse_args()
    from compare_annarchy import interpreter_env
    work = tempfile.mkdtemp(prefix="ng-spiking-")
    script = os.path.join(work, "model.py")
    with open(script, "w") as f:
        f.write(MODEL)
    tools = {"neurogen": lambda m, n, t: run([sys.executable, script, "neurogen", m, str(n),
                                               str(t)], cwd=work)}
    if args.annarchy_python:
        tools["annarchy"] = lambda m, n, t: run(
            [args.annarchy_python, script, "annarchy", m, str(n), str(t)],
            env=interpreter_env(args.annarchy_python), cwd=work)
    if args.brian2_python:
        tools["brian2"] = lambda m, n, t: run(
            [args.brian2_python, os.path.join(HERE, "anchors", "brian2_coba.py"), "--json",
             "--model", m, "--neurons", str(n), "--threads", str(t)], cwd=work)
    burner = multiprocessing.Process(target=_burn, daemon=True) if args.competing else None
    if burner is not None:
        burner.start()
    results = {}
    try:
        for r in range(args.rounds):
            for model in args.models:
                for n in args.neurons:
                    for threads in args.threads:
                        for name, tool in tools.items():
                            got = tool(model, n, threads)
                            if got is None:
                                continue
                            key = f"{model}/{n}/{threads}/{name}"
                            best = results.setdefault(key, {**got, "rounds": 0})
                            best["rounds"] += 1
                            best["simulate_s"] = min(best["simulate_s"], got["simulate_s"])
    finally:
        if burner is not None:
            burner.terminate()
    for key, row in results.items():
        model, n, threads, name = key.split("/")
        if name != "neurogen":
            ours = results.get(f"{model}/{n}/{threads}/neurogen")
            if ours:
                row["neurogen_speedup"] = row["simulate_s"] / ours["simulate_s"]
    print(json.dumps({"machine": platform.processor() or platform.machine(),
                      "cpus": os.cpu_count(), "competing": args.competing,
                      "results": results}))


if __name__ == "__main__":
    main()
