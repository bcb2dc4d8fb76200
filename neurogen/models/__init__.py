"""Model library written as equation strings: continuous attractor networks
(:class:`CANN1D`, :class:`CANN2D`), the Amari-Hopfield network and the E/I-lag
networks of cooperative coding, the trainable rate RNN of Yang & Wang (:func:`rate_rnn`);
ANNarchy's standard models (:class:`LeakyIntegrator`, :class:`Hebb`, :class:`Oja`,
:class:`IBCM`)."""
from .cann import CANN1D, CANN2D, cann_neuron
from .hopfield import AmariHopfieldNetwork, HebbianTrainer
from .neurons import (EIF_cond_alpha_isfa_ista, EIF_cond_exp_isfa_ista, GIF_curr,
                      GIF_curr_exp, HH_cond_exp, IF_cond_alpha, IF_cond_exp, IF_curr_alpha, IF_curr_exp, Izhikevich,
                      LeakyIntegrator, list_standard_neurons)
from .synapses import IBCM, STDP, STP, Hebb, Oja, list_standard_synapses
from .coop import EILagNetwork1D, EILagNetwork2D, SFANetwork1D, lag_response_time
from .rnn import InputNeuron, RateRNN, rate_rnn

__all__ = ["CANN1D", "CANN2D", "cann_neuron", "AmariHopfieldNetwork", "HebbianTrainer",
           "EILagNetwork1D", "EILagNetwork2D", "SFANetwork1D", "lag_response_time",
           "LeakyIntegrator", "list_standard_neurons", "IF_curr_exp", "IF_cond_exp",
           "IF_curr_alpha", "IF_cond_alpha", "Izhikevich", "HH_cond_exp", "GIF_curr", "GIF_curr_exp",
           "EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista", "Hebb", "Oja", "IBCM", "STP", "STDP",
           "list_standard_synapses", "InputNeuron", "RateRNN", "rate_rnn"]
