"""The neural-field tutorial with its Cython input environment (BubbleWorld.pyx).
==============================================================================

Runs the tutorial's ``World`` (NumPy bubble + ``step()`` each step), then the C-level
``CWorld`` (bubble written into the live buffer, kernel called from C), and compares their
per-step cost with ``simulate()`` without input. By default the .pyx is compiled by
``neurogen.inputs.load_pyx`` (no pyximport); ``--pyximport`` uses the tutorial's lines.

    python NeuralFieldCython.py [STEPS] [--pyximport]
"""
import sys
import time
from pathlib import Path

from neurogen import *

N = 20
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
inp = Population(geometry=(N, N), neuron=InputNeuron, name='Input')
focus = Population(geometry=(N, N), neuron=NeuralFieldNeuron, name='Focus')
ff = Projection(pre=inp, post=focus, target='exc')
ff.connect_one_to_one(weights=1.0, delays=20.0)
lat = Projection(pre=focus, post=focus, target='inh')
lat.connect_dog(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7)


def bump_distance(world):
    r = focus.r
    by, bx = np.unravel_index(np.argmax(r), r.shape)
    return float(np.hypot(bx - world.cx, by - world.cy))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    steps = int(args[0]) if args else 2000
    compile()

    here = Path(__file__).resolve().parent
    if "--pyximport" in sys.argv:
        sys.path.insert(0, str(here))
        import pyximport; pyximport.install(setup_args={'include_dirs': np.get_include()})
        from BubbleWorld import World, CWorld
    else:
        from neurogen.inputs import load_pyx
        BubbleWorld = load_pyx(here / "BubbleWorld.pyx")
        World, CWorld = BubbleWorld.World, BubbleWorld.CWorld

    # The tutorial's environment, as written: NumPy each step, then step().
    world = World(population=inp, radius=0.5, sigma=2.0, period=5000.0, func=step)
    start = time.perf_counter()
    world.rotate(steps)
    world_us = (time.perf_counter() - start) / steps * 1e6

    # The C-level environment: no Python call per step.
    cworld = CWorld(population=inp, radius=0.5, sigma=2.0, period=5000.0)
    start = time.perf_counter()
    cworld.rotate(steps)
    cworld_us = (time.perf_counter() - start) / steps * 1e6

    start = time.perf_counter()
    simulate(float(steps))
    simulate_us = (time.perf_counter() - start) / steps * 1e6
    cworld.rotate(200)   # back on the bubble after the input-free stretch
    print(f"{steps} steps each: World {world_us:.1f} us/step, CWorld {cworld_us:.1f} "
          f"us/step, simulate() without input {simulate_us:.1f} us/step; "
          f"t = {get_time():.0f} ms, bump-bubble distance {bump_distance(cworld):.2f} neurons")
