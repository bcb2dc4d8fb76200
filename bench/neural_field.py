"""Benchmark: the neural-field tutorial at N = 20, 40, 64 on 1 and 2 threads.

For each configuration, in fresh subprocesses: cold compile (empty cache), cached start
(a new process building the same network with a warm cache), steps/s over 2000 steps
with the bubble input clamped once, and peak memory. Prints one JSON line.

    python bench/neural_field.py [--sizes 20 40 64] [--threads 1 2] [--steps 2000]

The batch case (``--batch 16``): one network of batch=16 against 16 sequential runs of
the same compiled single network (seeds 1..16), simulation time only (wall clock and
process CPU time, the latter steadier on a loaded machine), and the largest difference
between a copy and its sequential run (0: bit-identical):

    python bench/neural_field.py --batch 16 --sizes 20 --threads 1 --steps 1000
    python bench/neural_field.py --batch 16 --sizes 40 --threads 1 --steps 100 --storage dense
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile

WORKER = r"""
import json, resource, sys, time
t_start = time.perf_counter()
import numpy as np
from neurogen import *
N, threads, steps, precision, storage = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
setup(num_threads=threads, seed=1, precision=precision)
InputNeuron = Neuron(parameters="baseline = 0.0", equations="r = pos(baseline + Uniform(-0.5, 0.5))")
NeuralFieldNeuron = Neuron(parameters="tau = 10.0 : population",
    equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5) : min=0.0, max=1.0")
inp = Population((N, N), InputNeuron, name="Input")
focus = Population((N, N), NeuralFieldNeuron, name="Focus")
Projection(inp, focus, "exc").connect_one_to_one(weights=1.0, delays=20.0)
t0 = time.perf_counter()
lat = Projection(focus, focus, "inh")
lat.connect_dog(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7, storage_format=storage)
t_connect = time.perf_counter() - t0
t0 = time.perf_counter()
compile()
t_compile = time.perf_counter() - t0
t_ready = time.perf_counter() - t_start
x, y = np.meshgrid(np.arange(N), np.arange(N))
inp.baseline = np.exp(-((x - N / 2) ** 2 + (y - N / 2) ** 2) / 8.0)
simulate(10.0)
t0 = time.perf_counter()
simulate(float(steps))
t_sim = time.perf_counter() - t0
print(json.dumps({"connect_s": t_connect, "compile_s": t_compile, "ready_s": t_ready,
                  "steps_per_s": steps / t_sim, "synapses": lat.nb_synapses,
                  "storage": lat.storage, "cached": __import__("neurogen").default_network().build_info["cached"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


#: the neural field of the batched workers (here and bench/batched_dense.py): B copies
#: with the lateral projection in `storage`
FIELD_BUILD = r"""
def build(batch, storage="dense"):
    net = ng.Network(seed=1, num_threads=threads, batch=batch)
    inp = net.create((N, N), ng.Neuron(parameters="baseline = 0.0",
                     equations="r = pos(baseline + Uniform(-0.5, 0.5))"), name="Input")
    focus = net.create((N, N), ng.Neuron(parameters="tau = 10.0 : population",
        equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5) : min=0.0, max=1.0"),
        name="Focus")
    net.connect(inp, focus, "exc").connect_one_to_one(weights=1.0, delays=20.0)
    net.connect(focus, focus, "inh").connect_dog(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1,
                                                 sigma_neg=0.7, storage_format=storage)
    net.compile()
    x, y = np.meshgrid(np.arange(N), np.arange(N))
    inp.baseline = np.exp(-((x - N / 2) ** 2 + (y - N / 2) ** 2) / 8.0)
    return net, focus
"""

BATCH_WORKER = r"""
import json, sys, time
import numpy as np
import neurogen as ng
N, threads, steps, B = (int(a) for a in sys.argv[1:5])
storage = sys.argv[5]

"""+ FIELD_BUILD + r"""
net, focus = build(B, storage)
net.simulate(10.0); net.reset()
t0, c0 = time.perf_counter(), time.process_time()
net.simulate(float(steps))
t_batched, c_batched = time.perf_counter() - t0, time.process_time() - c0
batched = focus.r
single, focus1 = build(1)
single.simulate(10.0)
t_seq, c_seq, diff = 0.0, 0.0, 0.0
for b in range(B):       # copy b of the batched run is the single run with seed 1 + b
    single.reset(); single.setup(seed=1 + b)
    t0, c0 = time.perf_counter(), time.process_time()
    single.simulate(float(steps))
    t_seq, c_seq = t_seq + time.perf_counter() - t0, c_seq + time.process_time() - c0
    diff = max(diff, float(np.abs(focus1.r - batched[b]).max()))
print(json.dumps({"batched_s": t_batched, "sequential_s": t_seq, "max_abs_diff": diff,
                  "batched_cpu_s": c_batched, "sequential_cpu_s": c_seq,
                  "storage": net.projections[1].storage}))
"""


def run(args, cache, worker=WORKER):
    env = {**os.environ, "NEUROGEN_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", worker, *map(str, args)], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"benchmark worker failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 40, 64])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--precision", default="double")
    parser.add_argument("--batch", type=int, default=0,
                        help="the batch case: B copies in one network (batch=B) against B "
                             "sequential runs of the same network, at each size and thread count")
    parser.add_argument("--storage", default="auto",
                        help="storage_format of the lateral projection")
    opts = parser.parse_args()
    if opts.batch:
        return batch_case(opts)
    results = []
    for n in opts.sizes:
        with tempfile.TemporaryDirectory() as cache:
            cold = run((n, 1, 10, opts.precision, opts.storage), cache)
            for threads in opts.threads:
                warm = run((n, threads, opts.steps, opts.precision, opts.storage), cache)
                results.append({
                    "N": n, "neurons_per_population": n * n, "threads": threads,
                    "precision": opts.precision, "cold_compile_s": round(cold["compile_s"], 3),
                    "cached_compile_s": round(warm["compile_s"], 3),
                    "cached_start_s": round(warm["ready_s"], 3),
                    "connect_s": round(warm["connect_s"], 3),
                    "steps_per_s": round(warm["steps_per_s"], 1),
                    "peak_rss_mb": round(warm["peak_rss_mb"], 1),
                    "lateral_synapses": warm["synapses"], "lateral_storage": warm["storage"],
                    "weights_mb": round(warm["synapses"] * (8 if opts.precision == "double"
                                                            else 4) / 2 ** 20, 1)})
    print(json.dumps({"benchmark": "neural_field", "machine": platform.machine(),
                      "cpus": os.cpu_count(), "steps": opts.steps, "results": results}))


def batch_case(opts):
    results = []
    for n in opts.sizes:
        with tempfile.TemporaryDirectory() as cache:
            for threads in opts.threads:
                got = run((n, threads, opts.steps, opts.batch, opts.storage), cache,
                          BATCH_WORKER)
                results.append({
                    "N": n, "threads": threads, "batch": opts.batch,
                    "batched_s": round(got["batched_s"], 4),
                    "sequential_s": round(got["sequential_s"], 4),
                    "speedup": round(got["sequential_s"] / got["batched_s"], 2),
                    "batched_cpu_s": round(got["batched_cpu_s"], 4),
                    "sequential_cpu_s": round(got["sequential_cpu_s"], 4),
                    "speedup_cpu": round(got["sequential_cpu_s"] / got["batched_cpu_s"], 2),
                    "copy_steps_per_s_batched": round(opts.batch * opts.steps / got["batched_s"]),
                    "copy_steps_per_s_sequential": round(opts.batch * opts.steps
                                                         / got["sequential_s"]),
                    "max_abs_diff_vs_sequential": got["max_abs_diff"],
                    "lateral_storage": got["storage"]})
    print(json.dumps({"benchmark": "neural_field_batch", "machine": platform.machine(),
                      "cpus": os.cpu_count(), "steps": opts.steps, "results": results}))


if __name__ == "__main__":
    main()
