"""Benchmark: the lateral weighted sum of the neural-field tutorial (difference of
Gaussians on an N x N grid) per storage kernel, against NumPy on one thread.

For each N: NumPy/BLAS's dense matrix-vector product of the same matrix (the memory-
bandwidth limit of the dense product), in float64 and float32, and one neurogen step of a
network doing nothing but that sum (``r = 1e-3 * sum(inh)``) with storage dense (double,
and precision='float': float32 weights summed in double), fft and separable (kernel-
first, double). NumPy and the dense steps are timed in alternating rounds (best of each),
so that a change in the machine's load hits both.

The sparse case (``--sparse N:p ...``): a random recurrent projection
(``fixed_probability(p)``, ``r = 1e-3 * sum(exc) + 0.5``) stored as CSR and as SELL, in
double and float, beside SciPy's CSR product and the streaming read bandwidth (NumPy's
sum of a ``--bandwidth-mb`` float64 array) measured in the same rounds: per storage the
bytes it streams per synapse (weights and presynaptic ranks as stored, padding included;
the gathered rates stay in cache) and the GB/s that makes at the measured step time.
Prints one JSON line.

    python bench/limits.py [--sizes 20 40 64] [--seconds 1.0] [--rounds 3]
                           [--sparse 4000:0.1 20000:0.02] [--bandwidth-mb 800]
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


def sparse_network(n: int, p: float, storage: str, precision: str, flags: str):
    """A random recurrent projection alone; returns (STEPS steps, bytes streamed a step,
    synapses, the storage chosen)."""
    net = ng.Network(seed=1, num_threads=1, precision=precision)
    pop = net.create(n, ng.Neuron(equations="r = 1e-3 * sum(exc) + 0.5"))
    proj = net.connect(pop, pop, "exc")
    proj.fixed_probability(p, weights=ng.Normal(0.0, 1.0), storage_format=storage)
    net.compile(silent=True, compiler_flags=flags)
    w_bytes = 4 if precision == "float" else 8
    if proj.storage == "sell":
        data = proj.kernel_data
        streamed = int(data.arrays["slice_ptr"][-1]) * (w_bytes + (4 if data.ints["wide"] else 2))
    else:
        streamed = proj.nb_synapses * (w_bytes + 4)
    return (lambda: net.simulate(float(STEPS))), streamed, proj.nb_synapses, proj.storage


def read_bandwidth(megabytes: int) -> tuple:
    """(NumPy's sum of a float64 array, its bytes): the streaming read bandwidth."""
    a = np.ones(megabytes * (1 << 20) // 8)
    return (lambda: a.sum()), a.nbytes


def sparse_limits(cases, args) -> dict:
    """Per N:p case: SciPy, CSR and SELL (double and float) in alternating rounds; GB/s
    against the read bandwidth measured between them."""
    import scipy.sparse
    bw_fn, bw_bytes = read_bandwidth(args.bandwidth_mb)
    bandwidth, rows = 0.0, []
    for case in cases:
        n, p = int(case.split(":")[0]), float(case.split(":")[1])
        rng = np.random.default_rng(1)
        W = scipy.sparse.random(n, n, density=p, format="csr", random_state=rng,
                                data_rvs=rng.standard_normal)
        x = rng.random(n)
        W32, x32 = W.astype(np.float32), x.astype(np.float32)
        row = {"N": n, "p": p}
        timed = {"scipy_csr_matvec_us": (lambda: W @ x, 1),
                 "scipy_csr_matvec_float32_us": (lambda: W32 @ x32, 1)}
        streamed = {}
        for storage in ("csr", "sell"):
            for precision in ("double", "float"):
                run, nbytes, row["synapses"], got = sparse_network(
                    n, p, storage, precision, args.compiler_flags)
                key = f"{storage}_{precision}"
                timed[f"{key}_step_us"] = (run, STEPS)
                streamed[key] = nbytes
                row[f"{key}_storage"] = got
        for _ in range(args.rounds):
            bandwidth = max(bandwidth, bw_bytes / per_call_us(bw_fn, 0.2) / 1e3)
            for name, (fn, per) in timed.items():
                us = per_call_us(fn, args.seconds / args.rounds) / per
                row[name] = min(row.get(name, float("inf")), us)
        for key, nbytes in streamed.items():
            row[f"{key}_bytes_per_synapse"] = round(nbytes / row["synapses"], 2)
            row[f"{key}_gb_per_s"] = round(nbytes / row[f"{key}_step_us"] / 1e3, 2)
        rows.append(row)
    for row in rows:
        for key in streamed:
            row[f"{key}_of_read_bandwidth"] = round(row[f"{key}_gb_per_s"] / bandwidth, 3)
    return {"read_bandwidth_gb_s": round(bandwidth, 2), "cases": rows}


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
    parser.add_argument("--sparse", nargs="*", default=["4000:0.1"],
                        help="N:p cases of the sparse product (none: skipped)")
    parser.add_argument("--bandwidth-mb", type=int, default=800,
                        help="the array NumPy sums to measure the read bandwidth")
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
                      "results": results,
                      "sparse": sparse_limits(args.sparse, args) if args.sparse else None}))


if __name__ == "__main__":
    main()
