"""ANNarchy's convolution extension: :class:`Convolution` (shared filters, banks of
filters) and :class:`Pooling` (max/min/mean over windows), as projections whose
synapses share their weights."""
from .convolve import Convolution
from .pooling import Pooling

__all__ = ["Convolution", "Pooling"]

_NOT_YET = {"Copy": "a projection sharing another one's weights",
            "Transpose": "a projection using another one's weights transposed"}


def __getattr__(name):
    """ANNarchy's other projections of this module are named, not silently missing."""
    if name in _NOT_YET:
        from ..optional import NotAvailableError
        raise NotAvailableError(f"neurogen.extensions.convolution.{name} ({_NOT_YET[name]}) "
                                "is not available yet; Convolution and Pooling are")
    raise AttributeError(f"module 'neurogen.extensions.convolution' has no attribute {name!r}")
