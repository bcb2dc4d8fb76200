"""Standard rate-coded neuron models, as classes (``neuron=LeakyIntegrator()``)."""
from ..model.neuron import Neuron


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
