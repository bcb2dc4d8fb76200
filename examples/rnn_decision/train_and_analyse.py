"""Training and analysing a decision-making RNN (Yang & Wang, 2020)
================================================================

Train the rate RNN of Yang & Wang (2020) on perceptual decision making, then analyse it
(the seed's BrainPy notebook, with the model written as equation strings).

1. Train 1500 iterations of batch 16 x 100 steps (Adam, lr 1e-3) on
   ``PerceptualDecisionMaking(dt=100)``; the gradients are generated C++ (sympy adjoints
   of the equations). The trained values are saved to ``--weights`` and reused next time
   (``--retrain`` trains again).
2. Run 100 single trials and project the hidden activity on its first two principal
   components: the trajectories separate by ground truth along PC 1.
3. Search slow points of the trained cell with the input clamped to [1, .5, .5]
   (fixation on, no evidence) as the seed does, from *all* ~2 200 visited states:
   BrainPy's gradient search (Adam, learning rate 0.01 decaying by 0.9999 per step, on
   the mean over the batch of ``mean((f(h) - h)^2)``, BrainPy's loss), stopped at a mean
   loss of 1e-5, in float32 as BrainPy's default (``--precision double``: float64), as
   one generated C++ kernel (:meth:`neurogen.training.CellMap.adam_search`); then the
   seed's filters: points above 1e-5 dropped, ``keep_unique(0.03)``,
   ``exclude_outliers(0.1)``. ``--method lm`` uses Levenberg-Marquardt instead, each
   point stopping as soon as it is below the same 1e-5 or stalls (tens of iterations).
   The Jacobian at the points is exact (from the equations).

The defaults are the seed's: weights normal with variance 1/fan_in (BrainPy's
``KaimingNormal(scale=1.)``, see :func:`neurogen.models.rate_rnn`) and the fixation
input kept on during the stimulus (the neurogym the seed used; see
:class:`neurogen.tasks.PerceptualDecisionMaking`). ``--json PATH`` writes the run's
numbers: test accuracy, slow points after each filter, their PC 1 share, the span ratio
(span of the slow points on the trials' PC 1 / span of the trials), the leading
``|eigenvalue|``, and the search's seconds and number of starting states.

What the default run (seed 0) shows: 0.85 of the 100 test trials answered right; 1 762
of the 2 200 searched points below 1e-5, 20 unique, 19 kept; they lie on a line (PC 1:
99.1 % of their variance) along which the Jacobian has a leading ``|eigenvalue|`` of
1.04 (0.99-1.04): a line attractor, but a *short* one: it spans 0.040 of the trials'
range on their PC 1, far less than in the seed's figure. That length depends on the
training seed, in BrainPy as well: over seeds 0-4 0.040, 0.024, 0.083, 0.047, 0.016
here; BrainPy 2.8.2 training and searching on the same task data with the same filters:
0.034, 0.260, 0.089, 0.123, 0.080; over more seeds the medians are 0.069 here (seeds
0-19) and 0.089 in BrainPy (0-14), not significantly apart; ``--seed 5`` gives a long
line (span 0.175, PC 1 share 0.975, ``|eigenvalue|`` 0.99).
``--method lm``: 1 647 points below 1e-5, 32 kept, PC 1 share 0.94, ``|eigenvalue|``
1.00, span 0.039. The float32 search took 2.5-4.2 s on one thread of a busy 2-core
machine, BrainPy 2.8.2's jitted one on the same states 7.9-29 s (bench/slow_points.py,
8 interleaved rounds: 5.4x, the median of the ratios within a round, 2.9x to 8.1x).

Figures (PNG, needs matplotlib) go to ``--out`` (default ``examples/rnn_decision/output``):
``training.png``, ``pca_trials.png``, ``fixed_points.png``, ``eigenvalues.png``.
"""
import argparse
import importlib.util
from pathlib import Path

import numpy as np

from neurogen import Network
from neurogen.analysis import Adam as Adam_, ExponentialDecay, SlowPointFinder, \
    line_attractor_summary
from neurogen.analysis.plot import principal_components
from neurogen.models import rate_rnn
from neurogen.tasks import PerceptualDecisionMaking
from neurogen.training import Adam, CellMap, Trainer

here = Path(__file__).parent
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--out", default=str(here / "output"), help="folder for the figures")
parser.add_argument("--weights", default=None,
                    help="trained values (loaded if present; default: "
                    "OUT/trained_seed{seed}_h{hidden}.npz)")
parser.add_argument("--retrain", action="store_true", help="train even if --weights exists")
parser.add_argument("--iterations", type=int, default=1500)
parser.add_argument("--hidden", type=int, default=64)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--candidates", type=int, default=0,
                    help="visited states the slow-point search starts from (0: all, the seed's)")
parser.add_argument("--method", choices=("gd", "lm"), default="gd",
                    help="gd: BrainPy's Adam search (the seed's); lm: Levenberg-Marquardt")
parser.add_argument("--tolerance", type=float, default=1e-5,
                    help="loss (BrainPy's mean squared speed) to stop at and to keep points")
parser.add_argument("--precision", choices=("float", "double"), default="float",
                    help="gd: float32 (BrainPy's default, the seed's) or float64")
parser.add_argument("--threads", type=int, default=1, help="gd: OpenMP threads")
parser.add_argument("--unique", type=float, default=0.03,
                    help="keep_unique tolerance (the seed's 0.03; 0 keeps all)")
parser.add_argument("--outliers", type=float, default=0.1,
                    help="exclude_outliers tolerance (the seed's 0.1; inf keeps all)")
parser.add_argument("--json", default=None, help="write the run's numbers to this file")
parser.add_argument("--no-plots", action="store_true", help="skip the figures")
args = parser.parse_args()
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
plots = importlib.util.find_spec("matplotlib") is not None and not args.no_plots

# -- model and training -----------------------------------------------------------------------
net = Network(dt=100.0, seed=args.seed)
rnn = rate_rnn(net, num_input=3, num_hidden=args.hidden, num_output=3)
print(f"hidden neuron: {rnn.rnn.neuron_type.equations}")
trainer = Trainer(net, inputs=rnn.inp, outputs=rnn.out, trainable=rnn.trainable,
                  loss="cross_entropy", optimizer=Adam(lr=1e-3))
print(f"compiled the training kernels in {trainer.compile_seconds:.2f} s "
      f"(cached: {trainer.model.build_info['cached']})")
task = PerceptualDecisionMaking(dt=100, seed=args.seed)
weights = Path(args.weights) if args.weights else \
    out / f"trained_seed{args.seed}_h{args.hidden}.npz"
history = None
if weights.exists() and not args.retrain:
    trainer.load(weights)
    trainer.apply()
    print(f"loaded trained values from {weights}")
else:
    history = trainer.fit(task.dataset(batch_size=16, seq_len=100), args.iterations)
    for i, (loss, acc) in enumerate(zip(history["mean_loss"], history["mean_accuracy"])):
        print(f"Step {100 * (i + 1)}, Loss {loss:0.4f}, Acc {acc:0.3f}")
    print(f"{history['seconds'] / len(history['loss']) * 1e3:.2f} ms per iteration")
    trainer.save(weights)

# -- 100 trials, PCA ---------------------------------------------------------------------------
test_rng = np.random.default_rng([args.seed, 1])     # the same test trials, trained or loaded
trials = [task.new_trial(rng=test_rng) for _ in range(100)]
xs = np.stack([t.ob for t in trials], axis=1)                   # (steps, trials, 3)
outputs = trainer.predict(xs)
activity = trainer.model.history("rnn")[1:xs.shape[0] + 1].transpose(1, 0, 2).copy()
decision = np.array([t.periods["decision"][0] for t in trials])
choice = outputs[decision[0], np.arange(100)].argmax(axis=1)
truth = np.array([t.info["ground_truth"] for t in trials])
accuracy = float(np.mean(choice == truth + 1))
print(f"100 test trials: {accuracy:.2f} correct at the decision step")
print("Shape of the neural activity: (Time points, Neurons):",
      activity.reshape(-1, args.hidden).shape)
for i in range(5):
    print("Trial ", i, trials[i].info)
_, components, ratio, mean = principal_components(activity.reshape(-1, args.hidden), 2)


def project(x):
    return (x - mean) @ components.T


# -- slow points ----------------------------------------------------------------------------------
cell = CellMap(trainer, rnn.rnn, inputs={rnn.inp: [1.0, 0.5, 0.5]})
if args.method == "gd":     # built (or taken from the cache) before the search is timed
    cell.adam_search("discrete", args.precision)
finder = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian, vectorized=True)
candidates = trainer.model.history("rnn")[1:xs.shape[0] + 1].transpose(1, 0, 2)
candidates = candidates.reshape(-1, args.hidden)           # trial by trial, as the seed
if args.candidates:
    pick = np.random.default_rng(0).choice(len(candidates), args.candidates, replace=False)
    candidates = candidates[np.sort(pick)]
if args.method == "gd":
    finder.find_fps_with_gd_method(candidates, tolerance=args.tolerance, num_batch=200,
                                   optimizer=Adam_(lr=ExponentialDecay(0.01, 1, 0.9999)),
                                   precision=args.precision, num_threads=args.threads)
else:
    finder.find_fps_with_opt_solver(candidates, tolerance=args.tolerance, max_iter=100,
                                    stall_rtol=1e-2)
search_seconds = finder.search_seconds
print(f"slow-point search ({args.method}) from {len(candidates)} states: "
      f"{search_seconds:.2f} s")
finder.filter_loss(tolerance=args.tolerance)
kept_loss = len(finder.fixed_points)
finder.keep_unique(tolerance=args.unique)           # the seed's three filters
kept_unique = len(finder.fixed_points)
finder.exclude_outliers(args.outliers)
fixed_points = finder.fixed_points
print(f"{len(fixed_points)} slow points (loss < {args.tolerance:g}: {kept_loss}, unique: "
      f"{kept_unique}, without outliers: {len(fixed_points)})")
jacobians = finder.compute_jacobians(fixed_points) if len(fixed_points) else np.zeros((0,))
summary = line_attractor_summary(fixed_points, activity, jacobians)
print(f"first principal component of the slow points explains {summary['pc1_share']:.1%} "
      f"of their variance; they span {summary['span_ratio']:.3f} of the trials' PC 1")
print(f"leading |eigenvalue| at the slow points: median "
      f"{summary['leading_abs_eigenvalue']:.3f} (range "
      f"{summary['leading_abs_eigenvalue_min']:.3f} - "
      f"{summary['leading_abs_eigenvalue_max']:.3f})")
if args.json:
    import json
    record = {"seed": args.seed, "hidden": args.hidden, "iterations": args.iterations,
              "accuracy": accuracy, "method": args.method, "tolerance": args.tolerance,
              "search_states": int(len(candidates)), "search_seconds": search_seconds,
              "search_iterations": int(len(finder.opt_losses)) - (args.method == "lm"),
              "precision": args.precision if args.method == "gd" else "double",
              "threads": args.threads, "unique_tolerance": args.unique,
              "outlier_tolerance": args.outliers, "points_below_tolerance": kept_loss,
              "points_unique": kept_unique, "points_kept": summary.pop("points"), **summary}
    Path(args.json).write_text(json.dumps(record, indent=1))
    print(f"numbers written to {args.json}")

if plots:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from neurogen.analysis.plot import eigenvalue_spectrum

    if history is not None:
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.5))
        steps = 100 * np.arange(1, len(history["mean_loss"]) + 1)
        a1.plot(steps, history["mean_loss"], "o-")
        a1.set_xlabel("iteration"), a1.set_ylabel("loss (mean of 100)")
        a2.plot(steps, history["mean_accuracy"], "o-")
        a2.set_xlabel("iteration"), a2.set_ylabel("accuracy on decision steps")
        fig.tight_layout()
        fig.savefig(out / "training.png", dpi=90)

    fig, (ax1, ax2) = plt.subplots(1, 2, sharey=True, sharex=True, figsize=(12, 5))
    for i in range(100):
        pc = project(activity[i])
        color = "red" if truth[i] == 0 else "blue"
        ax1.plot(pc[:, 0], pc[:, 1], "o-", color=color, ms=3, lw=0.8)
        if i < 5:
            ax2.plot(pc[:, 0], pc[:, 1], "o-", color=color, ms=3)
    ax1.set_xlabel("PC 1"), ax1.set_ylabel("PC 2"), ax2.set_xlabel("PC 1")
    ax1.set_title("100 trials (red: choice 1, blue: choice 2)"), ax2.set_title("5 trials")
    fig.tight_layout()
    fig.savefig(out / "pca_trials.png", dpi=80)

    fig = plt.figure(figsize=(10, 5))
    for i in range(10):
        pc = project(activity[i])
        plt.plot(pc[:, 0], pc[:, 1], "o-", color="red" if truth[i] == 0 else "blue", alpha=0.1)
    fp = project(fixed_points)
    plt.plot(fp[:, 0], fp[:, 1], "x", color="k", label="fixed points")
    plt.xlabel("PC 1"), plt.ylabel("PC 2"), plt.legend()
    fig.savefig(out / "fixed_points.png", dpi=80)

    middle = jacobians[np.argsort(fp[:, 0])[len(fp) // 2]] if len(fp) else None
    if middle is not None:
        fig = eigenvalue_spectrum(middle, f_type="discrete")
        fig.savefig(out / "eigenvalues.png", dpi=80)
    print(f"figures saved in {out}")
