"""The compiled gradient slow-point search of :class:`~.slow_points.SlowPointFinder`.

When ``f_cell`` is a :class:`~neurogen.training.CellMap` and the optimizer neurogen's
:class:`~.optimizers.Adam` (a constant or :class:`~.optimizers.ExponentialDecay`
rate), the search is one generated C++ kernel (:mod:`neurogen.training.cell_kernel`),
called for ``num_batch`` iterations at a time with the stop checked in between, as
BrainPy checks it.
"""
from __future__ import annotations

import time

import numpy as np

from .optimizers import Adam, ExponentialDecay
from .symbolic import AnalysisError


def cell_map_of(f_cell):
    """The :class:`~neurogen.training.CellMap` behind ``f_cell`` (itself, ``cell.f`` or
    ``cell.__call__``), else None."""
    if callable(getattr(f_cell, "adam_search", None)):
        return f_cell
    owner = getattr(f_cell, "__self__", None)
    if callable(getattr(owner, "adam_search", None)) and \
            getattr(f_cell, "__name__", "") in ("f", "__call__"):
        return owner
    return None


def compiled_kernel(finder, opt, compiled, precision: str):
    """The kernel for this search, or None for the NumPy search (see
    ``SlowPointFinder.find_fps_with_gd_method``)."""
    if precision not in ("double", "float"):
        raise AnalysisError(f"precision must be 'double' or 'float', got {precision!r}")
    if compiled not in (None, True, False):
        raise AnalysisError(f"compiled must be None, True or False, got {compiled!r}")
    cell, why = cell_map_of(finder.f_cell), None
    if cell is None:
        why = "f_cell is not a neurogen.training.CellMap"
    elif type(opt) is not Adam or not isinstance(opt.lr, (int, float, ExponentialDecay)):
        why = (f"the optimizer is {opt!r}, not neurogen.analysis.Adam with a constant or "
               "ExponentialDecay learning rate")
    if why is None and compiled is not False:
        return cell.adam_search(finder.f_type, precision)
    if compiled:
        raise AnalysisError(f"compiled=True, but there is no compiled search here: {why}")
    if precision != "double":
        raise AnalysisError(f"precision={precision!r} needs the compiled search; the NumPy "
                            f"search runs in double ({why or 'compiled=False'})")
    return None


def run_compiled(finder, kernel, opt, x, total: int, num_batch: int, tolerance: float,
                 num_threads: int, t_start: float) -> np.ndarray:
    """Run up to ``total`` iterations, ``num_batch`` per kernel call; returns the states
    (float64) and sets the finder's ``opt_losses``/``search_seconds`` and the optimizer's
    moments."""
    lr = opt.lr
    lr0, steps, rate = (lr.lr, lr.decay_steps, lr.decay_rate) \
        if isinstance(lr, ExponentialDecay) else (float(lr), 1.0, 1.0)
    xs = np.ascontiguousarray(x, dtype=kernel.dtype)
    m, v = np.zeros_like(xs), np.zeros_like(xs)
    history, t0, done = [], time.perf_counter(), 0
    while done < total:
        n = min(int(num_batch), total - done)
        history.extend(kernel.run(xs, m, v, done, n, lr0, steps, rate, opt.beta1,
                                  opt.beta2, opt.eps, num_threads))
        done += n
        finder.say(f"    Batches {done - n + 1}-{done} in "
                      f"{time.perf_counter() - t0:.2f} sec, Training loss "
                      f"{history[-1]:.10f}")
        t0 = time.perf_counter()
        if history[-1] < tolerance:
            finder.say(f"    Stop optimization as mean training loss "
                          f"{history[-1]:.10f} is below tolerance {tolerance:.10f}.")
            break
    opt.m, opt.v, opt.step_count = m.astype(np.float64), v.astype(np.float64), done
    finder.search_seconds = time.perf_counter() - t_start
    finder.opt_losses = np.array(history)
    return xs.astype(np.float64)
