"""Run by the viewer tests in a fresh process: builds a small network, opens the viewer,
grabs the window after each refresh and prints one JSON line.

    python viewer_app.py MODE OUT_DIR [--xvfb] [--ring] [--keys] [--refreshes N]
"""
import json
import sys
from pathlib import Path

import numpy as np

import neurogen as ng
from neurogen.viz import GLViewer, virtual_display


def field(n=16):
    ng.clear(seed=3)
    Input = ng.Neuron(parameters="baseline = 0.0",
                      equations="r = pos(baseline + Uniform(-0.3, 0.3))")
    Field = ng.Neuron(parameters="tau = 10.0 : population",
                      equations="tau * dr/dt + r = sum(exc) + sum(inh) : min=0.0, max=1.0")
    inp = ng.Population((n, n), Input, name="Input")
    focus = ng.Population((n, n), Field, name="Focus")
    ng.Projection(inp, focus, "exc").connect_one_to_one(weights=1.0)
    ng.Projection(focus, focus, "inh").connect_dog(amp_pos=0.2, sigma_pos=0.1,
                                                   amp_neg=0.1, sigma_neg=0.7)
    ng.compile()
    x, y = np.meshgrid(np.arange(n), np.arange(n))
    state = {"angle": 0.0}

    def rotate(steps):
        for _ in range(steps):
            state["angle"] += 1.0 / 400.0
            cx = n / 2 * (1 + 0.5 * np.cos(2 * np.pi * state["angle"]))
            cy = n / 2 * (1 + 0.5 * np.sin(2 * np.pi * state["angle"]))
            inp.baseline = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8.0)
            ng.step()
    return [inp, focus], rotate


def ring(n=64):
    ng.clear(seed=3)
    pop = ng.Population(n, ng.Neuron(parameters="I = 0.0",
                                     equations="10 * dr/dt + r = I : min=0.0"), name="Ring")
    ng.compile()
    theta = np.arange(n) * 2 * np.pi / n
    state = {"phase": 0.0}

    def turn(steps):
        state["phase"] += 0.02 * steps
        pop.I = np.exp(3 * (np.cos(theta - state["phase"]) - 1))
        ng.simulate(steps)
    return [pop], turn


def spiking(n=16):
    """A 2D Poisson population whose rates move: shown as its firing rate."""
    ng.clear(seed=3)
    ng.setup(dt=0.1)
    pop = ng.PoissonPopulation((n, n), rates=0.0, name="Poisson")
    ng.compile()
    x, y = np.meshgrid(np.arange(n), np.arange(n))
    state = {"angle": 0.0}

    def rotate(steps):
        state["angle"] += 0.05
        cx = n / 2 * (1 + 0.5 * np.cos(state["angle"]))
        pop.rates = 200.0 * np.exp(-((x - cx) ** 2 + (y - n / 2) ** 2) / 8.0)
        ng.simulate(steps * 0.1)
    return [pop], rotate


def main():
    mode, out = sys.argv[1], Path(sys.argv[2])
    refreshes = int(sys.argv[sys.argv.index("--refreshes") + 1]) \
        if "--refreshes" in sys.argv else 4
    pops, func = ring() if "--ring" in sys.argv else spiking() if "--spiking" in sys.argv \
        else field()
    report = {"images": [], "steps": [], "paused_steps": None}

    def on_refresh(viewer):
        image = viewer.grab()
        path = out / f"{mode}_{viewer.refreshes}.npy"
        np.save(path, image)
        viewer.save(out / f"{mode}_{viewer.refreshes}.png")
        report["images"].append(str(path))
        report["steps"].append(ng.get_current_step())
        if "--keys" in sys.argv and viewer.refreshes == 2:
            from pyqtgraph.Qt import QtCore, QtTest
            QtTest.QTest.keyClick(viewer.win, QtCore.Qt.Key.Key_Space)   # pause
            before = ng.get_current_step()
            QtTest.QTest.qWait(400)                                      # timer keeps ticking
            report["paused"] = viewer.paused
            report["paused_steps"] = ng.get_current_step() - before
            QtTest.QTest.keyClick(viewer.win, QtCore.Qt.Key.Key_Space)   # resume
        if "--keys" in sys.argv and viewer.refreshes == 4:
            from pyqtgraph.Qt import QtCore, QtTest
            QtTest.QTest.keyClick(viewer.win, QtCore.Qt.Key.Key_Q)       # quit

    def show():
        viewer = GLViewer(pops, func, 50, mode=mode, size=(640, 360),
                          max_refreshes=12 if "--keys" in sys.argv else refreshes,
                          on_refresh=on_refresh)
        viewer.run()
        report["refreshes"] = viewer.refreshes
        report["mode"] = viewer.mode

    if "--xvfb" in sys.argv:
        with virtual_display():
            show()
    else:
        show()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
