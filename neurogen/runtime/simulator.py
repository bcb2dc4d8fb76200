"""The runtime: tables of addresses, integers and reals shared with the generated code.

Every buffer is a NumPy array owned by Python (population attributes by the population,
weights by the projection, sums, reductions and delay buffers here); the generated
``ng_run`` receives three tables and reads/writes the buffers in place, with the GIL
released for the whole ``simulate()`` loop.
"""
from __future__ import annotations

import os

import numpy as np

from ..codegen import plan as p
from ..errors import BackendUnavailable, NetworkError, NeurogenError

_GROW = 2


def address(array: np.ndarray) -> int:
    if not array.flags.c_contiguous:
        raise ValueError("internal error: runtime buffers must be contiguous")
    return array.__array_interface__["data"][0]


class MonitorTable:
    """Rows of (source address, buffer address) and (nbytes, period, offset, count,
    capacity, active), one per recorded attribute."""

    def __init__(self):
        self.recordings = []
        self.addresses = np.zeros(2 * 8, dtype=np.uint64)
        self.fields = np.zeros(len(p.MONITOR_FIELDS) * 8, dtype=np.int64)

    def row(self, m: int) -> np.ndarray:
        n = len(p.MONITOR_FIELDS)
        return self.fields[n * m:n * (m + 1)]

    def add(self, recording) -> bool:
        """Returns True when the tables were reallocated (their addresses changed)."""
        self.recordings.append(recording)
        grown = 2 * len(self.recordings) > self.addresses.size
        if grown:
            self.addresses = np.concatenate([self.addresses, np.zeros_like(self.addresses)])
            self.fields = np.concatenate([self.fields, np.zeros_like(self.fields)])
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
        self.row(m)[:] = (rec.buffer.itemsize * rec.width, mon.period_steps, mon.offset,
                          count, rec.buffer.shape[0], int(mon.active))

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
                     rec.buffer.itemsize for rec in self.recordings if rec.monitor.active)
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
            if rec.count + needed > capacity or (at_least_one and rec.count >= capacity):
                new = max(rec.count + needed, _GROW * capacity, 16)
                buffer = np.empty((new, rec.width), dtype=rec.buffer.dtype)
                buffer[:rec.count] = rec.buffer[:rec.count]
                rec.buffer = buffer
            self.write(m)


class Simulator:
    """Binds one compiled module to one network's buffers and runs it."""

    def __init__(self, net, plan: p.Plan, module):
        self.net, self.plan, self.module = net, plan, module
        self.owned: dict = {}
        self.ptrs = np.zeros(len(plan.slots.ptrs), dtype=np.uint64)
        self.ints = np.zeros(len(plan.slots.ints), dtype=np.int64)
        self.reals = np.zeros(len(plan.slots.reals), dtype=np.float64)
        self.monitors = MonitorTable()
        self.ring_depth = self._ring_depths()
        self.kernel = module.Kernel(self.ptrs, self.ints, self.reals)
        self.bind()

    # -- binding ----------------------------------------------------------------------------
    def _ring_depths(self) -> dict:
        depth: dict = {}
        for proj in self.net.projections:
            steps = np.max(proj.delay_steps()) if proj.connectivity.nb_synapses else 0
            if steps > 1 or not proj.uniform_delay:
                depth[proj.pre.id] = max(depth.get(proj.pre.id, 1), int(steps))
        return depth

    def _own(self, key, shape, dtype) -> np.ndarray:
        if key not in self.owned:
            self.owned[key] = np.zeros(shape, dtype=dtype)
        return self.owned[key]

    def _pointer(self, key) -> np.ndarray:
        net, kind = self.net, key[0]
        if kind == "monitor_addresses":
            return self.monitors.addresses
        if kind == "monitor_ints":
            return self.monitors.fields
        if kind == "pop_attr":
            return net.populations[key[1]]._buffer(key[2])
        if kind == "timed_rates":
            return net.populations[key[1]].rates
        if kind == "pop_sum":
            return self._own(key, net.populations[key[1]].size, net.real_dtype)
        if kind == "pop_reduction":
            return self._own(key, 1, np.float64)
        if kind == "ring":
            pop = net.populations[key[1]]
            return self._own(key, self.ring_depth[key[1]] * pop.size, net.real_dtype)
        proj = net.projections[key[1]]
        if kind == "syn_attr":
            return proj._syn_buffers[key[2]]
        if kind == "proj_w":
            return proj._weights
        if kind == "proj_fft":
            return getattr(proj._fft, key[2])
        if kind == "proj_row_ptr":
            return self.owned.setdefault(key, np.ascontiguousarray(proj.connectivity.row_ptr,
                                                                   dtype=np.int64))
        if kind == "proj_cols":
            return self.owned.setdefault(key, np.ascontiguousarray(proj.connectivity.cols,
                                                                   dtype=np.int32))
        if kind == "proj_delays":
            return self.owned.setdefault(key, np.ascontiguousarray(proj.delay_steps(),
                                                                   dtype=np.int32))
        raise KeyError(key)

    def _int(self, key) -> int:
        net, kind = self.net, key[0]
        if kind == "step":
            return int(self.ints[p.INT_STEP])
        if kind == "threads":
            return net.num_threads if net.toolchain_openmp else 1
        if kind == "monitors":
            return len(self.monitors.recordings)
        if kind in ("stop_mode", "stop_flag", "stop_selected"):
            return int(self.ints[self.plan.slots.ints.index(key)])
        if kind == "seed":
            return int(np.uint64(net.seed).view(np.int64))
        if kind == "timed_entries":
            return len(net.populations[key[1]].rates)
        if kind in ("timed_schedule", "timed_period"):
            sched, period = net.populations[key[1]].timing_steps()
            return sched if kind == "timed_schedule" else period
        if kind == "pop_size":
            return net.populations[key[1]].size
        if kind == "proj_fft":
            return int(net.projections[key[1]]._fft.sizes[key[2]])
        if kind == "ptr_nbytes":
            return int(self._pointer(self.plan.slots.ptrs[key[1]]).nbytes)
        if kind == "proj_delay":
            return int(net.projections[key[1]].delay_steps())
        if kind == "ring_depth":
            return self.ring_depth[key[1]]
        if kind == "ring_head":
            return int(self.ints[self.plan.slots.ints.index(key)])
        raise KeyError(key)

    def _real(self, key) -> float:
        if key[0] == "dt":
            return self.net.dt
        return self.net.constants[key[1]].value

    def bind(self):
        """(Re)write every table entry from the network's current buffers and values."""
        for i, key in enumerate(self.plan.slots.ptrs):
            self.ptrs[i] = address(self._pointer(key))
        for i, key in enumerate(self.plan.slots.ints):
            self.ints[i] = self._int(key)
        for i, key in enumerate(self.plan.slots.reals):
            self.reals[i] = self._real(key)

    def rebind_monitors(self):
        self.ptrs[p.PTR_MON_ADDR] = address(self.monitors.addresses)
        self.ptrs[p.PTR_MON_INT] = address(self.monitors.fields)
        self.ints[p.INT_NMON] = len(self.monitors.recordings)

    # -- state ------------------------------------------------------------------------------
    @property
    def step_count(self) -> int:
        return int(self.ints[p.INT_STEP])

    def set_step(self, step: int):
        self.ints[p.INT_STEP] = step

    def fill_delays(self, pop=None):
        """Delay buffers start (and restart on reset) filled with the current rates."""
        for k, depth in self.ring_depth.items():
            if pop is not None and pop.id != k:
                continue
            population = self.net.populations[k]
            ring = self.owned[("ring", k)].reshape(depth, population.size)
            ring[...] = population._buffer("r")
            self.ints[self.plan.slots.ints.index(("ring_head", k))] = 0

    def clear_transients(self):
        for key, array in self.owned.items():
            if key[0] in ("pop_sum", "pop_reduction"):
                array[...] = 0

    # -- running ----------------------------------------------------------------------------
    def _check_device(self):
        """CUDA: the module builds without a GPU; running needs one."""
        if self.plan.backend != "cuda" or getattr(self, "_device_ok", False):
            return
        count, reason = self.module.cuda_devices()
        if count < 1:
            raise BackendUnavailable(
                f"paradigm 'cuda': the network compiled (CUDA code in the cache), but it "
                f"cannot run here: {reason}. Run it on a machine with an NVIDIA GPU and "
                "driver, or use paradigm 'openmp'")
        self._device_ok = True

    def _kernel_run(self, nsteps: int) -> int:
        done = self.kernel.run(nsteps)
        if done < 0:
            raise NeurogenError(f"CUDA error: {self.module.cuda_error()}")
        return done

    def run(self, nsteps: int) -> int:
        """Run ``nsteps`` steps (fewer if a stop condition is met); returns steps done."""
        self._check_device()
        if self.monitors.recordings:
            self.monitors.reserve(self.step_count, nsteps)
        done = 0
        while done < nsteps:
            done += self._kernel_run(nsteps - done)
            if done < nsteps:
                if self.stopped():
                    break
                self.monitors.reserve(self.step_count, nsteps - done, at_least_one=True)
        return done

    def select_stop(self, populations, operator: str):
        """Arm the stop conditions of ``populations`` (``None`` disarms them all)."""
        slots = self.plan.slots.ints
        for pop in self.net.populations:
            if ("stop_selected", pop.id) in slots:
                self.ints[slots.index(("stop_selected", pop.id))] = \
                    int(populations is not None and pop in populations)
        mode = p.STOP_OFF if populations is None else \
            (p.STOP_AND if operator == "and" else p.STOP_OR)
        self.ints[p.INT_STOP_MODE] = mode

    def stopped(self) -> bool:
        mode = self.ints[p.INT_STOP_MODE]
        if mode == p.STOP_OFF:
            return False
        slots = self.plan.slots.ints
        flags = [bool(self.ints[slots.index(("stop_flag", pop.id))])
                 for pop in self.net.populations if ("stop_selected", pop.id) in slots
                 and self.ints[slots.index(("stop_selected", pop.id))]]
        return bool(flags) and (all(flags) if mode == p.STOP_AND else any(flags))

    def step(self):
        if self.plan.backend == "cuda":
            self.run(1)
        elif self.kernel.step() == 0:
            self.monitors.reserve(self.step_count, 1, at_least_one=True)
            self.kernel.step()
