"""The build cache: one folder per key, published atomically under a file lock.

A build happens in a temporary folder next to the cache entries and is moved into place
with ``os.replace``/``os.rename`` only when complete, so an interrupted build leaves no
entry, and two processes building the same key both end up with a working module.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """``$NEUROGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/neurogen``, else ``~/.cache/neurogen``."""
    if os.environ.get("NEUROGEN_CACHE_DIR"):
        path = Path(os.environ["NEUROGEN_CACHE_DIR"])
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        path = Path(base) / "neurogen"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@contextlib.contextmanager
def locked(key: str):
    """Exclusive lock for one key, across processes."""
    with open(cache_dir() / f"{key}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def entry(key: str) -> Path:
    return cache_dir() / key


def staging(key: str) -> Path:
    """A fresh temporary folder in the cache's file system, for building ``key``."""
    return Path(tempfile.mkdtemp(prefix=f"tmp-{key[:16]}-", dir=cache_dir()))


def publish(tmp: Path, key: str) -> Path:
    """Move a finished build into place (replacing an older entry for the same key)."""
    final = entry(key)
    if final.exists():
        old = final.with_name(f"old-{key[:16]}-{os.getpid()}")
        os.rename(final, old)
        os.rename(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, final)
    return final


def info() -> dict:
    root = cache_dir()
    entries = [p for p in root.iterdir() if p.is_dir() and len(p.name) == 64]
    size = sum(f.stat().st_size for p in entries for f in p.rglob("*") if f.is_file())
    return {"path": str(root), "entries": len(entries), "bytes": size}


def clear() -> int:
    """Remove every entry and leftover temporary folder; return how many were removed."""
    root = cache_dir()
    removed = 0
    for path in root.iterdir():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
        elif path.suffix == ".lock":
            path.unlink(missing_ok=True)
    return removed
