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
   (fixation on, no evidence) as the seed does: gradient descent (Adam, decaying rate)
   on ``|f(h) - h|^2`` from visited states, stopped at a mean loss of 1e-5, keeping
   points below 1e-5. They form a line along PC 1, and the Jacobian (exact, from the
   equations) there has an eigenvalue close to 1: a line attractor integrating evidence.
   Levenberg-Marquardt from those points then finds the exact fixed point(s) on it.
   (Which slow points are found depends on when the descent stops: run much longer,
   every point falls into the network's stable fixed point on that line.)

Figures (PNG, needs matplotlib) go to ``--out`` (default ``examples/rnn_decision/output``):
``training.png``, ``pca_trials.png``, ``fixed_points.png``, ``eigenvalues.png``.
"""
import argparse
import importlib.util
from pathlib import Path

import numpy as np

from neurogen import Network
from neurogen.analysis import Adam as Adam_, ExponentialDecay, SlowPointFinder
from neurogen.analysis.plot import principal_components
from neurogen.models import rate_rnn
from neurogen.tasks import PerceptualDecisionMaking
from neurogen.training import Adam, CellMap, Trainer

here = Path(__file__).parent
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--out", default=str(here / "output"), help="folder for the figures")
parser.add_argument("--weights", default=str(here / "output" / "trained.npz"),
                    help="trained values (loaded if present)")
parser.add_argument("--retrain", action="store_true", help="train even if --weights exists")
parser.add_argument("--iterations", type=int, default=1500)
parser.add_argument("--hidden", type=int, default=64)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--candidates", type=int, default=200,
                    help="visited states the slow-point search starts from")
args = parser.parse_args()
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
plots = importlib.util.find_spec("matplotlib") is not None

# -- model and training -----------------------------------------------------------------------
net = Network(dt=100.0, seed=args.seed)
rnn = rate_rnn(net, num_input=3, num_hidden=args.hidden, num_output=3)
print(f"hidden neuron: {rnn.rnn.neuron_type.equations}")
trainer = Trainer(net, inputs=rnn.inp, outputs=rnn.out, trainable=rnn.trainable,
                  loss="cross_entropy", optimizer=Adam(lr=1e-3))
print(f"compiled the training kernels in {trainer.compile_seconds:.2f} s "
      f"(cached: {trainer.model.build_info['cached']})")
task = PerceptualDecisionMaking(dt=100, seed=args.seed)
weights = Path(args.weights)
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
trials = [task.new_trial() for _ in range(100)]
xs = np.stack([t.ob for t in trials], axis=1)                   # (steps, trials, 3)
outputs = trainer.predict(xs)
activity = trainer.model.history("rnn")[1:xs.shape[0] + 1].transpose(1, 0, 2).copy()
decision = np.array([t.periods["decision"][0] for t in trials])
choice = outputs[decision[0], np.arange(100)].argmax(axis=1)
truth = np.array([t.info["ground_truth"] for t in trials])
print(f"100 test trials: {np.mean(choice == truth + 1):.2f} correct at the decision step")
print("Shape of the neural activity: (Time points, Neurons):",
      activity.reshape(-1, args.hidden).shape)
for i in range(5):
    print("Trial ", i, trials[i].info)
_, components, ratio, mean = principal_components(activity.reshape(-1, args.hidden), 2)


def project(x):
    return (x - mean) @ components.T


# -- fixed points ---------------------------------------------------------------------------------
cell = CellMap(trainer, rnn.rnn, inputs={rnn.inp: [1.0, 0.5, 0.5]})
finder = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian, vectorized=True)
candidates = trainer.model.history("rnn")[1:xs.shape[0] + 1].reshape(-1, args.hidden)
pick = np.random.default_rng(0).choice(len(candidates), args.candidates, replace=False)
finder.find_fps_with_gd_method(candidates[pick], tolerance=1e-5, num_batch=200,
                               optimizer=Adam_(lr=ExponentialDecay(0.01, 1, 0.9999)))
finder.filter_loss(tolerance=1e-5)
fixed_points = finder.fixed_points
print(f"{len(fixed_points)} approximate fixed points (loss <= 1e-5)")
exact = SlowPointFinder(cell.f, f_type="discrete", f_jac=cell.jacobian, vectorized=True,
                        verbose=False)
exact.find_fps_with_opt_solver(fixed_points[:50], tolerance=1e-20)
exact.keep_unique(tolerance=1e-4)
print(f"exact fixed points reached from them by Levenberg-Marquardt: "
      f"{len(exact.fixed_points)}, leading |eigenvalue| "
      f"{np.abs(np.linalg.eigvals(exact.compute_jacobians(exact.fixed_points))).max(1)}")
fp_pca = principal_components(fixed_points, 1)[2][0] if len(fixed_points) > 1 else float("nan")
print(f"first principal component of the fixed points explains {fp_pca:.1%} of their variance")
jacobians = finder.compute_jacobians(fixed_points)
leading = np.array([np.abs(np.linalg.eigvals(J)).max() for J in jacobians])
print(f"leading |eigenvalue| at the fixed points: median {np.median(leading):.3f} "
      f"(range {leading.min():.3f} - {leading.max():.3f})")

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
