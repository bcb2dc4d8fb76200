"""Side-by-side check against ANNarchy itself: the neural-field tutorial without noise,
run step by step by both simulators with the same rotating bubble.

    python bench/compare_annarchy.py --annarchy-python /path/to/venv-with-annarchy/bin/python

Each simulator runs in its own process (the script is run once with ``ANNarchy`` and once
with ``neurogen`` as the import); prints one JSON line with the largest differences in
the lateral weights and in ``focus.r`` over all steps.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

MODEL = r"""
import sys, numpy as np
lib, steps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if lib == "annarchy":
    from ANNarchy import *
else:
    from neurogen import *
setup(dt=1.0)
InputNeuron = Neuron(parameters="baseline = 0.0", equations="r = pos(baseline)")
NeuralFieldNeuron = Neuron(parameters="tau = 10.0 : population",
    equations="tau * dr/dt + r = sum(exc) + sum(inh) : min=0.0, max=1.0")
N = 20
inp = Population(geometry=(N, N), neuron=InputNeuron, name='Input')
focus = Population(geometry=(N, N), neuron=NeuralFieldNeuron, name='Focus')
Projection(pre=inp, post=focus, target='exc').connect_one_to_one(weights=1.0, delays=20.0)
lat = Projection(pre=focus, post=focus, target='inh')
storage = {} if lib == "annarchy" else {"storage_format": sys.argv[4]}
lat.connect_dog(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7, **storage)
compile()
x, y = np.meshgrid(np.linspace(0, 19, 20), np.linspace(0, 19, 20))
angle, rates = 0.0, []
for i in range(steps):
    angle += 1.0 / 5000.0
    cx = 10.0 * (1.0 + 0.5 * np.cos(2.0 * np.pi * angle))
    cy = 10.0 * (1.0 + 0.5 * np.sin(2.0 * np.pi * angle))
    inp.baseline = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8.0)
    step()
    rates.append(np.array(focus.r).copy())
np.savez(out, r=np.array(rates), W=np.array(lat.connectivity_matrix()))
"""


def interpreter_env(python):
    """The environment for ``python``: its own bin first on PATH (ANNarchy runs cmake from
    there) and no other virtual environment (CMake's FindPython would pick that one)."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PATH"] = os.path.dirname(python) + os.pathsep + env.get("PATH", "")
    return env


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--annarchy-python", required=True,
                        help="a Python interpreter that can import ANNarchy")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--storage", default="auto",
                        help="neurogen's storage_format for the lateral projection")
    opts = parser.parse_args()
    import numpy as np
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for lib, python in (("annarchy", opts.annarchy_python), ("neurogen", sys.executable)):
            out = os.path.join(tmp, f"{lib}.npz")
            env = interpreter_env(python)
            script = os.path.join(tmp, f"{lib}_model.py")   # ANNarchy needs a script file
            with open(script, "w") as f:
                f.write(MODEL)
            run = subprocess.run([python, script, lib, str(opts.steps), out, opts.storage], cwd=tmp,
                                 env=env, capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"{lib} failed:\n{run.stderr[-3000:]}")
            results[lib] = np.load(out)
        a, b = results["annarchy"], results["neurogen"]
        print(json.dumps({
            "benchmark": "compare_annarchy", "steps": opts.steps, "storage": opts.storage,
            "weights_max_abs_diff": float(np.abs(a["W"] - b["W"]).max()),
            "weights_identical": bool(np.array_equal(a["W"], b["W"])),
            "rates_max_abs_diff": float(np.abs(a["r"] - b["r"].reshape(a["r"].shape)).max()),
            "rates_max": float(a["r"].max())}))


if __name__ == "__main__":
    main()
