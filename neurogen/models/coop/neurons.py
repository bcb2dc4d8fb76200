"""The neurons of the cooperative-coding networks, as equation strings."""
from __future__ import annotations

from ...core.neuron import Neuron


def lag_neuron() -> Neuron:
    """The E/I-lag neuron; its state is ``r`` (the seed's ``x``) so projections read it."""
    return Neuron(
        name="EILag",
        description="rate neuron with instantaneous net excitation and inhibition acting "
                    "on the change of its neighbours' state over tau_lag",
        parameters="""
            tau = 1.0 : population
            tau_lag = 0.1 : population
            w_in = 1.0 : population
            I_ext = 0.0
        """,
        equations="tau * dr/dt = -r + w_in * I_ext + sum(exc) "
                  "- (tau / tau_lag) * (sum(inh) - sum(inh_lag))")


def sfa_neuron() -> Neuron:
    """The SFA neuron: recurrent excitation, feed-forward input, adaptation ``u``."""
    return Neuron(
        name="SFA",
        description="rate neuron with spike-frequency adaptation",
        parameters="""
            tau = 1.0 : population
            tau_SFA = 10.0 : population
            a_SFA = 0.09 : population
            w_ff = 1.0 : population
            I_ext = 0.0
        """,
        equations="""
            tau * dr/dt = -r + sum(rec) + w_ff * I_ext - a_SFA * u
            tau_SFA * du/dt = -u + r
        """)
