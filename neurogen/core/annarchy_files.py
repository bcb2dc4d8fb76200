"""State files in ANNarchy's layout, so files written by ANNarchy load here and the other
way round.

ANNarchy stores a network as ``{population name: {...}, projection name: {...},
'time_step': step}``; a population as ``{'name', 'geometry', 'size', 'attributes',
'parameters', 'variables', <attribute>: values}``; a projection as ``{'name', 'pre',
'post', 'target', 'post_ranks', 'pre_ranks' (one list per dendrite), 'delays',
'attributes', 'parameters', 'variables', 'w' and each synapse attribute (one list per
dendrite for per-synapse ones)}``. The container follows the file name: ``.npz``
(``savez_compressed``, one entry per key), ``.gz`` (gzip'd pickle, e.g. ``.txt.gz``),
``.mat`` (MATLAB, written only: ANNarchy cannot read it back either) and anything else a
plain pickle (``.data``, ``.txt``).
"""
from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import numpy as np

from ..errors import NetworkError
from ..io import atomic_path


class AnnarchyFileError(NetworkError):
    """A file that is not an ANNarchy-layout state, or that does not fit the object."""


# -- containers -----------------------------------------------------------------------------
def write(path, desc: dict):
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix == ".mat":
            from scipy.io import savemat
            savemat(tmp, _for_matlab(desc))
        elif path.suffix == ".npz":
            with open(tmp, "wb") as handle:
                np.savez_compressed(handle, **{k: _object(v) for k, v in desc.items()})
        else:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(tmp, "wb") as handle:
                pickle.dump(desc, handle, protocol=pickle.HIGHEST_PROTOCOL)


def read(path, pickle_encoding: str | None = None) -> dict:
    path = Path(path)
    options = {"encoding": pickle_encoding} if pickle_encoding else {}
    if path.suffix == ".mat":
        raise AnnarchyFileError(f"{str(path)!r}: MATLAB files are written for analysis and "
                                "cannot be loaded back (ANNarchy cannot either); use .npz")
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=True, **options) as data:
                desc = {k: (data[k].item() if data[k].dtype == object and data[k].ndim == 0
                            else data[k]) for k in data.files}
        else:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as handle:
                desc = pickle.load(handle, **options)
    except Exception as exc:   # any unreadable file: one clear error
        raise AnnarchyFileError(f"cannot read {str(path)!r} ({exc})") from None
    if not isinstance(desc, dict):
        raise AnnarchyFileError(f"{str(path)!r} does not hold a saved state")
    return desc


def _object(value):
    if isinstance(value, dict):
        box = np.empty((), dtype=object)
        box[()] = value
        return box
    if isinstance(value, list) and value and isinstance(value[0], (list, np.ndarray)):
        return _ragged(value)
    return np.asarray(value)


def _ragged(lists) -> np.ndarray:
    out = np.empty(len(lists), dtype=object)
    for i, item in enumerate(lists):
        out[i] = list(np.asarray(item).tolist())
    return out


def _for_matlab(desc: dict) -> dict:
    def convert(value):
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list) and value and isinstance(value[0], (list, np.ndarray)):
            return _ragged(value)
        return value
    return {k: convert(v) for k, v in desc.items()}


def is_annarchy_layout(desc: dict) -> bool:
    """A network state (values are descriptions) or one object's description."""
    if "attributes" in desc:
        return True
    return any(isinstance(v, dict) and "attributes" in v for v in desc.values())


# -- descriptions ---------------------------------------------------------------------------
def population_description(pop) -> dict:
    desc = {"name": pop.name, "geometry": pop.geometry, "size": pop.size,
            "attributes": list(pop.attributes), "parameters": list(pop.parameters),
            "variables": list(pop.variables)}
    for name in pop.attributes:
        value = pop.buffer(name)
        desc[name] = value[0].item() if value.size == 1 and pop.size > 1 else value.copy()
    return desc


def projection_description(proj) -> dict:
    proj.require_connected()
    ptr, cols = proj.connectivity.row_ptr, proj.connectivity.cols
    posts = proj.post_ranks
    rows = [slice(int(ptr[i]), int(ptr[i + 1])) for i in posts]
    attributes = ["w"] + [a.name for a in (proj.synapse_ir.attributes if proj.synapse_ir
                                           else ()) if a.name != "w"]
    kinds = {a.name: a for a in (proj.synapse_ir.attributes if proj.synapse_ir else ())}
    flat = proj.flat_weights()
    desc = {"name": proj.name, "pre": proj.pre.name, "post": proj.post.name,
            "target": proj.target, "post_ranks": list(posts),
            "pre_ranks": [cols[r].tolist() for r in rows],
            "attributes": attributes,
            "parameters": [n for n in attributes if n in kinds and kinds[n].kind == "parameter"],
            "variables": ["w"] + [n for n in attributes[1:] if kinds[n].kind == "variable"],
            "w": [flat[r].tolist() for r in rows],
            "delays": float(proj.delays) if proj.uniform_delay else
            [np.asarray(proj.delays)[r].tolist() for r in rows]}
    buffers = proj.synapse_state.buffers or {}
    for name in attributes[1:]:
        buffer, locality = buffers.get(name), kinds[name].locality
        if buffer is None:
            desc[name] = proj.synapse_state.get(name)
        elif locality == "global":
            desc[name] = buffer[0].item()
        elif locality == "postsynaptic":
            desc[name] = buffer[posts].tolist()
        else:
            desc[name] = [buffer[r].tolist() for r in rows]
    return desc


def network_description(net) -> dict:
    desc = {pop.name: population_description(pop) for pop in net.populations}
    desc.update({p.name: projection_description(p) for p in net.projections
                 if p.connectivity is not None})
    desc["time_step"] = net.get_current_step()
    return desc


# -- loading --------------------------------------------------------------------------------
def _flat(value) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.dtype != object:
        return value.reshape(-1).astype(np.float64)
    parts = [np.asarray(v, dtype=np.float64).reshape(-1) for v in np.asarray(
        value, dtype=object).reshape(-1)] if np.ndim(value) else [np.asarray([value], float)]
    return np.concatenate(parts) if parts else np.zeros(0)


def apply_population(pop, desc: dict, origin: str):
    for name in desc.get("attributes", ()):
        if name not in pop.attributes:
            raise AnnarchyFileError(f"{origin}: population '{pop.name}' has no attribute "
                                    f"'{name}'")
    for name in desc.get("attributes", ()):
        pop.set({name: np.asarray(desc[name])})


def apply_projection(proj, desc: dict, origin: str):
    """Weights, delays and synapse attributes of a projection with the same synapses."""
    proj.require_connected()
    if "attributes" not in desc or "post_ranks" not in desc:
        raise AnnarchyFileError(f"{origin} is not a projection saved by save()")
    conn = proj.connectivity
    saved_posts = [int(p) for p in desc["post_ranks"]]
    saved_pre = [np.asarray(r, dtype=np.int64).reshape(-1) for r in desc["pre_ranks"]]
    ptr = conn.row_ptr
    same = saved_posts == proj.post_ranks and all(
        np.array_equal(conn.cols[ptr[i]:ptr[i + 1]], r) for i, r in zip(saved_posts, saved_pre))
    if not same:
        raise AnnarchyFileError(
            f"{origin}: the saved synapses of '{proj.name}' differ from the projection's "
            f"({sum(map(len, saved_pre))} vs {proj.nb_synapses} synapses); a changed "
            "structure cannot be loaded into a compiled network")
    updates = []
    for name in desc["attributes"]:
        if name == "w":
            weights = _flat(desc["w"])
            if weights.size == 1 and proj.nb_synapses != 1:
                weights = np.full(proj.nb_synapses, weights[0])
            updates.append(("w", weights))
        elif proj.synapse_ir is None or name not in proj.synapse_ir.names:
            raise AnnarchyFileError(f"{origin}: projection '{proj.name}' has no attribute "
                                    f"'{name}'")
        else:
            value = desc[name]
            locality = proj.synapse_ir.attribute(name).locality
            updates.append((name, _flat(value) if locality == "local" and np.ndim(value)
                            else np.asarray(value, dtype=np.float64)))
    for name, value in updates:
        if name == "w":
            proj.w = value
        else:
            proj.synapse_state.set(name, value)
    delays = desc.get("delays")
    if delays is not None and np.ndim(delays) == 0 and proj.uniform_delay \
            and float(delays) != float(proj.delays):
        raise AnnarchyFileError(f"{origin}: '{proj.name}' was saved with a delay of "
                                f"{float(delays):g} ms, the projection has "
                                f"{float(proj.delays):g} ms")


def apply_network(net, desc: dict, origin: str):
    objects = {p.name: p for p in net.populations}
    objects.update({p.name: p for p in net.projections})
    for key, value in desc.items():
        if key != "time_step" and isinstance(value, dict) and key not in objects:
            raise AnnarchyFileError(f"{origin}: no population or projection named '{key}' "
                                    "in this network")
    for key, value in desc.items():
        if key in objects and isinstance(value, dict):
            obj = objects[key]
            if hasattr(obj, "connectivity"):
                apply_projection(obj, value, origin)
            else:
                apply_population(obj, value, origin)
    if "time_step" in desc and net.compiled:
        net.set_current_step(int(np.asarray(desc["time_step"]).reshape(-1)[0]))
