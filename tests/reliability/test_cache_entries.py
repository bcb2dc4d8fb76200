"""Damaged cache entries and unwritable caches ("Faults found by trying it"): an entry
whose shared object was truncated, or that has no manifest, is detected, reported in one
warning line and rebuilt; a module that fails to load although its entry verified names
the entry to remove; a cache that cannot be written names its folder and
NEUROGEN_CACHE_DIR."""
import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import neurogen as ng
from neurogen.cli import main
from neurogen.inputs import InputError, load_pyx
from neurogen.toolchain import builder, cache

SCRIPT = textwrap.dedent("""
    import logging, sys
    logging.basicConfig(level=logging.WARNING, format="LOG %(name)s %(levelname)s %(message)s")
    import neurogen as ng
    net = ng.Network(seed=3)
    ng.Population(4, ng.Neuron(parameters="I = 2.0", equations="dr/dt = I * 0.375 - r * 0.25"),
                  net=net)
    net.compile(silent=True)
    net.simulate(4.0)
    print(net.populations[0].r[0], net.build_info["path"], net.build_info["cached"])
""")


@pytest.fixture
def cache_root(monkeypatch, tmp_path):
    root = tmp_path / "cache"
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(root))
    return root


def run_script(root):
    """The tiny network compiled and run in a fresh process (a module loaded in this one
    stays in sys.modules, and a truncated file mapped here could crash it)."""
    env = {**os.environ, "NEUROGEN_CACHE_DIR": str(root)}
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    value, path, cached = result.stdout.split()
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("LOG neurogen.cache")]
    return float(value), Path(path), cached == "True", warnings


def test_truncated_shared_object_is_detected_logged_and_rebuilt(cache_root):
    value, so, cached, warnings = run_script(cache_root)
    assert not cached and warnings == [] and value > 0
    size = so.stat().st_size
    with open(so, "r+b") as handle:          # what a full disk or a killed copy leaves
        handle.truncate(size // 2)
    again, so_again, cached, warnings = run_script(cache_root)
    assert again == value and so_again == so and not cached
    assert len(warnings) == 1, warnings
    assert "WARNING" in warnings[0] and str(so.parent) in warnings[0]
    assert f"{so.name} is {size // 2} bytes, its manifest says {size}" in warnings[0]
    assert so.stat().st_size == size
    assert cache.damage(so.parent.name, so.name) is None
    # and the repaired entry is an ordinary hit again, without a warning
    third, _, cached, warnings = run_script(cache_root)
    assert third == value and cached and warnings == []


def tiny_network(drive):
    net = ng.Network(seed=1)
    ng.Population(3, ng.Neuron(parameters="I = 1.0", equations=f"dr/dt = {drive} - r"),
                  net=net)
    return net


def test_entry_without_manifest_is_rebuilt(cache_root, caplog):
    caplog.set_level(logging.WARNING, logger="neurogen.cache")
    first = tiny_network("I * 0.8125")
    first.compile(silent=True)
    folder = Path(first.build_info["path"]).parent
    (folder / cache.MANIFEST).unlink()       # an entry from before manifests, or a lost file
    second = tiny_network("I * 0.8125")
    second.compile(silent=True)
    assert not second.build_info["cached"]
    warnings = [r for r in caplog.records if r.name == "neurogen.cache"
                and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(folder) in warnings[0].getMessage()
    assert "no manifest" in warnings[0].getMessage()
    assert (folder / cache.MANIFEST).is_file()
    second.simulate(2.0)
    assert second.populations[0].r[0] > 0


def make_entry(key, files):
    with cache.locked(key):
        tmp = cache.staging(key)
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        cache.publish(tmp, key)
    return cache.entry(key)


@pytest.mark.parametrize("spoil, problem", [
    (lambda f: (f / cache.MANIFEST).unlink(), "has no manifest"),
    (lambda f: (f / cache.MANIFEST).write_text("{half"), "manifest cannot be read"),
    (lambda f: (f / "mod.so").unlink(), "mod.so is missing"),
    (lambda f: (f / "mod.so").write_bytes(b"\x7fELF" + b"\0" * 6), "mod.so is 10 bytes, "
     "its manifest says 4096"),
    (lambda f: (f / "mod.so").write_bytes(b"\x7fELF" + b"\1" * 4092), "mod.so differs"),
    (lambda f: (f / "mod.cpp").write_text("// edited"), "mod.cpp is 9 bytes"),
])
def test_manifest_check_names_what_is_wrong(cache_root, spoil, problem, caplog):
    caplog.set_level(logging.WARNING, logger="neurogen.cache")
    key = "d" * 64
    folder = make_entry(key, {"mod.so": b"\x7fELF" + b"\0" * 4092, "mod.cpp": b"int x;\n"})
    listing = json.loads((folder / cache.MANIFEST).read_text())
    assert listing["mod.so"]["size"] == 4096 and len(listing["mod.so"]["sha256"]) == 64
    assert not list(folder.glob(".*part"))   # written through a temporary file
    assert cache.damage(key, "mod.so") is None and cache.intact(key, "mod.so")
    assert cache.damage(key, "other.so") == "its manifest does not list other.so"
    spoil(folder)
    assert problem in cache.damage(key, "mod.so")
    assert not cache.intact(key, "mod.so")
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert cache.damage("e" * 64, "mod.so") == "absent"
    assert not cache.intact("e" * 64, "mod.so") and len(caplog.records) == 1   # no warning


def test_module_that_fails_to_load_names_its_entry(cache_root, monkeypatch):
    """The entry verifies (the manifest was written for these very bytes) but the shared
    object is no module: the error says which folder to remove and the CLI command."""
    def garbage(tmp, module, key, tc, backend):
        (tmp / f"{module}{tc.ext_suffix}").write_bytes(b"not a shared object")
    monkeypatch.setattr(builder, "_compile", garbage)
    net = tiny_network("I * 0.6875")
    with pytest.raises(ng.BackendUnavailable) as info:
        net.compile(silent=True)
    text = str(info.value)
    assert "could not be loaded" in text and "neurogen cache clean" in text
    entries = [p for p in cache_root.iterdir() if p.is_dir() and len(p.name) == 64]
    assert len(entries) == 1 and str(entries[0]) in text


def test_load_pyx_rebuilds_an_entry_without_manifest(tmp_path, cache_root, caplog):
    caplog.set_level(logging.WARNING, logger="neurogen.cache")
    pyx = tmp_path / "Entry.pyx"
    pyx.write_text("def answer():\n    return 17\n")
    first = load_pyx(pyx)
    folder = Path(first.__neurogen_build__["path"]).parent
    assert first.answer() == 17 and (folder / cache.MANIFEST).is_file()
    (folder / cache.MANIFEST).unlink()
    again = load_pyx(pyx)
    assert again.answer() == 17 and again.__neurogen_build__["cached"] is False
    assert len(caplog.records) == 1 and "no manifest" in caplog.records[0].getMessage()
    assert load_pyx(pyx).__neurogen_build__["cached"] is True


def check_unwritable(root, where):
    with pytest.raises(ng.BuildError) as info:
        tiny_network("I * 0.5625").compile(silent=True)
    text = str(info.value)
    assert str(root) in text and "NEUROGEN_CACHE_DIR" in text and "cannot be written" in text
    pyx = where / "Unwritable.pyx"
    pyx.write_text("x = 1\n")
    with pytest.raises(InputError, match="NEUROGEN_CACHE_DIR"):
        load_pyx(pyx)


def test_cache_below_a_file_names_the_folder_and_the_variable(tmp_path, monkeypatch, capsys):
    """A path below a regular file cannot be created, even by root."""
    (tmp_path / "file").write_text("not a folder")
    root = tmp_path / "file" / "cache"
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(root))
    check_unwritable(root, tmp_path)
    assert main(["cache", "info"]) == 2
    err = capsys.readouterr().err
    assert str(root) in err and "NEUROGEN_CACHE_DIR" in err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_read_only_cache_names_the_folder_and_the_variable(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    root.mkdir()
    root.chmod(0o500)
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(root))
    try:
        check_unwritable(root, tmp_path)
    finally:
        root.chmod(0o700)
