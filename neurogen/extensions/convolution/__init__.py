"""ANNarchy's convolution extension: :class:`Convolution` (shared filters, banks of
filters) and :class:`Pooling` (max/min/mean over windows), as projections whose
synapses share their weights."""
from .convolve import Convolution
from .pooling import Pooling

__all__ = ["Convolution", "Pooling"]
