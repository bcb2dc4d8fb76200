"""A compiled, batched, differentiable copy of a network.

The trainable values live in one flat vector ``theta`` (and their gradients in ``grad``)
so optimizers update everything with a few NumPy operations; the kernel reads them in
place through views. Buffers sized by the batch and the number of steps are
reallocated only when those change.
"""
from __future__ import annotations

import contextlib
import time

import numpy as np

from ..toolchain.blas import scipy_blas
from ..toolchain.builder import build
from . import kernel_source
from .graph import Problem, TrainingError
from .symbolic import build_step

_DTYPES = {"double": np.float64, "float": np.float32}


def transposed_index(row_ptr, cols, pre_size: int):
    """The CSC index of a CSR projection: per presynaptic neuron ``j`` its synapses
    ``synapse[col_ptr[j]:col_ptr[j + 1]]`` (positions in CSR order, ascending) and their
    postsynaptic neurons ``rows``; a stable sort, so the order is fixed."""
    order = np.argsort(cols, kind="stable")
    col_ptr = np.zeros(pre_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(cols, minlength=pre_size), out=col_ptr[1:])
    post = np.repeat(np.arange(len(row_ptr) - 1, dtype=np.int32), np.diff(row_ptr))
    return col_ptr, order.astype(np.int64), post[order]


class DifferentiableNetwork:
    """``forward(x)`` → output rates; ``backward(dy)`` → ``grad`` (see the module doc).

    ``x`` is ``(steps, batch, inputs)`` (several input populations: their channels side by
    side, in order). The output population's rates are read ``lag`` steps late (one
    step per projection between input and output, less one), so ``forward`` runs
    ``steps + lag`` steps and returns ``(steps, batch, outputs)`` aligned with ``x``.
    """

    def __init__(self, problem: Problem, precision: str = "double"):
        if precision not in _DTYPES:
            raise TrainingError(f"precision must be 'double' or 'float', got {precision!r}")
        self.problem, self.precision, self.dtype = problem, precision, _DTYPES[precision]
        self.steps = [build_step(p.neuron, problem.trained_params(p.id))
                      for p in problem.updated]
        self.lag = problem.lag
        backend = problem.backend
        if not backend.trains:
            raise TrainingError(f"{backend.no_training}; this network's backend is "
                                f"'{backend.name}' (train a copy built with "
                                "paradigm='openmp', then load its weights)")
        cpp, pyx, self.layout = kernel_source.render(problem, self.steps, precision)
        self.source = cpp
        start = time.perf_counter()
        # the network's backend and toolchain: same commands, flags and cache as simulate()
        self.module, self.build_info = build(cpp, pyx, backend, tc=problem.toolchain)
        self.build_info = dict(self.build_info, seconds=time.perf_counter() - start)
        self.ints = np.zeros(6, dtype=np.int64)
        self._counts = np.zeros(3, dtype=np.int64)
        self.use_blas(True)
        self.skip_zeros(True)
        self._init_parameters()
        self._shape = None
        constants = problem.values.constants
        self.reals = np.zeros(1 + len(constants), dtype=np.float64)
        self.reals[0] = problem.dt
        for n, name in enumerate(sorted(constants)):
            self.reals[n + 1] = constants[name]

    def use_blas(self, on: bool = True) -> str:
        """Dense products with enough weights that do not skip zeros (:meth:`skip_zeros`)
        on SciPy's BLAS (on one thread), or on the built-in loops (``on=False``, or no
        usable BLAS); returns which."""
        blas = scipy_blas()[0] if on and self.layout.blas_products else None
        self.ints[kernel_source.INT_BLAS] = blas.gemm(self.precision) if blas else 0
        self._blas = blas
        self.blas = blas.name if blas else "built-in loops"
        return self.blas

    def skip_zeros(self, on: bool = True) -> bool:
        """Dense products between populations skip the zeros of their left operand (the
        rates of rectified units, their adjoints: templates/training/skip.j2) where it
        pays (kernel_source.SKIP_MIN_SIZE), or (``on=False``) run on BLAS or the built-in
        loops as the others; returns whether a product may skip zeros. Either way the
        same bits whatever the thread count."""
        self.ints[kernel_source.INT_SKIP] = 1 if on else 0
        self.skipping = bool(on and self.layout.skip_products)
        return self.skipping

    def _one_thread(self):
        return self._blas.one_thread() if self._blas else contextlib.nullcontext()

    # -- parameters ----------------------------------------------------------------------
    def _init_parameters(self):
        """``theta``: every trainable value, flat; ``views``: name -> view into it (a
        CSR projection: one weight per synapse, in its synapse order)."""
        problem, values = self.problem, self.problem.values
        entries = []
        for proj in problem.ir.projections:
            if proj.id in problem.trainable:
                entries.append((problem.key(proj.id), values.weights[proj.id]))
        for pop in problem.updated:
            for p in problem.trained_params(pop.id):
                entries.append((problem.key((pop.id, p)), values.params[(pop.id, p)]))
        sizes = [np.size(v) for _, v in entries]
        self.theta = np.zeros(sum(sizes), dtype=self.dtype)
        self.grad = np.zeros_like(self.theta)
        self.views, self.grad_views, offset = {}, {}, 0
        for (name, value), n in zip(entries, sizes):
            shape = np.shape(value)
            self.views[name] = self.theta[offset:offset + n].reshape(shape)
            self.grad_views[name] = self.grad[offset:offset + n].reshape(shape)
            self.views[name][...] = value
            offset += n
        self.masks = {problem.key(j): mask for j, mask in values.masks.items()
                      if j in problem.trainable}
        self.fixed = {}          # buffers of the values that are not trained
        for proj in problem.ir.projections:
            j = proj.id
            if j not in problem.trainable:
                self.fixed[("weights", j)] = np.ascontiguousarray(values.weights[j],
                                                                  dtype=self.dtype)
            if j in values.masks:
                self.fixed[("mask", j)] = values.masks[j].astype(self.dtype)
            if j in values.taps:
                self.fixed[("tap_offsets", j)] = values.taps[j][1]
            if j in values.csr:
                row_ptr, cols = values.csr[j]
                col_ptr, synapse, rows = transposed_index(
                    row_ptr, cols, problem.ir.populations[proj.pre].size)
                self.fixed.update({("row_ptr", j): row_ptr, ("cols", j): cols,
                                   ("col_ptr", j): col_ptr, ("csc_synapse", j): synapse,
                                   ("csc_rows", j): rows})
        for kind, table in (("param", values.params), ("init", values.init)):
            for key, value in table.items():
                self.fixed[(kind, *key)] = np.ascontiguousarray(value, self.dtype)

    def values(self) -> dict:
        """Copies of the trainable values, by name (projections: (post, pre) matrices,
        or one weight per synapse for CSR projections)."""
        return {name: np.array(view, dtype=np.float64) for name, view in self.views.items()}

    def set_values(self, values: dict):
        for name, value in values.items():
            if name not in self.views:
                raise TrainingError(f"no trainable value named {name!r} (known: "
                                    f"{', '.join(self.views)})")
            value = np.asarray(value)
            if value.shape != self.views[name].shape:
                raise TrainingError(f"{name!r}: expected shape {self.views[name].shape}, "
                                    f"got {value.shape}")
            self.views[name][...] = value
            if name in self.masks:      # absent synapses stay absent
                self.views[name][~self.masks[name]] = 0.0

    # -- buffers -------------------------------------------------------------------------
    def _allocate(self, steps: int, batch: int):
        if self._shape == (steps, batch):
            return
        total, dtype, problem = steps + self.lag, self.dtype, self.problem
        sizes = [p.size for p in problem.ir.populations]
        buf = {}
        for k in problem.inputs:
            buf[("input", k)] = np.zeros((total, batch, sizes[k]), dtype)
        for pop, step in zip(problem.updated, self.steps):
            for v in step.variables:
                buf[("hist", pop.id, v)] = np.zeros((total + 1, batch, pop.size), dtype)
                buf[("adj", pop.id, v)] = np.zeros((batch, pop.size), dtype)
                buf[("adjn", pop.id, v)] = np.zeros((batch, pop.size), dtype)
            for target in step.targets:
                buf[("sum", pop.id, target)] = np.zeros((total, batch, pop.size), dtype)
        buf[("dy",)] = np.zeros((steps, batch, sizes[problem.output]), dtype)
        for proj in problem.ir.projections:
            if proj.id not in problem.values.csr and proj.id not in problem.values.taps:
                # the dense products' W^T scratch
                buf[("weights_t", proj.id)] = np.zeros(
                    self.layout.scratch[("weights_t", proj.id)], dtype)
        self.buffers = buf
        addresses = []
        for _, key in self.layout.pointers:
            addresses.append(self._array(key).ctypes.data)
        self.pointers = np.asarray(addresses, dtype=np.uintp)
        self.ints[kernel_source.INT_STEPS] = total
        self.ints[kernel_source.INT_BATCH] = batch
        self.ints[kernel_source.INT_LAG] = self.lag
        self.ints[kernel_source.INT_SCORED] = steps
        out = self.buffers[("hist", problem.output, "r")]       # the outputs, dy: addresses
        self._out_dy = (out[1 + self.lag:].ctypes.data, buf[("dy",)].ctypes.data)
        self._shape = (steps, batch)

    def _array(self, key) -> np.ndarray:
        """The array behind a layout key: trained values and their gradients (views into
        ``theta``/``grad``), fixed values and tables, or the pass buffers."""
        kind = key[0]
        if kind in ("weights", "grad_weights", "param", "grad"):
            name = self.problem.key(key[1] if kind.endswith("weights") else key[1:])
            views = self.grad_views if kind.startswith("grad") else self.views
            if name in views:
                return views[name]
        return self.buffers[key] if key in self.buffers else self.fixed[key]

    # -- passes ------------------------------------------------------------------------------
    def forward(self, x) -> np.ndarray:
        """Output rates ``(steps, batch, outputs)`` for inputs ``(steps, batch, inputs)``."""
        problem = self.problem
        sizes = [problem.ir.populations[k].size for k in problem.inputs]
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[2] != sum(sizes):
            raise TrainingError(f"inputs must be shaped (steps, batch, "
                                f"{sum(sizes)}), got {x.shape}")
        steps, batch = x.shape[:2]
        if problem.batch > 1 and batch != problem.batch:
            raise TrainingError(f"the network runs batch={problem.batch} copies and a "
                                f"training step's trials are those copies: give "
                                f"{problem.batch} trials, not {batch} (a batch=1 network "
                                "takes any number)")
        self._allocate(steps, batch)
        col = 0
        for k, size in zip(problem.inputs, sizes):
            buf = self.buffers[("input", k)]
            buf[:steps] = x[:, :, col:col + size]
            buf[steps:] = 0.0       # the extra lag steps: their input reaches no output
            col += size
        with self._one_thread():
            self.module.forward(self.pointers.ctypes.data, self.ints.ctypes.data,
                                self.reals.ctypes.data)
        hist = self.buffers[("hist", problem.output, "r")]
        return hist[1 + self.lag:1 + self.lag + steps]

    def cross_entropy(self, labels, nonzero_only: bool = True) -> tuple[float, float]:
        """``(loss, accuracy)`` of the last forward's outputs against integer ``labels``
        ``(steps, batch)``, as ``losses.cross_entropy`` (no mask) and the trainer's
        accuracy, in one compiled pass that also leaves the loss's derivative where
        ``backward(None)`` reads it."""
        if self._shape is None:
            raise TrainingError("cross_entropy() needs a forward() first")
        problem = self.problem
        steps, batch = self._shape
        labels = np.ascontiguousarray(labels, dtype=np.int64)
        if labels.shape != (steps, batch):
            raise TrainingError(f"labels must be shaped {(steps, batch)} (steps, batch), got "
                                f"{labels.shape}")
        units = problem.ir.populations[problem.output].size
        counts = self._counts
        nll = self.module.cross_entropy(self._out_dy[0], labels.reshape(-1), units,
                                        self._out_dy[1], int(nonzero_only), counts)
        if counts[2]:
            raise TrainingError(f"labels must lie in [0, {units}) (one per output unit)")
        accuracy = counts[1] / counts[0] if counts[0] else float("nan")
        return nll / labels.size, float(accuracy)

    def adam(self, theta, grad, m, v, b1, b2, sqrt_c2, eps, lr_c1) -> bool:
        """Adam's update of ``theta`` in one compiled pass (optimizers.Adam's operations
        and roundings); False (nothing done) for arrays this kernel does not take."""
        arrays = (theta, grad, m, v)
        if any(a.dtype != self.dtype or a.ndim != 1 or a.size != theta.size for a in arrays):
            return False
        self.module.adam(theta, grad, m, v, b1, b2, 1 - b1, 1 - b2, sqrt_c2, eps, lr_c1)
        return True

    def backward(self, dy) -> np.ndarray:
        """Gradient (``grad``, flat) of a loss whose derivative with respect to the last
        forward's outputs is ``dy`` (None: what :meth:`cross_entropy` left)."""
        if self._shape is None:
            raise TrainingError("backward() needs a forward() first")
        if dy is not None:
            self.buffers[("dy",)][...] = dy
        self.grad[...] = 0.0
        with self._one_thread():
            self.module.backward(self.pointers.ctypes.data, self.ints.ctypes.data,
                                 self.reals.ctypes.data)
        return self.grad

    def history(self, population: str, variable: str = "r") -> np.ndarray:
        """The state of the last forward pass, ``(steps + lag + 1, batch, size)``
        (index 0 is the initial state); ``population``: a name or the population."""
        return self.buffers[("hist", self.problem.population_id(population), variable)]
