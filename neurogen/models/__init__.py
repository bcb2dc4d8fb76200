"""Model library written as equation strings: continuous attractor networks
(:class:`CANN1D`, :class:`CANN2D`), the Amari-Hopfield network and the E/I-lag
networks of cooperative coding."""
from .cann import CANN1D, CANN2D, cann_neuron
from .hopfield import AmariHopfieldNetwork, HebbianTrainer

__all__ = ["CANN1D", "CANN2D", "cann_neuron", "AmariHopfieldNetwork", "HebbianTrainer"]
