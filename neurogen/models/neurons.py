"""ANNarchy's standard neuron models, as classes (``neuron=LeakyIntegrator()``): the
rate-coded leaky integrator and the spiking neurons (PyNN's names, parameters and units:
mV, ms, nF, nA, uS), with ANNarchy 5's equations and numerical methods."""
import math
import numbers

from ..core.neuron import Neuron
from ..errors import NeurogenError


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
    """The standard neuron models, in ANNarchy's order."""
    return [LeakyIntegrator, Izhikevich, IF_curr_exp, IF_cond_exp, IF_curr_alpha,
            IF_cond_alpha, GIF_curr, GIF_curr_exp, HH_cond_exp, EIF_cond_alpha_isfa_ista,
            EIF_cond_exp_isfa_ista]


def _number(owner: str, name: str, value) -> str:
    """``value`` written for an equation string, or a NeurogenError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value):
        raise NeurogenError(f"{owner}: {name} must be a finite number, got {value!r}"[:200])
    return repr(float(value))


def _parameters(owner: str, values: dict, population_wide: bool = False) -> str:
    """``name = value`` lines: per-neuron parameters, as most of ANNarchy's standard
    models, or one value per population (its GIF models)."""
    flag = " : population" if population_wide else ""
    return "\n".join(f"{name} = {_number(owner, name, value)}{flag}"
                     for name, value in values.items())


class _StandardSpikingNeuron(Neuron):
    """A spiking neuron of ANNarchy's library, its parameters given by keyword."""

    def _define(self, values: dict, equations: str, spike: str, reset: str | None,
                refractory: str | None, description: str, population_wide: bool = False):
        name = type(self).__name__
        super().__init__(parameters=_parameters(name, values, population_wide),
                         equations=equations, spike=spike, reset=reset,
                         refractory=refractory, name=name, description=description)

    def _integrate_and_fire(self, given: dict, equations: str, description: str):
        """The IF models: the keyword arguments as parameters, ``v`` starting at
        ``v_reset`` (``{v0}`` in ``equations``), ANNarchy's spike, reset and refractory
        attribute."""
        import inspect
        values = {k: given[k] for k in inspect.signature(type(self).__init__).parameters
                  if k != "self"}
        v0 = _number(type(self).__name__, "v_reset", values["v_reset"])
        self._define(values, equations.replace("{v0}", v0), "v > v_thresh", "v = v_reset",
                     "tau_refrac", description)


class Izhikevich(_StandardSpikingNeuron):
    """Izhikevich's quadratic integrate-and-fire neuron (Izhikevich, 2003), explicit Euler::

        I = g_exc - g_inh + noise * Normal(0.0, 1.0) + i_offset
        dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I : init = c
        du/dt = a * (b*v - u) : init = b * c
        spike: v > v_thresh      reset: v = c; u += d      refractory: tau_refrac

    The defaults are a regular-spiking neuron. The synapses are instantaneous: a spike
    adds ``w`` to ``g_exc`` for one step. ``conductance`` replaces ``g_exc - g_inh``
    (e.g. ``"g_ampa * (1 + g_nmda) - g_gaba"``).

    :param a: speed of the recovery variable
    :param b: scaling of the recovery variable
    :param c: reset potential (mV)
    :param d: increment of the recovery variable after a spike
    :param v_thresh: spike threshold (mV)
    :param i_offset: external current
    :param noise: amplitude of the additive normal noise
    :param tau_refrac: refractory period (ms)
    :param conductance: the synaptic input
    """

    def __init__(self, a=0.02, b=0.2, c=-65.0, d=8.0, v_thresh=30.0, i_offset=0.0,
                 noise=0.0, tau_refrac=0.0, conductance="g_exc - g_inh"):
        values = dict(noise=noise, a=a, b=b, c=c, d=d, v_thresh=v_thresh,
                      i_offset=i_offset, tau_refrac=tau_refrac)
        _parameters("Izhikevich", values)
        if not isinstance(conductance, str) or not conductance.strip():
            raise NeurogenError(f"Izhikevich: conductance must be an expression (a string), "
                                f"got {conductance!r}"[:200])
        equations = f"""
            I = {conductance} + noise * Normal(0.0, 1.0) + i_offset
            dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I : init = {float(c)!r}
            du/dt = a * (b*v - u) : init = {float(b) * float(c)!r}
        """
        self._define(values, equations, "v > v_thresh", "v = c\nu += d", "tau_refrac",
                     "Quadratic integrate-and-fire spiking neuron with adaptation.")


class IF_curr_exp(_StandardSpikingNeuron):
    """Leaky integrate-and-fire neuron, fixed threshold, exponentially decaying synaptic
    currents (exponential Euler)::

        cm * dv/dt = cm/tau_m*(v_rest - v) + g_exc - g_inh
            + i_offset : exponential, init = v_reset
        tau_syn_E * dg_exc/dt = - g_exc : exponential
        tau_syn_I * dg_inh/dt = - g_inh : exponential
        spike: v > v_thresh      reset: v = v_reset      refractory: tau_refrac

    :param v_rest: resting membrane potential (mV)
    :param cm: membrane capacitance (nF)
    :param tau_m: membrane time constant (ms)
    :param tau_refrac: refractory period (ms)
    :param tau_syn_E: decay time of the excitatory synaptic current (ms)
    :param tau_syn_I: decay time of the inhibitory synaptic current (ms)
    :param v_thresh: spike threshold (mV)
    :param v_reset: reset potential after a spike (mV)
    :param i_offset: offset current (nA)
    """

    def __init__(self, v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.0, tau_syn_E=5.0,
                 tau_syn_I=5.0, v_thresh=-50.0, v_reset=-65.0, i_offset=0.0):
        equations = """
            cm * dv/dt = cm/tau_m*(v_rest - v) + g_exc - g_inh
                + i_offset : exponential, init = {v0}
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
        """
        self._integrate_and_fire(locals(), equations,
                                 "Leaky integrate-and-fire model with fixed threshold and "
                                 "decaying-exponential post-synaptic current.")


class IF_cond_exp(_StandardSpikingNeuron):
    """Leaky integrate-and-fire neuron, fixed threshold, exponentially decaying synaptic
    conductances (exponential Euler)::

        cm * dv/dt = cm/tau_m*(v_rest - v) + g_exc * (e_rev_E - v)
            + g_inh * (e_rev_I - v) + i_offset : exponential, init = v_reset
        tau_syn_E * dg_exc/dt = - g_exc : exponential
        tau_syn_I * dg_inh/dt = - g_inh : exponential
        spike: v > v_thresh      reset: v = v_reset      refractory: tau_refrac

    :param v_rest: resting membrane potential (mV)
    :param cm: membrane capacitance (nF)
    :param tau_m: membrane time constant (ms)
    :param tau_refrac: refractory period (ms)
    :param tau_syn_E: decay time of the excitatory synaptic conductance (ms)
    :param tau_syn_I: decay time of the inhibitory synaptic conductance (ms)
    :param e_rev_E: reversal potential of the excitatory conductance (mV)
    :param e_rev_I: reversal potential of the inhibitory conductance (mV)
    :param v_thresh: spike threshold (mV)
    :param v_reset: reset potential after a spike (mV)
    :param i_offset: offset current (nA)
    """

    def __init__(self, v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.0, tau_syn_E=5.0,
                 tau_syn_I=5.0, e_rev_E=0.0, e_rev_I=-70.0, v_thresh=-50.0, v_reset=-65.0,
                 i_offset=0.0):
        equations = """
            cm * dv/dt = cm/tau_m*(v_rest - v) + g_exc * (e_rev_E - v)
                + g_inh * (e_rev_I - v) + i_offset : exponential, init = {v0}
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
        """
        self._integrate_and_fire(locals(), equations,
                                 "Leaky integrate-and-fire model with fixed threshold and "
                                 "decaying-exponential post-synaptic conductances.")


#: ANNarchy's alpha shape: ``g_<target>`` (incremented by the spikes) decays with
#: ``tau_syn``; ``alpha_<target>`` follows it, scaled so that one spike of weight ``w``
#: peaks at about ``w``, ``tau_syn`` ms later
_ALPHA = """
            gmax_exc = exp((tau_syn_E - dt/2.0)/tau_syn_E)
            gmax_inh = exp((tau_syn_I - dt/2.0)/tau_syn_I)
"""
_ALPHA_ODES = """
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
            tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc : exponential
            tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh : exponential
"""


class IF_curr_alpha(_StandardSpikingNeuron):
    """Leaky integrate-and-fire neuron, fixed threshold, alpha-shaped synaptic currents
    (exponential Euler). A spike of weight ``w`` received at ``t_spike`` gives a current
    that peaks at about ``w`` at ``t_spike + tau_syn``::

        gmax_exc = exp((tau_syn_E - dt/2.0)/tau_syn_E)
        gmax_inh = exp((tau_syn_I - dt/2.0)/tau_syn_I)
        cm * dv/dt = cm/tau_m*(v_rest - v) + alpha_exc - alpha_inh
            + i_offset : exponential, init = v_reset
        tau_syn_E * dg_exc/dt = - g_exc : exponential
        tau_syn_I * dg_inh/dt = - g_inh : exponential
        tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc : exponential
        tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh : exponential
        spike: v > v_thresh      reset: v = v_reset      refractory: tau_refrac

    As in ANNarchy, ``alpha_exc`` and ``alpha_inh`` keep their values during the
    refractory period (only the ``g_*`` evolve).

    :param v_rest: resting membrane potential (mV)
    :param cm: membrane capacitance (nF)
    :param tau_m: membrane time constant (ms)
    :param tau_refrac: refractory period (ms)
    :param tau_syn_E: rise time of the excitatory synaptic current (ms)
    :param tau_syn_I: rise time of the inhibitory synaptic current (ms)
    :param v_thresh: spike threshold (mV)
    :param v_reset: reset potential after a spike (mV)
    :param i_offset: offset current (nA)
    """

    def __init__(self, v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.0, tau_syn_E=5.0,
                 tau_syn_I=5.0, v_thresh=-50.0, v_reset=-65.0, i_offset=0.0):
        equations = _ALPHA + """
            cm * dv/dt = cm/tau_m*(v_rest - v) + alpha_exc - alpha_inh
                + i_offset : exponential, init = {v0}
        """ + _ALPHA_ODES
        self._integrate_and_fire(locals(), equations,
                                 "Leaky integrate-and-fire model with fixed threshold and alpha "
                                 "post-synaptic currents.")


class IF_cond_alpha(_StandardSpikingNeuron):
    """Leaky integrate-and-fire neuron, fixed threshold, alpha-shaped synaptic
    conductances (exponential Euler)::

        gmax_exc = exp((tau_syn_E - dt/2.0)/tau_syn_E)
        gmax_inh = exp((tau_syn_I - dt/2.0)/tau_syn_I)
        cm * dv/dt = cm/tau_m*(v_rest - v) + alpha_exc * (e_rev_E - v)
            + alpha_inh * (e_rev_I - v) + i_offset : exponential, init = v_reset
        tau_syn_E * dg_exc/dt = - g_exc : exponential
        tau_syn_I * dg_inh/dt = - g_inh : exponential
        tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc : exponential
        tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh : exponential
        spike: v > v_thresh      reset: v = v_reset      refractory: tau_refrac

    As in ANNarchy, ``alpha_exc`` and ``alpha_inh`` keep their values during the
    refractory period (only the ``g_*`` evolve).

    :param v_rest: resting membrane potential (mV)
    :param cm: membrane capacitance (nF)
    :param tau_m: membrane time constant (ms)
    :param tau_refrac: refractory period (ms)
    :param tau_syn_E: rise time of the excitatory synaptic conductance (ms)
    :param tau_syn_I: rise time of the inhibitory synaptic conductance (ms)
    :param e_rev_E: reversal potential of the excitatory conductance (mV)
    :param e_rev_I: reversal potential of the inhibitory conductance (mV)
    :param v_thresh: spike threshold (mV)
    :param v_reset: reset potential after a spike (mV)
    :param i_offset: offset current (nA)
    """

    def __init__(self, v_rest=-65.0, cm=1.0, tau_m=20.0, tau_refrac=0.0, tau_syn_E=5.0,
                 tau_syn_I=5.0, e_rev_E=0.0, e_rev_I=-70.0, v_thresh=-50.0, v_reset=-65.0,
                 i_offset=0.0):
        equations = _ALPHA + """
            cm * dv/dt = cm/tau_m*(v_rest - v) + alpha_exc * (e_rev_E - v)
                + alpha_inh * (e_rev_I - v) + i_offset : exponential, init = {v0}
        """ + _ALPHA_ODES
        self._integrate_and_fire(locals(), equations,
                                 "Leaky integrate-and-fire model with fixed threshold and alpha "
                                 "post-synaptic conductances.")


_EIF_MEMBRANE = """
            tau_m * dv/dt = (v_rest - v + delta_T * exp((v - v_thresh)/delta_T))
                + tau_m/cm*(I - w) : init = {v0}
            tau_w * dw/dt = a * (v - v_rest) / 1000.0 - w
"""
_EIF_DOC_PARAMS = """
    :param v_rest: resting membrane potential (mV)
    :param cm: membrane capacitance (nF)
    :param tau_m: membrane time constant (ms)
    :param tau_refrac: refractory period (ms)
    :param tau_syn_E: decay time of the excitatory synaptic conductance (ms)
    :param tau_syn_I: decay time of the inhibitory synaptic conductance (ms)
    :param e_rev_E: reversal potential of the excitatory conductance (mV)
    :param e_rev_I: reversal potential of the inhibitory conductance (mV)
    :param tau_w: time constant of the adaptation variable (ms)
    :param a: subthreshold adaptation (nS)
    :param b: increment of the adaptation variable after a spike (nA)
    :param i_offset: offset current (nA)
    :param delta_T: slope factor of the exponential (mV)
    :param v_thresh: threshold of the exponential (mV)
    :param v_reset: reset potential after a spike (mV)
    :param v_spike: spike threshold (mV)
"""


class EIF_cond_exp_isfa_ista(_StandardSpikingNeuron):
    __doc__ = """Adaptive exponential integrate-and-fire neuron (Brette and Gerstner, 2005) with
    spike-triggered and subthreshold adaptation, exponentially decaying synaptic
    conductances. ``v`` and ``w`` use explicit Euler, the conductances exponential Euler::

        I = g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v) + i_offset
        tau_m * dv/dt = (v_rest - v + delta_T * exp((v - v_thresh)/delta_T))
            + tau_m/cm*(I - w) : init = v_reset
        tau_w * dw/dt = a * (v - v_rest) / 1000.0 - w
        tau_syn_E * dg_exc/dt = - g_exc : exponential
        tau_syn_I * dg_inh/dt = - g_inh : exponential
        spike: v > v_spike      reset: v = v_reset; w += b      refractory: tau_refrac

    Not available yet: neurogen reserves the name ``w`` (the synaptic weight) in neuron
    equations, and creating one raises a ``NeurogenError`` that says so.
    """ + _EIF_DOC_PARAMS

    def __init__(self, v_rest=-70.6, cm=0.281, tau_m=9.3667, tau_refrac=0.1, tau_syn_E=5.0,
                 tau_syn_I=5.0, e_rev_E=0.0, e_rev_I=-80.0, tau_w=144.0, a=4.0, b=0.0805,
                 i_offset=0.0, delta_T=2.0, v_thresh=-50.4, v_reset=-70.6, v_spike=-40.0):
        name = type(self).__name__
        values = dict(v_rest=v_rest, cm=cm, tau_m=tau_m, tau_refrac=tau_refrac,
                      tau_syn_E=tau_syn_E, tau_syn_I=tau_syn_I, e_rev_E=e_rev_E,
                      e_rev_I=e_rev_I, tau_w=tau_w, a=a, b=b, i_offset=i_offset,
                      delta_T=delta_T, v_thresh=v_thresh, v_reset=v_reset, v_spike=v_spike)
        equations = """
            I = g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v) + i_offset
        """ + _EIF_MEMBRANE.format(v0=_number(name, 'v_reset', v_reset)) + """
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
        """
        self._define(values, equations, "v > v_spike", "v = v_reset\nw += b", "tau_refrac",
                     "Exponential integrate-and-fire neuron with spike triggered and "
                     "sub-threshold adaptation currents (isfa, ista reps.).")


class EIF_cond_alpha_isfa_ista(_StandardSpikingNeuron):
    __doc__ = """Adaptive exponential integrate-and-fire neuron (Brette and Gerstner, 2005) with
    spike-triggered and subthreshold adaptation, alpha-shaped synaptic conductances.
    ``v`` and ``w`` use explicit Euler, the conductances exponential Euler::

        gmax_exc = exp((tau_syn_E - dt/2.0)/tau_syn_E)
        gmax_inh = exp((tau_syn_I - dt/2.0)/tau_syn_I)
        I = alpha_exc * (e_rev_E - v) + alpha_inh * (e_rev_I - v) + i_offset
        tau_m * dv/dt = (v_rest - v + delta_T * exp((v - v_thresh)/delta_T))
            + tau_m/cm*(I - w) : init = v_reset
        tau_w * dw/dt = a * (v - v_rest) / 1000.0 - w
        tau_syn_E * dg_exc/dt = - g_exc : exponential
        tau_syn_I * dg_inh/dt = - g_inh : exponential
        tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc : exponential
        tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh : exponential
        spike: v > v_spike      reset: v = v_reset; w += b      refractory: tau_refrac

    As in ANNarchy, ``alpha_exc`` and ``alpha_inh`` keep their values during the
    refractory period (only the ``g_*`` evolve).

    Not available yet: neurogen reserves the name ``w`` (the synaptic weight) in neuron
    equations, and creating one raises a ``NeurogenError`` that says so.
    """ + _EIF_DOC_PARAMS

    def __init__(self, v_rest=-70.6, cm=0.281, tau_m=9.3667, tau_refrac=0.1, tau_syn_E=5.0,
                 tau_syn_I=5.0, e_rev_E=0.0, e_rev_I=-80.0, tau_w=144.0, a=4.0, b=0.0805,
                 i_offset=0.0, delta_T=2.0, v_thresh=-50.4, v_reset=-70.6, v_spike=-40.0):
        name = type(self).__name__
        values = dict(v_rest=v_rest, cm=cm, tau_m=tau_m, tau_refrac=tau_refrac,
                      tau_syn_E=tau_syn_E, tau_syn_I=tau_syn_I, e_rev_E=e_rev_E,
                      e_rev_I=e_rev_I, tau_w=tau_w, a=a, b=b, i_offset=i_offset,
                      delta_T=delta_T, v_thresh=v_thresh, v_reset=v_reset, v_spike=v_spike)
        equations = _ALPHA + """
            I = alpha_exc * (e_rev_E - v) + alpha_inh * (e_rev_I - v) + i_offset
        """ + _EIF_MEMBRANE.format(v0=_number(name, 'v_reset', v_reset)) + _ALPHA_ODES
        self._define(values, equations, "v > v_spike", "v = v_reset\nw += b", "tau_refrac",
                     "Exponential integrate-and-fire neuron with spike triggered and "
                     "sub-threshold adaptation conductances (isfa, ista reps.).")


class GIF_curr(_StandardSpikingNeuron):
    """Generalized leaky integrate-and-fire neuron with escape noise (Schwalger, Deger &
    Gerstner, 2017), instantaneous synaptic currents, explicit Euler::

        tau_m * du/dt = -u + u_r + R*I_ext + R*(g_exc - g_inh) : init = u_r
        tau_v * dv/dt = -(v - u_th) : init = u_th
        Lambda = c * exp((u - v)/delta_u)
        p = Uniform(0.0, 1.0) * 1000.0 / dt
        spike: p < Lambda      reset: u = u_r; v += J_v/tau_v

    A neuron spikes in a step with probability ``Lambda * dt / 1000`` (``Lambda``, the
    hazard rate, in Hz); ``R = tau_m / C_m``; the parameters are population-wide, as in
    ANNarchy. ``current`` replaces ``R*(g_exc - g_inh)``
    ("" for none). A spike adds ``w`` to ``g_exc`` for one step.

    :param C_m: membrane capacitance (pF)
    :param tau_m: membrane time constant (ms)
    :param tau_v: time constant of the adaptive threshold (ms)
    :param J_v: increment of ``tau_v * v`` at each spike (mV ms)
    :param u_r: reset and resting potential (mV)
    :param u_th: resting value of the threshold (mV)
    :param c: hazard rate at ``u == v`` (Hz)
    :param delta_u: softness of the threshold (mV)
    :param I_ext: external current (pA)
    :param current: the synaptic input term
    :param refractory_period: refractory period (ms)
    """

    _synaptic = ""

    def __init__(self, C_m=250.0, tau_m=10.0, tau_v=1000.0, J_v=1000.0, u_r=-65.0,
                 u_th=-50.0, c=10.0, delta_u=5.0, I_ext=375.0, current="R*(g_exc - g_inh)",
                 refractory_period=0.0, **synaptic):
        name = type(self).__name__
        if not isinstance(current, str):
            raise NeurogenError(f"{name}: current must be an expression (a string, '' for "
                                f"none), got {current!r}"[:200])
        values = dict(tau_m=tau_m, R=float(_number(name, "tau_m", tau_m))
                      / float(_number(name, "C_m", C_m)), tau_v=tau_v, J_v=J_v, u_r=u_r,
                      u_th=u_th, c=c, delta_u=delta_u, **synaptic, I_ext=I_ext)
        refractory = float(_number(name, "refractory_period", refractory_period))
        term = f" + {current}" if current.strip() else ""
        equations = f"""
            tau_m * du/dt = -u + u_r + R*I_ext{term} : init = {_number(name, "u_r", u_r)}
            tau_v * dv/dt = -(v - u_th) : init = {_number(name, "u_th", u_th)}
            Lambda = c * exp((u - v)/delta_u)
            p = Uniform(0.0, 1.0) * 1000.0 / dt
        """ + self._synaptic
        self._define(values, equations, "p < Lambda", "u = u_r\nv += J_v/tau_v", refractory,
                     "Generalized leaky integrate-and-fire neuron with escape noise.",
                     population_wide=True)      # as ANNarchy 5.0.4.1's GIF models


class GIF_curr_exp(GIF_curr):
    """:class:`GIF_curr` with exponentially decaying synaptic currents (explicit
    Euler)::

        tau_g_exc * dg_exc/dt = -g_exc
        tau_g_inh * dg_inh/dt = -g_inh

    :param tau_g_exc: decay time of the excitatory current (ms)
    :param tau_g_inh: decay time of the inhibitory current (ms)

    and :class:`GIF_curr`'s parameters.
    """

    _synaptic = """
            tau_g_exc * dg_exc/dt = -g_exc
            tau_g_inh * dg_inh/dt = -g_inh
        """

    def __init__(self, C_m=250.0, tau_m=10.0, tau_v=1000.0, J_v=1000.0, u_r=-65.0,
                 u_th=-50.0, c=10.0, delta_u=5.0, tau_g_exc=5.0, tau_g_inh=5.0, I_ext=375.0,
                 current="R*(g_exc - g_inh)", refractory_period=0.0):
        super().__init__(C_m, tau_m, tau_v, J_v, u_r, u_th, c, delta_u, I_ext, current,
                         refractory_period, tau_g_exc=tau_g_exc, tau_g_inh=tau_g_inh)


class HH_cond_exp(_StandardSpikingNeuron):
    """Single-compartment Hodgkin-Huxley neuron with transient sodium and
    delayed-rectifier potassium currents (Traub's channel models), exponentially decaying
    synaptic conductances. All ODEs use exponential Euler, as ANNarchy 5's code (its
    docstring says midpoint for ``n``, ``m``, ``h`` and ``v``; the code it runs says
    ``exponential``)::

        prev_v = v
        an = 0.032 * (15.0 - v + v_offset) / (exp((15.0 - v + v_offset)/5.0) - 1.0)
        am = 0.32  * (13.0 - v + v_offset) / (exp((13.0 - v + v_offset)/4.0) - 1.0)
        ah = 0.128 * exp((17.0 - v + v_offset)/18.0)
        bn = 0.5   * exp((10.0 - v + v_offset)/40.0)
        bm = 0.28  * (v - v_offset - 40.0) / (exp((v - v_offset - 40.0)/5.0) - 1.0)
        bh = 4.0/(1.0 + exp((10.0 - v + v_offset)))
        dn/dt = an * (1.0 - n) - bn * n : init = 0.0, exponential
        dm/dt = am * (1.0 - m) - bm * m : init = 0.0, exponential
        dh/dt = ah * (1.0 - h) - bh * h : init = 1.0, exponential
        cm * dv/dt = gleak*(e_rev_leak - v) + gbar_K * n**4 * (e_rev_K - v)
            + gbar_Na * m**3 * h * (e_rev_Na - v)
            + g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v)
            + i_offset : exponential, init = e_rev_leak
        tau_syn_E * dg_exc/dt = - g_exc : exponential
        tau_syn_I * dg_inh/dt = - g_inh : exponential
        spike: (v > v_thresh) and (prev_v <= v_thresh)      no reset, no refractory period

    :param gbar_Na: maximal conductance of the sodium current (uS)
    :param gbar_K: maximal conductance of the potassium current (uS)
    :param gleak: leak conductance (uS)
    :param cm: membrane capacitance (nF)
    :param v_offset: threshold of the rate constants (mV)
    :param e_rev_Na: reversal potential of the sodium current (mV)
    :param e_rev_K: reversal potential of the potassium current (mV)
    :param e_rev_leak: reversal potential of the leak current (mV)
    :param e_rev_E: reversal potential of the excitatory conductance (mV)
    :param e_rev_I: reversal potential of the inhibitory conductance (mV)
    :param tau_syn_E: decay time of the excitatory synaptic conductance (ms)
    :param tau_syn_I: decay time of the inhibitory synaptic conductance (ms)
    :param i_offset: offset current (nA)
    :param v_thresh: threshold of the spike emission (mV)
    """

    def __init__(self, gbar_Na=20.0, gbar_K=6.0, gleak=0.01, cm=0.2, v_offset=-63.0,
                 e_rev_Na=50.0, e_rev_K=-90.0, e_rev_leak=-65.0, e_rev_E=0.0, e_rev_I=-80.0,
                 tau_syn_E=0.2, tau_syn_I=2.0, i_offset=0.0, v_thresh=0.0):
        values = dict(gbar_Na=gbar_Na, gbar_K=gbar_K, gleak=gleak, cm=cm, v_offset=v_offset,
                      e_rev_Na=e_rev_Na, e_rev_K=e_rev_K, e_rev_leak=e_rev_leak,
                      e_rev_E=e_rev_E, e_rev_I=e_rev_I, tau_syn_E=tau_syn_E,
                      tau_syn_I=tau_syn_I, i_offset=i_offset, v_thresh=v_thresh)
        v0 = _number(type(self).__name__, 'e_rev_leak', e_rev_leak)
        equations = f"""
            prev_v = v
            an = 0.032 * (15.0 - v + v_offset) / (exp((15.0 - v + v_offset)/5.0) - 1.0)
            am = 0.32  * (13.0 - v + v_offset) / (exp((13.0 - v + v_offset)/4.0) - 1.0)
            ah = 0.128 * exp((17.0 - v + v_offset)/18.0)
            bn = 0.5   * exp((10.0 - v + v_offset)/40.0)
            bm = 0.28  * (v - v_offset - 40.0) / (exp((v - v_offset - 40.0)/5.0) - 1.0)
            bh = 4.0/(1.0 + exp((10.0 - v + v_offset)))
            dn/dt = an * (1.0 - n) - bn * n : init = 0.0, exponential
            dm/dt = am * (1.0 - m) - bm * m : init = 0.0, exponential
            dh/dt = ah * (1.0 - h) - bh * h : init = 1.0, exponential
            cm * dv/dt = gleak*(e_rev_leak - v) + gbar_K * n**4 * (e_rev_K - v)
                + gbar_Na * m**3 * h * (e_rev_Na - v)
                + g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v)
                + i_offset : exponential, init = {v0}
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
        """
        self._define(values, equations, "(v > v_thresh) and (prev_v <= v_thresh)", None, None,
                     "Single-compartment Hodgkin-Huxley-type neuron with transient sodium "
                     "and delayed-rectifier potassium currents.")


#: ANNarchy's standard spiking neurons
SPIKING_NEURONS = (IF_curr_exp, IF_cond_exp, IF_curr_alpha, IF_cond_alpha, Izhikevich,
                   GIF_curr, GIF_curr_exp, HH_cond_exp, EIF_cond_exp_isfa_ista,
                   EIF_cond_alpha_isfa_ista)
