"""ANNarchy's ``extensions.ann_to_snn_conversion`` (``ANNtoSNNConverter``: a trained Keras
network rebuilt as a spiking one) is not provided: importing it says so by name, rather
than failing as a module that does not exist."""
from .optional import NotAvailableError

raise NotAvailableError("neurogen.extensions.ann_to_snn_conversion (ANNarchy's "
                        "ANNtoSNNConverter, which rebuilds a trained Keras network as a "
                        "spiking one) is not available in neurogen")
