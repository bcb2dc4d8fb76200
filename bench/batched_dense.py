"""Benchmark: a batched network's dense weighted sums as one BLAS product (issue 23).

The neural field (an input layer, one-to-one with a delay, and a dense difference-of-
Gaussians lateral projection) at each side N (N*N neurons per population), B copies in
one network (``batch=B``) with the lateral sums on SciPy's BLAS and on the dense loop,
against B sequential runs of the same compiled single network. One process per size;
the three are timed in interleaved rounds and the median is printed (wall and process
CPU time), with the largest difference of a copy from its sequential run (the loop is
bit-identical to it; the BLAS product differs by rounding). ``auto``: the batched network
with the lateral projection in the storage auto picks (a separable or FFT product, much
cheaper than the dense one): what the rest of the step costs. Prints one JSON line.

    python bench/batched_dense.py [--sizes 20 45] [--threads 1 2] [--batch 16] [--steps 300]
                                  [--rounds 3]
    python bench/batched_dense.py --crossover [--rounds 5]
"""
import argparse
import json
import os
import platform
import subprocess
import sys

from neural_field import FIELD_BUILD

WORKER = r"""
import json, statistics, sys, time
import numpy as np
import neurogen as ng
N, B, steps, rounds, threads = (int(a) for a in sys.argv[1:6])

"""+ FIELD_BUILD + r"""
def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out

net, focus = build(B)
single, focus1 = build(1)
cheap, focus_c = build(B, "auto")     # the lateral sums at their cheapest storage

def floor():
    cheap.reset()
    cheap.simulate(float(steps))
    return None

def batched(blas):
    net._sim.use_blas(blas)
    net.reset()
    net.simulate(float(steps))
    return focus.r.copy()

def sequential():
    out = []
    for b in range(B):       # copy b of the batched run is the single run with seed 1 + b
        single.reset(); single.setup(seed=1 + b)
        single.simulate(float(steps))
        out.append(focus1.r.copy())
    return np.array(out)

blas_name = net._sim.use_blas(True)
times = {"blas": [], "loop": [], "sequential": [], "auto": []}
for _ in range(rounds):
    for key, fn in (("blas", lambda: batched(True)), ("loop", lambda: batched(False)),
                    ("sequential", sequential), ("auto", floor)):
        wall, cpu, out = timed(fn)
        times[key].append((wall, cpu))
        results = {} if key == "blas" else results
        results[key] = out
ref = results["sequential"]
scale = float(np.abs(ref).max()) or 1.0
print(json.dumps({
    "blas": blas_name,
    **{f"{k}_s": statistics.median(w for w, _ in v) for k, v in times.items()},
    **{f"{k}_cpu_s": statistics.median(c for _, c in v) for k, v in times.items()},
    "max_abs_diff_blas": float(np.abs(results["blas"] - ref).max()),
    "max_abs_diff_loop": float(np.abs(results["loop"] - ref).max()), "max_abs_r": scale,
    "auto_storage": cheap.projections[1].storage}))
"""


CROSSOVER = r"""
import json, statistics, sys, time
import numpy as np
import neurogen as ng
import neurogen.codegen.render as render
render.BLAS_MIN_MACS = 1     # this benchmark only: every size on BLAS, to find the threshold
rounds = int(sys.argv[1])
source = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
sink = ng.Neuron(equations="r = sum(exc)")
rows = []
for B, n in ((2, 16), (2, 32), (4, 32), (8, 32), (4, 64), (16, 64), (4, 256), (16, 256)):
    net = ng.Network(seed=2, batch=B, num_threads=1)
    src, dst = net.create(n, source), net.create(n, sink)
    net.connect(src, dst, "exc").connect_from_matrix(
        np.random.default_rng(1).normal(size=(n, n)), storage_format="dense")
    net.compile()
    src.baseline = np.random.default_rng(2).normal(size=(B, n))
    steps = max(200, int(2e8 / (B * n * n)))
    times = {True: [], False: []}
    for _ in range(rounds):
        for on in (True, False):
            net._sim.use_blas(on)
            t0 = time.perf_counter()
            net.simulate(float(steps))
            times[on].append((time.perf_counter() - t0) / steps * 1e6)
    blas, loop = statistics.median(times[True]), statistics.median(times[False])
    rows.append({"batch": B, "n": n, "macs_per_step": B * n * n, "blas_us_per_step":
                 round(blas, 2), "loop_us_per_step": round(loop, 2),
                 "loop_over_blas": round(loop / blas, 2)})
print(json.dumps(rows))
"""


def crossover(opts):
    """Where BLAS starts to pay: a sink ``r = sum(exc)`` fed by B x n rates, whole steps."""
    out = subprocess.run([sys.executable, "-c", CROSSOVER, str(opts.rounds)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"benchmark worker failed:\n{out.stderr}")
    print(json.dumps({"benchmark": "batched_dense_crossover", "machine": platform.machine(),
                      "cpus": os.cpu_count(), "threads": 1, "rounds": opts.rounds,
                      "results": json.loads(out.stdout.strip().splitlines()[-1])}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 45])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    parser.add_argument("--crossover", action="store_true",
                        help="instead: BLAS against the loop from 512 multiply-adds a step up")
    opts = parser.parse_args()
    if opts.crossover:
        return crossover(opts)
    results = []
    for n, threads in ((n, t) for n in opts.sizes for t in opts.threads):
        out = subprocess.run([sys.executable, "-c", WORKER, str(n), str(opts.batch),
                              str(opts.steps), str(opts.rounds), str(threads)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"benchmark worker failed:\n{out.stderr}")
        got = json.loads(out.stdout.strip().splitlines()[-1])
        row = {"N": n, "threads": threads, "neurons": 2 * n * n, "lateral_weights": (n * n) ** 2}
        for key in ("blas", "loop", "sequential", "auto"):
            row[f"{key}_s"] = round(got[f"{key}_s"], 4)
            row[f"{key}_cpu_s"] = round(got[f"{key}_cpu_s"], 4)
        row.update({
            "speedup_blas_vs_sequential": round(got["sequential_s"] / got["blas_s"], 2),
            "speedup_loop_vs_sequential": round(got["sequential_s"] / got["loop_s"], 2),
            "speedup_blas_vs_loop": round(got["loop_s"] / got["blas_s"], 2),
            "max_abs_diff_blas": got["max_abs_diff_blas"],
            "max_abs_diff_loop": got["max_abs_diff_loop"], "max_abs_r": got["max_abs_r"],
            "speedup_auto_vs_sequential": round(got["sequential_s"] / got["auto_s"], 2),
            "auto_storage": got["auto_storage"], "sums_on": got["blas"]})
        results.append(row)
    print(json.dumps({"benchmark": "batched_dense", "machine": platform.machine(),
                      "cpus": os.cpu_count(), "batch": opts.batch, "steps": opts.steps,
                      "rounds": opts.rounds, "results": results}))


if __name__ == "__main__":
    main()
