"""Model scripts and helpers for the command-line tests.

The model is the neural-field tutorial at N = 8 (same structure as the example, small
enough to simulate in milliseconds); every test compiles the same sources, so the build
happens once per test session.
"""
import importlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neurogen.cli import main

FIELD = textwrap.dedent('''
    from neurogen import *

    clear(seed=7)
    InputNeuron = Neuron(parameters="baseline = 0.0",
                         equations="r = pos(baseline + Uniform(-0.5, 0.5))")
    FieldNeuron = Neuron(parameters="tau = 10.0 : population",
        equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5) : min=0.0, max=1.0")
    N = 8
    inp = Population(geometry=(N, N), neuron=InputNeuron, name='Input')
    focus = Population(geometry=(N, N), neuron=FieldNeuron, name='Focus')
    Projection(pre=inp, post=focus, target='exc').connect_one_to_one(weights=1.0, delays=5.0)
    Projection(pre=focus, post=focus, target='inh').connect_dog(
        amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7)
    x, y = np.meshgrid(np.arange(N), np.arange(N))
    inp.baseline = np.exp(-((x - 2) ** 2 + (y - 5) ** 2) / 4.0)
    {extra}
''')


def field_script(folder: Path, name: str = "field.py", extra: str = "") -> Path:
    path = Path(folder) / name
    path.write_text(FIELD.format(extra=textwrap.dedent(extra)))
    return path


def cli(*args, capsys=None):
    """Runs ``neurogen ARGS`` in this process; returns (status, stdout, stderr)."""
    status = main([str(a) for a in args])
    if capsys is None:
        return status, "", ""
    out = capsys.readouterr()
    return status, out.out, out.err


def cli_process(*args, env=None, **kwargs):
    """Runs ``python -m neurogen ARGS`` in a new process."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "neurogen", *map(str, args)],
                          capture_output=True, text=True, env=full_env, **kwargs)


def need(module: str):
    """Import an optional dependency; in CI a missing one is a failure, not a skip."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is required in CI (pip install '.[test]')")
        pytest.skip(f"{module} is not installed (pip install '.[test]')")
