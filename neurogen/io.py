"""Result files, written atomically.

Every file neurogen writes for a batch run (``.npz`` or HDF5 results, a sweep's
``index.csv``) is first written to a hidden temporary file in the destination folder,
flushed to disk, then moved into place with :func:`os.replace`. A reader therefore sees
either the previous complete file or the new complete file, never a truncated one, even
when the writing process is killed.

A result file holds one array per recorded attribute (named as on the command line,
e.g. ``focus.r``, shaped ``(records, *geometry)``) and a JSON ``meta`` dictionary (model,
parameters, seed, duration, dt, neurogen version...). :func:`read_results` gives both
back whatever the format.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .errors import NeurogenError

FORMATS = ("npz", "h5")
_SUFFIX = {"npz": ".npz", "h5": ".h5"}
META_KEY = "__meta__"
TEMP_PREFIX = ".ngtmp-"


class ResultFileError(NeurogenError):
    """A result file cannot be written or read (format, missing h5py, I/O error)."""


def format_for(path, fmt: str | None = None) -> str:
    """The format to use: ``fmt`` when given, else from the suffix (``.h5``/``.hdf5``
    → ``h5``, anything else → ``npz``)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise ResultFileError(f"unknown result format {fmt!r} (choose npz or h5)")
        return fmt
    return "h5" if Path(path).suffix.lower() in (".h5", ".hdf5") else "npz"


def suffix(fmt: str) -> str:
    return _SUFFIX[format_for("", fmt)]


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ResultFileError("the h5 format needs h5py: pip install h5py "
                              "(or pip install 'neurogen[hdf5]')") from None
    return h5py


def check_format(fmt: str):
    """Raise :class:`ResultFileError` now if ``fmt`` cannot be written here (h5 without
    h5py), rather than after a long simulation."""
    if format_for("", fmt) == "h5":
        _h5py()


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path in the folder of ``path``; on success it replaces ``path``
    (after an fsync), on error it is removed and ``path`` is left as it was."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX + path.name + ".", suffix=".tmp",
                               dir=folder)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes it private; results are not
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path, text: str):
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def write_results(path, arrays: dict, meta: dict | None = None, fmt: str | None = None) -> Path:
    """Write ``arrays`` (name → ndarray) and ``meta`` (JSON-serialisable) atomically."""
    fmt = format_for(path, fmt)
    meta_text = json.dumps(meta or {}, sort_keys=True, default=_jsonable)
    if META_KEY in arrays:
        raise ResultFileError(f"'{META_KEY}' is reserved in result files")
    h5py = _h5py() if fmt == "h5" else None
    try:
        with atomic_path(path) as tmp:
            if fmt == "npz":
                with open(tmp, "wb") as handle:
                    np.savez(handle, **{k: np.asarray(v) for k, v in arrays.items()},
                             **{META_KEY: np.array(meta_text)})
            else:
                with h5py.File(tmp, "w") as h5:
                    for name, value in arrays.items():
                        h5.create_dataset(name, data=np.asarray(value))
                    h5.attrs["meta"] = meta_text
    except OSError as exc:
        raise ResultFileError(f"cannot write {path}: {exc.strerror or exc}") from None
    return Path(path)


def read_results(path, fmt: str | None = None) -> tuple[dict, dict]:
    """``(arrays, meta)`` from a file written by :func:`write_results`. A missing,
    truncated or corrupt file is a :class:`ResultFileError` naming it."""
    fmt = format_for(path, fmt)
    if not Path(path).is_file():
        raise ResultFileError(f"no result file {path}")
    try:
        return _read_npz(path) if fmt == "npz" else _read_h5(path)
    except ResultFileError:
        raise
    except (OSError, EOFError, ValueError, KeyError, RuntimeError, zipfile.BadZipFile,
            zlib.error) as exc:   # what numpy, zipfile and h5py raise for damaged files
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else \
            type(exc).__name__
        raise ResultFileError(f"{path} is not a complete {fmt} result file (truncated or "
                              f"corrupt: {reason})") from None


def verify_results(path, fmt: str | None = None) -> None:
    """Read ``path`` completely (every array, so every checksum of an ``.npz``), raising
    :class:`ResultFileError` if it is not a whole result file."""
    read_results(path, fmt)


def _read_npz(path) -> tuple[dict, dict]:
    data = np.load(path, allow_pickle=False)
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ResultFileError(f"{path} is a single .npy array, not a result file")
    with data:
        arrays = {k: data[k] for k in data.files if k != META_KEY}
        meta = json.loads(str(data[META_KEY])) if META_KEY in data.files else {}
    return arrays, meta


def _read_h5(path) -> tuple[dict, dict]:
    h5py = _h5py()
    arrays = {}
    with h5py.File(path, "r") as h5:
        h5.visititems(lambda name, obj: arrays.__setitem__(name, obj[()])
                      if isinstance(obj, h5py.Dataset) else None)
        meta = json.loads(h5.attrs.get("meta", "{}"))
    return arrays, meta


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
