"""Screenshots of the three viewer modes
=====================================

Screenshots of the three viewer modes, taken headless in a virtual X server (Xvfb):
the neural field as OpenGL surfaces and as images, and a ring attractor (CANN1D) as a
line plot tracking a moving stimulus.

    python examples/viewer_screenshots.py [OUT_DIR]     # default: docs/
"""
import sys
from pathlib import Path


import neurogen as ng
from neurogen.inputs import load_pyx
from neurogen.models import CANN1D
from neurogen.viz import GLViewer, virtual_display

HERE = Path(__file__).resolve().parent
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs"


def neural_field():
    ng.clear(seed=2)
    Input = ng.Neuron(parameters="baseline = 0.0",
                      equations="r = pos(baseline + Uniform(-0.5, 0.5))")
    Field = ng.Neuron(parameters="tau = 10.0 : population",
                      equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5)"
                                " : min=0.0, max=1.0")
    inp = ng.Population((20, 20), Input, name="Input")
    focus = ng.Population((20, 20), Field, name="Focus")
    ng.Projection(inp, focus, "exc").connect_one_to_one(weights=1.0, delays=20.0)
    ng.Projection(focus, focus, "inh").connect_dog(amp_pos=0.2, sigma_pos=0.1,
                                                   amp_neg=0.1, sigma_neg=0.7)
    ng.compile()
    world = load_pyx(HERE / "neural_field" / "BubbleWorld.pyx").CWorld(
        population=inp, radius=0.5, sigma=2.0, period=5000.0)
    return [inp, focus], world.rotate


def ring():
    cann = CANN1D(num=256, k=0.1, A=10.0, a=0.5, dt=0.1, seed=1)
    cann.compile()
    state = {"pos": -2.0}

    def turn(steps):
        state["pos"] += 0.002 * steps
        cann.Iext = cann.get_stimulus_by_pos(state["pos"])
        cann.net.simulate(steps * cann.dt)
    return [cann.pop], turn


def shoot(name, populations, func, **options):
    path = OUT / name

    def on_refresh(viewer):
        if viewer.refreshes == viewer.max_refreshes:
            viewer.save(path)

    GLViewer(populations, func, 200, size=(900, 420), max_refreshes=5,
             on_refresh=on_refresh, **options).run()
    print(f"saved {path}")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    with virtual_display():
        shoot("viewer_gl.png", *neural_field(), mode="gl")
        shoot("viewer_image.png", *neural_field(), mode="image")
        shoot("viewer_ring.png", *ring(), mode="auto", levels=None,
              title="CANN1D ring")
