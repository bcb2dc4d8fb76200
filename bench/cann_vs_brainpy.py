"""Side-by-side speed against BrainPy itself: CANN1D (the seed workload 000) at each
size, BrainPy 2.x with JAX on the CPU (its own ``for_loop``, in its own venv) and
neurogen's CANN1D (``storage_format='auto'``, one thread), each precision beside the
same precision: BrainPy's float32 (its default) beside neurogen's ``precision='float'``,
and BrainPy in JAX's 64-bit mode beside neurogen's double; interleaved round by round,
the best round of each reported. BrainPy float32 runs twice: as it comes (XLA uses every
core) and on one thread (``XLA_FLAGS``); float64 on one thread.

    python bench/cann_vs_brainpy.py --brainpy-python /path/to/venv-with-brainpy/bin/python \
        [--sizes 512 2048] [--steps 20000] [--rounds 3] [--no-double]

Prints one JSON line: steps/s of each, the ratios neurogen / BrainPy at the same
precision, and the bump's height after the run in each (the same model: they should
agree to float32 precision).
"""
import argparse
import json
import os
import platform
import subprocess
import sys

import numpy as np

from benchutil import timed_steps
from compare_annarchy import interpreter_env
from neurogen import Network
from neurogen.models import CANN1D

BRAINPY_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "anchors",
                             "brainpy_cann1d.py")


#: XLA on the CPU on one thread (its default uses every core)
ONE_THREAD = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def brainpy_run(python, num, steps, one_thread=False, precision="float"):
    env = interpreter_env(python)
    if one_thread:
        env["XLA_FLAGS"] = ONE_THREAD
    out = subprocess.run([python, BRAINPY_MODEL, str(num), str(steps), precision],
                         env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"BrainPy failed (num={num}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def neurogen_run(num, steps, precision="double"):
    model = CANN1D(num=num, net=Network(dt=0.1, seed=0, precision=precision))
    model.net.config(num_threads=1)
    model.compile(silent=True)
    model.Iext = model.get_stimulus_by_pos(0.0)
    steps, rate = timed_steps(model, steps, max_seconds=20.0)
    return {"steps_per_s": rate, "storage": model.net.projections[0].storage,
            "bump_max": float(model.u.max())}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--brainpy-python", required=True,
                        help="a Python interpreter that can import brainpy and jax")
    parser.add_argument("--sizes", type=int, nargs="+", default=[512, 2048])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-double", action="store_true",
                        help="only float32 (BrainPy's default) beside neurogen's float")
    opts = parser.parse_args()
    py = opts.brainpy_python
    runs = {"brainpy": lambda n: brainpy_run(py, n, opts.steps),
            "brainpy_1thread": lambda n: brainpy_run(py, n, opts.steps, one_thread=True),
            "neurogen_float": lambda n: neurogen_run(n, opts.steps, "float")}
    if not opts.no_double:
        runs.update({"brainpy_f64_1thread": lambda n: brainpy_run(
                         py, n, opts.steps, one_thread=True, precision="double"),
                     "neurogen_double": lambda n: neurogen_run(n, opts.steps, "double")})
    best = {}
    for _ in range(opts.rounds):
        for num in opts.sizes:
            for lib, run in runs.items():
                got = run(num)
                if got["steps_per_s"] > best.get((num, lib), {}).get("steps_per_s", 0.0):
                    best[num, lib] = got
    results = []
    for num in opts.sizes:
        row = {"num": num}
        for lib in runs:
            row[f"{lib}_steps_per_s"] = round(best[num, lib]["steps_per_s"], 1)
        for mine, theirs in (("neurogen_float", "brainpy"),
                             ("neurogen_float", "brainpy_1thread"),
                             ("neurogen_double", "brainpy_f64_1thread")):
            if mine in runs:
                row[f"{mine}_over_{theirs}"] = round(best[num, mine]["steps_per_s"]
                                                     / best[num, theirs]["steps_per_s"], 2)
        row["neurogen_storage"] = best[num, "neurogen_float"]["storage"]
        row.update({f"bump_max_{lib}": round(best[num, lib]["bump_max"], 4) for lib in runs})
        results.append(row)
    print(json.dumps({"benchmark": "cann_vs_brainpy", "machine": platform.machine(),
                      "cpus": os.cpu_count(), "rounds": opts.rounds, "results": results}))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
