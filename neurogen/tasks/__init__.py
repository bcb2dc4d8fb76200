"""Stimulus tasks for the model library: smooth tracking of a moving stimulus by a
continuous attractor network (:class:`SmoothTracking1D`, :class:`SmoothTracking2D`),
replayed into the network at C speed through a :class:`~neurogen.TimedArray`; and
neurogym's perceptual decision making for training networks
(:class:`PerceptualDecisionMaking`)."""
from .tracking import SmoothTracking1D, SmoothTracking2D, TaskError
from .decision import Dataset, PerceptualDecisionMaking, Trial

__all__ = ["SmoothTracking1D", "SmoothTracking2D", "TaskError", "PerceptualDecisionMaking",
           "Dataset", "Trial"]
