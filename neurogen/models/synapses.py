"""ANNarchy's standard synapse models, written as equation strings (ANNarchy's
definitions): plain Hebbian learning, Oja's normalised rule and the BCM rule with a
sliding threshold (IBCM) for rate-coded networks, short-term plasticity (STP) and
spike-timing-dependent plasticity (STDP) for spiking ones. Classes, as in ANNarchy:
``synapse=Hebb`` uses the default parameters, ``synapse=Hebb(eta=0.1)`` others."""
from ..errors import NeurogenError
from ..core.synapse import Synapse
from .neurons import _number


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


class STP(Synapse):
    """Short-term facilitation and depression (Tsodyks, Uziel and Markram, 2000), as
    ANNarchy 5 writes it::

        parameters:  tau_rec = 100.0 : projection; tau_facil = 0.01 : projection; U = 0.5
        equations:   dx/dt = (1 - x)/tau_rec : init = 1.0, event-driven
                     du/dt = (U - u)/tau_facil : init = U, event-driven
        pre_spike:   g_target += w * u * x; x *= (1 - u); u += U * (1 - u)

    ``x`` (the available resources) and ``u`` (the utilisation) relax towards 1 and ``U``
    between spikes, in closed form at each presynaptic spike. The time constant of the
    postsynaptic current is the neuron's, not the synapse's.

    :param tau_rec: depression time constant (ms)
    :param tau_facil: facilitation time constant (ms), > 0 (a very small value for no
        facilitation)
    :param U: use parameter (per synapse)
    """

    def __init__(self, tau_rec=100.0, tau_facil=0.01, U=0.5):
        for k, v in dict(tau_rec=tau_rec, tau_facil=tau_facil, U=U).items():
            _number("STP", k, v)
        if not tau_facil > 0.0:
            raise NeurogenError("STP: tau_facil must be positive. Choose a very small value "
                                "if you have to, or derive a new synapse.")
        super().__init__(
            parameters=f"""
                tau_rec = {_number("STP", "tau_rec", tau_rec)} : projection
                tau_facil = {_number("STP", "tau_facil", tau_facil)} : projection
                U = {_number("STP", "U", U)}
            """,
            equations=f"""
                dx/dt = (1 - x)/tau_rec : init = 1.0, event-driven
                du/dt = (U - u)/tau_facil : init = {_number("STP", "U", U)}, event-driven
            """,
            pre_spike="""
                g_target += w * u * x
                x *= (1 - u)
                u += U * (1 - u)
            """,
            name="STP", description="Synapse exhibiting short-term facilitation and "
                                    "depression, implemented using the model of Tsodyks, "
                                    "Markram et al.")


class STDP(Synapse):
    """Spike-timing-dependent plasticity, online version (Song and Abbott, 2001), as
    ANNarchy 5 writes it::

        parameters:  tau_plus, tau_minus, A_plus, A_minus, w_min, w_max (: projection)
        equations:   tau_plus  * dx/dt = -x : event-driven
                     tau_minus * dy/dt = -y : event-driven
        pre_spike:   g_target += w; x += A_plus * w_max; w = clip(w + y, w_min, w_max)
        post_spike:  y -= A_minus * w_max; w = clip(w + x, w_min, w_max)

    A presynaptic spike reaches the synapse after the projection's delay (at least one
    step); ``post_spike`` runs at the step of the postsynaptic spike, after the
    presynaptic spikes of that step. ``x`` and ``y`` decay in closed form between events,
    timed as ANNarchy 5.0.4: a presynaptic event brings them to the step before the one
    processing it, a postsynaptic event to its own step.

    :param tau_plus: time constant of the presynaptic trace ``x`` (ms)
    :param tau_minus: time constant of the postsynaptic trace ``y`` (ms)
    :param A_plus: increment of ``x`` at a presynaptic spike, in units of ``w_max``
    :param A_minus: decrement of ``y`` at a postsynaptic spike, in units of ``w_max``
    :param w_min: smallest weight
    :param w_max: largest weight
    """

    def __init__(self, tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.01, w_min=0.0,
                 w_max=1.0):
        values = dict(tau_plus=tau_plus, tau_minus=tau_minus, A_plus=A_plus,
                      A_minus=A_minus, w_min=w_min, w_max=w_max)
        super().__init__(
            parameters="\n".join(f"{k} = {_number('STDP', k, v)} : projection"
                                  for k, v in values.items()),
            equations="""
                tau_plus  * dx/dt = -x : event-driven
                tau_minus * dy/dt = -y : event-driven
            """,
            pre_spike="""
                g_target += w
                x += A_plus * w_max
                w = clip(w + y, w_min , w_max)
            """,
            post_spike="""
                y -= A_minus * w_max
                w = clip(w + x, w_min , w_max)
            """,
            name="STDP", description="Synapse exhibiting spike-timing dependent plasticity.")


def list_standard_synapses() -> list:
    """The standard synapse models, in ANNarchy's order."""
    return [STP, STDP, Hebb, Oja, IBCM]
