"""A projection's synaptic delays: what a connector accepts, how ``proj.delay`` reads and
writes them, and the form the compiled code fixes.

Delays are kept in ms, one number for all synapses or one per synapse (CSR order); the
generated code reads them as ``round(d / dt)`` steps of a ring buffer of the presynaptic
population. These are functions of the projection, bound as its methods by
:mod:`neurogen.core.projection`.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..errors import InvalidValueError, NetworkError
from ..validation import check_memory, number


def finite_delays(proj, delays):
    """Delays become ring buffers of ``max(delay) / dt`` steps of the presynaptic
    population: NaN, infinity or a ring that cannot fit in memory are refused."""
    try:
        array = np.asarray(delays, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidValueError(f"projection '{proj.name}': delays must be numbers of "
                                f"ms, got {delays!r}"[:200]) from None
    if not np.all(np.isfinite(array)):
        raise InvalidValueError(f"projection '{proj.name}': delays must be finite "
                                "numbers of ms")
    depth = float(np.max(array, initial=0.0)) / proj.net.dt
    check_memory(f"projection '{proj.name}': delays of up to {depth:.3g} steps",
                 depth * proj.pre.size * 8.0, "use shorter delays")
    return array if array.ndim else float(array)


def given_delays(proj, delays):
    """A connector's ``delays=`` checked before anything is built: a number of ms, an
    array, or a random distribution (drawn once the synapses exist: :func:`drawn_delays`)."""
    if hasattr(delays, "get_values"):
        return delays
    if np.ndim(delays):
        return finite_delays(proj, delays)
    return finite_delays(proj, number(f"projection '{proj.name}'", "delays (ms)", delays,
                                      non_negative=True))


def drawn_delays(proj, delays, conn):
    """The checked ``delays`` for the built connectivity ``conn``: a distribution drawn
    (at least ``dt``), an array reordered with the synapses and checked for size."""
    if hasattr(delays, "get_values"):
        drawn = delays.get_values(conn.nb_synapses, proj.generator())
        return finite_delays(proj, np.maximum(drawn, proj.net.dt))
    if not np.ndim(delays):
        return delays
    delays = delays.reshape(-1)
    if getattr(conn, "order", None) is not None and delays.size == conn.order.size:
        delays = delays[conn.order]       # follow the synapses into the populations
    if delays.size != conn.nb_synapses or np.any(delays < 0):
        raise NetworkError(f"projection '{proj.name}': expected {conn.nb_synapses} "
                           "non-negative delays (one per synapse)")
    return delays


def uniform_delay(proj) -> bool:
    """Whether one delay applies to every synapse."""
    return np.ndim(proj.delays) == 0


def delay_steps(proj) -> np.ndarray | int:
    """Delays in steps, ``round(d / dt)`` as ANNarchy; 0 or 1 step means no delay."""
    steps = np.rint(np.asarray(proj.delays) / proj.net.dt).astype(np.int64)
    return int(steps) if proj.uniform_delay else steps


def get_delay(proj):
    """The delay in ms: a number when uniform (``dt`` without delay, as ANNarchy),
    else one list per dendrite."""
    if proj.uniform_delay:
        return max(float(proj.delays), proj.net.dt)
    ptr = proj.connectivity.row_ptr
    return [proj.delays[ptr[i]:ptr[i + 1]].tolist() for i in proj.post_ranks]


def set_delay(proj, value):
    """A number (every synapse), or one list per dendrite (``post_ranks`` order).
    After compile the kind of delay is fixed: a projection compiled without delay
    stays without, one compiled with a single delay keeps a single one."""
    proj.require_connected()
    if hasattr(value, "get_values"):    # drawn anew at each setting
        value = value.get_values(proj.nb_synapses,
                                 proj.net.generator_for(("delays", proj.id), fresh=True))
    if isinstance(value, numbers.Real) or (isinstance(value, np.ndarray) and value.ndim == 0):
        new = float(value)
    elif not isinstance(value, (list, tuple, np.ndarray)):
        raise NetworkError(f"projection '{proj.name}': delays are one number or one list "
                           f"per dendrite, got {type(value).__name__}")
    else:
        new = _per_synapse(proj, value)
        if np.all(new == new[0]) and proj.uniform_delay:
            new = float(new[0])
    if np.any(np.asarray(new) < 0):
        raise NetworkError(f"projection '{proj.name}': negative delay")
    sim = proj.net.runtime
    if sim is not None:
        new = _compiled_kind(proj, new)
    proj.delays = new
    if sim is not None:
        sim.update_delays(proj)


def _per_synapse(proj, value) -> np.ndarray:
    """One list per dendrite → one value per synapse, in CSR order."""
    ptr = proj.connectivity.row_ptr
    rows = [np.asarray(v, dtype=float).reshape(-1) for v in value]
    sizes = [int(ptr[i + 1] - ptr[i]) for i in proj.post_ranks]
    if len(rows) != len(sizes) or any(r.size not in (1, n) for r, n in zip(rows, sizes)):
        raise NetworkError(f"projection '{proj.name}': delays are one number or one list "
                           f"per dendrite ({len(sizes)} dendrites, sizes {sizes})")
    flat = np.zeros(proj.nb_synapses)
    for i, r in zip(proj.post_ranks, rows):
        flat[ptr[i]:ptr[i + 1]] = r
    return flat


def _compiled_kind(proj, new):
    """The new delays in the form the compiled code reads (see :func:`set_delay`)."""
    dt = proj.net.dt
    if proj.uniform_delay and proj.delay_steps() <= 1:
        if np.any(np.rint(np.asarray(new) / dt) > 1):
            raise NetworkError(f"projection '{proj.name}' was compiled without delay; "
                               "give delays= to its connector before compile() to change "
                               "them later")
        return 0.0
    if proj.uniform_delay:
        if np.ndim(new):
            raise NetworkError(f"projection '{proj.name}' was compiled with one delay for "
                               "all synapses; give per-synapse delays before compile()")
        if np.rint(new / dt) <= 1:
            raise NetworkError(f"projection '{proj.name}': a delay of at least 2 steps "
                               "keeps its compiled form; 0 is not available after compile()")
        return new
    return np.full(proj.nb_synapses, new) if np.ndim(new) == 0 else new
