"""``compile()``'s first step: the model objects → a frozen :class:`NetworkIR`.

This is where a network is checked as a whole (every projection transmits a rate to a
weighted sum of its postsynaptic population, read by the neuron or only by Python) and where each projection's storage kernel is
chosen for the backend. After this, code generation reads only the IR.
"""
from __future__ import annotations

import numpy as np

from .. import storage
from ..errors import NetworkError
from ..ir import LOCAL
from ..ir.network import (DELAY_NONE, DELAY_SYNAPSE, DELAY_UNIFORM, MonitorIR,
                          NetworkIR, PopulationIR, ProjectionIR, StopIR)
from ..parser.spiking_synapse import G_TARGET


def _check_refractory(pop):
    """A refractory period is 0 (none) or at least one step, never negative."""
    values = np.asarray(pop.get(pop.ir.spike.refractory), dtype=float)
    dt = pop.net.dt
    bad = values[(values < 0) | ((values > 0) & (values < dt * (1 - 1e-9)))
                 | ~np.isfinite(values)]
    if bad.size:
        raise NetworkError(f"population '{pop.name}': refractory period {float(bad.flat[0]):g} ms "
                           f"(attribute '{pop.ir.spike.refractory}'): it must be 0 or at least "
                           f"one step (dt = {dt} ms), and finite")


def _population(pop, backend) -> PopulationIR:
    if pop.ir.is_spiking:
        if not backend.provides("spike_events"):
            raise NetworkError(f"population '{pop.name}' is spiking; the '{backend.name}' "
                               "backend does not run spiking neurons yet (use "
                               "paradigm='openmp')")
        if pop.ir.spike.axon_condition is not None and not backend.axonal_spikes:
            raise NetworkError(f"population '{pop.name}': axon_spike is not run by the "
                               f"'{backend.name}' backend yet (use paradigm='openmp')")
        _check_refractory(pop)
    stop = StopIR(*pop.stop) if pop.stop is not None else None
    return PopulationIR(id=pop.id, geometry=tuple(pop.geometry), neuron=pop.ir, stop=stop,
                        timed=pop.replays_rates, targets=tuple(pop.targets),
                        spike_source=pop.spike_source)


def _projection(proj, backend) -> ProjectionIR:
    if proj.synapse_error is not None:   # found when the projection was created
        raise proj.synapse_error
    proj.require_connected()
    if "r" not in proj.pre.ir.names:
        raise NetworkError(f"projection '{proj.name}': the pre-synaptic population "
                           f"'{proj.pre.name}' has no variable 'r' to transmit")
    targets = proj.post.targets   # a target the neuron never reads is still summed
    syn = proj.synapse_ir
    if syn is not None and syn.attribute("w").locality != LOCAL:
        raise NetworkError(f"projection '{proj.name}': the weight w must have one value "
                           "per synapse (no 'projection'/'postsynaptic' flag)")
    if not proj.uniform_delay:
        delay = DELAY_SYNAPSE
    else:
        delay = DELAY_UNIFORM if proj.delay_steps() > 1 else DELAY_NONE
    kernel = storage.select(proj, backend)
    if proj.decodes and not backend.decodes_spikes:
        raise NetworkError(f"projection '{proj.name}': a DecodingProjection is not run by "
                           f"the '{backend.name}' backend yet (use paradigm='openmp')")
    return ProjectionIR(id=proj.id, pre=proj.pre.id, post=proj.post.id,
                        target=targets.index(proj.target_names[0]), delay=delay, synapse=syn,
                        storage=kernel, rules=_rules(proj, kernel, backend),
                        decoding=proj.decodes,
                        more_targets=tuple(targets.index(t) for t in proj.target_names[1:]))


def _rules(proj, kernel: str, backend) -> tuple:
    """The synapse's pruning and creating rules, compiled into the step when the network
    has ``structural_plasticity`` (compile() turns it on for them, as ANNarchy 5)."""
    syn = proj.synapse_ir
    rules = tuple(r for r in ((syn.pruning, syn.creating) if syn is not None else ())
                  if r is not None)
    if not rules or not proj.net.options.structural_plasticity:
        return ()
    where = f"projection '{proj.name}'"
    if proj.pre.ir.is_spiking:
        raise NetworkError(f"{where}: creating/pruning rules on spiking projections are "
                           "not built yet")
    if not backend.structural_rules:
        raise NetworkError(f"{where}: creating/pruning rules run in the generated code of "
                           f"the 'openmp' backend only; the '{backend.name}' backend does "
                           "not run them (as in ANNarchy): use paradigm='openmp'")
    if kernel != "csr":
        raise NetworkError(f"{where}: creating/pruning rules need synapses stored one by "
                           f"one (CSR); this projection uses '{kernel}'")
    return rules


def _monitor(monitor) -> MonitorIR:
    obj = monitor.obj
    if hasattr(obj, "proj"):
        return MonitorIR("dendrite", obj.proj.id, tuple(monitor.variables))
    return MonitorIR("population", obj.id, tuple(monitor.variables))


def _check_batch(net, backend):
    """What a batched network (B > 1 copies sharing parameters and weights) cannot do
    is refused here, by name, rather than run wrongly."""
    if not backend.batches:
        raise NetworkError(f"batch={net.batch}: the '{backend.name}' backend does not run "
                           "batched networks yet (use paradigm='openmp', or batch=1)")
    for pop in net.populations:
        if pop.stop is not None:
            raise NetworkError(f"batch={net.batch}: population '{pop.name}' has a "
                               "stop_condition; simulate_until cannot stop some copies "
                               "and not others (use batch=1)")
    for proj in net.projections:
        _check_batched_spikes(net, proj)
        syn = proj.synapse_ir
        if net.options.structural_plasticity and syn is not None \
                and (syn.creating or syn.pruning):
            raise NetworkError(f"batch={net.batch}: projection '{proj.name}' has creating/"
                               "pruning rules; its synapses are shared by every copy, so "
                               "each copy cannot grow its own (use batch=1)")
        if proj.synapse_ir is not None and proj.synapse_ir.equations:
            raise NetworkError(f"batch={net.batch}: projection '{proj.name}' has synapse "
                               "equations (a learning rule); its weights are shared by "
                               "every copy, so each copy cannot learn its own (use batch=1)")


def _check_batched_spikes(net, proj):
    """A spiking projection of a batched network transmits each copy's spikes to that
    copy's conductances; a synapse model that writes its own variables (STDP's traces,
    STP's x and u, w) would write state shared by every copy: refused."""
    syn = proj.synapse_ir
    if syn is None or not proj.pre.ir.is_spiking:
        return
    writes = sorted({eq.target for eq in syn.pre_spike if eq.target != G_TARGET}
                    | {eq.target for eq in syn.post_spike}
                    | {decay[0] for decay in syn.event_driven})
    if writes:
        raise NetworkError(f"batch={net.batch}: projection '{proj.name}': its synapse "
                           f"writes {', '.join(repr(w) for w in writes)} at spikes "
                           "(pre_spike/post_spike); synapse variables are shared by every "
                           "copy, so each copy cannot keep its own (only g_target += ... "
                           "transmits in a batched network; use batch=1)")


def freeze(net, backend) -> NetworkIR:
    """The IR of ``net`` for ``backend`` (storage kernels chosen; nothing mutated)."""
    if not net.populations:
        raise NetworkError("the network has no population to compile")
    if net.batch > 1:
        _check_batch(net, backend)
    return NetworkIR(populations=tuple(_population(p, backend) for p in net.populations),
                     projections=tuple(_projection(p, backend) for p in net.projections),
                     monitors=tuple(_monitor(m) for m in net.monitors),
                     constants=tuple(sorted(net.constants)),
                     precision=net.options.precision, batched=net.batch > 1)
