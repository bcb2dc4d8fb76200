"""Classic rate-coded learning rules, written as equation strings (ANNarchy's
definitions): plain Hebbian learning, Oja's normalised rule and the BCM rule with a
sliding threshold (IBCM). Classes, as in ANNarchy: ``synapse=Hebb`` uses the default
parameters, ``synapse=Hebb(eta=0.1)`` others."""
from ..errors import NeurogenError
from ..core.synapse import Synapse


class Hebb(Synapse):
    """Hebbian learning: ``dw/dt = eta * pre.r * post.r`` (weights stay >= 0)."""

    def __init__(self, eta=0.01):
        super().__init__(
            name="Hebb", description="Hebbian learning: dw/dt = eta * pre.r * post.r",
            parameters=f"eta = {eta} : projection",
            equations="dw/dt = eta * pre.r * post.r : min=0.0, explicit")


class Oja(Synapse):
    """Oja's rule: Hebbian growth with a decay that keeps the weights bounded."""

    def __init__(self, eta=0.01, alpha=1.0):
        super().__init__(
            name="Oja", description="Oja's rule: Hebbian growth with a decay that keeps the "
                                    "weights bounded",
            parameters=f"eta = {eta} : projection\nalpha = {alpha} : projection",
            equations="dw/dt = eta * (pre.r * post.r - alpha * post.r^2 * w) : min=0.0, "
                      "explicit")


class IBCM(Synapse):
    """BCM rule with a sliding threshold ``theta`` that tracks ``post.r^2``."""

    def __init__(self, eta=0.01, tau=2000.0):
        super().__init__(
            name="IBCM", description="BCM rule with a sliding threshold theta that tracks "
                                     "post.r^2",
            parameters=f"eta = {eta} : projection\ntau = {tau} : projection",
            equations="""
                tau * dtheta/dt + theta = post.r^2 : postsynaptic, exponential
                dw/dt = eta * post.r * (post.r - theta) * pre.r : min=0.0, explicit
            """)


class _SpikingSynapse(Synapse):
    """ANNarchy's spiking synapse models: listed, but spiking is not built yet."""

    def __init__(self, *args, **kwargs):
        raise NeurogenError(f"{type(self).__name__} is a spiking synapse; neurogen simulates "
                            "rate-coded networks only, spiking ones are not built yet")


class STP(_SpikingSynapse):
    """Short-term plasticity (spiking; not available yet)."""


class STDP(_SpikingSynapse):
    """Spike-timing-dependent plasticity (spiking; not available yet)."""


def list_standard_synapses() -> list:
    """The standard synapse models, in ANNarchy's order."""
    return [STP, STDP, Hebb, Oja, IBCM]
