"""Standard rate-coded neuron models, as classes (``neuron=LeakyIntegrator()``)."""
from ..core.neuron import Neuron


class LeakyIntegrator(Neuron):
    """Leaky integrator: ``tau * dv/dt + v = sum(exc) + B``, ``r = pos(v - T)``.

    ``sum`` replaces the input term (e.g. ``"sum(exc) - sum(inh)"``); ``noise`` is an
    expression added to it (e.g. ``"0.1 * Normal(0, 1)"``).
    """

    def __init__(self, tau=10.0, B=0.0, T=0.0, sum="sum(exc)", noise=None):  # noqa: A002
        extra = f" + {noise}" if noise else ""
        super().__init__(
            name="LeakyIntegrator", description="Leaky-integrator rate-coded neuron",
            parameters=f"tau = {tau} : population\nB = {B}\nT = {T} : population",
            equations=f"tau * dv/dt + v = {sum} + B{extra}\nr = pos(v - T)")


def list_standard_neurons() -> list:
    """The standard rate-coded neuron models neurogen has."""
    return [LeakyIntegrator]


class _SpikingNeuron(Neuron):
    """ANNarchy's standard spiking neurons: the names exist so that scripts and modules
    importing them load, but a population of one is refused (spiking is not built yet)."""

    def __init__(self, **parameters):
        super().__init__(name=type(self).__name__,
                         description=f"{type(self).__name__} (spiking; not available yet)",
                         spike="v > v_thresh", reset="v = v_reset")
        self.standard_parameters = dict(parameters)


class IF_curr_exp(_SpikingNeuron):
    """Integrate-and-fire, exponential current synapses (spiking; not available yet)."""


class IF_cond_exp(_SpikingNeuron):
    """Integrate-and-fire, exponential conductance synapses (spiking; not available yet)."""


class IF_curr_alpha(_SpikingNeuron):
    """Integrate-and-fire, alpha current synapses (spiking; not available yet)."""


class IF_cond_alpha(_SpikingNeuron):
    """Integrate-and-fire, alpha conductance synapses (spiking; not available yet)."""


class Izhikevich(_SpikingNeuron):
    """Izhikevich's quadratic integrate-and-fire neuron (spiking; not available yet)."""


class HH_cond_exp(_SpikingNeuron):
    """Hodgkin-Huxley neuron (spiking; not available yet)."""


class EIF_cond_exp_isfa_ista(_SpikingNeuron):
    """Adaptive exponential integrate-and-fire (spiking; not available yet)."""


class EIF_cond_alpha_isfa_ista(_SpikingNeuron):
    """Adaptive exponential integrate-and-fire, alpha synapses (spiking; not available yet)."""


SPIKING_NEURONS = (IF_curr_exp, IF_cond_exp, IF_curr_alpha, IF_cond_alpha, Izhikevich,
                   HH_cond_exp, EIF_cond_exp_isfa_ista, EIF_cond_alpha_isfa_ista)
