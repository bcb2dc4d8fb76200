"""Model library written as equation strings: continuous attractor networks
(:class:`CANN1D`, :class:`CANN2D`), the Amari-Hopfield network and the E/I-lag
networks of cooperative coding, and the trainable rate RNN of Yang & Wang (:func:`rate_rnn`)."""
from .cann import CANN1D, CANN2D, cann_neuron
from .hopfield import AmariHopfieldNetwork, HebbianTrainer
from .coop import EILagNetwork1D, EILagNetwork2D, SFANetwork1D, lag_response_time
from .rnn import InputNeuron, RateRNN, rate_rnn

__all__ = ["CANN1D", "CANN2D", "cann_neuron", "AmariHopfieldNetwork", "HebbianTrainer",
           "EILagNetwork1D", "EILagNetwork2D", "SFANetwork1D", "lag_response_time",
           "InputNeuron", "RateRNN", "rate_rnn"]
