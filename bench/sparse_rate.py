"""Sparse random rate networks side by side: neurogen (CSR and SELL storage, double and
float), ANNarchy 5 (its default CSR, double and float) and SciPy's CSR matrix-vector
product, with the streaming read bandwidth measured in the same run.

The network: N rate neurons ``tau * dr/dt + r = sum(exc) + I`` (clipped to [-1, 1]),
one recurrent projection ``connect_fixed_probability(p)`` with weights
``Normal(0, 1 / sqrt(N p))``. Each simulator runs in its own process, the rounds
interleaved (the machine is shared: compare the columns of one run); per case the median
over the rounds of steps/s (simulate() only; compiling is not timed). SciPy times
``W @ r`` alone (the product, no neuron update); the bandwidth is NumPy's sum of a
``--bandwidth-mb`` float64 array (best of 5). For neurogen: the bytes streamed per
synapse (weights and presynaptic ranks, padding included, as stored) and the GB/s they
make at the measured steps/s (the gathered rates stay in cache and are not counted).

    python bench/sparse_rate.py --annarchy-python /path/to/venv-annarchy/bin/python \
        [--cases 4000:0.1 20000:0.02] [--threads 1] [--rounds 3] [--seconds 3] \
        [--clock wall|cpu]

Prints one JSON line.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from compare_annarchy import interpreter_env  # noqa: E402

MODEL = r"""
import json, sys, time
import numpy as np
lib, N, p, threads, seconds, precision, storage, clock = sys.argv[1:9]
N, p, threads, seconds = int(N), float(p), int(threads), float(seconds)
clock = time.process_time if clock == "cpu" else time.perf_counter
if lib == "annarchy":
    from ANNarchy import *
else:
    from neurogen import *
setup(dt=1.0, num_threads=threads, seed=1, precision=precision)
neuron = Neuron(parameters="tau = 10.0 : population\nI = 0.05 : population",
                equations="tau * dr/dt + r = sum(exc) + I : min=-1.0, max=1.0")
pop = Population(N, neuron, name="pop")
proj = Projection(pop, pop, "exc")
kw = {} if storage == "default" else {"storage_format": storage}
proj.connect_fixed_probability(p, weights=Normal(0.0, 1.0 / np.sqrt(N * p)), **kw)
compile()
pop.r = np.random.default_rng(0).uniform(-1.0, 1.0, N)
simulate(20.0)
t0 = clock()
simulate(50.0)
steps = max(50, int(seconds * 50 / (clock() - t0)))
t0 = clock()
simulate(float(steps))
rate = steps / (clock() - t0)
out = {"steps_per_s": rate, "storage": getattr(proj, "storage", None)}
if lib == "neurogen":
    data = proj.kernel_data
    w_bytes = 4 if precision == "float" else 8
    if proj.storage == "sell":
        stored = int(data.arrays["slice_ptr"][-1])
        i_bytes = 4 if data.ints["wide"] else 2
    else:
        stored, i_bytes = proj.nb_synapses, 4
    out["bytes_per_synapse"] = stored * (w_bytes + i_bytes) / proj.nb_synapses
    out["gb_per_s"] = stored * (w_bytes + i_bytes) * rate / 1e9
    out["synapses"] = proj.nb_synapses
print(json.dumps(out))
"""


def run_once(python, args, workdir):
    """One process; each case keeps its own directory (ANNarchy reuses its build)."""
    where = os.path.join(workdir, "-".join(args[:2] + args[2:4] + args[5:7]))
    os.makedirs(where, exist_ok=True)
    script = os.path.join(where, "model.py")      # ANNarchy needs a script file
    with open(script, "w") as f:
        f.write(MODEL)
    env = interpreter_env(python)
    env["NEUROGEN_CACHE_DIR"] = os.environ.get("NEUROGEN_CACHE_DIR",
                                               os.path.join(workdir, "neurogen-cache"))
    env["PYTHONPATH"] = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    out = subprocess.run([python, script, *args], cwd=where, env=env, capture_output=True,
                         text=True)
    if out.returncode != 0:
        sys.exit(f"{args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def read_bandwidth_gb_s(megabytes: int, clock) -> float:
    """Streaming read bandwidth: NumPy's sum of a float64 array, best of 5."""
    a = np.ones(megabytes * (1 << 20) // 8)
    a.sum()
    best = float("inf")
    for _ in range(5):
        t0 = clock()
        a.sum()
        best = min(best, clock() - t0)
    return a.nbytes / best / 1e9


def scipy_steps_per_s(n: int, p: float, dtype, seconds: float, clock) -> float:
    """``W @ r`` with SciPy's CSR (int32 indices), the same density, per second."""
    import scipy.sparse
    rng = np.random.default_rng(1)
    w = scipy.sparse.random(n, n, density=p, format="csr", dtype=np.float64,
                            random_state=rng, data_rvs=rng.standard_normal).astype(dtype)
    r = rng.uniform(-1, 1, n).astype(dtype)
    w @ r
    reps, t0 = 0, clock()
    while clock() - t0 < seconds:
        w @ r
        reps += 1
    return reps / (clock() - t0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--annarchy-python", default="",
                        help="a Python interpreter that can import ANNarchy (none: skipped)")
    parser.add_argument("--cases", nargs="+", default=["4000:0.1", "20000:0.02"],
                        help="N:p pairs")
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    parser.add_argument("--precisions", nargs="+", default=["double", "float"])
    parser.add_argument("--storages", nargs="+", default=["csr", "sell"],
                        help="neurogen storage_format values")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0, help="per timed simulate()")
    parser.add_argument("--bandwidth-mb", type=int, default=800)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: the process's CPU time (a busy machine's preemption left "
                             "out; only meaningful with one thread)")
    opts = parser.parse_args()
    cases = [(int(c.split(":")[0]), float(c.split(":")[1])) for c in opts.cases]
    clock = time.process_time if opts.clock == "cpu" else time.perf_counter
    runs = [("neurogen", sys.executable, s) for s in opts.storages]
    if opts.annarchy_python:
        runs.append(("annarchy", opts.annarchy_python, "default"))
    got, bandwidth, scipy_rates = {}, [], {}
    with tempfile.TemporaryDirectory() as workdir:
        for _ in range(opts.rounds):
            bandwidth.append(read_bandwidth_gb_s(opts.bandwidth_mb, clock))
            for n, p in cases:
                for prec in opts.precisions:
                    dtype = np.float32 if prec == "float" else np.float64
                    scipy_rates.setdefault((n, p, prec), []).append(
                        scipy_steps_per_s(n, p, dtype, opts.seconds / 3, clock))
                    for threads in opts.threads:
                        for lib, python, storage in runs:
                            args = [lib, str(n), str(p), str(threads), str(opts.seconds),
                                    prec, storage, opts.clock]
                            got.setdefault((n, p, prec, threads, lib, storage), []).append(
                                run_once(python, args, workdir))
    bw = statistics.median(bandwidth)
    results = []
    for (n, p, prec, threads, lib, storage), rows in got.items():
        rate = statistics.median(r["steps_per_s"] for r in rows)
        row = {"N": n, "p": p, "precision": prec, "threads": threads, "simulator": lib,
               "storage_format": storage, "storage": rows[-1]["storage"],
               "steps_per_s": round(rate, 1), "all_steps_per_s": [round(r["steps_per_s"], 1)
                                                                   for r in rows]}
        if lib == "neurogen":
            gbs = statistics.median(r["gb_per_s"] for r in rows)
            row.update(bytes_per_synapse=round(rows[-1]["bytes_per_synapse"], 2),
                       gb_per_s=round(gbs, 2), of_read_bandwidth=round(gbs / bw, 3),
                       synapses=rows[-1]["synapses"])
            ann = got.get((n, p, prec, threads, "annarchy", "default"))
            if ann:
                row["over_annarchy_same_precision"] = round(
                    rate / statistics.median(r["steps_per_s"] for r in ann), 2)
            ann_d = got.get((n, p, "double", threads, "annarchy", "default"))
            if ann_d:
                row["over_annarchy_double"] = round(
                    rate / statistics.median(r["steps_per_s"] for r in ann_d), 2)
        results.append(row)
    scipy_rows = [{"N": n, "p": p, "precision": prec, "simulator": "scipy_csr_matvec",
                   "steps_per_s": round(statistics.median(v), 1)}
                  for (n, p, prec), v in scipy_rates.items()]
    print(json.dumps({"benchmark": "sparse_rate", "machine": platform.machine(),
                      "cpus": os.cpu_count(), "rounds": opts.rounds, "clock": opts.clock,
                      "read_bandwidth_gb_s": round(bw, 2),
                      "all_read_bandwidth_gb_s": [round(b, 2) for b in bandwidth],
                      "results": results + scipy_rows}))


if __name__ == "__main__":
    main()
