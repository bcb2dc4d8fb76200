"""Cooperatively coding networks: the E/I-lag rate networks and the spike-frequency
adaptation (SFA) network of seed 004, as ordinary neurogen populations and projections.

Each neuron ``j`` has a state ``x_j`` (its rate ``r``, so projections read it) and is
coupled to its nearest neighbours on a ring (1D) or a torus (2D) through the adjacency
matrix ``A``. The E/I-lag network (seed: ``IELagRateNetwork``, ``IELag2DConvNetwork``)::

    tau dx/dt = -x + w_in x_in + w_rec_netE A x - (tau / tau_lag) w_rec_I A (x - x(t - tau_lag))

In neurogen the three terms are three projections of the population onto itself, all
with the weights ``A`` scaled: ``sum(exc)`` (``w_rec_netE A``), ``sum(inh)`` and
``sum(inh_lag)`` (both ``w_rec_I A``, the second delayed by ``tau_lag``)::

    tau * dr/dt = -r + w_in * I_ext + sum(exc) - (tau / tau_lag) * (sum(inh) - sum(inh_lag))

A delay of ``k`` steps reads the rates computed ``k`` steps earlier while an undelayed sum
reads the previous step's rates (ANNarchy's rule), so the lagged projection is given
``n_lag + 1`` steps to read ``x(t - n_lag dt)`` against ``x(t)``; during the first
``tau_lag`` it reads the initial state, as the seed's history does.

With ``w_rec_I = 0`` (``balanced=False``) it is the purely excitatory network, whose
population total relaxes with ``t_decay = tau / (1 - z w_rec_netE)`` (``z`` neighbours);
the seed picks ``w_rec_netE = (1 - tau / t_decay) / z`` and, for the balanced network,
``z w_rec_I = -exp(-tau_lag / t_resp)`` with ``t_resp`` the root of
``1/t_resp = 1/t_decay + (1/tau_lag) (1 - exp(-tau_lag/t_resp))`` (:func:`lag_response_time`).
That choice makes ``-1/t_resp`` a double root of the total's delay equation (critical
damping), which is why the measured ``e^-1`` time is ``~2.15 t_resp``
(:func:`critical_crossing`).

The SFA network (seed: ``simulate_1D_SFA``) adds an adaptation variable ``u``::

    tau * dr/dt = -r + sum(rec) + w_ff * I_ext - a_SFA * u
    tau_SFA * du/dt = -u + r

Both ODEs form one explicit block (increments from the start-of-step values), which is
exactly the seed's Euler step. Times are in the network's time unit (``tau = 1`` makes
them the seed's units of tau). Integration is forward Euler: weighted sums are computed
once per step, so a multi-stage method would refine only the leak term, not the coupling
(the seed's own midpoint scheme is ported to NumPy in ``examples/coop_coding``).

Modules: :mod:`.theory` (analytic times, response-time rules, SFA weights),
:mod:`.adjacency` (ring and torus coupling), :mod:`.neurons`, :mod:`.experiment`
(recording and results), :mod:`.eilag` and :mod:`.sfa` (the networks).
"""
from .adjacency import (adjacency_eigenvalues, connect_neighbours, ring_neighbours,
                        torus_neighbours)
from .eilag import EILagNetwork1D, EILagNetwork2D
from .experiment import PulseResponse, StepResponse
from .neurons import lag_neuron, sfa_neuron
from .sfa import SFANetwork1D
from .theory import (P_THRESHOLD, critical_crossing, excitatory_decay_time,
                     first_crossing_time, lag_response_time, loss_response_times,
                     sfa_weights)

__all__ = ["EILagNetwork1D", "EILagNetwork2D", "SFANetwork1D", "StepResponse",
           "PulseResponse", "P_THRESHOLD", "adjacency_eigenvalues", "connect_neighbours",
           "critical_crossing", "excitatory_decay_time", "first_crossing_time",
           "lag_neuron", "lag_response_time", "loss_response_times", "ring_neighbours",
           "sfa_neuron", "sfa_weights", "torus_neighbours"]
