"""The build cache: reuse, runtime data, concurrent builds, interrupted builds."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import neurogen as ng
from neurogen.toolchain import builder, cache
from netutil import make_network


def leaky_network(tau=10.0, drive="I", **config):
    net = make_network(**config)
    neuron = ng.Neuron(parameters=f"tau = {tau}\nI = 1.0", equations=f"tau * dr/dt + r = {drive}")
    ng.Population(8, neuron, net=net)
    return net


def test_unchanged_model_reuses_the_binary_and_values_are_runtime_data():
    first = leaky_network(tau=10.0, drive="I * 1.5")
    first.compile()
    second = leaky_network(tau=3.0, drive="I * 1.5", dt=0.1, seed=99)   # values only
    second.compile()
    assert second.build_info["cached"] and second.build_info["key"] == first.build_info["key"]
    third = leaky_network(drive="I * 2.5")                             # structure
    third.compile()
    assert third.build_info["key"] != first.build_info["key"]


def test_interrupted_build_leaves_no_entry(monkeypatch, tmp_path):
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(tmp_path))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(builder, "_compile", interrupted)
    net = leaky_network(drive="I * 7.25")
    with pytest.raises(KeyboardInterrupt):
        net.compile()
    leftovers = [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")]
    assert leftovers == []
    monkeypatch.undo()
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(tmp_path))
    net.compile()
    assert not net.build_info["cached"]
    assert cache.info()["entries"] == 1


SCRIPT = textwrap.dedent("""
    import neurogen as ng
    ng.Population(4, ng.Neuron(parameters="I = 2.0", equations="dr/dt = I * 0.5 - r * 0.125"))
    ng.compile()
    ng.simulate(4.0)
    print(ng.get_population("pop0").r[0])
""")


def test_two_processes_compiling_the_same_network_both_succeed(tmp_path):
    env = {**os.environ, "NEUROGEN_CACHE_DIR": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0] and float(outputs[0][0]) > 0
    entries = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(entries) == 1


def test_compile_directory_receives_sources_and_is_never_wiped(tmp_path):
    keep = tmp_path / "generated"
    keep.mkdir()
    (keep / "mine.txt").write_text("do not delete")
    net = leaky_network()
    net.compile(directory=str(keep))
    assert (keep / "mine.txt").read_text() == "do not delete"
    assert "ng_run" in (keep / "network.cpp").read_text()
