"""Builds killed with SIGKILL (issue 14, part 3): their ``tmp-*`` folders are shown by
``neurogen cache info`` and removed once stale (old enough and no build holds their key),
never while a build is still running."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from neurogen.toolchain import cache
from neurogen.cli import main

BUILDER = textwrap.dedent("""
    import sys, time
    from neurogen.toolchain import cache
    key = sys.argv[1]
    with cache.locked(key):
        tmp = cache.staging(key)
        (tmp / "network.cpp").write_text("// half-written build")
        print(tmp, flush=True)
        time.sleep(120)
""")


@pytest.fixture
def cache_root(monkeypatch, tmp_path):
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(tmp_path))
    return tmp_path


def start_build(key):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", BUILDER, key], stdout=subprocess.PIPE,
                            text=True, env=env)
    return proc, Path(proc.stdout.readline().strip())


def test_a_running_build_is_never_stale(cache_root):
    proc, tmp = start_build("a" * 64)
    try:
        assert tmp.is_dir()
        assert cache.stale(older_than=0.0) == []
        assert cache.remove_stale(older_than=0.0) == 0 and tmp.is_dir()
        assert cache.info()["temporary"] == 1 and cache.info()["stale"] == 0
    finally:
        proc.kill()
        proc.wait()


def test_killed_build_is_shown_then_removed(cache_root, capsys):
    proc, tmp = start_build("b" * 64)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tmp.is_dir()                           # nothing ran to clean up
    assert cache.stale() == []                    # within the grace period: kept
    old = time.time() - 2 * cache.STALE_AFTER_S
    os.utime(tmp, (old, old))
    assert cache.stale() == [tmp]
    info = cache.info()
    assert (info["temporary"], info["stale"]) == (1, 1) and info["stale_bytes"] > 0
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert "temporary build folders: 1, of which 1" in out and "killed builds" in out
    # the next build removes it on its way
    with cache.locked("c" * 64):
        fresh = cache.staging("c" * 64)
    assert not tmp.exists() and fresh.is_dir()
