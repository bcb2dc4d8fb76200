"""Monitors record population attributes into preallocated NumPy buffers (of the
network's runtime state, keys ``Record(monitor, name)``: a monitor is a view on them).

Recording is done by the generated code from a runtime table (source address, buffer
address, period, offset, count, capacity), so monitors can be created before or after
``compile()`` without recompiling, and no Python runs per step. ``simulate()`` grows the
buffers once, before running, to hold what the run will record.
"""
from __future__ import annotations

import numpy as np

from ..errors import NetworkError
from ..ir import GLOBAL
from ..runtime.state import Record
from ..validation import SealedAttributes, number, reject_unknown
from .population import Population
from .projection import Dendrite, Projection
from .spike_monitor import AXON_SPIKE, SPIKE, SpikeStatistics, spike_dicts, spike_recording
from .view import PopulationView


class Recording:
    """One recorded quantity: where it lives (``source()``, a contiguous array), its
    buffer (in the runtime state; grown by the runtime), and its row in the runtime
    table."""

    def __init__(self, monitor: "Monitor", name: str, source, width: int, dtype,
                 locality: str = "local", copies: int = 1):
        self.monitor, self.name, self.source = monitor, name, source
        self.locality, self.copies = locality, copies    # copies: of a batched network
        # 1: recorded right after the spikes arrived (a spiking neuron's conductance, as
        # ANNarchy records it), 0: at the end of the step
        self.phase = int(name.startswith("g_") and getattr(monitor.obj, "ir", None) is not None
                         and monitor.obj.ir.is_spiking
                         and name[2:] in monitor.obj.ir.spike.conductances)
        self.source_id = 0
        width *= copies
        self.width = width
        monitor.net.state.allocate(Record(monitor.id, name), (0, width), dtype)
        self.count = 0

    @property
    def buffer(self) -> np.ndarray:
        """The records, (capacity, width); the first ``count`` rows hold data."""
        return self.monitor.net.state[Record(self.monitor.id, self.name)]

    def data(self) -> np.ndarray:
        return self.buffer[:self.count]


def _target_of(name: str):
    name = name.replace(" ", "")
    return name[4:-1] if name.startswith("sum(") and name.endswith(")") else None


class Monitor(SpikeStatistics, SealedAttributes):
    """``Monitor(obj, ['r'], period=1.0, start=True)``; ``get('r')`` → ``(steps, *geometry)``,
    ``(steps, B, *geometry)`` in a network of batch B > 1 (``reshape=False``: flat);
    ``get('spike')`` there is a list of B dicts ``{rank: [steps]}``.

    ``obj`` is a population, a view (its neurons are kept on ``get``) or a dendrite
    (``proj.dendrite(i)``: its ``w`` and per-synapse variables). Populations also record
    weighted sums: ``Monitor(pop, 'sum(exc)')``.
    """

    def __init__(self, obj, variables, period: float | None = None, start: bool = True,
                 net=None, **unknown):
        reject_unknown("Monitor()", unknown, ("obj", "variables", "period", "start", "net"))
        self.ranks = None
        if isinstance(obj, PopulationView):     # records the population, keeps the view's part
            self.ranks, obj = obj.ranks, obj.population
        if not isinstance(obj, (Population, Dendrite, Projection)):
            raise NetworkError(f"Monitor: can record populations, views, projections and "
                               f"dendrites, got {type(obj).__name__}")
        self.net = net if net is not None else obj.proj.net if isinstance(obj, Dendrite) \
            else obj.net
        self.obj = obj
        self.id = len(self.net.monitors)      # its records' key in the runtime state
        self.variables = [variables] if isinstance(variables, str) else list(variables)
        self._set_period(self.net.dt if period is None else period)
        self.recordings = {name: self._recording(name) for name in self.variables}
        self.active = False
        self.offset = 0
        self._periods: list = []          # [start_step, stop_step or None]
        self.spikes_since = None          # the first step of the spikes held
        self.spikes_window = None         # (first, last) steps of the spikes last got
        self.net.register(self)
        if start:
            self.start()

    def _projection_recording(self, name: str) -> Recording:
        """A whole projection: ``w`` or a synapse variable, every synapse (CSR order)."""
        proj, net = self.obj, self.net
        proj.require_connected()
        if name == "w":
            if proj.dense_layout():                             # the matrix, masked on get
                return Recording(self, name, lambda: proj.weight_buffer().reshape(-1),
                                 proj.post.size * proj.pre.size, net.real_dtype)
            return Recording(self, name, lambda: proj.weight_buffer(), proj.nb_synapses,
                             net.real_dtype)
        attr = proj.synapse_ir.attribute(name) if proj.synapse_ir is not None and \
            name in proj.synapse_ir.names and name != "w" else None
        if attr is None and proj.synapse_error is not None:   # what it lacks is its synapse
            raise proj.synapse_error
        if attr is None:
            raise NetworkError(f"Monitor: projection '{proj.name}' has no attribute '{name}'"
                               f" (attributes: {', '.join(proj.attributes)})")
        width = {"global": 1, "postsynaptic": proj.post.size}.get(attr.locality,
                                                                  proj.nb_synapses)
        return Recording(self, name, lambda: proj.synapse_buffer(name), width,
                         net.real_dtype, attr.locality)

    def _projection_data(self, rec: Recording, data: np.ndarray):
        """(steps, dendrites, synapses) when every dendrite has as many synapses, else one
        list of per-dendrite arrays per step (as ANNarchy)."""
        proj = self.obj
        if rec.locality == "global":
            return data[:, 0]
        if rec.locality == "postsynaptic":
            return data[:, proj.post_ranks]
        conn = proj.connectivity
        if rec.name == "w" and data.shape[1] != proj.nb_synapses:
            data = data[:, conn.mask.reshape(-1)]
        ptr = conn.row_ptr
        sizes = {int(ptr[i + 1] - ptr[i]) for i in proj.post_ranks}
        if len(sizes) == 1:
            rows = [data[:, ptr[i]:ptr[i + 1]] for i in proj.post_ranks]
            return np.stack(rows, axis=1)
        return [[step[ptr[i]:ptr[i + 1]] for i in proj.post_ranks] for step in data]

    def _recording(self, name: str) -> Recording:
        obj, net = self.obj, self.net
        if isinstance(obj, Projection):
            return self._projection_recording(name)
        if isinstance(obj, Dendrite):
            proj = obj.proj
            if name == "w" and proj.dense_layout():   # the row, then its synapses
                self.ranks = np.asarray(obj.pre_ranks)
                return Recording(self, name, lambda: proj.weight_buffer()[obj.post_rank],
                                 proj.pre.size, net.real_dtype)
            if name == "w":
                return Recording(self, name, lambda: proj.weight_buffer()[obj.csr_slice],
                                 obj.size, net.real_dtype)
            attr = proj.synapse_ir.attribute(name) if proj.synapse_ir is not None and \
                name in proj.synapse_ir.names and name != "w" else None
            if attr is None or attr.locality != "local":
                raise NetworkError(f"Monitor: a dendrite of '{proj.name}' records 'w' and "
                                   f"per-synapse variables, not '{name}'")
            return Recording(self, name, lambda: proj.synapse_buffer(name)[obj.csr_slice],
                             obj.size, net.real_dtype)
        target = _target_of(name)
        if target is not None:
            if target not in obj.targets:
                raise NetworkError(f"Monitor: the neuron of '{obj.name}' has no {name}")
            return Recording(self, name, lambda: net.runtime.sum_buffer(obj.id, target),
                             obj.size, net.real_dtype, copies=net.batch)
        if name in (SPIKE, AXON_SPIKE):
            return spike_recording(self, obj, Recording, name)
        if name not in obj.attributes:
            raise NetworkError(f"Monitor: population '{obj.name}' has no attribute "
                               f"'{name}' (attributes: {', '.join(obj.attributes)})")
        attribute = obj.ir.attribute(name)
        return Recording(self, name, lambda: obj.buffer(name), obj.values_per_copy(attribute),
                         obj.buffer(name).dtype, attribute.locality, obj.copies(attribute))

    # -- control ---------------------------------------------------------------------------
    def start(self, variables=None, period: float | None = None):
        if period is not None:
            self._set_period(period)
        self.offset = self.net.get_current_step()
        self._set_active(True)

    def _set_period(self, period):
        self.period = number("Monitor", "period (ms)", period, positive=True)
        self.period_steps = max(1, int(round(self.period / self.net.dt)))
        if self.period_steps >= 2 ** 53:
            raise NetworkError(f"Monitor: period {period} ms is too long")

    def resume(self):
        self._set_active(True)

    def pause(self):
        self._set_active(False)

    def _set_active(self, active: bool):
        step = self.net.get_current_step()
        if active and not self.active:
            self._periods.append([step, None])
            if self.spikes_since is None:
                self.spikes_since = step
        elif not active and self.active and self._periods:
            self._periods[-1][1] = step
        self.active = active
        if self.net.runtime is not None:
            self.net.runtime.monitor_changed(self)

    def times(self, variables=None) -> dict:
        """Start and stop steps of the recording periods, per variable: ANNarchy 5.0.4.1
        returns steps (its docstring says ms; measured by running it)."""
        now = self.net.get_current_step()
        starts = [a for a, _ in self._periods]
        stops = [now if b is None else b for _, b in self._periods]
        names = self.variables if variables is None else (
            [variables] if isinstance(variables, str) else variables)
        return {name: {"start": list(starts), "stop": list(stops)} for name in names}

    def stop(self):
        self.pause()

    # -- data ------------------------------------------------------------------------------
    def get(self, variables=None, keep: bool = False, reshape: bool = True,
            force_dict: bool = False):
        """Recorded values, shaped ``(steps, *geometry)`` as ANNarchy 5 returns them
        (``reshape=False``: ``(steps, size)``, ANNarchy 4's default; views and
        population-wide variables are never reshaped).

        A single name gives an array, a list gives a dict. ``keep=False`` empties the
        buffers, as in ANNarchy.
        """
        runtime = self.net.runtime
        if runtime is not None:
            runtime.sync_monitors()
        names = self.variables if variables is None else variables
        single = isinstance(names, str)
        result = {}
        for name in [names] if single else names:
            if name not in self.recordings:
                raise NetworkError(f"Monitor on '{self.obj.name}' does not record '{name}' "
                                   f"(it records {', '.join(self.variables)})")
            rec = self.recordings[name]
            data = rec.data().copy()
            if name == SPIKE:
                ranks = self.ranks if self.ranks is not None else range(self.obj.size)
                data = spike_dicts(data, ranks, rec.copies)
            elif isinstance(self.obj, Projection):
                data = self._projection_data(rec, data)
            elif rec.copies > 1:         # a batched network: (steps, B, ...)
                data = self._copies_data(rec, data, reshape)
            elif rec.locality == GLOBAL:
                data = data[:, 0]
            elif self.ranks is not None:
                data = data[:, self.ranks]
            elif reshape and hasattr(self.obj, "geometry"):
                data = data.reshape((len(data),) + self.obj.geometry)
            result[name] = data
            if name == SPIKE:             # the steps these spikes cover (statistics)
                self.spikes_window = (self.spikes_since, self.net.get_current_step())
            if not keep:
                rec.count = 0
                if runtime is not None:
                    runtime.clear_recording(rec)
                if name == SPIKE:         # the next spikes are counted from now
                    self.spikes_since = self.net.get_current_step()
        return result[names] if single and not force_dict else result

    def _copies_data(self, rec: Recording, data: np.ndarray, reshape: bool) -> np.ndarray:
        data = data.reshape(len(data), rec.copies, -1)
        if rec.locality == GLOBAL:
            return data[:, :, 0]
        if self.ranks is not None:
            return data[:, :, self.ranks]
        if reshape and hasattr(self.obj, "geometry"):
            return data.reshape((len(data), rec.copies) + self.obj.geometry)
        return data

    def __repr__(self):
        return f"Monitor({self.obj.name!r}, {self.variables!r}, period={self.period})"
