"""Saving and loading a network's state (``.npz``, or ``.h5`` with h5py) and its
parameters (JSON). Files are written atomically; a load validates everything before
writing anything, so a bad file leaves the network unchanged."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import NetworkError
from ..io import atomic_path, atomic_write_text


class StateFileError(NetworkError):
    """A state or parameter file that cannot be read or does not fit the network."""


def _state(net) -> dict:
    arrays = {"__step__": np.array([net.get_current_step()])}
    for pop in net.populations:
        for name in pop.attributes:
            arrays[f"pop/{pop.name}/{name}"] = pop._buffer(name)
    for proj in net.projections:
        if proj.connectivity is None:
            continue
        arrays[f"proj/{proj.name}/w"] = proj._flat_weights()
        for name, buffer in getattr(proj, "_syn_buffers", {}).items():
            arrays[f"proj/{proj.name}/{name}"] = buffer
    return arrays


def _selected(key: str, net, populations, projections) -> bool:
    """``populations``/``projections``: True, False or a list of the objects to keep."""
    kind, owner = (key.split("/") + [""])[:2]
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


def _h5py():
    try:
        import h5py
    except ImportError:
        raise StateFileError("saving or loading .h5 files needs h5py "
                             "(pip install h5py)") from None
    return h5py


def _read(path: Path) -> dict:
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
                data = pickle.load(handle)
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


def load(net, filename, populations=True, projections=True):
    """Restore what :func:`save` wrote; the network must have the same structure."""
    path = Path(filename)
    raw = _read(path)
    from .annarchy_files import apply_network, is_annarchy_layout
    if is_annarchy_layout(raw):          # a state written by ANNarchy itself
        return apply_network(net, raw, path.name)
    data = {k: v for k, v in raw.items() if _selected(k, net, populations, projections)}
    writes = []
    for key, value in data.items():
        if key == "__step__":
            continue
        kind, owner, name = (key.split("/") + ["", ""])[:3]
        if kind == "pop":
            pop = next((p for p in net.populations if p.name == owner), None)
            if pop is None or name not in pop.attributes:
                raise StateFileError(f"{path.name}: no population attribute {owner}.{name} "
                                     "in this network")
            target = pop._buffer(name)
        elif kind == "proj":
            proj = next((p for p in net.projections if p.name == owner), None)
            if proj is None or proj.connectivity is None:
                raise StateFileError(f"{path.name}: no connected projection '{owner}' here")
            target = None if name == "w" else getattr(proj, "_syn_buffers", {}).get(name)
            if name != "w" and target is None:
                raise StateFileError(f"{path.name}: projection '{owner}' has no '{name}'")
            if name == "w" and value.shape != (proj.nb_synapses,):
                raise StateFileError(f"{path.name}: projection '{owner}' has "
                                     f"{proj.nb_synapses} synapses, the file {value.size}")
            if name == "w":
                writes.append((proj, value))
                continue
        else:
            raise StateFileError(f"{path.name}: unexpected entry {key!r}")
        if target.shape != value.shape:
            raise StateFileError(f"{path.name}: {key} has shape {value.shape}, the network "
                                 f"{target.shape}")
        writes.append((target, value))
    for target, value in writes:      # everything checked: now apply
        if isinstance(target, np.ndarray):
            target[...] = value
        else:
            target.w = value
    if net._sim is not None and "__step__" in data:
        net._sim.set_step(int(np.asarray(data["__step__"]).reshape(-1)[0]))


def _parameters(attributes, ir, getter) -> dict:
    values = {}
    for a in ir.attributes:
        if a.kind != "parameter":
            continue
        value = np.asarray(getter(a.name), dtype=float).reshape(-1)
        values[a.name] = float(value[0]) if np.all(value == value[0]) else value.tolist()
    return values


def save_parameters(net, filename):
    """Parameter values of populations and projections, and constants, as JSON."""
    content = {
        "populations": {p.name: _parameters(p.attributes, p.ir, p._buffer)
                        for p in net.populations},
        "projections": {p.name: _parameters(None, p.synapse_ir,
                                            lambda n, p=p: p._syn_buffers[n]
                                            if hasattr(p, "_syn_buffers") else
                                            p.synapse_ir.attribute(n).init)
                        for p in net.projections if p.synapse_ir is not None},
        "constants": {name: c.value for name, c in net.constants.items()},
    }
    atomic_write_text(filename, json.dumps(content, indent=2))


def load_parameters(net, filename) -> dict:
    try:
        content = json.loads(Path(filename).read_text())
        sections = (content["populations"], content.get("projections", {}),
                    content.get("constants", {}))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StateFileError(f"cannot read parameters from {str(filename)!r} ({exc})") \
            from None
    pops, projs, constants = sections
    updates = []
    for name, values in pops.items():
        pop = next((p for p in net.populations if p.name == name), None)
        if pop is None:
            raise StateFileError(f"{filename}: no population named '{name}'")
        for attr, value in values.items():
            if attr not in pop.parameters:
                raise StateFileError(f"{filename}: '{name}' has no parameter '{attr}'")
            updates.append((pop, attr, value))
    for name, values in projs.items():
        proj = next((p for p in net.projections if p.name == name), None)
        if proj is None or proj.synapse_ir is None:
            raise StateFileError(f"{filename}: no projection with a synapse named '{name}'")
        updates += [(proj, attr, value) for attr, value in values.items()]
    for name in constants:
        if name not in net.constants:
            raise StateFileError(f"{filename}: no constant named '{name}'")
    for obj, attr, value in updates:
        setattr(obj, attr, np.asarray(value) if isinstance(value, list) else value)
    for name, value in constants.items():
        net.constants[name].set(value)
    return content
