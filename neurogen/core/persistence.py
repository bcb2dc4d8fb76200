"""Saving and loading a network's state (``.npz``, or ``.h5`` with h5py) and its
parameters (JSON). Files are written atomically; a load validates everything before
writing anything, so a bad file leaves the network unchanged."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, unquote

import numpy as np

from ..errors import NetworkError
from ..ir import GLOBAL
from ..io import atomic_path, atomic_write_text
from ..validation import did_you_mean


class StateFileError(NetworkError):
    """A state or parameter file that cannot be read or does not fit the network."""


def _key(kind: str, owner: str, name: str) -> str:
    """``kind/owner/name``; the owner's name is %-quoted so that any name (``"ctx/L4"``)
    stays one path component (plain names are unchanged)."""
    return f"{kind}/{quote(owner, safe='')}/{name}"


def _split(key: str) -> tuple[str, str, str]:
    kind, _, rest = key.partition("/")
    owner, _, name = rest.rpartition("/")
    return kind, unquote(owner), name


def _state(net) -> dict:
    arrays = {"__step__": np.array([net.get_current_step()])}
    for pop in net.populations:
        for name in pop.attributes:
            arrays[_key("pop", pop.name, name)] = pop.buffer(name)
    for proj in net.projections:
        if proj.connectivity is None:
            continue
        arrays[_key("proj", proj.name, "w")] = proj.flat_weights()
        for name, buffer in (proj.synapse_state.buffers or {}).items():
            arrays[_key("proj", proj.name, name)] = buffer
    return arrays


def _selected(key: str, net, populations, projections) -> bool:
    """``populations``/``projections``: True, False or a list of the objects to keep."""
    kind, owner, _ = _split(key)
    chosen = {"pop": populations, "proj": projections}.get(kind, True)
    if isinstance(chosen, (list, tuple)):
        return owner in {obj.name for obj in chosen}
    return bool(chosen) and (kind in ("pop", "proj") or (populations is True
                                                        and projections is True))


def save(net, filename, populations=True, projections=True):
    """Every attribute of every population, weights and synapse variables, the time."""
    arrays = {k: v for k, v in _state(net).items()
              if _selected(k, net, populations, projections)}
    write_arrays(Path(filename), arrays)


_PICKLED = (".data", ".gz")


def write_arrays(path: Path, arrays: dict):
    """``{key: array}`` to ``.npz``, ``.h5``, pickle (``.data``, ``.txt.gz``) or ``.mat``."""
    with atomic_path(path) as tmp:
        if path.suffix in (".h5", ".hdf5"):
            h5py = _h5py()
            with h5py.File(tmp, "w") as handle:
                for key, value in arrays.items():
                    handle.create_dataset(key, data=value)
        elif path.suffix in _PICKLED:
            import gzip
            import pickle
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(tmp, "wb") as handle:
                pickle.dump({k: np.asarray(v) for k, v in arrays.items()}, handle)
        elif path.suffix == ".mat":
            from scipy.io import savemat
            savemat(tmp, {k.replace("/", "_").replace("__", ""): np.asarray(v)
                          for k, v in arrays.items()})
        else:
            with open(tmp, "wb") as handle:
                np.savez(handle, **{k.replace("/", "|"): v for k, v in arrays.items()})


class _ArraysOnly:
    """Unpickles a state file as data only: a pickle can name any callable, so one from
    elsewhere could run code on load. Only what ``write_arrays`` writes (a dict of NumPy
    arrays) is rebuilt; anything else is refused."""

    _ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"),
                ("numpy.core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
                ("numpy._core.multiarray", "_reconstruct"),
                ("numpy._core.multiarray", "scalar"),
                # arrays pickled with protocol 5 (NumPy >= 1.16) rebuild from a buffer
                ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer")}

    def __init__(self, handle, encoding: str = "ASCII"):
        import pickle

        allowed = self._ALLOWED

        class Restricted(pickle.Unpickler):
            def find_class(self, module, name):
                if (module, name) not in allowed:
                    raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a "
                                                 "state file")
                return super().find_class(module, name)
        self._unpickler = Restricted(handle, encoding=encoding)

    def load(self):
        return self._unpickler.load()


def _h5py():
    try:
        import h5py
    except ImportError:
        raise StateFileError("saving or loading .h5 files needs h5py "
                             "(pip install h5py)") from None
    return h5py


def _read(path: Path, pickle_encoding: str | None = None) -> dict:
    try:
        if path.suffix in (".h5", ".hdf5"):
            h5py = _h5py()
            data = {}
            with h5py.File(path, "r") as handle:
                handle.visititems(lambda key, item: data.__setitem__(key, item[()])
                                  if isinstance(item, h5py.Dataset) else None)
            return data
        if path.suffix in _PICKLED:
            import gzip
            import pickle
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as handle:
                data = _ArraysOnly(handle, pickle_encoding or "ASCII").load()
            if not isinstance(data, dict):
                raise ValueError("not a neurogen state")
            return data
        if path.suffix == ".mat":
            raise StateFileError(f"{str(path)!r}: .mat files are written for MATLAB and "
                                 "cannot be loaded back; use .npz")
        try:
            with np.load(path) as handle:
                return {k.replace("|", "/"): handle[k] for k in handle.files}
        except ValueError:        # pickled objects inside: a state in ANNarchy's layout
            from .annarchy_files import read
            return read(path)
    except StateFileError:
        raise
    except Exception as exc:   # any unreadable file: one clear error
        raise StateFileError(f"cannot read the network state from {str(path)!r} ({exc})") \
            from None


def load(net, filename, populations=True, projections=True, pickle_encoding=None):
    """Restore what :func:`save` wrote; the network must have the same structure."""
    path = Path(filename)
    if pickle_encoding is not None and path.suffix not in _PICKLED:
        raise StateFileError(f"{path.name}: pickle_encoding applies to .data/.txt.gz files")
    raw = _read(path, pickle_encoding)
    from .annarchy_files import apply_network, is_annarchy_layout
    if is_annarchy_layout(raw):          # a state written by ANNarchy itself
        return apply_network(net, raw, path.name)
    data = {k: v for k, v in raw.items() if _selected(k, net, populations, projections)}
    step = _step(path, data.get("__step__"))
    writes = []
    for key, value in data.items():
        if key == "__step__":
            continue
        kind, owner, name = _split(key)
        if kind == "pop":
            pop = next((p for p in net.populations if p.name == owner), None)
            if pop is None or name not in pop.attributes:
                raise StateFileError(f"{path.name}: no population attribute {owner}.{name} "
                                     "in this network")
            target = pop.buffer(name)
        elif kind == "proj":
            proj = next((p for p in net.projections if p.name == owner), None)
            if proj is None or proj.connectivity is None:
                raise StateFileError(f"{path.name}: no connected projection '{owner}' here")
            target = None if name == "w" else (proj.synapse_state.buffers or {}).get(name)
            if name != "w" and target is None:
                raise StateFileError(f"{path.name}: projection '{owner}' has no '{name}'")
            if name == "w" and value.shape != (proj.nb_synapses,):
                raise StateFileError(f"{path.name}: projection '{owner}' has "
                                     f"{proj.nb_synapses} synapses, the file {value.size}")
            if name == "w":
                writes.append((proj, _values(path, key, value, np.float64)))
                continue
        else:
            raise StateFileError(f"{path.name}: unexpected entry {key!r}")
        if target.shape != value.shape:
            raise StateFileError(f"{path.name}: {key} has shape {value.shape}, the network "
                                 f"{target.shape}")
        writes.append((target, _values(path, key, value, target.dtype)))
    # everything checked and converted: now apply, weights first (an FFT projection may
    # still refuse weights that do not wrap), plain buffers last (they cannot fail)
    writes.sort(key=lambda item: isinstance(item[0], np.ndarray))
    for target, value in writes:
        if isinstance(target, np.ndarray):
            target[...] = value
        else:
            target.w = value
    if net.compiled and step is not None:
        net.set_current_step(step)


def _values(path: Path, key: str, value, dtype) -> np.ndarray:
    """The file's values in the buffer's type, or an error before anything is written."""
    from ..validation import array_for
    try:
        return array_for(f"{path.name}: {key}", key.rsplit("/", 1)[-1], value, dtype)
    except NetworkError as exc:
        raise StateFileError(str(exc)) from None


def _step(path: Path, value) -> int | None:
    if value is None:
        return None
    array = np.asarray(value).reshape(-1)
    if array.size != 1 or array.dtype.kind not in "iu" or array[0] < 0:
        raise StateFileError(f"{path.name}: __step__ must be one non-negative integer, "
                             f"got {value!r}"[:200])
    return int(array[0])


def _global_values(ir, value) -> dict:
    """``{name: value}`` of the global attributes (parameters and variables) of a neuron or
    synapse IR, ``w`` left out; ``value(name)`` reads one."""
    values = {}
    for a in (ir.attributes if ir is not None else ()):
        if a.locality != GLOBAL or a.name == "w" or a.name.startswith("_"):
            continue
        found = value(a.name)
        if hasattr(found, "get_values"):
            raise StateFileError(f"save_parameters(): '{a.name}' holds a random "
                                 "distribution until compile(); compile first")
        array = np.asarray(found).reshape(-1)
        values[a.name] = array[0].item() if np.all(array == array[0]) else array.tolist()
    return values


def global_values(net) -> dict:
    """The global attributes of every population and projection as they are now; the
    network records them at ``compile()`` for :func:`save_parameters`."""
    return {
        "populations": {p.name: _global_values(p.ir, p.buffer) for p in net.populations},
        "projections": {p.name: _global_values(getattr(p, "synapse_ir", None),
                                               p.synapse_state.get)
                        for p in net.projections},
    }


def save_parameters(net, filename):
    """As ANNarchy: the global parameters and variables (one value per population or
    projection) with the values they had at ``compile()`` (before it: their values now),
    an empty ``network`` section and the constants' values now, as JSON."""
    recorded = net.compiled_values if net.compiled else global_values(net)
    content = {**recorded, "network": {},
               "constants": {name: c.value for name, c in net.constants.items()}}
    atomic_write_text(filename, json.dumps(content, indent=4))


def _section(content: dict, key: str, filename) -> dict:
    section = content.get(key, {})
    nested = key in ("populations", "projections")
    if not isinstance(section, dict) or (nested and not all(
            isinstance(v, dict) for v in section.values())):
        raise StateFileError(f"{filename}: '{key}' must map names to "
                             f"{'objects' if nested else 'values'}")
    return section


def load_parameters(net, filename, global_only: bool | None = True,
                    verbose: bool = False) -> dict:
    """Parameters from a JSON file of :func:`save_parameters` (or written by hand), as
    ANNarchy: ``global_only`` (the default; ``None`` means the same) takes only the global
    parameters (a local one in the file is skipped), ``False`` also sets the others (one
    value, or a list with one per neuron); variables in the file are skipped; ``verbose``
    prints each change. Returns the ``network`` section (name: float). A name that is not
    in the network is an error, and nothing is set then."""
    try:
        content = json.loads(Path(filename).read_text())
        if not isinstance(content, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        raise StateFileError(f"cannot read parameters from {str(filename)!r} ({exc})") \
            from None
    pops, projs, constants, extra = (_section(content, key, filename) for key in
                                     ("populations", "projections", "constants", "network"))
    global_only = global_only is not False
    updates, skipped = [], []
    for kind, section, pool in (("population", pops, net.populations),
                                ("projection", projs, net.projections)):
        for name, values in section.items():
            obj = next((o for o in pool if o.name == name), None)
            if obj is None:
                raise StateFileError(f"{filename}: no {kind} named '{name}'"
                                     + did_you_mean(name, [o.name for o in pool]))
            ir = obj.ir if kind == "population" else getattr(obj, "synapse_ir", None)
            names = [a.name for a in ir.attributes] if ir is not None else []
            for attr, value in values.items():
                if attr not in names:
                    raise StateFileError(f"{filename}: {kind} '{name}' has no parameter "
                                         f"'{attr}'" + did_you_mean(attr, names))
                declared = ir.attribute(attr)
                if declared.kind != "parameter" or (global_only
                                                    and declared.locality != GLOBAL):
                    skipped.append(f"{name}.{attr}")
                    continue
                updates.append((obj, attr, value))
    for name in constants:
        if name not in net.constants:
            raise StateFileError(f"{filename}: no constant named '{name}'"
                                 + did_you_mean(name, net.constants))
    try:
        result = {name: float(value) for name, value in extra.items()}
    except (TypeError, ValueError) as exc:
        raise StateFileError(f"{filename}: 'network' holds numbers only ({exc})") from None
    for obj, attr, value in updates:
        if verbose:
            print(f"  {obj.name}.{attr}: {obj.get(attr)} -> {value}")
        obj.set({attr: np.asarray(value) if isinstance(value, list) else value})
    for name, value in constants.items():
        net.constants[name].set(value)
    if verbose and skipped:
        print(f"  skipped (variables{', local parameters' if global_only else ''}): "
              + ", ".join(skipped))
    return result
