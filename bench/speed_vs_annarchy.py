"""Side-by-side speed against ANNarchy itself: the neural-field tutorial (with its noise)
at each grid size and thread count, the same script run by both simulators, each in
its own process, interleaved round by round (the machine is shared: compare the two
columns of one run, not runs of different days).

    python bench/speed_vs_annarchy.py --annarchy-python /path/to/venv-with-annarchy/bin/python \
        [--sizes 20 64] [--threads 1 2] [--steps 2000] [--rounds 3]

Prints one JSON line: per size, thread count and simulator, the best steps/s of the
rounds (simulate() only; compiling is not timed), neurogen's storage for the lateral
projection, and neurogen / ANNarchy.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile

from compare_annarchy import interpreter_env

MODEL = r"""
import json, sys, time
import numpy as np
lib, N, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if lib == "annarchy":
    from ANNarchy import *
else:
    from neurogen import *
setup(dt=1.0, num_threads=threads, seed=1)
InputNeuron = Neuron(parameters="baseline = 0.0",
                     equations="r = pos(baseline + Uniform(-0.5, 0.5))")
NeuralFieldNeuron = Neuron(parameters="tau = 10.0 : population",
    equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5) : min=0.0, max=1.0")
inp = Population(geometry=(N, N), neuron=InputNeuron, name='Input')
focus = Population(geometry=(N, N), neuron=NeuralFieldNeuron, name='Focus')
Projection(pre=inp, post=focus, target='exc').connect_one_to_one(weights=1.0, delays=20.0)
lat = Projection(pre=focus, post=focus, target='inh')
lat.connect_dog(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7)
compile()
x, y = np.meshgrid(np.arange(N), np.arange(N))
inp.baseline = np.exp(-((x - N / 2) ** 2 + (y - N / 2) ** 2) / 8.0)
simulate(20.0)
t0 = time.perf_counter()
simulate(float(steps))
elapsed = time.perf_counter() - t0
print(json.dumps({"steps_per_s": steps / elapsed,
                  "storage": getattr(lat, "storage", None)}))
"""


def run_once(lib, python, n, threads, steps, workdir):
    """One process of ``lib`` (each size and thread count in its own directory, so that
    ANNarchy's build folder is reused across rounds)."""
    where = os.path.join(workdir, f"{lib}-{n}-{threads}")
    os.makedirs(where, exist_ok=True)
    script = os.path.join(where, "model.py")      # ANNarchy needs a script file
    with open(script, "w") as f:
        f.write(MODEL)
    env = interpreter_env(python)
    env["NEUROGEN_CACHE_DIR"] = os.path.join(workdir, "neurogen-cache")
    out = subprocess.run([python, script, lib, str(n), str(threads), str(steps)], cwd=where,
                         env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{lib} failed (N={n}, {threads} threads):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--annarchy-python", required=True,
                        help="a Python interpreter that can import ANNarchy")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 64])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--annarchy-steps", type=int, default=0,
                        help="steps for ANNarchy (default: --steps)")
    parser.add_argument("--rounds", type=int, default=3)
    opts = parser.parse_args()
    pythons = {"annarchy": opts.annarchy_python, "neurogen": sys.executable}
    steps = {"annarchy": opts.annarchy_steps or opts.steps, "neurogen": opts.steps}
    best, storage = {}, {}
    with tempfile.TemporaryDirectory() as workdir:
        for _ in range(opts.rounds):
            for n in opts.sizes:
                for threads in opts.threads:
                    for lib in ("annarchy", "neurogen"):
                        got = run_once(lib, pythons[lib], n, threads, steps[lib], workdir)
                        key = (n, threads, lib)
                        best[key] = max(best.get(key, 0.0), got["steps_per_s"])
                        if lib == "neurogen":
                            storage[n] = got["storage"]
    results = [{"N": n, "threads": t, "annarchy_steps_per_s": round(best[n, t, "annarchy"], 1),
                "neurogen_steps_per_s": round(best[n, t, "neurogen"], 1),
                "neurogen_storage": storage[n],
                "neurogen_over_annarchy": round(best[n, t, "neurogen"] / best[n, t, "annarchy"], 2)}
               for n in opts.sizes for t in opts.threads]
    print(json.dumps({"benchmark": "speed_vs_annarchy", "machine": platform.machine(),
                      "cpus": os.cpu_count(), "rounds": opts.rounds, "results": results}))


if __name__ == "__main__":
    main()
