"""Pattern recovery with the Amari-Hopfield network
================================================

Pattern recovery with the Amari-Hopfield network (the canns hopfield_train example,
with 4 random +-1 128x128 patterns instead of the skimage pictures): 30 % of the pixels
flipped, recovered by synchronous updates; prints the fraction of pixels recovered and
saves ``hopfield_recall.png`` (a corner of each pattern: stored, noisy input, recalled,
and the pixels still wrong, in black) into ``--out`` (default ``examples/hopfield/output/``).

    python examples/hopfield/hopfield_train.py [--out DIR]
"""
import argparse
from pathlib import Path

import numpy as np

from neurogen.models import AmariHopfieldNetwork, HebbianTrainer

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "output"),
                    help="folder for hopfield_recall.png (created if needed)")
parser.add_argument("--crop", type=int, default=32,
                    help="side of the corner of each 128x128 pattern drawn")
args = parser.parse_args()

rng = np.random.default_rng(42)
patterns = rng.choice([-1.0, 1.0], size=(4, 128 * 128))
model = AmariHopfieldNetwork(num_neurons=128 * 128, asyn=False, activation="sign")
model.init_state()
trainer = HebbianTrainer(model)
trainer.train(list(patterns))

noisy = patterns * np.where(rng.random(patterns.shape) < 0.3, -1.0, 1.0)
predicted = trainer.predict_batch(list(noisy), progress=True)
for i, (p, n, q) in enumerate(zip(patterns, noisy, predicted)):
    print(f"pattern {i}: input {np.mean(n == p):.3f} correct -> output {np.mean(q == p):.3f}")

# The figure, drawn on matplotlib's Agg canvas: no display needed.
from matplotlib.figure import Figure  # noqa: E402

c = args.crop
fig = Figure(figsize=(6.4, 6.6), layout="constrained")
axes = fig.subplots(len(patterns), 4)
for i, (p, n, q) in enumerate(zip(patterns, noisy, predicted)):
    images = [(p, "stored"), (n, f"input ({np.mean(n == p):.0%} right)"),
              (q, f"recalled ({np.mean(q == p):.0%} right)"),
              (np.where(q == p, 1.0, -1.0), f"still wrong (black): {int(np.sum(q != p))}")]
    for ax, (image, title) in zip(axes[i], images):
        ax.imshow(image.reshape(128, 128)[:c, :c], cmap="gray", vmin=-1, vmax=1,
                  interpolation="nearest")
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[i, 0].set_ylabel(f"pattern {i}")
fig.suptitle(f"Hopfield recall, 30 % of the pixels flipped ({c}x{c} corner of 128x128)",
             fontsize=10)
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
fig.savefig(out / "hopfield_recall.png", dpi=80)
print(f"figure saved to {out / 'hopfield_recall.png'}")
