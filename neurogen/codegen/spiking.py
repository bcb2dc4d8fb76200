"""Lowering of the spiking parts of a network (ANNarchy's semantics, same step order):

1. at the start of a step, each spiking projection propagates the spikes emitted
   ``delay`` steps before (at least one: a spike reaches its targets at the next step),
   running ``pre_spike`` (by default ``g_target += w``) per synapse, spike by spike in
   increasing rank (:mod:`neurogen.storage.spikes`);
2. the neuron equations run, masked during the refractory period except for the
   conductances ``g_*``; then, per neuron, the spike condition (not while refractory),
   the reset, the time of the spike and the refractory countdown, as selects in the
   same loop; the spikes are gathered, in increasing rank, into the population's ring
   of the last ``depth`` steps (the longest delay of its projections);
3. after the synapse equations, ``post_spike`` runs over the synapses of every neuron
   that spiked at this step.

Event-driven variables are brought to the event's time in closed form before the
statements of an event (``x *= exp(a * (t - t_last_event))``), then the synapse's last
event time becomes ``t``.
"""
from __future__ import annotations

import sympy as sp

from ..integrators import blocks
from ..ir import GLOBAL, LAST_SPIKE, REFRACTORY_LEFT, SPIKE_COUNT, SPIKED
from ..parser.spiking_synapse import G_TARGET, LAST_EVENT
from . import slots as S
from .printer import Access


def mask_refractory(stages: list, exempt: set):
    """Neurons in their refractory period keep their values, except the buffers in
    ``exempt`` (the ``g_*`` variables, as ANNarchy): each store of a per-neuron loop
    becomes a select on ``_refr`` (vectorises)."""
    for stage in stages:
        if stage["kind"] != "loop":
            continue
        for st in stage["statements"]:
            if st["kind"] == "store" and st["target"].split("[")[0] not in exempt:
                st["expr"] = f"(_refr ? {st['target']} : ({st['expr']}))"


def _guarded(emit, equations, ltable: dict, flag: str) -> list:
    """Reset statements as selects on ``flag`` (``_sp``, ``_ax``): every neuron runs
    them in the vectorised loop, and only those with the flag keep the new values."""
    out = []
    for block in blocks(list(equations)):
        for st in emit.statements(block, ltable):
            if st["kind"] == "store":
                st["expr"] = f"({flag} ? ({st['expr']}) : {st['target']})"
            out.append(st)
    return out


def spike_stage(low, table: S.SlotTable, ltable: dict) -> dict:
    """The spike emission of population ``low`` (a ``_PopulationLowering``): what the
    last per-neuron loop does after the equations, and the ring the spikes go to."""
    ir, k, emit = low.ir, low.k, low.emit
    spike = ir.spike
    reset = _guarded(emit, spike.reset, ltable, "_sp")
    refractory = ir.attribute(spike.refractory)
    condition = emit.expr(spike.condition, ltable)
    if low.pop.spike_source:       # SpikeSourceArray: the next of its stored spike steps
        names = []
        for kind, note in ((S.SourceTimes, "spike steps"), (S.SourcePtr, "their offsets"),
                           (S.SourceCursor, "next spike")):
            names.append(f"src{k}_{kind.__name__[6:].lower()}")
            low.pointers.append((names[-1], "int64_t", table.ptr(kind(k)), note))
        start = table.int(S.SourceStart(k))
        condition = f"ng_source_spike({', '.join(names)}, i, step - I[{start}])"
    ring = f"spk{k}"
    low.pointers.append((ring, "int32_t", table.ptr(S.SpikeRing(k)), "spikes of the last steps"))
    low.pointers.append((f"{ring}_count", "int64_t", table.ptr(S.SpikeCounts(k)),
                         "spikes per step"))
    window = {"steps": table.int(S.RateWindow(k, "steps")),
              "start": table.int(S.RateWindow(k, "start")),
              "count": low.buffers[SPIKE_COUNT], "r": low.buffers["r"]}
    return {"condition": condition, "reset": reset, "window": window,
            "axon": _axon_stage(low, table, ltable),
            "refractory": str(Access(low.buffers[spike.refractory],
                                     "0" if refractory.locality == GLOBAL else "i")),
            "left": low.buffers[REFRACTORY_LEFT], "last": low.buffers[LAST_SPIKE],
            "spiked": low.buffers[SPIKED], "ring": ring, "counts": f"{ring}_count",
            "depth": f"{ring}_depth", "depth_slot": table.int(S.SpikeDepth(k))}


def _axon_stage(low, table: S.SlotTable, ltable: dict) -> dict | None:
    """ANNarchy's axonal spikes (as ANNarchy 5.0.4.1 runs them): a neuron not refractory
    at the start of the step whose values after the reset satisfy ``axon_spike`` and not
    ``spike`` emits one, and its ``axon_reset`` runs; spike_gather lists them in
    increasing rank (the countdown is lowered by 2 to mark them: -2, or -3 with a spike)."""
    spike, emit = low.ir.spike, low.emit
    if spike.axon_condition is None:
        return None
    reset = _guarded(emit, spike.axon_reset, ltable, "_ax")
    name = f"axn{low.k}"
    low.pointers.append((name, "int32_t", table.ptr(S.AxonSpikes(low.k)),
                         "axonal spikes of the last step: count, ranks"))
    return {"condition": emit.expr(spike.axon_condition, ltable),
            "spike": emit.expr(spike.condition, ltable), "reset": reset, "list": name}


def _emitted(emit, statements, table: dict, more) -> list:
    """The code of ``statements``, those onto ``g_target`` once more for each further
    target in ``more`` (ANNarchy's list of targets: each receives the same)."""
    out = []
    for block in blocks(list(statements)):
        out += emit.statements(block, table)
        onto_target = [st for st in block if st.target == G_TARGET]
        for other in more if onto_target else ():
            out += emit.statements(onto_target, {**table, sp.Symbol(G_TARGET): other})
    return out


def _event_records(syn, statements, table: dict, presynaptic: bool, more=()) -> list:
    """Records of one event's code: event-driven decays, the statements, the time.

    As ANNarchy 5.0.4 does (measured): a presynaptic event decays the variables to the
    step before the one processing it (``t - dt``: the emission step without delay),
    a postsynaptic one to ``t``; both then record ``t`` as the synapse's last event."""
    ir, emit = syn.ir, syn.emit
    out = []
    if ir.event_driven:
        last = sp.Symbol(LAST_EVENT)
        now = sp.Symbol("t") - sp.Symbol("dt") if presynaptic else sp.Symbol("t")
        elapsed = now - last
        for name, rate, rest in ir.event_driven:
            x = sp.Symbol(name)
            rest_over_rate = rest / rate
            value = x * sp.exp(rate * elapsed) if rest == 0 else \
                -rest_over_rate + (x + rest_over_rate) * sp.exp(rate * elapsed)
            out.append({"kind": "store", "target": str(table[x]),
                        "expr": emit.expr(value, table), "bounds": []})
    out += _emitted(emit, statements, table, more)
    if ir.event_driven:
        out.append({"kind": "store", "target": str(table[sp.Symbol(LAST_EVENT)]),
                    "expr": "t", "bounds": []})
    return out


def projection(entry: dict, proj, syn, pre, post, table: S.SlotTable):
    """Fills the template entry of a spiking projection: its events and their code."""
    conductance = entry["sum"]
    ctable = syn.table(Access(pre.buffers["r"], "j"))
    ctable[sp.Symbol(G_TARGET)] = Access(conductance, "i")
    ir = syn.ir
    default = ir.transmits_weight
    more = [Access(g, "i") for g in entry["more_sums"]]
    pre_spike = [] if default else _event_records(syn, ir.pre_spike, ctable, True, more)
    post_spike = _event_records(syn, ir.post_spike, ctable, False) if ir.post_spike else []
    weight = str(ctable[sp.Symbol("w")])
    if any(st.get("target") == weight for st in pre_spike + post_spike):
        # disable_learning(): spikes still transmit, the weights stay (as ANNarchy)
        enabled = table.int(S.LearningEnabled(proj.id))
        for st in pre_spike + post_spike:
            if st.get("target") == weight:
                st["expr"] = f"(I[{enabled}] ? ({st['expr']}) : {weight})"
    decoding = None
    if proj.decoding:       # spikes counted into a rate: a ring of the last steps' counts
        decoding = {"history": f"dec{proj.id}", "window": f"dec{proj.id}_window"}
        syn.pointers.append((decoding["history"], "real", table.ptr(S.DecodeHistory(proj.id)),
                             "decoded spikes of the last steps"))
        entry.setdefault("extra_sizes", []).append(
            (decoding["window"], table.int(S.DecodeWindow(proj.id))))
    axon = None
    if ir.pre_axon_spike and pre.ir.spike.axon_condition is not None and not decoding:
        axon = {"list": f"axn{proj.pre}", "default": _adds_weight(ir.pre_axon_spike),
                "statements": _emitted(syn.emit, ir.pre_axon_spike, ctable, more)}
    entry["spiking"] = {
        "g": conductance, "more_g": entry["more_sums"],
        "default": default, "fixed": ir.fixed_weights,
        "decoding": decoding, "axon": axon,
        "pre_ring": f"spk{proj.pre}", "pre_depth": f"spk{proj.pre}_depth",
        "post_ring": f"spk{proj.post}", "post_depth": f"spk{proj.post}_depth",
        "pre_spike": pre_spike, "post_spike": post_spike,
    }


def _adds_weight(statements) -> bool:
    """``g_target += w`` alone (the events' fast path, as the default pre_spike)."""
    return len(statements) == 1 and \
        statements[0].rhs == sp.Symbol(G_TARGET) + sp.Symbol("w")


def fuse(populations: list, projections: list, network, backend: str):
    """Marks the spiking populations whose step runs as one parallel region on several
    threads: each thread adds the spikes into its own range of postsynaptic neurons,
    updates those neurons and finds their spikes, with no wait between (on one thread
    the propagation of a spike alone took two thirds of COBA 40 000's step). It needs
    every projection into the population to write only its conductances (the default
    ``g_target += w``) and the population's loops to be per neuron; a conductance
    receives its increments in the same order as on one thread, so the bits are the
    same. Sets ``pop["fused"]`` (its projections) and ``proj["fused_into"]``."""
    for pop in populations:
        pop["fused"] = None
    for entry in projections:
        entry["fused_into"] = None
    if backend != "openmp" or network.batched:
        return
    for pop in populations:
        spike = pop["spike"]
        if spike is None or spike["axon"] or pop["timed"] or pop["pre_global"] or \
                any(stage["kind"] != "loop" for stage in pop["stages"]):
            continue
        incoming = [entry for entry, proj in zip(projections, network.projections)
                    if proj.post == pop["id"]]
        if all(_fusable(entry) for entry in incoming):
            pop["fused"] = incoming
            for entry in incoming:
                entry["fused_into"] = pop["id"]


def _fusable(entry: dict) -> bool:
    sp = entry["spiking"]
    return sp is not None and not sp["decoding"] and not sp["axon"] and \
        (sp["fixed"] or sp["default"]) and not entry["rules"]
