"""Cython input environments: the tutorial's ``World`` as written (pyximport and
``load_pyx``), the C-level ``CWorld`` stepping through the kernel's C entry, and the
errors of the helper."""
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import neurogen as ng
from neurogen.inputs import InputError, buffer_address, c_interface, get_include, load_pyx

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "neural_field"
PYX = EXAMPLES / "BubbleWorld.pyx"


def field(n=12, seed=5, precision="double", monitor=True):
    """The tutorial's network on an explicit Network (several can coexist)."""
    net = ng.Network(seed=seed, precision=precision)
    Input = ng.Neuron(parameters="baseline = 0.0",
                      equations="r = pos(baseline + Uniform(-0.5, 0.5))")
    Field = ng.Neuron(parameters="tau = 10.0 : population",
                      equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5)"
                                " : min=0.0, max=1.0")
    inp = ng.Population((n, n), Input, name="Input", net=net)
    focus = ng.Population((n, n), Field, name="Focus", net=net)
    ng.Projection(inp, focus, "exc", net=net).connect_one_to_one(weights=1.0, delays=3.0)
    ng.Projection(focus, focus, "inh", net=net).connect_dog(
        amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7)
    mon = ng.Monitor(focus, "r", net=net) if monitor else None
    net.compile()
    return net, inp, focus, mon


@pytest.fixture(scope="module")
def bubble():
    return load_pyx(PYX)


def test_load_pyx_caches_the_module(bubble):
    assert hasattr(bubble, "World") and hasattr(bubble, "CWorld")
    again = load_pyx(PYX)
    assert again.__neurogen_build__["cached"] is True
    assert again.__neurogen_build__["key"] == bubble.__neurogen_build__["key"]
    assert Path(again.__neurogen_build__["path"]).is_file()


def test_tutorial_world_equals_its_numpy_twin(bubble):
    """The tutorial class, compiled by load_pyx, does exactly what its text says: the
    same arithmetic in NumPy (float32 fields as in the .pyx) gives identical runs."""
    net, inp, focus, mon = field()
    world = bubble.World(population=inp, radius=0.5, sigma=2.0, period=5000.0, func=net.step)
    world.rotate(150)

    twin, tinp, tfocus, tmon = field()
    f32 = np.float32
    x = np.linspace(0, 11, 12)
    xx, yy = np.meshgrid(x, x)
    angle, radius, sigma, period = f32(0.0), f32(0.5), f32(2.0), f32(5000.0)
    midw = midh = f32(12 / 2)
    for _ in range(150):
        angle = f32(float(angle) + 1.0 / float(period))
        cx = f32(float(midw) * (1.0 + float(radius) * np.cos(2.0 * np.pi * float(angle))))
        cy = f32(float(midh) * (1.0 + float(radius) * np.sin(2.0 * np.pi * float(angle))))
        tinp.baseline = np.exp(-((xx - float(cx)) ** 2 + (yy - float(cy)) ** 2)
                               / 2.0 / float(sigma) ** 2)
        twin.step()
    assert net.get_current_step() == twin.get_current_step() == 150
    np.testing.assert_array_equal(inp.baseline, tinp.baseline)
    np.testing.assert_array_equal(mon.get("r"), tmon.get("r"))


def test_c_world_equals_a_python_loop_and_keeps_monitors_recording(bubble):
    net, inp, focus, mon = field()
    world = bubble.CWorld(population=inp, radius=0.5, sigma=2.0, period=5000.0)
    world.rotate(40)
    world.rotate(260)   # monitor buffers grow on the way: the kernel hands back to Python

    twin, tinp, tfocus, tmon = field()
    i = np.arange(12.0)
    angle = 0.0
    for _ in range(300):
        angle += 1.0 / 5000.0
        cx = 6.0 * (1.0 + 0.5 * np.cos(2.0 * np.pi * angle))
        cy = 6.0 * (1.0 + 0.5 * np.sin(2.0 * np.pi * angle))
        ex = np.exp(-(i - cx) * (i - cx) * (1.0 / 8.0))
        ey = np.exp(-(i - cy) * (i - cy) * (1.0 / 8.0))
        tinp.baseline = ey[:, None] * ex[None, :]
        twin.step()
    assert net.get_current_step() == 300 and world.angle == pytest.approx(angle, rel=1e-12)
    np.testing.assert_allclose(inp.baseline, tinp.baseline, rtol=0, atol=1e-15)
    recorded, expected = mon.get("r", reshape=True), tmon.get("r", reshape=True)
    assert recorded.shape == (300, 12, 12)
    np.testing.assert_allclose(recorded, expected, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(recorded[-1], focus.r)


def test_c_world_bump_follows_the_bubble(bubble):
    net, inp, focus, _ = field(n=20, monitor=False)
    world = bubble.CWorld(population=inp, radius=0.5, sigma=2.0, period=5000.0)
    distances = []
    for _ in range(10):
        world.rotate(200)
        r = focus.r
        by, bx = np.unravel_index(np.argmax(r), r.shape)
        distances.append(np.hypot(bx - world.cx, by - world.cy))
    assert net.get_current_step() == 2000
    assert np.mean(distances[2:]) < 2.5, distances


def test_binding_errors(bubble):
    net = ng.Network(seed=1)
    pop = ng.Population((4, 4), ng.Neuron(parameters="baseline = 0.0",
                                          equations="r = baseline"), net=net)
    with pytest.raises(InputError, match="not compiled"):
        bubble.CWorld(population=pop, radius=0.5, sigma=2.0, period=100.0)
    with pytest.raises(InputError, match="not compiled"):
        c_interface(net)
    net.compile()
    run, P, I, R = c_interface(net)
    assert all(isinstance(a, int) and a > 0 for a in (run, P, I, R))
    with pytest.raises(InputError, match="has no attribute 'rate'"):
        buffer_address(pop, "rate")
    assert buffer_address(pop, "baseline") == pop.view("baseline").ctypes.data

    _, finp, _, _ = field(n=6, precision="float", monitor=False)
    with pytest.raises(InputError, match="float32, not float64.*float_buffer"):
        bubble.CWorld(population=finp, radius=0.5, sigma=2.0, period=100.0)


def test_load_pyx_errors_and_rebuild_on_change(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(tmp_path / "cache"))   # "built" is news
    with pytest.raises(InputError, match="no such Cython file"):
        load_pyx(tmp_path / "missing.pyx")
    bad = tmp_path / "Broken.pyx"
    bad.write_text("def f(int x):\n    return x +\n")
    with pytest.raises(InputError, match=r"Cython cannot compile Broken.pyx: .*Broken.pyx:2"):
        load_pyx(bad)
    good = tmp_path / "Small.pyx"
    good.write_text("def answer():\n    return 41\n")
    first = load_pyx(good)
    assert first.answer() == 41 and first.__neurogen_build__["cached"] is False
    good.write_text("def answer():\n    return 42\n")
    second = load_pyx(good)
    assert second.answer() == 42 and second.__neurogen_build__["cached"] is False
    assert load_pyx(good).__neurogen_build__["cached"] is True


def test_tutorial_pyximport_lines_work_as_written(tmp_path):
    """The tutorial's own lines, pyximport included, in a fresh process."""
    import pyximport  # noqa: F401  (ships with Cython, a dependency: never skipped)
    for name in ("BubbleWorld.pyx", "BubbleWorld.pyxbld"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    script = tmp_path / "tutorial.py"
    script.write_text(textwrap.dedent('''
        from neurogen import *
        N = 12
        InputNeuron = Neuron(parameters="baseline = 0.0",
                             equations="r = pos(baseline + Uniform(-0.5, 0.5))")
        NeuralFieldNeuron = Neuron(parameters="tau = 10.0 : population",
            equations="tau * dr/dt + r = sum(exc) + sum(inh) + Uniform(-0.5, 0.5) : min=0.0, max=1.0")
        inp = Population(geometry = (N, N), neuron = InputNeuron, name='Input')
        focus = Population(geometry = (N, N), neuron = NeuralFieldNeuron, name='Focus')
        ff = Projection(pre=inp, post=focus, target='exc')
        ff.connect_one_to_one(weights=1.0, delays = 20.0)
        lat = Projection(pre=focus, post=focus, target='inh')
        lat.connect_dog(amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7)
        compile()
        # Create the environment
        import pyximport; pyximport.install(setup_args={'include_dirs': np.get_include()})
        from BubbleWorld import World
        world = World(population=inp, radius=0.5, sigma=2.0, period=5000.0, func=step)
        # Simulate for 2 seconds with inputs
        world.rotate(2000)
        import BubbleWorld
        print(get_current_step(), round(float(inp.baseline.max()), 3), BubbleWorld.__file__)
    '''))
    env = {**os.environ, "HOME": str(tmp_path)}   # pyximport builds in ~/.pyxbld
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    steps, peak, path = result.stdout.split()
    assert steps == "2000" and float(peak) > 0.9
    assert ".pyxbld" in path


def test_get_include_holds_the_pxd():
    pxd = Path(get_include()) / "neurogen" / "inputs" / "cnetwork.pxd"
    assert pxd.is_file() and "cnetwork_step" in pxd.read_text()


def test_example_script_runs_both_environments(tmp_path):
    import re
    result = subprocess.run([sys.executable, str(EXAMPLES / "NeuralFieldCython.py"), "600"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    match = re.search(r"600 steps each: World ([0-9.]+) us/step, CWorld ([0-9.]+) us/step, "
                      r"simulate\(\) without input ([0-9.]+) us/step; t = 2000 ms, "
                      r"bump-bubble distance ([0-9.]+) neurons", result.stdout)
    assert match, result.stdout
    assert float(match.group(4)) < 3.0
