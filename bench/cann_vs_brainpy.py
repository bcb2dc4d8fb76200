"""Side-by-side speed against BrainPy itself: CANN1D (the seed workload 000) at each
size, BrainPy 2.x with JAX on the CPU (its own ``for_loop``, float32, in its own venv)
and neurogen's CANN1D (``storage_format='auto'``, double precision, one thread),
interleaved round by round; the best round of each is reported. BrainPy runs twice:
as it comes (XLA uses every core) and on one thread (``XLA_FLAGS``).

    python bench/cann_vs_brainpy.py --brainpy-python /path/to/venv-with-brainpy/bin/python \
        [--sizes 512 2048] [--steps 20000] [--rounds 3]

Prints one JSON line: steps/s of both, neurogen / BrainPy, and the bump's height after
the run in each (the same model: the two should agree to float32 precision).
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
from neurogen.models import CANN1D

BRAINPY_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "anchors",
                             "brainpy_cann1d.py")


#: XLA on the CPU on one thread (its default uses every core)
ONE_THREAD = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def brainpy_run(python, num, steps, one_thread=False):
    env = interpreter_env(python)
    if one_thread:
        env["XLA_FLAGS"] = ONE_THREAD
    out = subprocess.run([python, BRAINPY_MODEL, str(num), str(steps)],
                         env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"BrainPy failed (num={num}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def neurogen_run(num, steps):
    model = CANN1D(num=num, seed=0)
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
    opts = parser.parse_args()
    best = {}
    for _ in range(opts.rounds):
        for num in opts.sizes:
            for lib, run in (("brainpy", lambda: brainpy_run(opts.brainpy_python, num,
                                                             opts.steps)),
                             ("brainpy_1thread", lambda: brainpy_run(
                                 opts.brainpy_python, num, opts.steps, one_thread=True)),
                             ("neurogen", lambda: neurogen_run(num, opts.steps))):
                got = run()
                if got["steps_per_s"] > best.get((num, lib), {}).get("steps_per_s", 0.0):
                    best[num, lib] = got
    results = [{"num": num, "brainpy_steps_per_s": round(best[num, "brainpy"]["steps_per_s"], 1),
                "neurogen_steps_per_s": round(best[num, "neurogen"]["steps_per_s"], 1),
                "brainpy_1thread_steps_per_s": round(
                    best[num, "brainpy_1thread"]["steps_per_s"], 1),
                "neurogen_over_brainpy": round(best[num, "neurogen"]["steps_per_s"]
                                               / best[num, "brainpy"]["steps_per_s"], 2),
                "neurogen_over_brainpy_1thread": round(
                    best[num, "neurogen"]["steps_per_s"]
                    / best[num, "brainpy_1thread"]["steps_per_s"], 2),
                "neurogen_storage": best[num, "neurogen"]["storage"],
                "bump_max_brainpy": round(best[num, "brainpy"]["bump_max"], 4),
                "bump_max_neurogen": round(best[num, "neurogen"]["bump_max"], 4)}
               for num in opts.sizes]
    print(json.dumps({"benchmark": "cann_vs_brainpy", "machine": platform.machine(),
                      "cpus": os.cpu_count(), "rounds": opts.rounds, "results": results}))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
