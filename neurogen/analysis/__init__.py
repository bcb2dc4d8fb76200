"""Dynamical analysis of neurogen models: vector fields and exact Jacobians derived with
sympy from the equations (:class:`SymbolicField`), fixed/slow point search
(:class:`SlowPointFinder`; :func:`line_attractor_summary` for the line attractor's
numbers), and plots (:mod:`neurogen.analysis.plot`; the numbers they
draw are in :mod:`neurogen.analysis.measures`, which needs no matplotlib)."""
from . import spike_trains  # noqa: F401  (ANNarchy's spike statistics, NumPy only)
from .line_attractor import line_attractor_summary
from .optimizers import Adam, ExponentialDecay
from .slow_points import SlowPointFinder
from .symbolic import AnalysisError, SymbolicField

__all__ = ["SlowPointFinder", "SymbolicField", "Adam", "ExponentialDecay", "AnalysisError",
           "line_attractor_summary"]
