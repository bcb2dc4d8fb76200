"""Benchmark: the lateral weighted sum of the neural-field tutorial (difference of
Gaussians on an N x N grid) per storage kernel, against NumPy on one thread.

For each N: NumPy/BLAS's dense matrix-vector product of the same matrix (the memory-
bandwidth limit of the dense product), in float64 and float32, and one neurogen step of a
network doing nothing but that sum (``r = 1e-3 * sum(inh)``) with storage dense (double,
and precision='float': float32 weights summed in double), fft and separable (kernel-
first, double). NumPy and the dense steps are timed in alternating rounds (best of each),
so that a change in the machine's load hits both. Prints one JSON line.

    python bench/limits.py [--sizes 20 40 64] [--seconds 1.0] [--rounds 3]
                           [--compiler-flags "-march=native"] [--clock wall|cpu]
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import neurogen as ng  # noqa: E402
from neurogen.core import connectors  # noqa: E402
from neurogen.toolchain.compiler import toolchain  # noqa: E402

DOG = dict(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7)


CLOCK = time.perf_counter   # --clock cpu: time.thread_time (this thread's CPU time)


def per_call_us(fn, seconds: float) -> float:
    """Best of 5 timings of ``fn`` repeated for ~seconds/5 each, in microseconds."""
    fn()
    t0, n = CLOCK(), 0
    while CLOCK() - t0 < 0.05:
        fn()
        n += 1
    reps = max(1, int(n * seconds / 5 / max(CLOCK() - t0, 1e-9)))
    best = float("inf")
    for _ in range(5):
        t0 = CLOCK()
        for _ in range(reps):
            fn()
        best = min(best, (CLOCK() - t0) / reps)
    return best * 1e6


STEPS = 16   # per simulate() call: the Python call's cost is spread over them


def field_network(n: int, storage: str, precision: str, flags: str):
    """The tutorial's lateral sum alone; returns (a function running STEPS steps, proj)."""
    net = ng.Network(seed=1, num_threads=1, precision=precision)
    pop = net.create((n, n), ng.Neuron(equations="r = 1e-3 * sum(inh) + 0.5"))
    proj = net.connect(pop, pop, "inh")
    proj.connect_dog(**DOG, storage_format=storage)
    net.compile(silent=True, compiler_flags=flags)
    return (lambda: net.simulate(float(STEPS))), proj


def cpu_simd() -> str:
    """The widest vector path of the dense product this CPU takes (Linux /proc/cpuinfo)."""
    try:
        flags = open("/proc/cpuinfo").read().split()
    except OSError:
        return "unknown"
    return "avx512f" if "avx512f" in flags else "avx2" if "avx2" in flags else "generic"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 40, 64])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds of NumPy and the dense steps (best of each)")
    parser.add_argument("--compiler-flags", default="",
                        help="compile(compiler_flags=...) of every network, e.g. -march=native")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: this thread's CPU time, steadier on a shared machine "
                             "(one thread: the step runs on it)")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.thread_time if args.clock == "cpu" else time.perf_counter
    results = []
    for n in args.sizes:
        conn = connectors.dog((n, n), (n, n), DOG["amp_pos"], DOG["sigma_pos"],
                              DOG["amp_neg"], DOG["sigma_neg"], 0.01, False)
        W = conn.dense()
        x = np.random.default_rng(0).random(n * n)
        W32, x32 = W.astype(np.float32), x.astype(np.float32)
        dense, _ = field_network(n, "dense", "double", args.compiler_flags)
        dense32, _ = field_network(n, "dense", "float", args.compiler_flags)
        timed = {"numpy_matvec_us": (lambda: W @ x, 1),
                 "dense_step_us": (dense, STEPS),
                 "numpy_matvec_float32_us": (lambda: W32 @ x32, 1),
                 "dense_float_step_us": (dense32, STEPS)}
        row = {"N": n, "neurons": n * n}
        for _ in range(args.rounds):
            for name, (fn, per) in timed.items():
                us = per_call_us(fn, args.seconds / args.rounds) / per
                row[name] = min(row.get(name, float("inf")), us)
        for storage in ("fft", "separable"):
            run, proj = field_network(n, storage, "double", args.compiler_flags)
            row[f"{storage}_step_us"] = per_call_us(run, args.seconds) / STEPS
            if getattr(proj.kernel_data, "rank", None) is not None:
                row["separable_rank"] = proj.kernel_data.rank
        row["dense_vs_numpy"] = row["dense_step_us"] / row["numpy_matvec_us"]
        row["dense_float_vs_numpy_float32"] = (row["dense_float_step_us"]
                                               / row["numpy_matvec_float32_us"])
        results.append(row)
    print(json.dumps({"benchmark": "limits", "machine": platform.machine(),
                      "python": platform.python_version(), "numpy": np.__version__,
                      "fft_library": toolchain().fft_library, "threads": 1,
                      "cpu_simd": cpu_simd(), "compiler_flags": args.compiler_flags,
                      "clock": args.clock,
                      "results": results}))


if __name__ == "__main__":
    main()
