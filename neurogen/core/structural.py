"""Structural plasticity (ANNarchy's ``structural_plasticity=True``): synapses created and
pruned on a compiled projection. What runs where:

- ``net.config(structural_plasticity=True)`` before ``compile()`` keeps every projection
  in CSR storage (the only layout whose synapses can change).
- ``Synapse(creating=..., pruning=...)`` rules (``condition : proba = p, w = value, d =
  delay``) are parsed with the synapse (:mod:`neurogen.parser.structural`) and compiled
  into the generated step like its equations (:mod:`neurogen.codegen.structural`, OpenMP
  only; CUDA refuses them, as ANNarchy). ``proj.start_creating(period)`` /
  ``start_pruning(period)`` only set runtime integers (no recompilation): every
  ``period`` ms the generated code evaluates the condition on every absent pair
  (creating; no self-connection within one population) or existing synapse (pruning)
  and keeps each with probability ``proba``, from counter-based draws keyed on the seed,
  the step and the (post, pre) pair: the same synapses whatever the thread count. A step
  where a rule chose synapses hands back to Python, and the runtime
  (:mod:`neurogen.runtime.structural`) applies the edits.
- ``dendrite.create_synapse(s)`` / ``prune_synapse(s)`` edit one dendrite from Python.

Both kinds of edit go through :func:`edit`: the new CSR arrays come from
:mod:`neurogen.storage.csr_edit` (rows sorted by presynaptic rank), new synapses take the
rule's or the caller's ``w``/``d``, the synapse model's initial values, or a fresh draw
where a distribution was assigned to the attribute (from the network's seed: a run is
repeated exactly); then the runtime re-binds the projection's buffers
(``net.runtime.synapses_changed``). ``reset(synapses=True)`` restores the connector's
synapses.
"""
from __future__ import annotations

import weakref

import numpy as np

from ..errors import NetworkError
from ..storage import csr_edit
from ..validation import number
from . import connectors, projection_storage


#: The connector's delays of each projection whose synapses were edited (restored by
#: ``reset(synapses=True)``); a projection is in it from its first edit on.
_ORIGINAL_DELAYS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def changed(proj) -> bool:
    """Whether synapses of ``proj`` were created or pruned since it was connected."""
    return proj in _ORIGINAL_DELAYS


def _require(proj, what: str):
    where = f"projection '{proj.name}': {what}"
    if not proj.net.options.structural_plasticity:
        raise NetworkError(f"{where} needs net.config(structural_plasticity=True) (or "
                           "setup(structural_plasticity=True)) before compile()")
    if not proj.net.compiled:
        raise NetworkError(f"{where} works on a compiled network; before compile(), "
                           "describe the synapses with a connector")
    if proj.storage != "csr" or hasattr(proj, "_filter"):
        raise NetworkError(f"{where} needs synapses stored one by one (CSR); this "
                           f"projection uses '{proj.storage}'")


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
    setting = proj.synapse_state.given.get(name)
    if hasattr(setting, "get_values"):
        rng = proj.net.generator_for(key)
        return np.asarray(setting.get_values(count, rng), dtype=np.float64)
    if setting is not None and np.ndim(setting) == 0:
        return np.full(count, float(setting))
    return np.full(count, float(proj.synapse_ir.attribute(name).init))


def _check_delay(proj, delays, count: int, where: str):
    """The delays of ``count`` new synapses (None: the projection's own kind of default);
    a projection with one delay for all cannot take another."""
    if delays is None or count == 0 or not np.any(np.asarray(delays, float) > 0):
        return None
    new = np.broadcast_to(np.asarray(delays, float), (count,))
    if proj.uniform_delay and np.any(new != float(proj.delays)):
        raise NetworkError(f"{where}: the projection has one delay for all synapses "
                           f"({float(proj.delays):g} ms); new synapses cannot have "
                           f"{new.tolist()} ms")
    return new


def change_dendrite(proj, post_rank: int, prune=(), create=(), weights=None, delays=None):
    """Remove the synapses from presynaptic ranks ``prune`` and add ones from ``create``
    (with ``weights``/``delays``) on postsynaptic neuron ``post_rank``."""
    where = f"projection '{proj.name}', dendrite {post_rank}"
    _require(proj, "creating or pruning synapses")
    conn = proj.connectivity
    keep, rows, cols = csr_edit.dendrite_edit(conn.row_ptr, conn.cols, post_rank,
                                              proj.pre.size, prune, create, where)
    edit(proj, keep, rows, cols, 0.0 if weights is None else weights,
         _check_delay(proj, delays, cols.size, where),
         ("structural", proj.id, proj.net.get_current_step(), post_rank,
          tuple(cols.tolist())))


def edit(proj, keep, add_rows, add_cols, weights, delays, key):
    """Keep the synapses where ``keep`` and add ``(add_rows[n], add_cols[n])`` with
    ``weights`` (and ``delays``, else ``dt``); ``key`` seeds the draws of the new
    synapses' other attributes."""
    _require(proj, "editing synapses")
    conn = proj.connectivity
    keep, add_rows, add_cols = csr_edit.checked(
        keep, add_rows, add_cols, conn.row_ptr, conn.cols, proj.pre.size,
        f"projection '{proj.name}'")
    count = add_rows.size
    arrays = _per_synapse_arrays(proj)
    added = {}
    for name in arrays:
        if name == "w":
            added[name] = _new_values(proj, "w", count, weights, key)
        elif name == "__delays__":
            added[name] = (np.broadcast_to(np.asarray(delays, float), (count,))
                           if delays is not None else np.full(count, float(proj.net.dt)))
        else:
            added[name] = _new_values(proj, name, count, None, key + (name,))
    row_ptr, cols, rebuilt = csr_edit.apply(conn.row_ptr, conn.cols, arrays, keep,
                                            add_rows, add_cols, added)
    _install(proj, row_ptr, cols, rebuilt)


def _install(proj, row_ptr, cols, arrays: dict):
    """New CSR structure and per-synapse buffers of the projection; the runtime binds
    them for the next step."""
    from .. import storage
    _ORIGINAL_DELAYS.setdefault(proj, np.copy(proj.delays))
    weights = arrays.pop("w")
    proj.connectivity = connectors.Connectivity(proj.pre.size, proj.post.size,
                                                row_ptr=row_ptr, cols=cols, weights=weights)
    projection_storage.bind_weights(proj, weights, proj.net.real_dtype)   # the runtime's
    proj.kernel_data = storage.kernel("csr").prepare(proj)
    projection_storage.adopt_kernel_tables(proj)
    if "__delays__" in arrays:
        proj.delays = arrays.pop("__delays__")
    for name, array in arrays.items():
        proj.synapse_state.replace(name, array)
    if proj.net.runtime is not None:
        proj.net.runtime.synapses_changed(proj)


def restore(proj):
    """``reset(synapses=True)`` after structural changes: the connector's synapses, with
    the attribute values of compile time."""
    conn = proj.initial_connectivity().to_csr()
    dtype = proj.net.real_dtype
    arrays = {"w": np.asarray(conn.weights, dtype=dtype)}
    for a in (proj.synapse_ir.attributes if proj.synapse_ir is not None else ()):
        if a.name != "w" and a.locality == "local":
            values = _new_values(proj, a.name, conn.nb_synapses, None,
                                 ("init", proj.id, a.name))
            arrays[a.name] = values.astype(proj.synapse_buffer(a.name).dtype)
    if not proj.uniform_delay:
        arrays["__delays__"] = np.asarray(_ORIGINAL_DELAYS[proj], dtype=np.float64)
    _install(proj, conn.row_ptr.copy(), conn.cols.astype(np.int32), arrays)


# -- creating= / pruning= rules: started and stopped (they run in the generated step) --------
def start_rule(proj, kind: str, period=None):
    """``proj.start_creating(period)`` / ``start_pruning(period)``: the rule runs after
    every ``period`` ms (default ``dt``) of simulation, counted from now."""
    rule = getattr(proj.synapse_ir, kind, None) if proj.synapse_ir is not None else None
    if rule is None:
        raise NetworkError(f"projection '{proj.name}': its synapse defines no '{kind}' rule")
    _require(proj, f"start_{kind}()")
    dt = proj.net.dt
    steps = 1 if period is None else max(1, int(round(
        number(f"projection '{proj.name}'", f"start_{kind}() period (ms)", period,
               positive=True) / dt)))
    if kind == "creating" and rule.d is not None and rule.d > 0 and proj.uniform_delay \
            and rule.d != float(proj.delays):
        raise NetworkError(f"projection '{proj.name}': the creating rule's delay "
                           f"{rule.d:g} ms differs from the projection's "
                           f"{float(proj.delays):g} ms")
    conn = proj.connectivity
    if not csr_edit.rows_sorted(conn.row_ptr, conn.cols):
        raise NetworkError(f"projection '{proj.name}': start_{kind}() needs each dendrite's "
                           "presynaptic ranks in ascending order (a connectivity file gave "
                           "them unsorted)")
    proj.net.runtime.schedule_rule(proj.id, kind, steps, proj.net.get_current_step())


def stop_rule(proj, kind: str):
    sim = proj.net.runtime
    if sim is not None and getattr(proj.synapse_ir, kind, None) is not None \
            and proj.net.options.structural_plasticity:
        sim.schedule_rule(proj.id, kind, None)
