"""The runtime: tables of addresses, integers and reals shared with the generated code.

Every buffer is a NumPy array of the network's runtime state (:mod:`.state`, keyed by
the plan's slots: population attributes, weights, kernel tables, sums, reductions,
delay rings, monitor records); the generated ``ng_run`` receives three tables of
addresses and values and reads/writes the buffers in place,
with the GIL released for the whole ``simulate()`` loop. Which value goes where is
given by the plan's typed slots (:mod:`neurogen.codegen.slots`); model objects are read
through their public accessors only.
"""
from __future__ import annotations

import ctypes
import os
import time

import numpy as np

from ..codegen import slots as S
from ..errors import NetworkError, NeurogenError
from . import watch
from .state import Record
from .structural import Rules

_GROW = 2


def address(array: np.ndarray) -> int:
    if not array.flags.c_contiguous:
        raise ValueError("internal error: runtime buffers must be contiguous")
    return array.__array_interface__["data"][0]


class MonitorTable:
    """Rows of (source address, buffer address) and (nbytes, period, offset, count,
    capacity, active), one per recorded attribute; both tables, and the records, are
    buffers of the runtime state."""

    def __init__(self, state):
        self.state = state
        self.recordings = []
        state.allocate(S.MonitorAddresses(), 2 * 8, np.uint64)
        state.allocate(S.MonitorFields(), len(S.MONITOR_FIELDS) * 8, np.int64)

    @property
    def addresses(self) -> np.ndarray:
        return self.state[S.MonitorAddresses()]

    @property
    def fields(self) -> np.ndarray:
        return self.state[S.MonitorFields()]

    def row(self, m: int) -> np.ndarray:
        n = len(S.MONITOR_FIELDS)
        return self.fields[n * m:n * (m + 1)]

    def add(self, recording) -> bool:
        """Returns True when the tables were reallocated (their addresses changed)."""
        self.recordings.append(recording)
        grown = 2 * len(self.recordings) > self.addresses.size
        if grown:
            for key, table in ((S.MonitorAddresses(), self.addresses),
                               (S.MonitorFields(), self.fields)):
                self.state.adopt(key, np.concatenate([table, np.zeros_like(table)]))
        self.write(len(self.recordings) - 1)
        return grown

    def write(self, m: int, count: int | None = None):
        """Rewrite row ``m`` from its recording; the count of records stays the table's
        (the generated code advances it) unless ``count`` is given."""
        rec = self.recordings[m]
        mon = rec.monitor
        if count is None:
            count = int(self.row(m)[3]) if getattr(rec, "attached", False) else rec.count
        rec.attached, rec.count = True, count
        self.addresses[2 * m] = address(rec.source())
        self.addresses[2 * m + 1] = address(rec.buffer)
        nbytes = rec.width if rec.phase == S.PHASE_SPIKES else rec.buffer.itemsize * rec.width
        self.row(m)[:] = (nbytes, mon.period_steps, mon.offset, count, rec.buffer.shape[0],
                          int(mon.active), rec.phase, rec.source_id)

    def clear(self, recording):
        """Forget what ``recording`` holds (Monitor.get(keep=False), reset)."""
        recording.count = 0
        for m, rec in enumerate(self.recordings):
            if rec is recording:
                self.write(m, count=0)

    @staticmethod
    def _records(mon, start_step: int, nsteps: int) -> int:
        first, last = max(start_step, mon.offset), start_step + nsteps - 1
        if last < first:
            return 0
        k0 = -(-(first - mon.offset) // mon.period_steps)
        return max(0, (last - mon.offset) // mon.period_steps - k0 + 1)

    def _check_memory(self, start_step: int, nsteps: int):
        needed = sum(self._records(rec.monitor, start_step, nsteps) * rec.width *
                     rec.buffer.itemsize for rec in self.recordings
                     if rec.monitor.active and rec.phase != S.PHASE_SPIKES)
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return
        if needed > available:
            raise NetworkError(
                f"the monitors would need {needed / 2**30:.1f} GiB for this simulation, "
                f"more than the {available / 2**30:.1f} GiB of free memory: record fewer "
                "variables, use a larger period, or simulate in chunks and call get()")

    def sync(self):
        for m, rec in enumerate(self.recordings):
            rec.count = int(self.row(m)[3])

    def reserve(self, start_step: int, nsteps: int, at_least_one: bool = False):
        """Grow buffers so that the next ``nsteps`` steps fit without interruption; refuse
        (before allocating anything) when that would not fit in memory."""
        self.sync()
        self._check_memory(start_step, nsteps)
        for m, rec in enumerate(self.recordings):
            mon = rec.monitor
            if not mon.active:
                continue
            needed = self._records(mon, start_step, nsteps)
            capacity = rec.buffer.shape[0]
            if rec.phase == S.PHASE_SPIKES:     # variable records: room for the next step
                if rec.count + rec.width > capacity:    # (grown again when it fills up)
                    new = max(rec.count + rec.width, _GROW * capacity, 4096)
                    old = rec.buffer
                    buffer = self.state.allocate(Record(mon.id, rec.name), (new,), np.int32)
                    buffer[:rec.count] = old[:rec.count]
                self.write(m)
                continue
            if rec.count + needed > capacity or (at_least_one and rec.count >= capacity):
                new = max(rec.count + needed, _GROW * capacity, 16)
                old = rec.buffer
                buffer = self.state.allocate(Record(mon.id, rec.name), (new, rec.width),
                                             old.dtype)
                buffer[:rec.count] = old[:rec.count]
            self.write(m)


class Simulator:
    """Binds one compiled module to one network's buffers and runs it: the network's
    runtime (``net.runtime``), owner of the tables shared with the generated code, which
    it fills from the network's runtime state (``net.state``: it has the state allocate
    the buffers only it uses, sums, reductions, delay rings, delay tables, the monitor
    table), and of the monitor rows. Model objects use its public methods: :meth:`bind`
    after they replaced a buffer or changed a value the tables hold, :meth:`set_step`, :meth:`sum_buffer`,
    :meth:`fill_delays` / :meth:`update_delays`, :meth:`synapses_changed` and
    :meth:`schedule_rule` (structural plasticity), and the
    monitor methods (:meth:`add_monitor`, :meth:`monitor_changed`,
    :meth:`clear_recording`, :meth:`sync_monitors`)."""

    def __init__(self, net, network_ir, plan, module, backend):
        self.net, self.ir, self.plan, self.module = net, network_ir, plan, module
        self.backend = backend
        self.state = net.state
        self.ptrs = np.zeros(len(plan.slots.ptrs), dtype=np.uint64)
        self.ints = np.zeros(len(plan.slots.ints), dtype=np.int64)
        self.reals = np.zeros(len(plan.slots.reals), dtype=np.float64)
        self.monitors = MonitorTable(self.state)
        self.ring_depth = self._ring_depths()
        self.spike_depth = self._spike_depths()
        self._device_ok = False
        self.rules = Rules(self) if plan.rules_fired is not None else None
        self.kernel = module.Kernel(self.ptrs, self.ints, self.reals)
        self.use_blas(True)
        self.bind()

    def use_blas(self, on: bool = True) -> str:
        """Batched dense sums as one product on SciPy's BLAS (pinned to one thread while
        the kernel runs), or on the storage kernel's loops (``on=False``, no usable BLAS,
        or no such sum); returns which."""
        blas = None
        if on and self.plan.blas:
            from ..toolchain.blas import scipy_blas
            blas = scipy_blas()[0]
        local = blas.set_local if blas else None    # OpenMP threads pin BLAS with it
        if not self.kernel.set_blas(blas.dgemm if blas else 0,
                                    ctypes.cast(local, ctypes.c_void_p).value if local else 0):
            blas = None
        self._blas = blas
        return blas.name if blas else "loops"

    def _call(self, fn, *args):
        """A kernel entry; with BLAS on the calling thread only while it runs."""
        if self._blas is None:
            return fn(*args)
        with self._blas.one_thread():
            return fn(*args)

    # -- binding ----------------------------------------------------------------------------
    def _ring_depths(self) -> dict:
        depth: dict = {}
        for proj_ir in self.ir.projections:
            if proj_ir.delay == "none":
                continue
            proj = self.net.projections[proj_ir.id]
            steps = np.max(proj.delay_steps()) if proj.nb_synapses else 0
            depth[proj_ir.pre] = max(depth.get(proj_ir.pre, 1), int(steps))
        return depth

    def _spike_depths(self) -> dict:
        """Rows of spikes each spiking population keeps: one more than its projections'
        longest delay (at least one step) or its firing-rate window, so that the row a
        step writes is never one that a projection reads in that step (a fused step's
        threads write and read the ring at once)."""
        depth = {p.id: max(1, self.net.populations[p.id].firing_window_steps)
                 for p in self.ir.populations if p.neuron.is_spiking}
        for proj_ir in self.ir.projections:
            if proj_ir.pre in depth and proj_ir.delay != "none":
                proj = self.net.projections[proj_ir.id]
                steps = int(np.max(proj.delay_steps())) if proj.nb_synapses else 1
                depth[proj_ir.pre] = max(depth[proj_ir.pre], steps)
        return {k: rows + 1 for k, rows in depth.items()}

    def _own(self, slot, shape, dtype) -> np.ndarray:
        return self.state.ensure(slot, shape, dtype)

    def _syn_delays(self, slot) -> np.ndarray:
        table = self.state.get(slot)
        if table is None:
            table = self.state.adopt(slot, self.net.projections[slot.proj].delay_steps(),
                                     np.int32)
        return table

    def sum_buffer(self, pop: int, target: str) -> np.ndarray:
        """The live weighted sum ``sum(target)`` of population ``pop`` (flat)."""
        return self.state[S.PopSum(pop, target)]

    def _ring_width(self, slot) -> int:
        """Values per copy and step in a delay ring (the attribute's, per copy)."""
        pop = self.net.populations[slot.pop]
        return pop.values_per_copy(pop.ir.attribute(slot.name))

    def _pointer(self, slot) -> np.ndarray:
        return self._POINTERS[type(slot)](self, slot)

    def _int(self, slot) -> int:
        return int(self._INTS[type(slot)](self, slot))

    def _current(self, slot) -> int:
        """Slots the generated code or the runtime itself owns keep their value."""
        return int(self.ints[self.plan.slots.ints.index(slot)])

    _POINTERS = {
        S.MonitorAddresses: lambda self, s: self.monitors.addresses,
        S.MonitorFields: lambda self, s: self.monitors.fields,
        S.PopAttribute: lambda self, s: self.state[s],
        S.TimedRates: lambda self, s: self.state[s],
        S.PopSum: lambda self, s: self._own(
            s, self.net.batch * self.net.populations[s.pop].size, self.net.real_dtype),
        S.PopReduction: lambda self, s: self._own(s, self.net.batch, np.float64),
        S.DelayRing: lambda self, s: self._own(
            s, self.ring_depth[s.pop] * self.net.batch * self._ring_width(s),
            self.net.real_dtype),
        S.ProjWeights: lambda self, s: self.net.projections[s.proj].weight_buffer(),
        S.SynAttribute: lambda self, s: self.state[s],
        S.KernelTable: lambda self, s: self.state[s],
        S.SynDelays: _syn_delays,
        S.SpikeRing: lambda self, s: self._own(
            s, self.net.batch * self.spike_depth[s.pop] * self.net.populations[s.pop].size,
            np.int32),
        S.SpikeCounts: lambda self, s: self._own(
            s, self.net.batch * self.spike_depth[s.pop], np.int64),
        S.AxonSpikes: lambda self, s: self._own(
            s, self.net.batch * (self.net.populations[s.pop].size + 1), np.int32),
        S.SourcePtr: lambda self, s: self.state[s],
        S.DecodeHistory: lambda self, s: self._own(
            s, self.net.batch * self.net.projections[s.proj].window_steps
            * self.net.projections[s.proj].post.size, self.net.real_dtype),
        S.SourceTimes: lambda self, s: self.state[s],
        S.SourceCursor: lambda self, s: self.net.populations[s.pop].cursors(),
        S.RuleBuffer: lambda self, s: self.rules.buffer(s),
    }

    _INTS = {
        S.Step: lambda self, s: self.ints[S.INT_STEP],
        S.Threads: lambda self, s: self.backend.threads(self.net.num_threads,
                                                        self.net.toolchain),
        S.MonitorCount: lambda self, s: len(self.monitors.recordings),
        S.Seed: lambda self, s: np.uint64(self.net.seed).view(np.int64),
        S.StopMode: _current, S.StopFlag: _current, S.StopSelected: _current,
        S.CheckFinite: lambda self, s: int(self.net.check_finite),
        S.NonFinite: _current,
        S.RingHead: _current,
        S.PopSize: lambda self, s: self.net.populations[s.pop].size,
        S.TimedEntries: lambda self, s: len(self.net.populations[s.pop].rates),
        S.TimedSchedule: lambda self, s: self.net.populations[s.pop].timing_steps()[0],
        S.TimedPeriod: lambda self, s: self.net.populations[s.pop].timing_steps()[1],
        S.KernelSize: lambda self, s: self.net.projections[s.proj].kernel_data.ints[s.name],
        S.UniformDelay: lambda self, s: self.net.projections[s.proj].delay_steps(),
        S.LearningEnabled: lambda self, s: self.net.projections[s.proj].learning_enabled,
        S.LearningPeriod: lambda self, s: self.net.projections[s.proj].learning_steps[0],
        S.LearningOffset: lambda self, s: self.net.projections[s.proj].learning_steps[1],
        S.TimedStart: lambda self, s: self.net.populations[s.pop].start_step,
        S.RingDepth: lambda self, s: self.ring_depth[s.pop],
        S.SpikeDepth: lambda self, s: self.spike_depth[s.pop],
        S.DecodeWindow: lambda self, s: self.net.projections[s.proj].window_steps,
        S.SourceStart: lambda self, s: self.net.populations[s.pop].start_step,
        S.RateWindow: lambda self, s: self.net.populations[s.pop].firing_window_steps
        if s.field == "steps" else self.net.populations[s.pop].firing_window_start,
        S.BatchSize: lambda self, s: self.net.batch,
        S.BufferBytes: lambda self, s: self._pointer(self.plan.slots.ptrs[s.ptr]).nbytes,
        S.RuleSchedule: _current, S.RuleChosen: _current,
        S.RulesFired: _current, S.RulesRefill: _current,
        S.CreateCapacity: lambda self, s: self.state[S.RuleBuffer(s.proj, "create_list")].size,
    }

    def _real(self, slot) -> float:
        if isinstance(slot, S.Dt):
            return self.net.dt
        if isinstance(slot, S.RuleProba):
            return getattr(self.ir.projections[slot.proj].synapse, slot.kind).proba
        return self.net.constants[self.ir.constants[slot.index]].value

    def bind(self):
        """(Re)write every table entry from the network's current buffers and values."""
        for i, slot in enumerate(self.plan.slots.ptrs):
            self.ptrs[i] = address(self._pointer(slot))
        for i, slot in enumerate(self.plan.slots.ints):
            self.ints[i] = self._int(slot)
        for i, slot in enumerate(self.plan.slots.reals):
            self.reals[i] = self._real(slot)

    def schedule_rule(self, proj: int, kind: str, period: int | None, offset: int = 0):
        """Start (every ``period`` steps from step count ``offset``) or stop (``None``)
        a projection's pruning or creating rule."""
        self.rules.schedule(proj, kind, period, offset)

    def rebind_monitors(self):
        self.ptrs[S.PTR_MON_ADDR] = address(self.monitors.addresses)
        self.ptrs[S.PTR_MON_INT] = address(self.monitors.fields)
        self.ints[S.INT_NMON] = len(self.monitors.recordings)

    # -- monitors ---------------------------------------------------------------------------
    def add_monitor(self, monitor):
        """A monitor's recordings get their rows (a monitor created before or after
        ``compile()``)."""
        for rec in monitor.recordings.values():
            self.monitors.add(rec)
        self.rebind_monitors()

    def monitor_changed(self, monitor):
        """Rewrite the rows of ``monitor`` (started, paused, new period)."""
        for m, rec in enumerate(self.monitors.recordings):
            if rec.monitor is monitor:
                self.monitors.write(m)

    def clear_recording(self, recording):
        """Forget what ``recording`` holds (``Monitor.get(keep=False)``, ``reset()``)."""
        self.monitors.clear(recording)

    def sync_monitors(self):
        """The recordings' counts from the table (the generated code advances them)."""
        self.monitors.sync()

    # -- state ------------------------------------------------------------------------------
    @property
    def step_count(self) -> int:
        return int(self.ints[S.INT_STEP])

    def set_step(self, step: int):
        self.ints[S.INT_STEP] = step

    def fill_delays(self, pop=None):
        """Delay buffers start (and restart on reset) filled with the current rates;
        spike rings restart empty."""
        for slot in self.state.keys(S.SpikeCounts, S.AxonSpikes):
            if pop is None or pop.id == slot.pop:
                self.state[slot][...] = 0
        for slot in self.plan.slots.ptrs:
            if not isinstance(slot, S.DelayRing) or (pop is not None and pop.id != slot.pop):
                continue
            source = self.net.populations[slot.pop].buffer(slot.name)
            width = self._ring_width(slot)    # copy by copy: [copy][step][neuron]
            ring = self.state[slot].reshape(self.net.batch, self.ring_depth[slot.pop], width)
            ring[...] = source.reshape(-1, 1, width)
            self.ints[self.plan.slots.ints.index(S.RingHead(slot.pop, slot.name))] = 0

    def update_firing_window(self, pop):
        """``pop.compute_firing_rate(window)`` was called: a deeper spike ring if needed
        (it starts empty), the counts from zero."""
        depth = self._spike_depths()[pop.id]
        if depth > self.spike_depth[pop.id]:
            self.spike_depth[pop.id] = depth
            self.state.release(S.SpikeRing(pop.id))
            self.state.release(S.SpikeCounts(pop.id))
        self.bind()

    def update_delays(self, proj):
        """New delays of a compiled projection: its per-synapse step table, and deeper
        delay rings where needed (a grown ring restarts filled with the current rates)."""
        table = self.state.get(S.SynDelays(proj.id))
        if table is not None:
            table[...] = proj.delay_steps()
        spikes = self._spike_depths()      # deeper spike rings start empty
        for k in [k for k, depth in spikes.items() if depth > self.spike_depth[k]]:
            self.spike_depth[k] = spikes[k]
            self.state.release(S.SpikeRing(k))
            self.state.release(S.SpikeCounts(k))
        needed = self._ring_depths()
        grown = [k for k, depth in needed.items() if depth > self.ring_depth.get(k, depth)]
        for k in grown:
            self.ring_depth[k] = needed[k]
            for slot in [s for s in self.state.keys(S.DelayRing) if s.pop == k]:
                self.state.release(slot)
        self.bind()
        for k in grown:
            self.fill_delays(self.net.populations[k])

    def synapses_changed(self, proj):
        """``proj`` has new synapses (structural plasticity): its per-synapse delay table
        is rebuilt and every table entry rewritten."""
        self.state.release(S.SynDelays(proj.id))
        self.bind()

    def clear_transients(self):
        for slot in self.state.keys(S.PopSum, S.PopReduction, S.DecodeHistory):
            self.state[slot][...] = 0

    # -- running ----------------------------------------------------------------------------
    def _check_device(self):
        """The backend says whether the module can run here (once)."""
        if not self._device_ok:
            self.backend.check_device(self.module)
            self._device_ok = True

    def _kernel_run(self, nsteps: int) -> int:
        done = self._call(self.kernel.run, nsteps)
        if done < 0:
            raise NeurogenError(self.backend.error(self.module))
        return done

    def run(self, nsteps: int, progress=None) -> int:
        """Run ``nsteps`` steps (fewer if a stop condition is met); returns steps done.

        Steps run in chunks of about ``backend.chunk_seconds``; between chunks, a
        stop condition, a non-finite value (:class:`SimulationError`), a progress report
        and Ctrl-C (``KeyboardInterrupt``, raised at the end of a full step) are handled."""
        self._check_device()
        if self.monitors.recordings:
            self.monitors.reserve(self.step_count, nsteps)
        done, chunks = 0, watch.Chunks(self.backend.chunk_seconds)
        threads = self._thread_chooser()
        with watch.deferred_interrupt() as interrupted:
            while done < nsteps:
                asked = min(chunks.next(nsteps - done), self._scheduled_changes())
                count, trial = threads.next()
                if trial:                     # a short chunk for the slower option
                    asked = max(1, asked // 4)
                self.ints[S.INT_THREADS] = count
                start = time.perf_counter()
                ran = self._kernel_run(asked)
                elapsed = time.perf_counter() - start
                chunks.ran(ran, elapsed)
                threads.ran(count, ran, elapsed)
                done += ran
                fired = self.rules is not None and self.rules.fired()
                if fired:            # a structural rule chose synapses: edit them
                    self.rules.apply()
                self._check_finite()
                if progress is not None:
                    progress.update(done / nsteps)
                if interrupted():
                    raise KeyboardInterrupt
                if self.stopped():
                    break
                if ran < asked and not fired:      # a monitor needs room
                    self.monitors.reserve(self.step_count, nsteps - done, at_least_one=True)
        if progress is not None:
            progress.update(done / nsteps if nsteps else 1.0, final=True)
        return done

    def _scheduled_changes(self) -> int:
        """Populations with a schedule (TimedPoissonPopulation...) enter the entry that
        begins at this step; returns the steps until the next onset (a chunk ends there)."""
        step, until = self.step_count, 1 << 62
        for pop in self.net.populations:
            change = getattr(pop, "next_change", None)
            if change is None:
                continue
            if change(step) == step:
                pop.apply_change(step)
            later = change(step + 1)
            if later is not None:
                until = min(until, later - step)
        return until

    def _thread_chooser(self) -> watch.ThreadChooser:
        """The chooser of this network's thread count (kept between runs; a new one when
        the requested count changed)."""
        requested = int(self._int(S.Threads()))
        chooser = getattr(self, "_threads", None)
        if chooser is None or chooser.options[0] != requested:
            chooser = self._threads = watch.ThreadChooser(requested)
        return chooser

    def _check_finite(self):
        """Raise :class:`SimulationError` when a step produced NaN or infinity: flagged by
        the generated step, or (backends without the flag) found in the buffers."""
        flagged = int(self.ints[S.INT_NONFINITE])
        if not flagged and (self.backend.flags_nonfinite or not self.net.check_finite):
            return            # the common case, first: step() runs this every call
        if flagged:
            self.ints[S.INT_NONFINITE] = 0
            pops = [self.net.populations[flagged - 1]]
        elif self.backend.flags_nonfinite:
            return
        else:
            pops = None
        found = watch.first_nonfinite(self.net, pops)
        if found is not None:
            raise watch.nonfinite_error(self.net, found, self.step_count - 1)

    def _stop_slots(self):
        """(population id, selected index, flag index) of every stop condition."""
        ints = self.plan.slots
        return [(p.id, ints.int_index(S.StopSelected(p.id)), ints.int_index(S.StopFlag(p.id)))
                for p in self.ir.populations if p.stop is not None]

    def select_stop(self, populations, operator: str):
        """Arm the stop conditions of ``populations`` (``None`` disarms them all)."""
        chosen = set() if populations is None else {pop.id for pop in populations}
        for pop, selected, _ in self._stop_slots():
            self.ints[selected] = int(pop in chosen)
        mode = S.STOP_OFF if populations is None else \
            (S.STOP_AND if operator == "and" else S.STOP_OR)
        self.ints[S.INT_STOP_MODE] = mode

    def stopped(self) -> bool:
        mode = self.ints[S.INT_STOP_MODE]
        if mode == S.STOP_OFF:
            return False
        flags = [bool(self.ints[flag]) for _, selected, flag in self._stop_slots()
                 if self.ints[selected]]
        return bool(flags) and (all(flags) if mode == S.STOP_AND else any(flags))

    def step(self):
        self._scheduled_changes()
        if self.backend.checked_steps:
            self.run(1)
            return
        if self._call(self.kernel.step) == 0:
            self.monitors.reserve(self.step_count, 1, at_least_one=True)
            self._call(self.kernel.step)
        if self.rules is not None and self.rules.fired():
            self.rules.apply()
        self._check_finite()
