"""The analytic side of cooperative coding: decay and response times of the E/I-lag
network's total activity, the critically damped crossing, the seed's response-time rules
on a measured loss, and the SFA network's weights."""
from __future__ import annotations

import numpy as np

from ...errors import NetworkError

#: the seed's threshold factor: a response is done when the loss fell below e^-1 of its start
P_THRESHOLD = float(np.exp(-1.0))


def excitatory_decay_time(w_rec_netE_sum: float, tau: float = 1.0) -> float:
    """``tau / (1 - sum_j w_rec_netE)``: the decay time of the total activity of the
    purely excitatory network (the uniform mode of ``A``)."""
    if not w_rec_netE_sum < 1:
        raise NetworkError(f"the excitatory network needs a summed recurrent weight < 1 "
                           f"to be stable, got {w_rec_netE_sum!r}")
    return float(tau) / (1.0 - float(w_rec_netE_sum))


def lag_response_time(w_rec_netE_sum: float, tau: float, tau_lag: float):
    """The seed's ``get_tresp_and_wrisc``: ``(t_resp, w_rec_I_sum, t_dec_I)``.

    ``t_resp`` solves ``1/t = 1/t_net + (1/tau_lag)(1 - exp(-tau_lag/t))`` with
    ``t_net = tau / (1 - w_rec_netE_sum)``; ``w_rec_I_sum = -exp(-tau_lag / t_resp)``;
    ``t_dec_I = tau / (1 + w_rec_I_sum)``. With ``v = tau_lag / t`` the equation is
    ``v - 1 + exp(-v) = tau_lag / t_net``, increasing in ``v > 0``: one root, found by
    bisection then Newton steps (no SciPy needed).
    """
    tau, tau_lag = float(tau), float(tau_lag)
    t_net = excitatory_decay_time(w_rec_netE_sum, tau)
    c = tau_lag / t_net

    def g(v):
        return v - 1.0 + np.exp(-v) - c

    lo, hi = 0.0, 1.0 + c + 1.0                  # g(lo) < 0 < g(hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if g(mid) < 0 else (lo, mid)
    v = 0.5 * (lo + hi)
    for _ in range(3):                           # polish (g' = 1 - exp(-v) > 0)
        slope = 1.0 - np.exp(-v)
        if slope > 0:
            v -= g(v) / slope
    t_resp = tau_lag / v
    w_rec_I_sum = -np.exp(-v)
    return float(t_resp), float(w_rec_I_sum), float(tau / (1.0 + w_rec_I_sum))


def critical_crossing(p_thr: float = P_THRESHOLD) -> float:
    """``u`` with ``(1 + u) exp(-u) = p_thr``: a critically damped deviation
    ``(1 + t/T) exp(-t/T)`` falls to ``p_thr`` at ``t = u T`` (``u = 2.146`` for e^-1)."""
    if not 0 < p_thr < 1:
        raise NetworkError(f"p_thr must be in (0, 1), got {p_thr!r}")
    u = 1.0 - np.log(p_thr)
    for _ in range(100):                         # Newton on log((1 + u) e^-u) - log(p)
        u -= (np.log1p(u) - u - np.log(p_thr)) / (1.0 / (1.0 + u) - 1.0)
    return float(u)


def loss_response_times(loss, dt: float, p_thr: float = P_THRESHOLD, n_powers: int = 1):
    """The seed's ``get_loss_response_times``: for each ``k = 1..n_powers``, the time
    from the first sample to the earliest sample from which the loss stays below
    ``p_thr**k * loss[0]`` (``dt * index``); ``nan`` if the loss never settles there.
    A float for ``n_powers=1``, else an array."""
    loss = np.asarray(loss, dtype=np.float64)
    out = np.full(int(n_powers), np.nan)
    for k in range(1, int(n_powers) + 1):
        below = loss < p_thr ** k * loss[0]
        settled = np.logical_and.accumulate(below[::-1])[::-1]   # below from i onwards
        if settled.any():
            out[k - 1] = dt * int(np.argmax(settled))
    return float(out[0]) if n_powers == 1 else out


def first_crossing_time(loss, dt: float, p_thr: float = P_THRESHOLD) -> float:
    """The SFA example's rule: ``dt * (first index with loss < p_thr)``; ``nan`` if none."""
    hits = np.flatnonzero(np.asarray(loss) < p_thr)
    return float(dt * hits[0]) if hits.size else float("nan")


def sfa_weights(d_RF: float, a_SFA: float) -> tuple[float, float]:
    """The seed's ``get_weights``: ``(w_rec, w_ff)`` whose steady state is
    ``gamma^|j - j0|`` with ``gamma = exp(-1/d_RF)``, scaled by ``1 + a_SFA`` to make up
    for the adaptation."""
    gamma = np.exp(-1.0 / d_RF)
    return (float(gamma / (1 + gamma ** 2) * (1 + a_SFA)),
            float((1 - gamma ** 2) / (1 + gamma ** 2) * (1 + a_SFA)))
