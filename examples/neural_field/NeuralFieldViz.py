"""The neural field, live in the viewer
====================================

The neural-field tutorial, live: the rotating bubble (BubbleWorld.pyx) and the bump
that follows it, refreshed every 200 steps in an OpenGL window (the tutorial's last cell).

    python NeuralFieldViz.py [--image] [--python-world] [--xvfb SECONDS]

Space pauses, Q or Escape quits. ``--image`` draws colour images instead of OpenGL
surfaces; ``--python-world`` uses the tutorial's ``World`` instead of the C-level
``CWorld``; ``--xvfb SECONDS`` runs headless in a virtual X server for that long and saves
``neural_field_viewer.png``.
"""
import sys
from pathlib import Path

from neurogen import *
from neurogen.inputs import load_pyx

N = 20
InputNeuron = Neuron(parameters="baseline = 0.0",
                     equations="r = pos(baseline + Uniform(-0.5, 0.5))")
NeuralFieldNeuron = Neuron(parameters="tau = 10.0 : population",
    equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5) : min=0.0, max=1.0")
inp = Population(geometry=(N, N), neuron=InputNeuron, name='Input')
focus = Population(geometry=(N, N), neuron=NeuralFieldNeuron, name='Focus')
Projection(pre=inp, post=focus, target='exc').connect_one_to_one(weights=1.0, delays=20.0)
Projection(pre=focus, post=focus, target='inh').connect_dog(
    amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7)

if __name__ == "__main__":
    compile()
    BubbleWorld = load_pyx(Path(__file__).resolve().parent / "BubbleWorld.pyx")
    if "--python-world" in sys.argv:
        world = BubbleWorld.World(population=inp, radius=0.5, sigma=2.0, period=5000.0,
                                  func=step)
    else:
        world = BubbleWorld.CWorld(population=inp, radius=0.5, sigma=2.0, period=5000.0)
    mode = "image" if "--image" in sys.argv else "gl"

    from Viz import loop_bubbles   # the tutorial's line (Viz.py is next to this file)
    if "--xvfb" in sys.argv:
        from neurogen.viz import virtual_display
        seconds = float(sys.argv[sys.argv.index("--xvfb") + 1])
        refreshes = max(1, int(seconds * 1000 / 200))
        with virtual_display():
            viewer = loop_bubbles(populations=[inp, focus], func=world.rotate,
                                  update_rate=200, mode=mode, max_refreshes=refreshes,
                                  on_refresh=lambda v: v.refreshes == refreshes and
                                  v.save("neural_field_viewer.png"))
        print(f"{viewer.refreshes} refreshes, t = {get_time():.0f} ms; "
              "saved neural_field_viewer.png")
    else:
        loop_bubbles(populations=[inp, focus], func=world.rotate, update_rate=200, mode=mode)
