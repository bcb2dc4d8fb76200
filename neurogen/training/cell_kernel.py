"""BrainPy's gradient slow-point search as one generated C++ kernel, for a :class:`CellMap`.

BrainPy (jitted by XLA) spends each of its Adam iterations on the map, a
vector-Jacobian product and the update of all candidates as separate array operations.
Here the same arithmetic is rendered from the cell's sympy expressions
(``templates/training/slow_points.cpp.j2``, through the training kernels' printer,
vector helpers and toolchain): per row block of states, the weighted sums (one small
register-tiled matrix product), the map, its residual and loss, the elementwise partial
derivatives times the residual, the adjoint of the sums times ``W`` (a second product)
and Adam, fused, iterated in cache. ``precision='float'`` runs in float32, as BrainPy does by
default; ``'double'`` agrees with the NumPy search to rounding.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..codegen.printer import AdjointPrinter
from ..toolchain.builder import build
from .graph import TrainingError
from .kernel_source import render_pair
from .symbolic import DT, T, sum_symbol

R_DT, R_LR, R_DECAY_STEPS, R_DECAY_RATE, R_BETA1, R_BETA2, R_EPS, R_SCALE = range(8)
I_BATCH, I_ITERS, I_STEP0, I_THREADS = range(4)
_DTYPES = {"double": np.float64, "float": np.float32}


def _lines(exprs, names, table, precision, prefix):
    """``const real name = expr;`` for each, common subexpressions first."""
    replacements, reduced = sp.cse(list(exprs), symbols=sp.numbered_symbols(f"_{prefix}"),
                                   optimizations="basic")
    table, out = dict(table), []
    for n, (symbol, expr) in enumerate(replacements):
        out.append(f"const real {prefix}{n} = {AdjointPrinter(table, precision).doprint(expr)};")
        table[symbol] = f"{prefix}{n}"
    for name, expr in zip(names, reduced):
        out.append(f"const real {name} = {AdjointPrinter(table, precision).doprint(expr)};")
    return out


def render(cell, f_type: str, precision: str, rows: int):
    """C++ and Cython sources, the pointer names, the constants' order."""
    step, n, variables = cell.cell_step, cell.n, cell.variables
    nv = len(variables)
    targets = list(cell.targets)
    table = {sp.Symbol(v): f"v{m}" for m, v in enumerate(variables)}
    table.update({sum_symbol(t): f"s{k}" for k, t in enumerate(targets)})
    pointers, sums = [], []
    for m, p in enumerate(step.parameters):
        pointers.append(f"P{m}")
        table[sp.Symbol(p)] = f"P{m}[0]" if p in step.global_params else f"P{m}[i]"
    constants = sorted(cell.problem.values.constants)
    for c, name in enumerate(constants):
        table[sp.Symbol(name)] = f"(real)R[{8 + c}]"
    table[DT] = "(real)dt"
    table[T] = "(real)0"
    if "r" not in variables:
        raise TrainingError(f"CellMap '{cell.name}': the compiled search needs a rate "
                            "variable 'r'")
    r_offset = n * variables.index("r")
    for k, t in enumerate(targets):
        entry = dict(index=k, const=f"K{k}", recurrent=t in cell.recurrent)
        pointers.append(f"K{k}")
        if entry["recurrent"]:
            entry.update(WT=f"WT{k}", W=f"W{k}")
            pointers += [f"WT{k}", f"W{k}"]
        sums.append(entry)
    final = [step.final[v] for v in variables]
    body = _lines(final, [f"f{m}" for m in range(nv)], table, precision, "p")
    discrete = f_type == "discrete"
    for m in range(nv):
        body.append(f"const real res{m} = f{m}{f' - v{m}' if discrete else ''};")
        body.append(f"const real w{m} = res{m} * scale;")
    # derivatives with real symbols (|x|' = sign(x)), as the training adjoints
    plain = {s for e in final for s in e.free_symbols}
    real = {s: sp.Symbol(s.name, real=True) for s in plain}
    back = {r: s for s, r in real.items()}
    w = [sp.Symbol(f"_w{m}") for m in range(nv)]
    table.update({w[m]: f"w{m}" for m in range(nv)})

    def adjoint(symbol):
        total = sp.Integer(0)
        for j, e in enumerate(final):
            total += w[j] * sp.diff(e.xreplace(real), real.get(symbol, symbol)).xreplace(back)
        return total
    grads = [adjoint(sp.Symbol(v)) - (w[m] if discrete else 0) for m, v in enumerate(variables)]
    adjs = [adjoint(sum_symbol(t)) for t, s in zip(targets, sums) if s["recurrent"]]
    for e in grads + adjs:
        if e.has(sp.Derivative) or e.has(sp.Subs):
            raise TrainingError(f"CellMap '{cell.name}': sympy cannot differentiate the update")
    names = [f"gr{m}" for m in range(nv)] + [f"za{k}" for k in range(len(adjs))]
    body += _lines(grads + adjs, names, table, precision, "q")
    recurrent = [s for s in sums if s["recurrent"]]
    for k, s in enumerate(recurrent):
        s["adjoint"] = f"za{k}"
    context = dict(real="float" if precision == "float" else "double", n=n, dim=nv * n,
                   rows=int(rows), nvars=nv, nsum=max(1, len(sums)), sums=sums,
                   pointers=pointers, body=body, r_offset=r_offset,
                   var_grad=[f"gr{m}" for m in range(nv)],
                   R_DT=R_DT, R_LR=R_LR, R_DECAY_STEPS=R_DECAY_STEPS,
                   R_DECAY_RATE=R_DECAY_RATE, R_BETA1=R_BETA1, R_BETA2=R_BETA2, R_EPS=R_EPS,
                   R_SCALE=R_SCALE, I_BATCH=I_BATCH, I_ITERS=I_ITERS, I_STEP0=I_STEP0,
                   I_THREADS=I_THREADS)
    cpp, pyx = render_pair("training/slow_points.cpp.j2", "training/slow_points.pyx.j2",
                           context, "the slow-point search")
    return cpp, pyx, pointers, constants


class AdamSearch:
    """The compiled search of one :class:`CellMap` (``cell.adam_search(...)``).

    :meth:`run` advances states ``x`` and Adam moments ``m``, ``v`` (arrays of
    :attr:`dtype`, ``(B, dim)``, updated in place) by ``iters`` iterations from Adam step
    ``step0`` and returns each iteration's mean loss over the batch (before its update).
    """

    def __init__(self, cell, f_type: str = "discrete", precision: str = "double",
                 rows: int = 16):
        if precision not in _DTYPES:
            raise TrainingError(f"precision must be 'double' or 'float', got {precision!r}")
        if f_type not in ("discrete", "continuous"):
            raise TrainingError(f"f_type must be 'discrete' or 'continuous', got {f_type!r}")
        if int(rows) < 1:
            raise TrainingError(f"rows must be positive, got {rows!r}")
        self.f_type, self.precision, self.dtype = f_type, precision, _DTYPES[precision]
        # a block's scratch (sums, their adjoints, the gradient) lives on the stack of
        # the thread that runs it: at most ~256 KiB
        per_row = (2 * max(1, len(cell.targets)) + 1) * cell.dim * \
            np.dtype(self.dtype).itemsize
        self.rows, self.dim = max(1, min(int(rows), (1 << 18) // per_row)), cell.dim
        cpp, pyx, pointers, constants = render(cell, f_type, precision, self.rows)
        self.source = cpp
        problem = cell.problem
        self.module, self.build_info = build(cpp, pyx, problem.backend, tc=problem.toolchain)
        n, dt = cell.n, self.dtype
        buffers = {}
        for m, p in enumerate(cell.cell_step.parameters):
            buffers[f"P{m}"] = np.ascontiguousarray(
                np.broadcast_to(np.asarray(cell.parameter_values[m], dtype=dt).reshape(-1), (
                    1 if p in cell.cell_step.global_params else n,)), dtype=dt)
        W = cell.weights()[0]
        for k, t in enumerate(cell.targets):
            buffers[f"K{k}"] = np.ascontiguousarray(
                np.broadcast_to(np.asarray(cell.const.get(t, 0.0), dtype=dt), (n,)), dtype=dt)
            if t in cell.recurrent:
                buffers[f"W{k}"] = np.ascontiguousarray(W[k], dtype=dt)
                buffers[f"WT{k}"] = np.ascontiguousarray(W[k].T, dtype=dt)
        self._buffers = [buffers[name] for name in pointers]
        self._reals = np.zeros(8 + len(constants))
        self._reals[R_DT] = cell.dt
        for c, name in enumerate(constants):
            self._reals[8 + c] = problem.values.constants[name]
        self._ints = np.zeros(4, dtype=np.int64)

    def run(self, x, m, v, step0: int, iters: int, lr: float, decay_steps: float = 1.0,
            decay_rate: float = 1.0, beta1: float = 0.9, beta2: float = 0.999,
            eps: float = 1e-8, num_threads: int = 1) -> np.ndarray:
        """See the class docstring; the learning rate of step ``s`` (from 0) is
        ``lr * decay_rate ** (s / decay_steps)``."""
        for a in (x, m, v):
            if a.dtype != self.dtype or not a.flags.c_contiguous or a.shape != x.shape \
                    or a.ndim != 2 or a.shape[1] != self.dim:
                raise TrainingError(f"AdamSearch.run: x, m, v must be C-contiguous "
                                    f"{np.dtype(self.dtype).name} arrays of shape "
                                    f"(batch, {self.dim})")
        B = x.shape[0]
        nblocks = -(-B // self.rows)
        losses = np.zeros((nblocks, int(iters)))
        self._ints[:] = (B, int(iters), int(step0), max(1, int(num_threads)))
        self._reals[R_LR:R_SCALE + 1] = (lr, decay_steps, decay_rate, beta1, beta2, eps,
                                         2.0 / (self.dim * B))
        table = np.array([a.ctypes.data for a in (x, m, v, losses, *self._buffers)],
                         dtype=np.uintp)
        self.module.adam_search(table.ctypes.data, self._ints.ctypes.data,
                                self._reals.ctypes.data)
        return losses.sum(axis=0) / (self.dim * B)
