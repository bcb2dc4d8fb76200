"""Stimulus tasks for the model library: smooth tracking of a moving stimulus by a
continuous attractor network (:class:`SmoothTracking1D`, :class:`SmoothTracking2D`),
replayed into the network at C speed through a :class:`~neurogen.TimedArray`."""
from .tracking import SmoothTracking1D, SmoothTracking2D, TaskError

__all__ = ["SmoothTracking1D", "SmoothTracking2D", "TaskError"]
