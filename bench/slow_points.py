"""Slow-point search of the seed's trained RNN (Yang & Wang 2020) from all ~2 200 visited
states, timed; optionally BrainPy's ``SlowPointFinder`` on the same states, side by side.

The network is trained as in examples/rnn_decision (1500 iterations, seed 0; or loaded
from ``--weights``), run on 100 trials, and the 2 200 hidden states are the candidates;
the input is clamped to [1, .5, .5]. Timed:

* ``neurogen-gd``: ``SlowPointFinder.find_fps_with_gd_method`` with the seed's settings
  (Adam, ``ExponentialDecay(0.01, 1, 0.9999)``, tolerance 1e-5, num_batch 200),
  BrainPy's loss and update, vectorised over the batch in cache-sized blocks;
* ``neurogen-lm``: ``find_fps_with_opt_solver(tolerance=1e-5)``, Levenberg-Marquardt
  stopping each point once its loss is below 1e-5;
* ``brainpy-gd`` (with ``--brainpy PYTHON``, a Python that has brainpy and jax): BrainPy's
  ``SlowPointFinder(f_type='discrete').find_fps_with_gd_method`` with the same settings
  on the same weights and states, in a subprocess (its own venv), float32 as the seed
  (``--x64``: float64); ``seconds`` includes its jit compilation, ``seconds_after_first``
  does not count the first batch of 200 steps (the compilation happens there).

Prints one JSON line per search: seconds, iterations, points kept under 1e-5, the final
mean loss, and for BrainPy the largest distance between its points and neurogen's
(the same start, the same algorithm). Use one thread (the default here) and compare
timings from the same run.

    python bench/slow_points.py [--weights trained.npz] [--brainpy /tmp/venv-brainpy/bin/python]
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
t0 = time.time()
finder.find_fps_with_gd_method(bm.asarray(d["candidates"]), tolerance=1e-5, num_batch=200,
    optimizer=bp.optim.Adam(lr=bp.optim.ExponentialDecay(0.01, 1, 0.9999)))
seconds = time.time() - t0
first = times[1] - t0 if len(times) > 1 else float("nan")
losses = np.asarray(finder.losses)
fps = np.asarray(finder.fixed_points)
builtins.print = _print
np.save(sys.argv[3], fps)
print(json.dumps({"seconds": seconds, "seconds_after_first": seconds - first,
                  "iterations": int(len(finder.opt_losses)),
                  "points_kept": int((losses < 1e-5).sum()),
                  "final_mean_loss": float(np.asarray(finder.opt_losses)[-1]),
                  "brainpy": bp.__version__}))
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", default=None, help="trained values (else: train)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--brainpy", default=None, help="python with brainpy and jax")
    parser.add_argument("--x64", action="store_true", help="BrainPy in float64")
    parser.add_argument("--skip-lm", action="store_true")
    parser.add_argument("--skip-gd", action="store_true")
    parser.add_argument("--stall", type=float, default=1e-2,
                        help="LM: stop a point whose accepted step gains less than this")
    args = parser.parse_args()

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
    trials = [task.new_trial() for _ in range(100)]
    xs = np.stack([t.ob for t in trials], axis=1)
    trainer.predict(xs)
    states = trainer.model.history("rnn")[1:xs.shape[0] + 1].transpose(1, 0, 2)
    candidates = np.ascontiguousarray(states.reshape(-1, 64))
    cell = CellMap(trainer, rnn.rnn, inputs={rnn.inp: [1.0, 0.5, 0.5]})

    def gd():
        finder = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian,
                                 vectorized=True, verbose=False)
        finder.find_fps_with_gd_method(candidates, tolerance=1e-5, num_batch=200,
                                       optimizer=Adam_(lr=ExponentialDecay(0.01, 1, 0.9999)))
        return finder

    results = {}
    finder = None if args.skip_gd else gd()
    results["neurogen-gd"] = finder
    if finder is not None:
        print(json.dumps({"search": "neurogen-gd", "states": len(candidates),
                          "seconds": round(finder.search_seconds, 3),
                          "iterations": int(len(finder.opt_losses)),
                          "points_kept": int((finder.losses < 1e-5).sum()),
                          "final_mean_loss": float(finder.opt_losses[-1])}), flush=True)
    if not args.skip_lm:
        lm = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian, vectorized=True,
                             verbose=False)
        lm.find_fps_with_opt_solver(candidates, tolerance=1e-5, max_iter=100,
                                    stall_rtol=args.stall)
        print(json.dumps({"search": "neurogen-lm", "states": len(candidates),
                          "seconds": round(lm.search_seconds, 3),
                          "iterations": int(len(lm.opt_losses) - 1),
                          "points_kept": int((lm.losses < 1e-5).sum()),
                          "final_mean_loss": float(lm.losses.mean()),
                          "stall_rtol": args.stall}), flush=True)
    if args.brainpy:
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "states.npz")
            np.savez(data, candidates=candidates, mapped=cell.f(candidates),
                     w_rec=np.asarray(cell.recurrent["rec"]),
                     const=np.asarray(cell.const["in"]),
                     b=np.asarray(rnn.rnn.b, dtype=float).reshape(-1),
                     alpha=net.dt / float(np.asarray(rnn.rnn.tau).reshape(-1)[0]))
            script = os.path.join(tmp, "bp.py")
            with open(script, "w") as fh:
                fh.write(BRAINPY_SCRIPT)
            out = os.path.join(tmp, "fps.npy")
            t0 = time.perf_counter()
            proc = subprocess.run([args.brainpy, script, data, "1" if args.x64 else "0", out],
                                  capture_output=True, text=True,
                                  env={**os.environ, "JAX_PLATFORMS": "cpu"})
            if proc.returncode:
                sys.stderr.write(proc.stderr[-3000:])
                raise SystemExit("BrainPy run failed")
            record = json.loads(proc.stdout.strip().splitlines()[-1])
            fps = np.load(out)
            ref = results["neurogen-gd"]
            record.update({"search": "brainpy-gd", "states": len(candidates),
                           "float": "64" if args.x64 else "32",
                           "process_seconds": round(time.perf_counter() - t0, 3),
                           "max_distance_to_neurogen": float(np.abs(
                               fps - ref.fixed_points).max()) if ref is not None
                           else None})
            print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
