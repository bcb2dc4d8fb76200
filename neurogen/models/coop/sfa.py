"""The spike-frequency adaptation network on a ring (seed: ``simulate_1D_SFA``) and its
pulse experiment."""
from __future__ import annotations

import numpy as np

from ...errors import NetworkError
from ...core.network import Network
from ...core.population import Population
from ...core.projection import Projection
from ..base import count, positive
from .adjacency import connect_neighbours, ring_neighbours
from .experiment import CoopModel, PulseResponse, Recorder
from .neurons import sfa_neuron
from .theory import P_THRESHOLD, first_crossing_time, sfa_weights


class SFANetwork1D(CoopModel):
    """A ring of ``N`` neurons with spike-frequency adaptation (the seed's
    ``simulate_1D_SFA``): ``w_rec`` to both neighbours, input ``w_ff`` at ``N // 2``.

    Defaults are the seed's (its supplementary Fig. Aa): ``d_RF=4.5`` (receptive-field
    width, ``gamma = exp(-1/d_RF)``), ``a_SFA=0.09``, ``tau_SFA=10``, ``tau=1``,
    ``dt=0.01``. ``a_SFA=0`` is the plain excitatory network with the same target."""

    def __init__(self, N: int = 200, d_RF: float = 4.5, a_SFA: float = 0.09,
                 tau_SFA: float = 10.0, tau: float = 1.0, dt: float = 0.01, *, net=None,
                 seed=None, name: str = "sfa1d"):
        cls = type(self).__name__
        self.N = count(cls, "N", N, 3)
        self.d_RF = positive(cls, "d_RF", d_RF)
        self.tau_SFA = positive(cls, "tau_SFA", tau_SFA)
        self.tau = positive(cls, "tau", tau)
        dt = positive(cls, "dt", dt)
        try:
            self.a_SFA = float(a_SFA)
        except (TypeError, ValueError):
            raise NetworkError(f"{cls}: a_SFA must be a number, got {a_SFA!r}") from None
        if not np.isfinite(self.a_SFA) or self.a_SFA < 0:
            raise NetworkError(f"{cls}: a_SFA must be >= 0 (0: no adaptation), got {a_SFA!r}")
        if net is not None and abs(net.dt - dt) > 1e-12 * dt:
            raise NetworkError(f"{cls}: dt={dt} differs from the network's dt={net.dt}")
        self.gamma = float(np.exp(-1.0 / self.d_RF))
        self.w_rec, self.w_ff = sfa_weights(self.d_RF, self.a_SFA)
        self.j0 = self.N // 2
        self.net = net if net is not None else Network(dt=dt, seed=seed)
        self.neuron = sfa_neuron()
        self.pop = Population(self.N, self.neuron, name=name, net=self.net)
        for key, value in self._parameters().items():
            setattr(self.pop, key, value)
        self.proj = Projection(self.pop, self.pop, "rec", name=f"{name}_rec", net=self.net)
        post, pre = ring_neighbours(self.N)
        connect_neighbours(self.proj, post, pre, self.w_rec, self.N)
        self._recorder = Recorder(self, ["r", "u"])

    def _parameters(self) -> dict:
        return {"tau": self.tau, "tau_SFA": self.tau_SFA, "a_SFA": self.a_SFA,
                "w_ff": self.w_ff}

    @property
    def u(self) -> np.ndarray:
        return self.pop.u

    @property
    def target(self) -> np.ndarray:
        """The seed's ``get_target``: ``gamma^|j - N//2|`` (the steady state of the
        infinite chain; the ring's differs by ``~gamma^(N/2)``)."""
        return self.gamma ** np.abs(np.arange(self.N) - self.j0)

    @property
    def t_decay(self) -> float:
        """Decay time of the total activity without adaptation (``a_SFA = 0``):
        ``tau / (1 - 2 w_rec)``; ``inf`` when that network would not be stable."""
        w = 2 * self.w_rec / (1 + self.a_SFA)
        return self.tau / (1 - w) if w < 1 else float("inf")

    def pulse_experiment(self, t_on: float = 100.0, t_off: float = 300.0,
                         duration: float = 500.0, p_thr: float = P_THRESHOLD) -> PulseResponse:
        """The seed's run: input ``1`` at ``N//2`` from ``t_on`` to ``t_off`` (times in the
        network's unit; steps ``round(t / dt)``), from the compile-time state (0).
        ``loss = sum |x - x_tar| / sum x_tar0`` with ``x_tar`` the target during the pulse
        and 0 otherwise; the response time is the first time after the pulse ends with
        ``loss < p_thr`` (the seed's ``t_resp``), ``response_time_on`` the same after it
        starts."""
        cls = type(self).__name__
        dt = self.net.dt
        n_on, n_off, n_end = (int(round(float(v) / dt)) for v in (t_on, t_off, duration))
        if not 0 <= n_on < n_off < n_end:
            raise NetworkError(f"{cls}: needs 0 <= t_on < t_off < duration, got "
                               f"{t_on}, {t_off}, {duration}")
        tar0 = self.target
        norm = np.abs(tar0).sum()
        loss, x_j0, u_j0 = np.empty(n_end), np.empty(n_end), np.empty(n_end)
        profile = {}
        self._restore()
        pulse = np.zeros(self.N)
        pulse[self.j0] = 1.0
        for start, stop, stim in ((0, n_on, None), (n_on, n_off, pulse), (n_off, n_end, None)):
            self.pop.I_ext = 0.0 if stim is None else stim
            tar = 0.0 if stim is None else tar0

            def consume(block, offset, start=start, tar=tar):
                i = start + offset
                r, u = block["r"], block["u"]
                loss[i:i + len(r)] = np.abs(r - tar).sum(axis=1) / norm
                x_j0[i:i + len(r)], u_j0[i:i + len(r)] = r[:, self.j0], u[:, self.j0]
                profile[i + len(r) - 1] = r[-1]

            if stop > start:
                self._recorder.run(stop - start, consume)
        r_in = np.zeros(n_end)
        r_in[n_on:n_off] = 1.0
        return PulseResponse(
            t=np.arange(1, n_end + 1) * dt, x_j0=x_j0, u_j0=u_j0, r_in_j0=r_in, loss=loss,
            profile_off=profile[n_off - 1], target=tar0,
            response_time=first_crossing_time(loss[n_off:], dt, p_thr),
            response_time_on=first_crossing_time(loss[n_on:n_off], dt, p_thr),
            n_on=n_on, n_off=n_off)

    def __repr__(self):
        return (f"SFANetwork1D({self.N}, d_RF={self.d_RF}, a_SFA={self.a_SFA}, "
                f"tau_SFA={self.tau_SFA}, tau={self.tau}, dt={self.dt})")
