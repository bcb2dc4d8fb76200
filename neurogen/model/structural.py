"""Structural plasticity (ANNarchy's ``structural_plasticity=True``): synapses created and
pruned on a compiled projection.

``net.config(structural_plasticity=True)`` before ``compile()`` keeps every projection
in CSR storage (the only layout whose synapses can change). ``dendrite.create_synapse``,
``create_synapses``, ``prune_synapse`` and ``prune_synapses`` then rebuild the
projection's CSR arrays and weight/attribute buffers in NumPy, keep each dendrite's
presynaptic ranks sorted, and re-point the generated code at the new buffers before the
next step. New synapses take the synapse model's initial values, or a fresh draw when a
random distribution was assigned to the attribute; draws come from the network's seed, so
a run is repeated exactly. ``reset(synapses=True)`` restores the connector's synapses.

``Synapse(creating=..., pruning=...)`` rules are parsed and checked against the pre- and
postsynaptic neurons (``condition : proba = p, w = value``); running them automatically
(``start_creating``/``start_pruning``) is not available yet and says so.
"""
from __future__ import annotations

import numpy as np

from ..errors import ModelError, NetworkError, ParseError
from . import connectors


def enabled(net) -> bool:
    return bool(net._config.get("structural_plasticity", False))


def _require(proj, what: str):
    where = f"projection '{proj.name}': {what}"
    if not enabled(proj.net):
        raise NetworkError(f"{where} needs net.config(structural_plasticity=True) (or "
                           "setup(structural_plasticity=True)) before compile()")
    if not proj.net.compiled:
        raise NetworkError(f"{where} works on a compiled network; before compile(), "
                           "describe the synapses with a connector")
    if proj.storage != "csr" or hasattr(proj, "_filter"):
        raise NetworkError(f"{where} needs synapses stored one by one (CSR); this "
                           f"projection uses '{proj.storage}'")


def _ranks(values, name: str, size: int, where: str) -> np.ndarray:
    ranks = np.asarray(values, dtype=np.int64).reshape(-1)
    if ranks.size and (ranks.min() < 0 or ranks.max() >= size):
        raise NetworkError(f"{where}: {name} ranks must lie in [0, {size}), got "
                           f"{ranks.tolist()}")
    if np.unique(ranks).size != ranks.size:
        raise NetworkError(f"{where}: {name} ranks repeat: {ranks.tolist()}")
    return ranks


def _per_synapse_arrays(proj) -> dict:
    """Every array holding one value per synapse, by name (weights under 'w')."""
    arrays = {"w": proj.weight_buffer()}
    for a in (proj.synapse_ir.attributes if proj.synapse_ir is not None else ()):
        if a.name != "w" and a.locality == "local":
            arrays[a.name] = proj.synapse_buffer(a.name)
    if not proj.uniform_delay:
        arrays["__delays__"] = np.asarray(proj.delays, dtype=np.float64)
    return arrays


def _new_values(proj, name: str, count: int, given, key) -> np.ndarray:
    """Values of ``name`` for ``count`` new synapses: given, drawn, or the initial value."""
    if given is not None:
        return np.broadcast_to(np.asarray(given, dtype=np.float64), (count,)).copy()
    setting = proj._syn_values.get(name)
    if hasattr(setting, "get_values"):
        return np.asarray(setting.get_values(count, proj.net.rng(key)), dtype=np.float64)
    if setting is not None and np.ndim(setting) == 0:
        return np.full(count, float(setting))
    return np.full(count, float(proj.synapse_ir.attribute(name).init))


def change_dendrite(proj, post_rank: int, prune=(), create=(), weights=None, delays=None):
    """Remove the synapses from presynaptic ranks ``prune`` and add ones from ``create``
    (with ``weights``/``delays``) on postsynaptic neuron ``post_rank``."""
    where = f"projection '{proj.name}', dendrite {post_rank}"
    _require(proj, "creating or pruning synapses")
    conn = proj.connectivity
    start, stop = int(conn.row_ptr[post_rank]), int(conn.row_ptr[post_rank + 1])
    row = conn.cols[start:stop].astype(np.int64)
    prune = _ranks(prune, "presynaptic", proj.pre.size, where)
    create = _ranks(create, "presynaptic", proj.pre.size, where)
    missing = np.setdiff1d(prune, row)
    if missing.size:
        raise NetworkError(f"{where}: no synapse from presynaptic neuron(s) "
                           f"{missing.tolist()} to prune (it has {row.tolist()})")
    existing = np.intersect1d(create, row)
    if existing.size:
        raise NetworkError(f"{where}: synapse(s) from {existing.tolist()} exist already")
    new_delays = None
    if create.size and delays is not None and np.any(np.asarray(delays, float) > 0):
        new_delays = np.broadcast_to(np.asarray(delays, float), create.shape)
        if proj.uniform_delay and np.any(new_delays != float(proj.delays)):
            raise NetworkError(f"{where}: the projection has one delay for all synapses "
                               f"({float(proj.delays):g} ms); new synapses cannot have "
                               f"{new_delays.tolist()} ms")
    keep = ~np.isin(row, prune)
    cols = np.concatenate([row[keep], create])
    order = np.argsort(cols, kind="stable")
    key = ("structural", proj.id, proj.net.get_current_step(), post_rank,
           tuple(create.tolist()))
    rebuilt = {}
    for name, array in _per_synapse_arrays(proj).items():
        if name == "w":
            added = _new_values(proj, "w", create.size, 0.0 if weights is None else weights,
                                key)
        elif name == "__delays__":
            added = (new_delays if new_delays is not None else
                     np.full(create.size, float(proj.net.dt)))
        else:
            added = _new_values(proj, name, create.size, None, key + (name,))
        segment = np.concatenate([array[start:stop][keep], added.astype(array.dtype)])[order]
        rebuilt[name] = np.concatenate([array[:start], segment, array[stop:]]).astype(
            array.dtype)
    row_ptr = conn.row_ptr.copy()
    row_ptr[post_rank + 1:] += cols.size - row.size
    all_cols = np.concatenate([conn.cols[:start], cols[order].astype(np.int32),
                               conn.cols[stop:]])
    _install(proj, row_ptr, all_cols, rebuilt)


def _install(proj, row_ptr, cols, arrays: dict):
    """New CSR structure and per-synapse buffers; the generated code reads them from the
    next step on."""
    from .. import storage
    if not getattr(proj, "_structure_changed", False):
        proj._structure_changed = True
        proj._initial_delays = np.copy(proj.delays)
    weights = np.ascontiguousarray(arrays.pop("w"))
    proj.connectivity = connectors.Connectivity(proj.pre.size, proj.post.size,
                                                row_ptr=row_ptr, cols=cols, weights=weights)
    proj.kernel_data = storage.kernel("csr").prepare(proj)
    proj._weights = proj.connectivity._weights = weights
    if "__delays__" in arrays:
        proj.delays = arrays.pop("__delays__")
    for name, array in arrays.items():
        proj._syn_buffers[name] = np.ascontiguousarray(array)
    _rebind(proj)


def _rebind(proj):
    sim = proj.net._sim
    if sim is None:
        return
    for slot in [s for s in sim.owned if getattr(s, "proj", None) == proj.id
                 and type(s).__name__ == "SynDelays"]:
        del sim.owned[slot]
    sim.bind()


def restore(proj):
    """``reset(synapses=True)`` after structural changes: the connector's synapses, with
    the attribute values of compile time."""
    conn = proj._make().to_csr()
    dtype = proj.net.real_dtype
    arrays = {"w": np.asarray(conn.weights, dtype=dtype)}
    for a in (proj.synapse_ir.attributes if proj.synapse_ir is not None else ()):
        if a.name != "w" and a.locality == "local":
            values = _new_values(proj, a.name, conn.nb_synapses, None,
                                 ("init", proj.id, a.name))
            arrays[a.name] = values.astype(proj.synapse_buffer(a.name).dtype)
    if not proj.uniform_delay:
        arrays["__delays__"] = np.asarray(proj._initial_delays, dtype=np.float64)
    _install(proj, conn.row_ptr.copy(), conn.cols.astype(np.int32), arrays)


# -- creating= / pruning= rules ---------------------------------------------------------------
_RULE_FLAGS = {"creating": {"proba", "w", "d"}, "pruning": {"proba"}}


def parse_rule(text, kind: str, synapse_name: str, scope_names) -> dict | None:
    """``"pre.r * post.r > 0.9 : proba = 1.0, w = 1.0"`` -> condition and flags; the
    condition must only use names the synapse knows."""
    if text is None or not str(text).strip():
        return None
    from ..parser.expressions import Scope, parse_expression
    condition, _, flags = str(text).partition(":")
    values = {}
    for item in filter(None, (f.strip() for f in flags.split(","))):
        name, eq, value = (p.strip() for p in item.partition("="))
        if not eq or name not in _RULE_FLAGS[kind]:
            raise ParseError(f"{kind}: unknown flag {item!r}; {kind} takes "
                             f"{', '.join(sorted(_RULE_FLAGS[kind]))}", obj=synapse_name,
                             field=kind, equation=str(text), token=name or item)
        try:
            values[name] = float(value)
        except ValueError:
            raise ParseError(f"{kind}: {name} must be a number, got {value!r}",
                             obj=synapse_name, field=kind, equation=str(text),
                             token=value) from None
    if "proba" in values and not 0.0 <= values["proba"] <= 1.0:
        raise ParseError(f"{kind}: proba must lie in [0, 1], got {values['proba']:g}",
                         obj=synapse_name, field=kind, equation=str(text), token="proba")
    try:
        expr = parse_expression(condition.strip(), Scope(names=scope_names))
    except ModelError as exc:
        raise type(exc)(exc.reason, obj=synapse_name, field=kind, equation=str(text),
                        token=exc.token) from None
    return {"condition": expr, "proba": values.get("proba", 1.0), "w": values.get("w", 0.0),
            "d": values.get("d")}


def parse_rules(synapse, ir, pre_ir, post_ir) -> dict:
    """The synapse's ``creating``/``pruning`` rules, checked against this pre/post pair."""
    import sympy as sp
    names = dict(ir.symbols)
    for side, neuron in (("pre", pre_ir), ("post", post_ir)):
        names.update({f"{side}.{a.name}": sp.Symbol(f"{side}.{a.name}")
                      for a in neuron.attributes})
    names.update({a.name: sp.Symbol(a.name) for a in ir.attributes})
    return {kind: parse_rule(getattr(synapse, kind, None), kind, synapse.name, names)
            for kind in _RULE_FLAGS}


def refuse_rules(proj, kind: str):
    rules = getattr(proj.synapse, "_structural_rules", {}) if proj.synapse else {}
    if rules.get(kind) is None:
        raise NetworkError(f"projection '{proj.name}': its synapse defines no '{kind}' rule")
    _require(proj, f"start_{kind}()")
    raise NetworkError(f"projection '{proj.name}': running '{kind}' rules automatically is "
                       "not available yet; create or prune synapses from Python with "
                       "dendrite.create_synapse()/prune_synapse() between simulate() calls")
