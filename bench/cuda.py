"""CUDA against OpenMP on the same machine (run it on a GPU machine): the neural field
at N=64 and N=128 and CANN1D at N=2048 and N=8192: steps/s of each backend and their
ratio (agreement of the numbers is tests/cuda/test_cuda_numerics.py's job). One JSON
line per size, with the device.

    python bench/cuda.py [--threads 16] [--max-seconds 20]

Without a GPU it stops with the BackendUnavailable message (the CUDA code still compiles).
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "cuda"))
from cuda_models import cann, neural_field  # noqa: E402


def timed(build, paradigm, size, threads, max_seconds):
    net, parts = build(paradigm, size)
    net.config(num_threads=threads)
    t0 = time.perf_counter()
    net.compile()
    compile_s = time.perf_counter() - t0
    parts["monitor"].pause()                         # speed of the step loop alone
    net.simulate(10 * net.dt)                       # warm up (device mirrors, caches)
    t0 = time.perf_counter()
    net.simulate(20 * net.dt)
    probe = (time.perf_counter() - t0) / 20
    steps = int(max(50, min(100000, max_seconds / max(probe, 1e-9))))
    t0 = time.perf_counter()
    net.simulate(steps * net.dt)
    elapsed = time.perf_counter() - t0
    return {"steps": steps, "steps_per_s": steps / elapsed, "compile_s": compile_s}


def device_name() -> str:
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--max-seconds", type=float, default=20.0)
    args = parser.parse_args()
    cases = [("neural_field", neural_field, 64), ("neural_field", neural_field, 128),
             ("cann1d", cann, 2048), ("cann1d", cann, 8192)]
    for name, build, size in cases:
        cpu = timed(build, "openmp", size, args.threads, args.max_seconds)
        gpu = timed(build, "cuda", size, args.threads, args.max_seconds)
        print(json.dumps({
            "benchmark": name, "size": size, "device": device_name(),
            "openmp_threads": args.threads,
            "openmp_steps_per_s": round(cpu["steps_per_s"], 1),
            "cuda_steps_per_s": round(gpu["steps_per_s"], 1),
            "cuda_over_openmp": round(gpu["steps_per_s"] / cpu["steps_per_s"], 2),
            "cuda_compile_s": round(gpu["compile_s"], 2)}), flush=True)


if __name__ == "__main__":
    main()
