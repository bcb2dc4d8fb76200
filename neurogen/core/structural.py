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

``Synapse(creating=..., pruning=...)`` rules (``condition : proba = p, w = value, d =
delay``) are parsed and checked against the pre- and postsynaptic neurons. After
``proj.start_creating(period)`` / ``start_pruning(period)`` they are evaluated every
``period`` ms between steps, vectorised in NumPy over every absent (creating) or existing
(pruning) synapse, each candidate kept with probability ``proba`` from a generator keyed
by the seed, the projection and the step: runs repeat exactly. (They run in Python, not
in the generated code: a simulation with started rules returns to Python at each due
step.)
"""
from __future__ import annotations

import numpy as np

from ..errors import ModelError, NetworkError, ParseError
from . import connectors


def enabled(net) -> bool:
    return net.options.structural_plasticity


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
    if create.size and delays is not None and np.any(np.asarray(delays, float) > 0):
        new_delays = np.broadcast_to(np.asarray(delays, float), create.shape)
        if proj.uniform_delay and np.any(new_delays != float(proj.delays)):
            raise NetworkError(f"{where}: the projection has one delay for all synapses "
                               f"({float(proj.delays):g} ms); new synapses cannot have "
                               f"{new_delays.tolist()} ms")
    else:
        new_delays = None
    keep = np.ones(conn.nb_synapses, dtype=bool)
    keep[start:stop] = ~np.isin(row, prune)
    restructure(proj, keep, np.full(create.size, post_rank), create,
                0.0 if weights is None else weights, new_delays,
                ("structural", proj.id, proj.net.get_current_step(), post_rank,
                 tuple(create.tolist())))


def restructure(proj, keep, add_rows, add_cols, weights, delays, key):
    """Keep the synapses where ``keep`` and add ``(add_rows[n], add_cols[n])`` with
    ``weights`` (and ``delays``, else ``dt``); every row stays sorted by presynaptic rank."""
    conn = proj.connectivity
    add_rows = np.asarray(add_rows, dtype=np.int64)
    add_cols = np.asarray(add_cols, dtype=np.int64)
    rows = np.concatenate([conn.rows[keep], add_rows])
    cols = np.concatenate([conn.cols[keep].astype(np.int64), add_cols])
    order = np.lexsort((cols, rows))
    rebuilt = {}
    for name, array in _per_synapse_arrays(proj).items():
        if name == "w":
            added = _new_values(proj, "w", add_rows.size, weights, key)
        elif name == "__delays__":
            added = (np.broadcast_to(np.asarray(delays, float), add_rows.shape)
                     if delays is not None else np.full(add_rows.size, float(proj.net.dt)))
        else:
            added = _new_values(proj, name, add_rows.size, None, key + (name,))
        rebuilt[name] = np.concatenate([array[keep], added.astype(array.dtype)])[order]
    row_ptr = np.zeros(proj.post.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=proj.post.size), out=row_ptr[1:])
    _install(proj, row_ptr, cols[order].astype(np.int32), rebuilt)


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


class _Running:
    """One started rule: evaluated after every ``period`` steps counted from its start."""

    def __init__(self, proj, kind, rule, period_steps, offset):
        import sympy as sp
        self.proj, self.kind, self.rule = proj, kind, rule
        self.period, self.offset = period_steps, offset
        symbols = sorted(rule["condition"].free_symbols, key=lambda x: x.name)
        self.names = [x.name for x in symbols]
        safe = [sp.Symbol("v_" + x.name.replace(".", "__")) for x in symbols]
        expr = rule["condition"].xreplace(dict(zip(symbols, safe)))
        self.function = sp.lambdify(safe, expr, modules="numpy")

    def due(self, step: int) -> bool:
        return step > self.offset and (step - self.offset) % self.period == 0


def start_rule(proj, kind: str, period=None):
    """``proj.start_creating(period)`` / ``start_pruning(period)``: the rule runs after
    every ``period`` ms (default ``dt``) of simulation, in NumPy between steps."""
    rules = getattr(proj.synapse, "_structural_rules", {}) if proj.synapse else {}
    rule = rules.get(kind)
    if rule is None:
        raise NetworkError(f"projection '{proj.name}': its synapse defines no '{kind}' rule")
    _require(proj, f"start_{kind}()")
    if kind == "creating":
        local = {a.name for a in proj.synapse_ir.attributes if a.locality == "local"}
        used = {x.name for x in rule["condition"].free_symbols} & (local | {"w"})
        if used:
            raise NetworkError(f"projection '{proj.name}': the creating rule reads "
                               f"{', '.join(sorted(used))}, which a synapse that does not "
                               "exist yet has no value of")
        if rule["d"] is not None and proj.uniform_delay \
                and rule["d"] != float(proj.delays) and rule["d"] > 0:
            raise NetworkError(f"projection '{proj.name}': the creating rule's delay "
                               f"{rule['d']:g} ms differs from the projection's "
                               f"{float(proj.delays):g} ms")
    dt = proj.net.dt
    steps = 1 if period is None else max(1, int(round(float(period) / dt)))
    runs = proj.net.__dict__.setdefault("_structural_runs", {})
    runs[(proj.id, kind)] = _Running(proj, kind, rule, steps, proj.net.get_current_step())


def stop_rule(proj, kind: str):
    proj.net.__dict__.get("_structural_runs", {}).pop((proj.id, kind), None)


def active(net) -> bool:
    return bool(net.__dict__.get("_structural_runs"))


def simulate_with_rules(net, nsteps: int, progress=None):
    """Run ``nsteps`` steps, stopping after each step where a started rule is due."""
    runs = list(net._structural_runs.values())
    done = 0
    while done < nsteps:
        step = net.get_current_step()
        wait = min(r.period - ((step - r.offset) % r.period) for r in runs)
        chunk = min(wait, nsteps - done)
        net._sim.run(chunk, progress)
        done += chunk
        step = net.get_current_step()
        for run in runs:
            if run.due(step):
                _evaluate(run, step)


def _values(run, rows, cols, synapses=None) -> list:
    proj, net = run.proj, run.proj.net
    values = []
    for name in run.names:
        side, _, attr = name.partition(".")
        if side in ("pre", "post") and attr:
            pop = proj.pre if side == "pre" else proj.post
            buffer = pop._buffer(attr)
            values.append(buffer[0] if buffer.size == 1 and pop.size > 1 else
                          buffer[cols if side == "pre" else rows])
        elif name == "w":
            values.append(proj.weight_buffer()[synapses])
        elif name == "t":
            values.append(net.get_time())
        elif name == "dt":
            values.append(net.dt)
        elif name in net.constants:
            values.append(net.constants[name].value)
        else:
            locality = proj.synapse_ir.attribute(name).locality
            buffer = proj.synapse_buffer(name)
            values.append({"global": buffer[0], "postsynaptic": buffer[rows]}.get(
                locality, buffer[synapses] if synapses is not None else buffer[0]))
    return values


def _evaluate(run, step: int):
    proj = run.proj
    rng = proj.net.rng(("structural", run.kind, proj.id, step))
    conn = proj.connectivity
    if run.kind == "pruning":
        rows, cols = conn.rows, conn.cols.astype(np.int64)
        hit = np.broadcast_to(run.function(*_values(run, rows, cols, slice(None))), rows.shape)
        hit = hit & (rng.random(rows.size) < run.rule["proba"])
        if hit.any():
            restructure(proj, ~hit, [], [], 0.0, None, ("pruned", proj.id, step))
        return
    exists = np.zeros((proj.post.size, proj.pre.size), dtype=bool)
    exists[conn.rows, conn.cols] = True
    if proj.pre is proj.post:
        np.fill_diagonal(exists, True)       # no self-connections, as the connectors
    rows, cols = np.nonzero(~exists)
    hit = np.broadcast_to(run.function(*_values(run, rows, cols)), rows.shape)
    hit = hit & (rng.random(rows.size) < run.rule["proba"])
    if hit.any():
        restructure(proj, np.ones(conn.nb_synapses, dtype=bool), rows[hit], cols[hit],
                    run.rule["w"], run.rule["d"], ("created", proj.id, step))
