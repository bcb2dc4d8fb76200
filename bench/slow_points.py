"""Slow-point search of the seed's trained RNN (Yang & Wang 2020) from all ~2 200 visited
states, timed; optionally BrainPy's ``SlowPointFinder`` on the same states, side by side.

The network is trained as in examples/rnn_decision (1500 iterations, seed 0; or loaded
from ``--weights``), run on the example's 100 test trials, and the 2 200 hidden states
are the candidates; the input is clamped to [1, .5, .5]. Every gradient search has the
seed's settings (Adam, ``ExponentialDecay(0.01, 1, 0.9999)``, tolerance 1e-5,
num_batch 200) and BrainPy's loss, update and stop. Timed, in turn, ``--repeat`` times
(interleaved: A B C A B C ..., so that a busy machine slows every search alike):

* ``neurogen-gd-float32-tN``: ``find_fps_with_gd_method(precision='float',
  num_threads=N)``, the generated C++ kernel (:mod:`neurogen.training.cell_kernel`)
  in float32 as BrainPy's default, on N threads (``--threads``, default 1 and 2);
* ``neurogen-gd-float64``: the same kernel in float64 (the NumPy search's results to
  rounding: the reference for the distances below), one thread;
* ``neurogen-gd-numpy`` (``--numpy``): the NumPy search (float64), once;
* ``neurogen-lm``: ``find_fps_with_opt_solver(tolerance=1e-5)``, Levenberg-Marquardt;
* ``brainpy-gd`` (``--brainpy PYTHON``, a Python with brainpy and jax): BrainPy's
  ``SlowPointFinder(f_type='discrete').find_fps_with_gd_method`` on the same weights and
  states in a subprocess (its own venv), float32 as the seed (``--x64``: float64), with
  XLA's own threads; ``brainpy-gd-1cpu``: the same pinned to one CPU. ``seconds``
  includes its jit compilation (``seconds_after_first``: without the first batch of
  200 steps, where it compiles).

Prints one JSON line per search: the median and every repeat's wall seconds, its CPU
seconds (the process's, every thread), iterations, points kept under 1e-5, the final
mean loss, the largest distance of its points to the float64 search's, and the speedups
over BrainPy: the median over the rounds of BrainPy's seconds over this search's in the
same round (``speedup_vs_brainpy``, ``speedup_vs_brainpy_1cpu``) and of the CPU seconds
against BrainPy pinned to one CPU (``cpu_speedup_vs_brainpy_1cpu``).

    python bench/slow_points.py [--weights trained.npz] [--brainpy /path/to/python]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from neurogen import Network  # noqa: E402
from neurogen.analysis import Adam as Adam_, ExponentialDecay, SlowPointFinder  # noqa: E402
from neurogen.models import rate_rnn  # noqa: E402
from neurogen.tasks import PerceptualDecisionMaking  # noqa: E402
from neurogen.training import Adam, CellMap, Trainer  # noqa: E402

BRAINPY_SCRIPT = r'''
import json, sys, time
import numpy as np
import brainpy as bp, brainpy.math as bm
d = np.load(sys.argv[1])
if sys.argv[2] == "1":
    bm.enable_x64()
alpha = float(d["alpha"])
W = bm.asarray(d["w_rec"].T); c = bm.asarray(d["const"]); b = bm.asarray(d["b"])
def f_cell(h):
    return bm.relu(h * (1 - alpha) + alpha * (c + h @ W + b))
import jax
check = np.asarray(bm.as_numpy(jax.vmap(f_cell)(bm.as_jax(bm.asarray(d["candidates"])))))
assert np.allclose(check, d["mapped"], atol=1e-4), np.abs(check - d["mapped"]).max()
finder = bp.analysis.SlowPointFinder(f_cell=f_cell, f_type="discrete")
times = []
import builtins
_print = builtins.print
def tprint(*a, **k):
    times.append(time.time()); _print(*a, file=sys.stderr, **k)
builtins.print = tprint
t0, c0 = time.time(), time.process_time()
finder.find_fps_with_gd_method(bm.asarray(d["candidates"]), tolerance=1e-5, num_batch=200,
    optimizer=bp.optim.Adam(lr=bp.optim.ExponentialDecay(0.01, 1, 0.9999)))
seconds, cpu = time.time() - t0, time.process_time() - c0
first = times[1] - t0 if len(times) > 1 else float("nan")
losses = np.asarray(finder.losses)
fps = np.asarray(finder.fixed_points)
builtins.print = _print
np.save(sys.argv[3], fps)
print(json.dumps({"seconds": seconds, "seconds_after_first": seconds - first,
                  "cpu_seconds": cpu,
                  "iterations": int(len(finder.opt_losses)),
                  "points_kept": int((losses < 1e-5).sum()),
                  "final_mean_loss": float(np.asarray(finder.opt_losses)[-1]),
                  "brainpy": bp.__version__}))
'''


def setup(args):
    """The trained cell and the 2 200 candidate states (the example's test trials)."""
    net = Network(dt=100.0, seed=args.seed)
    rnn = rate_rnn(net, 3, 64, 3)
    trainer = Trainer(net, inputs=rnn.inp, outputs=rnn.out, trainable=rnn.trainable,
                      loss="cross_entropy", optimizer=Adam(lr=1e-3))
    task = PerceptualDecisionMaking(dt=100, seed=args.seed)
    if args.weights and os.path.exists(args.weights):
        trainer.load(args.weights)
    else:
        trainer.fit(task.dataset(batch_size=16, seq_len=100), args.iterations)
        if args.weights:
            trainer.save(args.weights)
    trainer.apply()
    test_rng = np.random.default_rng([args.seed, 1])     # as examples/rnn_decision
    trials = [task.new_trial(rng=test_rng) for _ in range(100)]
    xs = np.stack([t.ob for t in trials], axis=1)
    trainer.predict(xs)
    states = trainer.model.history("rnn")[1:xs.shape[0] + 1].transpose(1, 0, 2)
    candidates = np.ascontiguousarray(states.reshape(-1, 64))
    cell = CellMap(trainer, rnn.rnn, inputs={rnn.inp: [1.0, 0.5, 0.5]})
    alpha = net.dt / float(np.asarray(rnn.rnn.tau).reshape(-1)[0])
    return cell, candidates, np.asarray(rnn.rnn.b, dtype=float).reshape(-1), alpha


def gd(cell, candidates, **kw):
    finder = SlowPointFinder(cell.f, f_type="discrete", verbose=False)
    c0 = time.process_time()
    finder.find_fps_with_gd_method(candidates, tolerance=1e-5, num_batch=200,
                                   optimizer=Adam_(lr=ExponentialDecay(0.01, 1, 0.9999)),
                                   **kw)
    finder.cpu_seconds = time.process_time() - c0
    return finder


def record(finder):
    return {"seconds": finder.search_seconds, "cpu_seconds": finder.cpu_seconds,
            "iterations": int(len(finder.opt_losses)),
            "points_kept": int((finder.losses < 1e-5).sum()),
            "final_mean_loss": float(finder.opt_losses[-1]), "points": finder.fixed_points}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", default=None, help="trained values (else: train)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--brainpy", default=None, help="python with brainpy and jax")
    parser.add_argument("--x64", action="store_true", help="BrainPy in float64")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repeats")
    parser.add_argument("--threads", default="1,2", help="thread counts of the float32 gd")
    parser.add_argument("--numpy", action="store_true", help="also the NumPy gd (slow)")
    parser.add_argument("--skip-lm", action="store_true")
    parser.add_argument("--stall", type=float, default=1e-2,
                        help="LM: stop a point whose accepted step gains less than this")
    args = parser.parse_args()

    cell, candidates, bias, alpha = setup(args)
    t0 = time.perf_counter()
    for precision in ("float", "double"):
        cell.adam_search("discrete", precision)
    build_seconds = time.perf_counter() - t0
    searches = {f"neurogen-gd-float32-t{n}": (lambda n=n: record(gd(
        cell, candidates, precision="float", num_threads=n)))
        for n in map(int, args.threads.split(","))}
    searches["neurogen-gd-float64"] = lambda: record(gd(cell, candidates, precision="double"))
    if not args.skip_lm:
        def lm():
            finder = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian,
                                     vectorized=True, verbose=False)
            c0 = time.process_time()
            finder.find_fps_with_opt_solver(candidates, tolerance=1e-5, max_iter=100,
                                            stall_rtol=args.stall)
            finder.cpu_seconds = time.process_time() - c0
            return dict(record(finder), iterations=int(len(finder.opt_losses) - 1),
                        final_mean_loss=float(finder.losses.mean()))
        searches["neurogen-lm"] = lm
    tmp = tempfile.TemporaryDirectory()
    if args.brainpy:
        data = os.path.join(tmp.name, "states.npz")
        np.savez(data, candidates=candidates, mapped=cell.f(candidates),
                 w_rec=np.asarray(cell.recurrent["rec"]), const=np.asarray(cell.const["in"]),
                 b=bias, alpha=alpha)
        script = os.path.join(tmp.name, "bp.py")
        with open(script, "w") as fh:
            fh.write(BRAINPY_SCRIPT)

        def brainpy(cpus=None):
            out = os.path.join(tmp.name, "fps.npy")
            proc = subprocess.run(
                [args.brainpy, script, data, "1" if args.x64 else "0", out],
                capture_output=True, text=True, env={**os.environ, "JAX_PLATFORMS": "cpu"},
                preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
            if proc.returncode:
                sys.stderr.write(proc.stderr[-3000:])
                raise SystemExit("BrainPy run failed")
            rec = json.loads(proc.stdout.strip().splitlines()[-1])
            return dict(rec, points=np.load(out))
        searches["brainpy-gd"] = brainpy
        searches["brainpy-gd-1cpu"] = lambda: brainpy({sorted(os.sched_getaffinity(0))[0]})
    runs = {name: [] for name in searches}
    for _ in range(max(1, args.repeat)):
        for name, run in searches.items():
            runs[name].append(run())
    if args.numpy:
        runs["neurogen-gd-numpy"] = [record(gd(cell, candidates, compiled=False))]
    reference = runs["neurogen-gd-float64"][0]["points"]
    medians = {name: float(np.median([r["seconds"] for r in rs])) for name, rs in runs.items()}
    for name, rs in runs.items():
        last = rs[-1]
        out = {"search": name, "states": len(candidates),
               "median_seconds": round(medians[name], 3),
               "seconds": [round(r["seconds"], 3) for r in rs],
               "cpu_seconds": [round(r["cpu_seconds"], 3) for r in rs],
               **{k: v for k, v in last.items() if k not in ("seconds", "cpu_seconds", "points")},
               "max_distance_to_float64": float(np.abs(last["points"] - reference).max())}
        if name.startswith("brainpy"):
            out["float"] = "64" if args.x64 else "32"
            out["seconds_after_first"] = [round(r["seconds_after_first"], 3) for r in rs]
        elif "brainpy-gd" in medians and name in runs and len(rs) == args.repeat:
            # the median of the ratios within each round (a busy machine slows a round's
            # searches alike) and of the CPU times (BrainPy pinned to one CPU)
            for other, key in (("brainpy-gd", "speedup_vs_brainpy"),
                               ("brainpy-gd-1cpu", "speedup_vs_brainpy_1cpu")):
                out[key] = round(float(np.median([b["seconds"] / r["seconds"] for b, r in
                                                  zip(runs[other], rs)])), 2)
            out["cpu_speedup_vs_brainpy_1cpu"] = round(float(np.median(
                [b["cpu_seconds"] / r["cpu_seconds"] for b, r in
                 zip(runs["brainpy-gd-1cpu"], rs)])), 2)
        if name.startswith("neurogen-gd-float"):
            out["kernel_build_seconds"] = round(build_seconds, 2)
        print(json.dumps(out), flush=True)
    tmp.cleanup()


if __name__ == "__main__":
    main()
