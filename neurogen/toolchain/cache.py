"""The build cache: one folder per key, published atomically under a file lock.

A build happens in a temporary folder next to the cache entries and is moved into place
with ``os.replace``/``os.rename`` only when complete, so an interrupted build leaves no
entry, and two processes building the same key both end up with a working module.
Each entry carries a manifest (every file's size and SHA-256) so that an entry damaged
later (a full disk, a killed copy, a truncated file) is detected and rebuilt instead of
failing every run that loads it.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..errors import BuildError

#: A temporary build folder older than this (s), whose key is not locked, was left by a
#: build that was killed (SIGKILL, power loss): nothing else would ever remove it.
STALE_AFTER_S = 600.0

#: The file in each entry that lists its files' sizes and SHA-256 digests.
MANIFEST = "manifest.json"

logger = logging.getLogger("neurogen.cache")


def _root() -> Path:
    if os.environ.get("NEUROGEN_CACHE_DIR"):
        return Path(os.environ["NEUROGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "neurogen"


@contextlib.contextmanager
def _writing(path: Path):
    """Turns an OSError while writing into the cache into a BuildError that says which
    folder could not be written and how to choose another (a raw PermissionError names
    neither)."""
    try:
        yield
    except OSError as exc:
        raise BuildError(f"the build cache {path} cannot be written "
                         f"({exc.strerror or exc}): set NEUROGEN_CACHE_DIR to a writable "
                         "folder to use another one") from None


def cache_dir() -> Path:
    """``$NEUROGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/neurogen``, else ``~/.cache/neurogen``."""
    path = _root()
    with _writing(path):
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
    root = cache_dir()
    with _writing(root):
        handle = open(root / f"{key}.lock", "w")
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def entry(key: str) -> Path:
    return cache_dir() / key


def staging(key: str) -> Path:
    """A fresh temporary folder in the cache's file system, for building ``key``."""
    remove_stale()
    root = cache_dir()
    with _writing(root):
        return Path(tempfile.mkdtemp(prefix=f"tmp-{key[:16]}-", dir=root))


def _digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _files(folder: Path) -> dict:
    return {str(f.relative_to(folder)): f for f in sorted(folder.rglob("*"))
            if f.is_file() and f.name != MANIFEST}


def write_manifest(folder: Path):
    """Record every file's size and SHA-256 in ``folder/manifest.json`` (temp file +
    ``os.replace``, so a manifest is never half-written)."""
    listing = {name: {"size": f.stat().st_size, "sha256": _digest(f)}
               for name, f in _files(folder).items()}
    part = folder / f".{MANIFEST}.part"
    part.write_text(json.dumps(listing, indent=1, sort_keys=True))
    os.replace(part, folder / MANIFEST)


def damage(key: str, required: str) -> str | None:
    """What is wrong with entry ``key`` (which must hold ``required``), or None when every
    file matches its manifest. An absent entry is ``"absent"``."""
    folder = entry(key)
    if not folder.is_dir():
        return "absent"
    try:
        listing = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        return "it has no manifest"
    except (OSError, ValueError):
        listing = None
    if not isinstance(listing, dict) or not all(isinstance(v, dict) for v in listing.values()):
        return "its manifest cannot be read"
    if required not in listing:
        return f"its manifest does not list {required}"
    for name, want in listing.items():   # sizes first: cheap, and what truncation changes
        try:
            size = (folder / name).stat().st_size
        except OSError:
            return f"{name} is missing"
        if size != want.get("size"):
            return f"{name} is {size} bytes, its manifest says {want.get('size')}"
    for name, want in listing.items():
        if _digest(folder / name) != want.get("sha256"):
            return f"{name} differs from its manifest (SHA-256)"
    return None


def intact(key: str, required: str) -> bool:
    """Whether entry ``key`` can be used as it is. A damaged entry (not an absent one) is
    reported in one warning line, so that a rebuild nobody asked for is explained."""
    problem = damage(key, required)
    if problem not in (None, "absent"):
        logger.warning("cache entry %s is damaged (%s): rebuilding it", entry(key), problem)
    return problem is None


def publish(tmp: Path, key: str) -> Path:
    """Record the manifest and move a finished build into place (replacing an older entry
    for the same key)."""
    write_manifest(tmp)
    final = entry(key)
    if final.exists():
        old = final.with_name(f"old-{key[:16]}-{os.getpid()}")
        os.rename(final, old)
        os.rename(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, final)
    logger.info("published build %s in %s", key[:16], final)
    return final


def _building(folder: Path) -> bool:
    """Whether a build holds the lock of the key this ``tmp-<key16>-*`` folder is for."""
    prefix = folder.name.split("-")[1] if folder.name.count("-") >= 2 else ""
    for lock in folder.parent.glob(f"{prefix}*.lock"):
        with open(lock, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def stale(older_than: float = STALE_AFTER_S) -> list[Path]:
    """Temporary build folders left by killed builds (old, and no build holds their key)."""
    now = time.time()
    return [p for p in cache_dir().glob("tmp-*") if p.is_dir()
            and now - p.stat().st_mtime > older_than and not _building(p)]


def remove_stale(older_than: float = STALE_AFTER_S) -> int:
    found = stale(older_than)
    for path in found:
        logger.warning("removing %s, left by a build that was killed", path)
        shutil.rmtree(path, ignore_errors=True)
    return len(found)


def _size(folders) -> int:
    return sum(f.stat().st_size for p in folders for f in p.rglob("*") if f.is_file())


def info() -> dict:
    root = cache_dir()
    entries = [p for p in root.iterdir() if p.is_dir() and len(p.name) == 64]
    temporary = [p for p in root.glob("tmp-*") if p.is_dir()]
    left = stale()
    return {"path": str(root), "entries": len(entries), "bytes": _size(entries),
            "temporary": len(temporary), "stale": len(left), "stale_bytes": _size(left)}


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
