"""Benchmark: the lateral weighted sum of the neural-field tutorial (difference of
Gaussians on an N x N grid) per storage kernel, against NumPy on one thread.

For each N: NumPy/BLAS's dense matrix-vector product of the same matrix (the memory-
bandwidth limit of the dense product), and one neurogen step of a network doing nothing
but that sum (``r = 1e-3 * sum(inh)``) with storage dense, fft (kernel-first) and
separable (kernel-first). Prints one JSON line.

    python bench/limits.py [--sizes 20 40 64] [--seconds 1.0]
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
from neurogen.model import connectors  # noqa: E402
from neurogen.toolchain.compiler import toolchain  # noqa: E402

DOG = dict(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7)


def per_call_us(fn, seconds: float) -> float:
    """Best of 5 timings of ``fn`` repeated for ~seconds/5 each, in microseconds."""
    fn()
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < 0.05:
        fn()
        n += 1
    reps = max(1, int(n * seconds / 5 / max(time.perf_counter() - t0, 1e-9)))
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best * 1e6


def neurogen_step_us(n: int, storage: str, seconds: float):
    net = ng.Network(seed=1, num_threads=1)
    pop = net.create((n, n), ng.Neuron(equations="r = 1e-3 * sum(inh) + 0.5"))
    proj = net.connect(pop, pop, "inh")
    proj.connect_dog(**DOG, storage_format=storage)
    net.compile()
    steps = 16
    us = per_call_us(lambda: net.simulate(float(steps)), seconds) / steps
    rank = getattr(proj.kernel_data, "rank", None)
    return us, proj.storage, rank


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 40, 64])
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    results = []
    for n in args.sizes:
        conn = connectors.dog((n, n), (n, n), DOG["amp_pos"], DOG["sigma_pos"],
                              DOG["amp_neg"], DOG["sigma_neg"], 0.01, False)
        W = conn.dense()
        x = np.random.default_rng(0).random(n * n)
        row = {"N": n, "neurons": n * n,
               "numpy_matvec_us": per_call_us(lambda: W @ x, args.seconds)}
        for storage in ("dense", "fft", "separable"):
            us, chosen, rank = neurogen_step_us(n, storage, args.seconds)
            row[f"{storage}_step_us"] = us
            if rank is not None:
                row["separable_rank"] = rank
        row["dense_vs_numpy"] = row["dense_step_us"] / row["numpy_matvec_us"]
        results.append(row)
    print(json.dumps({"benchmark": "limits", "machine": platform.machine(),
                      "python": platform.python_version(), "numpy": np.__version__,
                      "fft_library": toolchain().fft_library, "threads": 1,
                      "results": results}))


if __name__ == "__main__":
    main()
