"""ANNarchy's Neural Field tutorial, run by neurogen: only the import line changed.
================================================================================

Two 20x20 populations: `inp` holds a rotating Gaussian bubble (plus noise), `focus` is a
neural field with difference-of-Gaussians lateral connections whose bump follows it.
Headless: prints where the bump is relative to the bubble and saves the figure
``neural_field.png`` (input and field at the end, the bubble's centre marked) into
``--out`` (default ``examples/neural_field/output/``), printing its path. The Cython
environment and the OpenGL viewer of the original are ``NeuralFieldCython.py`` and
``NeuralFieldViz.py``.

    python examples/neural_field/NeuralField.py [STEPS] [--out DIR]
"""
import argparse
from pathlib import Path

from neurogen import *

clear()

InputNeuron = Neuron(
    parameters="""
        baseline = 0.0
    """,
    equations="""
        r = pos(baseline + Uniform(-0.5, 0.5))
    """
)

NeuralFieldNeuron = Neuron(
    parameters="""
        tau = 10.0 : population
    """,
    equations="""
        tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5) : min=0.0, max=1.0
    """
)

N = 20
inp = Population(geometry=(N, N), neuron=InputNeuron, name='Input')
focus = Population(geometry=(N, N), neuron=NeuralFieldNeuron, name='Focus')

ff = Projection(pre=inp, post=focus, target='exc')
ff.connect_one_to_one(weights=1.0, delays=20.0)

lat = Projection(pre=focus, post=focus, target='inh')
lat.connect_dog(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7)

compile()

simulate(1000.0)

parser = argparse.ArgumentParser(description="ANNarchy's neural-field tutorial")
parser.add_argument("steps", nargs="?", type=int, default=2000,
                    help="steps of the Python loop that moves the bubble")
parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "output"),
                    help="folder for neural_field.png (created if needed)")
args = parser.parse_args()

# The tutorial's "naive" Python loop: clamp a rotating bubble, one step at a time.
steps = args.steps
angle = 0.0
x, y = np.meshgrid(np.linspace(0, 19, 20), np.linspace(0, 19, 20))
errors = []
for i in range(steps):
    angle += 1.0 / 5000.0
    cx = 10.0 * (1.0 + 0.5 * np.cos(2.0 * np.pi * angle))
    cy = 10.0 * (1.0 + 0.5 * np.sin(2.0 * np.pi * angle))
    inp.baseline = (np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8.0))
    step()
    if i % 100 == 99:
        r = focus.r
        by, bx = np.unravel_index(np.argmax(r), r.shape)
        errors.append(np.hypot(bx - cx, by - cy))

r = focus.r
by, bx = np.unravel_index(np.argmax(r), r.shape)
print(f"t = {get_time():.0f} ms: bubble at (x={cx:.1f}, y={cy:.1f}), "
      f"bump of focus at (x={bx}, y={by}), max rate {r.max():.2f}; "
      f"mean distance bump-bubble {np.mean(errors):.2f} neurons")

# The figure, drawn on matplotlib's Agg canvas: no display needed.
from matplotlib.figure import Figure  # noqa: E402

fig = Figure(figsize=(7, 3.4), layout="constrained")
for ax, (title, values) in zip(fig.subplots(1, 2), (("inp.r (input)", inp.r),
                                                    ("focus.r (neural field)", focus.r))):
    image = ax.imshow(values, origin="lower", interpolation="nearest", cmap="gray")
    ax.plot(cx, cy, "r+", ms=12, mew=2, label="bubble centre")
    ax.set(title=title, xlabel="x", ylabel="y")
    fig.colorbar(image, ax=ax, shrink=0.8)
fig.axes[0].legend(loc="upper right", fontsize=8)
fig.suptitle(f"t = {get_time():.0f} ms: the field's bump follows the bubble")
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
fig.savefig(out / "neural_field.png", dpi=80)
print(f"figure saved to {out / 'neural_field.png'}")
