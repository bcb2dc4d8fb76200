"""Benchmark: a 20-run sweep (4 values of tau x 5 seeds) of the neural field, run by
``neurogen sweep`` serially (--jobs 1) and on two worker processes (--jobs 2).

Both commands run after a warm-up that fills the build cache; the index's ``compile``
column tells whether any run compiled (it must not). Prints one JSON line.

    python bench/sweep.py [N] [DURATION_MS]
"""
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODEL = '''
from neurogen import *
clear(seed=1)
InputNeuron = Neuron(parameters="baseline = 0.0",
                     equations="r = pos(baseline + Uniform(-0.5, 0.5))")
FieldNeuron = Neuron(parameters="tau = 10.0 : population",
    equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5) : min=0.0, max=1.0")
N = {n}
inp = Population((N, N), InputNeuron, name="Input")
focus = Population((N, N), FieldNeuron, name="Focus")
Projection(inp, focus, "exc").connect_one_to_one(weights=1.0, delays=20.0)
Projection(focus, focus, "inh").connect_dog(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1,
                                            sigma_neg=0.7)
x, y = np.meshgrid(np.arange(N), np.arange(N))
inp.baseline = np.exp(-((x - N / 4) ** 2 + (y - N / 2) ** 2) / (N / 2.5))
'''


def sweep(model: Path, out: Path, jobs: int, duration: float) -> tuple[float, float, list]:
    args = [sys.executable, "-m", "neurogen", "sweep", str(model), "--set",
            "focus.tau=5,10,15,20", "--seeds", "0-4", "--duration", str(duration),
            "--record", "focus.r", "--period", "10", "--jobs", str(jobs), "--quiet",
            "--threads", "1", "--out", str(out)]
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    if result.returncode != 0:
        raise SystemExit(f"sweep failed: {result.stderr.strip()}")
    with open(out / "index.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return wall, cpu, rows


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    duration = float(sys.argv[2]) if len(sys.argv) > 2 else 2000.0
    load_before = round(os.getloadavg()[0], 2)   # the machine may be shared: say how busy
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ.setdefault("NEUROGEN_CACHE_DIR", str(tmp / "cache"))
        model = tmp / "field.py"
        model.write_text(MODEL.format(n=n))
        warm = subprocess.run([sys.executable, "-m", "neurogen", "run", str(model), "-d",
                               "1", "-q"], capture_output=True, text=True)
        if warm.returncode != 0:
            raise SystemExit(f"warm-up failed: {warm.stderr.strip()}")
        serial_s, serial_cpu, serial_rows = sweep(model, tmp / "serial", 1, duration)
        parallel_s, parallel_cpu, parallel_rows = sweep(model, tmp / "parallel", 2, duration)
    runs = len(serial_rows)
    print(json.dumps({
        "benchmark": "sweep", "N": n, "duration_ms": duration, "runs": runs,
        "serial_s": round(serial_s, 2), "jobs2_s": round(parallel_s, 2),
        "speedup": round(serial_s / parallel_s, 2),
        # CPU seconds / wall seconds: how many cores the sweep actually got (on a shared
        # machine, less than 2 with --jobs 2 means other work held a core)
        "serial_cores_used": round(serial_cpu / serial_s, 2),
        "jobs2_cores_used": round(parallel_cpu / parallel_s, 2),
        "serial_run_s_mean": round(sum(float(r["runtime_s"]) for r in serial_rows) / runs, 3),
        "jobs2_run_s_mean": round(sum(float(r["runtime_s"]) for r in parallel_rows) / runs, 3),
        "ok": sum(r["status"] == "ok" for r in serial_rows + parallel_rows),
        "compiled_during_sweeps": sum(r["compile"] == "built"
                                      for r in serial_rows + parallel_rows),
        "cpus": os.cpu_count(), "loadavg_1min_before": load_before}))


if __name__ == "__main__":
    main()
