r"""The predefined BOLD models of ANNarchy's BOLD extension, written from their
published definitions.

Four variants of the balloon model compared by Stephan et al. (2007) share the same
haemodynamics and differ in the BOLD equation (**N**: non-linear, **L**: linear) and
in its coefficients (**C**: classical, Buxton et al. 1998; **R**: revised, Obata et al.
2004). Time is in ms in the equations, the constants in seconds: every derivative is
divided by ``second = 1000``.

Neurovascular coupling (a damped oscillator driven by the input ``I_CBF``) and blood
inflow:

.. math::

    \frac{ds}{dt} = \phi \, I_\text{CBF} - \kappa \, s - \gamma \, (f_\text{in} - 1),
    \qquad \frac{df_\text{in}}{dt} = s

oxygen extraction, venous volume and deoxyhaemoglobin (the balloon):

.. math::

    E = 1 - (1 - E_0)^{1 / f_\text{in}}, \qquad
    \tau \frac{dv}{dt} = f_\text{in} - f_\text{out}, \qquad
    \tau \frac{dq}{dt} = f_\text{in} \frac{E}{E_0} - \frac{q}{v} f_\text{out}, \qquad
    f_\text{out} = v^{1 / \alpha}

BOLD signal, non-linear (N) and linear (L):

.. math::

    \text{BOLD} = V_0 \left(k_1 (1 - q) + k_2 \left(1 - \frac{q}{v}\right)
                  + k_3 (1 - v)\right)

    \text{BOLD} = V_0 \left((k_1 + k_2)(1 - q) + (k_3 - k_2)(1 - v)\right)

with the classical (C) coefficients :math:`k_1 = (1 - V_0) \, 4.3 \, \vartheta_0 E_0
\text{TE}`, :math:`k_2 = 2 E_0`, :math:`k_3 = 1 - \epsilon`, or the revised (R) ones
:math:`k_1 = 4.3 \, \vartheta_0 E_0 \text{TE}`, :math:`k_2 = \epsilon r_0 E_0
\text{TE}`, :math:`k_3 = 1 - \epsilon` (:math:`\vartheta_0` is the parameter ``v_0``,
:math:`V_0` the parameter ``V_0``). ``f_in``, ``v``, ``q`` and ``f_out`` are bounded
below by 0.01.

References: Buxton, Wong and Frank (1998), Magn. Reson. Med. 39, 855-864; Friston et al.
(2000), NeuroImage 12, 466-477; Obata et al. (2004), NeuroImage 21, 144-153; Buxton et
al. (2004), NeuroImage 23, 220-233; Stephan et al. (2007), NeuroImage 38, 387-401;
Maith et al. (2021), Eur. J. Neurosci. 53, 2278-2295; Maith et al. (2022), Front.
Neuroinform. 16, 790966.
"""
from __future__ import annotations

import math

from .model import BoldModel

#: the haemodynamics shared by the Stephan et al. (2007) variants and Maith et al.
#: (2021), in the order the equations are integrated (one explicit block for s and
#: f_in, E, one block for q and v, then f_out)
_BALLOON = """
    I_CBF = sum(CBF)                                                     : init=0.0
    ds/dt = (phi * I_CBF - kappa * s - gamma * (f_in - 1.0)) / second    : init=0.0
    df_in/dt = s / second                                                : init=1.0, min=0.01
    E = 1.0 - (1.0 - E_0) ^ (1.0 / f_in)                                 : init=E_0
    dq/dt = (f_in * E / E_0 - (q / v) * f_out) / (tau * second)          : init=1.0, min=0.01
    dv/dt = (f_in - f_out) / (tau * second)                              : init=1.0, min=0.01
    f_out = v ^ (1.0 / alpha)                                            : init=1.0, min=0.01
"""

#: the input ``I_CBF`` (the key of a monitor's mapping) feeds the weighted sum ``CBF``
#: (neurogen does not accept ``I_CBF = sum(I_CBF)``: a sum named like a variable)
_CBF = {"I_CBF": "CBF"}

_CLASSICAL = """
    k_1 = (1.0 - V_0) * 4.3 * v_0 * E_0 * TE
    k_2 = 2.0 * E_0
    k_3 = 1.0 - epsilon
"""

_REVISED = """
    k_1 = 4.3 * v_0 * E_0 * TE
    k_2 = epsilon * r_0 * E_0 * TE
    k_3 = 1.0 - epsilon
"""

_NONLINEAR = "BOLD = V_0 * (k_1 * (1.0 - q) + k_2 * (1.0 - q / v) + k_3 * (1.0 - v)) : init=0.0"
_LINEAR = "BOLD = V_0 * ((k_1 + k_2) * (1.0 - q) + (k_3 - k_2) * (1.0 - v))       : init=0.0"


def _parameters(values: dict, flag: str) -> str:
    """``name = value : flag`` lines (values written with ``repr``: no digit lost)."""
    return "\n".join(f"{name} = {float(value)!r}{flag}" for name, value in values.items())


class _Stephan2007(BoldModel):
    """One of the four variants: ``revised`` coefficients or classical ones,
    ``nonlinear`` BOLD equation or linear one."""

    revised = True
    nonlinear = True
    label = ""

    def __init__(self, phi=1.0, kappa=1 / 1.54, gamma=1 / 2.46, E_0=0.34, tau=0.98,
                 alpha=0.33, V_0=0.02, v_0=40.3, TE=40 / 1000.0, epsilon=1.43, r_0=25.0):
        values = dict(second=1000.0, phi=phi, kappa=kappa, gamma=gamma, E_0=E_0, tau=tau,
                      alpha=alpha, V_0=V_0, v_0=v_0, TE=TE, epsilon=epsilon)
        if self.revised:
            values["r_0"] = r_0
        equations = _BALLOON + (_REVISED if self.revised else _CLASSICAL) \
            + (_NONLINEAR if self.nonlinear else _LINEAR)
        kind = ("revised" if self.revised else "classical") + " coefficients and " \
            + ("non-linear" if self.nonlinear else "linear") + " BOLD equation"
        super().__init__(parameters=_parameters(values, " : population"),
                         equations=equations, inputs=_CBF, output="BOLD",
                         name=f"BOLD model {self.label}",
                         description=f"Balloon model with {kind} (Stephan et al., 2007).")


_PARAMETERS_DOC = """

    :param phi: input coefficient of the neurovascular coupling
    :param kappa: signal decay (1/s)
    :param gamma: feedback regulation (1/s)
    :param E_0: oxygen extraction fraction at rest
    :param tau: transit time (s)
    :param alpha: vessel stiffness (Grubb's exponent)
    :param V_0: resting venous blood volume fraction
    :param v_0: frequency offset at the outer surface of the magnetised vessel for fully
        deoxygenated blood at 1.5 T (Hz)
    :param TE: echo time (s)
    :param epsilon: ratio of intra- and extravascular signal
"""
_R0_DOC = """    :param r_0: slope of the intravascular relaxation rate against oxygen saturation
        (1/s), revised coefficients only
"""


class balloon_RN(_Stephan2007):
    __doc__ = ("Balloon model with revised coefficients and the non-linear BOLD equation "
               "(Stephan et al., 2007): the default model of a BoldMonitor. Parameters as "
               "keywords (``balloon_RN(epsilon=1.0)``); input ``I_CBF``, output ``BOLD``."
               + _PARAMETERS_DOC + _R0_DOC)
    revised, nonlinear, label = True, True, "RN"


class balloon_RL(_Stephan2007):
    __doc__ = ("Balloon model with revised coefficients and the linear BOLD equation "
               "(Stephan et al., 2007). The transit time ``tau`` is in seconds in both "
               "ODEs of the balloon, as in the other variants (ANNarchy 5.0.4.1's "
               "``balloon_RL`` omits the division by ``second`` in ``dq/dt`` and ``dv/dt``, "
               "unlike its documentation)." + _PARAMETERS_DOC + _R0_DOC)
    revised, nonlinear, label = True, False, "RL"


class _Classical(_Stephan2007):
    """Stephan et al.'s variants with the classical coefficients: their defaults."""

    def __init__(self, phi=1.0, kappa=1 / 1.54, gamma=1 / 2.46, E_0=0.34, tau=0.98,
                 alpha=0.33, V_0=0.02, v_0=40.3, TE=40 / 1000.0, epsilon=1.43):
        super().__init__(phi=phi, kappa=kappa, gamma=gamma, E_0=E_0, tau=tau, alpha=alpha,
                         V_0=V_0, v_0=v_0, TE=TE, epsilon=epsilon)


class balloon_CN(_Classical):
    __doc__ = ("Balloon model with classical coefficients and the non-linear BOLD equation "
               "(Stephan et al., 2007)." + _PARAMETERS_DOC)
    revised, nonlinear, label = False, True, "CN"


class balloon_CL(_Classical):
    __doc__ = ("Balloon model with classical coefficients and the linear BOLD equation "
               "(Stephan et al., 2007)." + _PARAMETERS_DOC)
    revised, nonlinear, label = False, False, "CL"


class balloon_maith2021(BoldModel):
    """The balloon model of Maith et al. (2021): the haemodynamics above with the
    parameters fitted there and Buxton et al.'s (1998) coefficients at 1.5 T,
    ``k_1 = 7 E_0``, ``k_2 = 2``, ``k_3 = 2 E_0 - 0.2``, in the non-linear BOLD
    equation. Parameters as keywords; they are per neuron (not ``population``), as in
    ANNarchy."""

    def __init__(self, phi=1.0, kappa=0.665, gamma=0.412, E_0=0.3424, tau=1.0368,
                 alpha=0.3215, V_0=0.02):
        values = dict(second=1000.0, phi=phi, kappa=kappa, gamma=gamma, E_0=E_0, tau=tau,
                      alpha=alpha, V_0=V_0)
        coefficients = """
            k_1 = 7.0 * E_0
            k_2 = 2.0
            k_3 = 2.0 * E_0 - 0.2
        """
        super().__init__(parameters=_parameters(values, ""),
                         equations=_BALLOON + coefficients + _NONLINEAR,
                         inputs=_CBF, output="BOLD", name="Maith2021 BOLD model",
                         description="BOLD computation from Maith et al. (2021).")


class balloon_two_inputs(BoldModel):
    r"""The BOLD model of Maith et al. (2022) with two inputs: ``I_CBF`` drives the
    blood flow ``f_in`` and ``I_CMRO2`` the oxygen metabolism ``r`` (normalised CMRO2),
    each through a damped oscillator (Friston et al., 2000); the balloon has Buxton et
    al.'s (2004) viscoelastic outflow, ``f_out = v^(1/alpha) + tau_out dv/dt`` with
    ``tau_out = tau_out1`` while the volume grows and ``tau_out2`` while it shrinks; the
    BOLD equation is the non-linear one with revised coefficients.

    .. math::

        \frac{ds_\text{CBF}}{dt} = \phi_\text{CBF} I_\text{CBF}
            - \kappa_\text{CBF} s_\text{CBF} - \gamma_\text{CBF} (f_\text{in} - 1),
        \qquad \frac{df_\text{in}}{dt} = s_\text{CBF}

        \frac{ds_\text{CMRO2}}{dt} = \phi_\text{CMRO2} I_\text{CMRO2}
            \frac{\gamma_\text{CMRO2}}{\gamma_\text{CBF}}
            - \kappa_\text{CMRO2} s_\text{CMRO2} - \gamma_\text{CMRO2} (r - 1),
        \qquad \frac{dr}{dt} = s_\text{CMRO2}

        \tau \frac{dq}{dt} = r - \frac{q}{v} f_\text{out}, \qquad
        \frac{dv}{dt} = \frac{f_\text{in} - v^{1/\alpha}}{\tau + \tau_\text{out}}

    The CMRO2 oscillator is ten times stiffer (``gamma_CMRO2 = 10 gamma_CBF``) and
    critically damped (``kappa_CMRO2 = sqrt(4 gamma_CMRO2)``); the CBF one is
    under-damped (``kappa_CBF = 0.6 sqrt(4 gamma_CBF)``), which gives the
    post-stimulus undershoot; the input of the CMRO2 oscillator is scaled by
    ``gamma_CMRO2 / gamma_CBF`` so that the same input gives the same steady state.
    The auxiliary variable ``dv`` is ``f_in - v^(1/alpha)``. Parameters as keywords,
    per neuron as in ANNarchy.
    """

    def __init__(self, gamma_CBF=1 / 2.46, kappa_CBF=None, gamma_CMRO2=10 / 2.46,
                 kappa_CMRO2=None, phi_CBF=1.0, phi_CMRO2=1.0, E_0=0.34, tau=0.98,
                 alpha=0.33, V_0=0.02, v_0=40.3, TE=40 / 1000.0, epsilon=1.0, r_0=25.0,
                 tau_out1=0.0, tau_out2=20.0):
        if kappa_CBF is None:
            kappa_CBF = 0.6 * math.sqrt(4.0 * gamma_CBF)
        if kappa_CMRO2 is None:
            kappa_CMRO2 = math.sqrt(4.0 * gamma_CMRO2)
        values = dict(kappa_CBF=kappa_CBF, gamma_CBF=gamma_CBF, kappa_CMRO2=kappa_CMRO2,
                      gamma_CMRO2=gamma_CMRO2, phi_CBF=phi_CBF, phi_CMRO2=phi_CMRO2,
                      E_0=E_0, tau=tau, alpha=alpha, V_0=V_0, v_0=v_0, TE=TE,
                      epsilon=epsilon, r_0=r_0, tau_out1=tau_out1, tau_out2=tau_out2,
                      second=1000.0)
        equations = """
            I_CBF = sum(CBF)                                                   : init=0.0
            second * ds_CBF/dt = phi_CBF * I_CBF - kappa_CBF * s_CBF
                                 - gamma_CBF * (f_in - 1.0)                     : init=0.0
            second * df_in/dt = s_CBF                                          : init=1.0, min=0.01
            I_CMRO2 = sum(CMRO2)                                               : init=0.0
            second * ds_CMRO2/dt = phi_CMRO2 * I_CMRO2 * (gamma_CMRO2 / gamma_CBF)
                                   - kappa_CMRO2 * s_CMRO2 - gamma_CMRO2 * (r - 1.0) : init=0.0
            second * dr/dt = s_CMRO2                                           : init=1.0, min=0.01
            dv = f_in - v ^ (1.0 / alpha)
            tau_out = ite(dv > 0.0, tau_out1, tau_out2)
            f_out = v ^ (1.0 / alpha) + tau_out * dv / (tau + tau_out)         : init=1.0, min=0.01
            dq/dt = (r - (q / v) * f_out) / (second * tau)                     : init=1.0, min=0.01
            dv/dt = dv / (tau + tau_out) / second                              : init=1.0, min=0.01
        """ + _REVISED + _NONLINEAR
        super().__init__(parameters=_parameters(values, ""), equations=equations,
                         inputs={"I_CBF": "CBF", "I_CMRO2": "CMRO2"}, output="BOLD",
                         name="BOLD model with two inputs",
                         description="BOLD model with a CBF-driving and a CMRO2-driving "
                                     "input (Maith et al., 2022).")
