"""Training equation-string networks with gradients generated from their equations.

sympy differentiates each population's update (:mod:`.symbolic`); the simulation's
printer and jinja2 environment render a batched forward pass and its
backpropagation-through-time adjoint as C++ (:mod:`.kernel_source`), built and cached
by the network's backend like the network itself.
:class:`Trainer` fits the trainable parameters and projections with :class:`Adam` or
:class:`SGD`; :class:`CellMap` gives the trained update as a map with its exact
Jacobian, for fixed-point analysis.
"""
from .graph import TrainingError
from .dynamics import CellMap
from .losses import cross_entropy, mse
from .differentiable import DifferentiableNetwork
from .optimizers import SGD, Adam, ExponentialDecay, clip_by_norm
from .trainer import Trainer

__all__ = ["CellMap", "TrainingError", "DifferentiableNetwork", "Trainer", "Adam", "SGD",
           "ExponentialDecay", "clip_by_norm", "cross_entropy", "mse"]
