"""ANNarchy's Neural Field tutorial, run by neurogen: only the import line changed.

Two 20x20 populations: `inp` holds a rotating Gaussian bubble (plus noise), `focus` is a
neural field with difference-of-Gaussians lateral connections whose bump follows it.
Headless: prints where the bump is relative to the bubble, and saves a figure when
matplotlib is installed. The Cython environment and the OpenGL viewer of the original
come later (see the README).
"""
import sys

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

# The tutorial's "naive" Python loop: clamp a rotating bubble, one step at a time.
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
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

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    pass
else:
    fig, axes = plt.subplots(1, 2, figsize=(8, 4))
    axes[0].imshow(inp.r, interpolation='nearest', cmap=plt.cm.gray)
    axes[0].set_title("inp.r")
    axes[1].imshow(focus.r, interpolation='nearest', cmap=plt.cm.gray)
    axes[1].set_title("focus.r")
    fig.savefig("neural_field.png", dpi=80)
    print("figure saved to neural_field.png")
