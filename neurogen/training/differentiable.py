"""A compiled, batched, differentiable copy of a network.

The trainable values live in one flat vector ``theta`` (and their gradients in ``grad``)
so optimizers update everything with a few NumPy operations; the kernel reads them in
place through views. Buffers sized by the batch and the number of steps are
reallocated only when those change.
"""
from __future__ import annotations

import time

import numpy as np

from ..backends.openmp import OpenMPBackend
from ..toolchain.builder import build
from . import kernel_source
from .graph import Graph, TrainingError
from .symbolic import build_step

_DTYPES = {"double": np.float64, "float": np.float32}


class DifferentiableNetwork:
    """``forward(x)`` → output rates; ``backward(dy)`` → ``grad`` (see the module doc).

    ``x`` is ``(steps, batch, inputs)`` (several input populations: their channels side by
    side, in order). The output population's rates are read ``lag`` steps late (one
    step per projection between input and output, less one), so ``forward`` runs
    ``steps + lag`` steps and returns ``(steps, batch, outputs)`` aligned with ``x``.
    """

    def __init__(self, graph: Graph, precision: str = "double"):
        if precision not in _DTYPES:
            raise TrainingError(f"precision must be 'double' or 'float', got {precision!r}")
        self.graph, self.precision, self.dtype = graph, precision, _DTYPES[precision]
        self.steps = [build_step(p.ir, p.trainable) for p in graph.populations]
        self.lag = graph.lag
        if not isinstance(graph.backend, OpenMPBackend):
            raise TrainingError(f"training kernels are rendered for OpenMP only; this "
                                f"network's backend is '{graph.backend.name}' (train a copy "
                                "built with paradigm='openmp', then load its weights)")
        cpp, pyx, self.layout = kernel_source.render(graph, self.steps, precision)
        self.source = cpp
        start = time.perf_counter()
        # the network's backend and toolchain: same commands, flags and cache as simulate()
        self.module, self.build_info = build(cpp, pyx, graph.backend, tc=graph.toolchain)
        self.build_info = dict(self.build_info, seconds=time.perf_counter() - start)
        self._init_parameters()
        self._shape = None
        self.ints = np.zeros(4, dtype=np.int64)
        self.reals = np.zeros(1 + len(graph.constants), dtype=np.float64)
        self.reals[0] = graph.dt
        for n, name in enumerate(sorted(graph.constants)):
            self.reals[n + 1] = graph.constants[name]

    # -- parameters ----------------------------------------------------------------------
    def _init_parameters(self):
        """``theta``: every trainable value, flat; ``views``: name -> view into it."""
        entries = []
        for proj in self.graph.projections:
            if proj.trainable:
                entries.append((proj.name, proj.weights))
        for spec in self.graph.populations:
            for p in spec.trainable:
                entries.append((f"{spec.name}.{p}", spec.params[p]))
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
        self.fixed = {}          # buffers of the values that are not trained
        for proj in self.graph.projections:
            if not proj.trainable:
                self.fixed[proj.name] = np.ascontiguousarray(proj.weights, dtype=self.dtype)
            if proj.mask is not None:
                self.fixed[("mask", proj.name)] = proj.mask.astype(self.dtype)
        for spec in self.graph.populations:
            for p, value in spec.params.items():
                if p not in spec.trainable:
                    self.fixed[f"{spec.name}.{p}"] = np.ascontiguousarray(value, self.dtype)
            for v, value in spec.init.items():
                self.fixed[("init", spec.name, v)] = np.ascontiguousarray(value, self.dtype)

    def values(self) -> dict:
        """Copies of the trainable values, by name (projections: (post, pre) matrices)."""
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

    # -- buffers -------------------------------------------------------------------------
    def _allocate(self, steps: int, batch: int):
        if self._shape == (steps, batch):
            return
        total, dtype, g = steps + self.lag, self.dtype, self.graph
        buf = {}
        for q, name in enumerate(g.inputs):
            buf[("input", name)] = np.zeros((total, batch, g.input_sizes[q]), dtype)
        for spec, step in zip(g.populations, self.steps):
            for v in step.variables:
                buf[("hist", spec.name, v)] = np.zeros((total + 1, batch, spec.size), dtype)
                buf[("adj", spec.name, v)] = np.zeros((batch, spec.size), dtype)
                buf[("adjn", spec.name, v)] = np.zeros((batch, spec.size), dtype)
            for target in step.targets:
                buf[("sum", spec.name, target)] = np.zeros((total, batch, spec.size), dtype)
        out = g.population(g.output).size
        buf[("dy",)] = np.zeros((steps, batch, out), dtype)
        for proj in g.projections:
            buf[("weights_t", proj.name)] = np.zeros(proj.weights.T.shape, dtype)
        self.buffers = buf
        addresses = []
        for _, key in self.layout.pointers:
            addresses.append(self._array(key).ctypes.data)
        self.pointers = np.asarray(addresses, dtype=np.uintp)
        self.ints[kernel_source.INT_STEPS] = total
        self.ints[kernel_source.INT_BATCH] = batch
        self.ints[kernel_source.INT_LAG] = self.lag
        self.ints[kernel_source.INT_SCORED] = steps
        self._shape = (steps, batch)

    def _array(self, key) -> np.ndarray:
        kind, name = key[0], key[1] if len(key) > 1 else None
        if kind == "weights":
            return self.views[name] if name in self.views else self.fixed[name]
        if kind == "grad_weights":
            return self.grad_views[name]
        if kind == "mask":
            return self.fixed[("mask", name)]
        if kind == "param":
            full = f"{name}.{key[2]}"
            return self.views[full] if full in self.views else self.fixed[full]
        if kind == "grad":
            return self.grad_views[f"{name}.{key[2]}"]
        if kind == "init":
            return self.fixed[key]
        return self.buffers[key]     # state, sums, adjoints (the kernel swaps its own copies)

    # -- passes ------------------------------------------------------------------------------
    def forward(self, x) -> np.ndarray:
        """Output rates ``(steps, batch, outputs)`` for inputs ``(steps, batch, inputs)``."""
        g = self.graph
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[2] != sum(g.input_sizes):
            raise TrainingError(f"inputs must be shaped (steps, batch, "
                                f"{sum(g.input_sizes)}), got {x.shape}")
        steps, batch = x.shape[:2]
        self._allocate(steps, batch)
        col = 0
        for q, name in enumerate(g.inputs):
            buf = self.buffers[("input", name)]
            buf[:steps] = x[:, :, col:col + g.input_sizes[q]]
            buf[steps:] = 0.0       # the extra lag steps: their input reaches no output
            col += g.input_sizes[q]
        self.module.forward(self.pointers.ctypes.data, self.ints.ctypes.data,
                            self.reals.ctypes.data)
        hist = self.buffers[("hist", g.output, "r")]
        return hist[1 + self.lag:1 + self.lag + steps]

    def backward(self, dy) -> np.ndarray:
        """Gradient (``grad``, flat) of a loss whose derivative with respect to the last
        forward's outputs is ``dy``."""
        if self._shape is None:
            raise TrainingError("backward() needs a forward() first")
        self.buffers[("dy",)][...] = dy
        self.grad[...] = 0.0
        self.module.backward(self.pointers.ctypes.data, self.ints.ctypes.data,
                             self.reals.ctypes.data)
        return self.grad

    def history(self, population: str, variable: str = "r") -> np.ndarray:
        """The state of the last forward pass, ``(steps + lag + 1, batch, size)``
        (index 0 is the initial state)."""
        return self.buffers[("hist", population, variable)]
