"""The E/I-lag rate networks on a ring and a torus (seed: ``IELagRateNetwork``,
``IELag2DConvNetwork``) and their step-response experiment."""
from __future__ import annotations

import numpy as np

from ...errors import NetworkError
from ...core.network import Network
from ...core.population import Population
from ...core.projection import Projection
from ..base import count, positive
from .adjacency import (adjacency_eigenvalues, connect_neighbours, ring_neighbours,
                        torus_neighbours)
from .experiment import CoopModel, Recorder, StepResponse
from .neurons import lag_neuron
from .theory import P_THRESHOLD, excitatory_decay_time, lag_response_time, loss_response_times


class _EILagBase(CoopModel):
    """What the ring and the torus share: weights from the seed's rules, three
    projections of the population onto itself, the steady state and the step response."""

    dimension = 1
    n_neighbours = 2
    _bound_I = 0.5                             # the seed's |w_rec_I| bound (see _check_I)

    def _build(self, geometry, tau, t_decay, n_lag, dt, balanced, w_rec_netE, w_rec_I,
               w_in, net, seed, name):
        cls = type(self).__name__
        self.tau = positive(cls, "tau", tau)
        self.n_lag = count(cls, "n_lag", n_lag, 1)
        self.balanced = bool(balanced)
        dt = (0.01 if self.balanced else 0.1) if dt is None else dt   # seed: dt, dt_vanilla
        dt = positive(cls, "dt", dt)
        if net is not None and abs(net.dt - dt) > 1e-12 * dt:
            raise NetworkError(f"{cls}: dt={dt} differs from the network's dt={net.dt}")
        z = self.n_neighbours
        if w_rec_netE is None:
            self.t_decay = positive(cls, "t_decay", t_decay)
            w_rec_netE = (1.0 - self.tau / self.t_decay) / z
        w_rec_netE = float(w_rec_netE)
        if not np.isfinite(w_rec_netE) or not z * w_rec_netE < 1:
            raise NetworkError(f"{cls}: w_rec_netE must be below 1/{z} (the excitatory "
                               f"network is unstable otherwise), got {w_rec_netE!r}")
        self.w_rec_netE = w_rec_netE
        self.t_decay = excitatory_decay_time(z * w_rec_netE, self.tau)
        self.tau_lag = self.n_lag * dt
        self.t_resp_lag, w_I_sum, self.t_dec_I = lag_response_time(
            z * w_rec_netE, self.tau, self.tau_lag)
        if w_rec_I is None:
            w_rec_I = w_I_sum / z if self.balanced else 0.0
        self.w_rec_I = self._check_I(float(w_rec_I), dt)
        self.net = net if net is not None else Network(dt=dt, seed=seed)
        self.neuron = lag_neuron()
        self.pop = Population(geometry, self.neuron, name=name, net=self.net)
        post, pre = self._neighbours()
        size = self.pop.size

        def projection(target, weight, delays=0.0):
            proj = Projection(self.pop, self.pop, target, name=f"{name}_{target}",
                              net=self.net)
            return connect_neighbours(proj, post, pre, weight, size, delays)

        self.proj_exc = projection("exc", self.w_rec_netE)
        self.proj_inh = projection("inh", self.w_rec_I)
        # n_lag + 1 steps: reads x(t - tau_lag) while the undelayed sums read x(t)
        self.proj_inh_lag = projection("inh_lag", self.w_rec_I, (self.n_lag + 1) * dt)
        self.x_in = self.default_input()
        self.w_in = 1.0 if w_in is None else float(w_in)
        if w_in is None:                       # the seed scales the target's maximum to 1
            self.w_in = 1.0 / float(np.max(self.steady_state()))
        self.pop.tau, self.pop.tau_lag, self.pop.w_in = self.tau, self.tau_lag, self.w_in
        self._recorder = Recorder(self, ["r"])

    def _check_I(self, w_rec_I, dt):
        # seed: w_rec_I in (w_max, 0] with w_max = -0.5 (1 - dt/tau) (1D) or -0.25 (2D)
        bound = self._bound_I * ((1.0 - dt / self.tau) if self.dimension == 1 else 1.0)
        if not np.isfinite(w_rec_I) or w_rec_I > 0 or w_rec_I <= -bound:
            raise NetworkError(f"{type(self).__name__}: w_rec_I must be in (-{bound:g}, 0] "
                               f"(the seed's range), got {w_rec_I!r}")
        return w_rec_I

    def _parameters(self) -> dict:
        return {"tau": self.tau, "tau_lag": self.tau_lag, "w_in": self.w_in}

    @property
    def t_resp_analytic(self) -> float:
        """The analytic response time: ``t_decay`` for the excitatory network (``w_rec_I =
        0``), else ``t_resp`` of :func:`lag_response_time` (exact for the seed's
        ``w_rec_I``; for another ``w_rec_I`` only a scale for the default run length)."""
        return self.t_resp_lag if self.w_rec_I != 0 else self.t_decay

    @property
    def adjacency(self) -> np.ndarray:
        """The dense ``A`` (post, pre) — for small networks."""
        post, pre = self._neighbours()
        A = np.zeros((self.pop.size, self.pop.size))
        np.add.at(A, (post, pre), 1.0)
        return A

    def set_input(self, x_in):
        """``I_ext`` from a stimulus (2D: transformed by the selectivity first)."""
        self.pop.I_ext = self.transform_input(x_in)

    def transform_input(self, x_in) -> np.ndarray:
        x_in = np.asarray(x_in, dtype=np.float64)
        if x_in.shape != self.pop.geometry:
            raise NetworkError(f"{type(self).__name__}: an input has shape "
                               f"{self.pop.geometry}, got {x_in.shape}")
        return x_in

    def steady_state(self, x_in=None) -> np.ndarray:
        """The fixed point ``(1 - w_rec_netE A) x = w_in x_in`` (the lagged term vanishes
        there), solved exactly in Fourier space (``A`` is circulant)."""
        b = self.w_in * self.transform_input(self.x_in if x_in is None else x_in)
        lam = adjacency_eigenvalues(self.pop.geometry)
        return np.real(np.fft.ifftn(np.fft.fftn(b) / (1.0 - self.w_rec_netE * lam)))

    def step_response(self, x_in=None, n_steps: int | None = None,
                      p_thr: float = P_THRESHOLD, n_powers: int = 1,
                      record_every: int = 0) -> StepResponse:
        """The seed's measurement: from the compile-time state (0), the input is switched
        on; ``loss = mean |x - x*|`` after every step, ``x*`` the steady state; the
        response time is :func:`loss_response_times`. ``n_steps`` defaults to the seed's
        ``10 * int(t_resp / dt)`` (``t_resp`` analytic). ``record_every > 0`` keeps every
        that many steps' state (for plots)."""
        if not 0 < p_thr < 1:
            raise NetworkError(f"p_thr must be in (0, 1), got {p_thr!r}")
        dt = self.net.dt
        if n_steps is None:
            n_steps = 10 * int(self.t_resp_analytic / dt + 1e-9)   # 99.99999/0.1 -> 1000
        n_steps = count(type(self).__name__, "n_steps", n_steps, 1)
        x_in = self.x_in if x_in is None else np.asarray(x_in, dtype=np.float64)
        target = self.steady_state(x_in).ravel()
        self._restore()
        self.set_input(x_in)
        loss, total = np.empty(n_steps), np.empty(n_steps)
        kept, kept_t = [], []
        final = {}

        def consume(block, start):
            r = block["r"]
            loss[start:start + len(r)] = np.abs(r - target).mean(axis=1)
            total[start:start + len(r)] = r.sum(axis=1)
            if record_every:
                idx = np.arange(start, start + len(r))
                sel = (idx + 1) % int(record_every) == 0
                kept.append(r[sel])
                kept_t.append((idx[sel] + 1) * dt)
            final["r"] = r[-1]

        self._recorder.run(n_steps, consume)
        geometry = self.pop.geometry
        states = (np.concatenate(kept).reshape((-1,) + geometry) if record_every else None)
        return StepResponse(
            t=np.arange(1, n_steps + 1) * dt, loss=loss, target=target.reshape(geometry),
            final=final["r"].reshape(geometry),
            response_time=loss_response_times(loss, dt, p_thr, n_powers),
            analytic=self.t_resp_analytic, p_thr=float(p_thr), states=states,
            state_times=np.concatenate(kept_t) if record_every else None, total=total)

    def __repr__(self):
        kind = "balanced" if self.w_rec_I != 0 else "excitatory"
        return (f"{type(self).__name__}({self.pop.geometry}, {kind}, tau={self.tau}, "
                f"dt={self.dt}, n_lag={self.n_lag}, w_rec_netE={self.w_rec_netE:.6g}, "
                f"w_rec_I={self.w_rec_I:.6g}, w_in={self.w_in:.6g})")


class EILagNetwork1D(_EILagBase):
    """A ring of ``N`` E/I-lag neurons (the seed's ``IELagRateNetwork``).

    Defaults are the seed's: ``tau=1``, ``t_decay=100`` (sets ``w_rec_netE = (1 -
    tau/t_decay)/2``), ``n_lag=10``; ``balanced=True`` sets ``w_rec_I`` from
    :func:`lag_response_time` and ``dt=0.01``, ``balanced=False`` is the excitatory network
    (``w_rec_I = 0``, the seed's ``dt_vanilla=0.1``). Explicit ``w_rec_netE``/``w_rec_I``
    override them. The input is a unit pulse at neuron ``N // 2``, ``w_in`` scales the
    steady state's maximum to 1 (unless given)."""

    dimension, n_neighbours, _bound_I = 1, 2, 0.5

    def __init__(self, N: int = 200, tau: float = 1.0, t_decay: float = 100.0,
                 n_lag: int = 10, dt: float | None = None, *, balanced: bool = True,
                 w_rec_netE: float | None = None, w_rec_I: float | None = None,
                 w_in: float | None = None, net=None, seed=None, name: str = "eilag1d"):
        self.N = count(type(self).__name__, "N", N, 3)
        self._build(self.N, tau, t_decay, n_lag, dt, balanced, w_rec_netE, w_rec_I, w_in,
                    net, seed, name)

    def _neighbours(self):
        return ring_neighbours(self.N)

    def default_input(self) -> np.ndarray:
        x = np.zeros(self.N)
        x[self.N // 2] = 1.0
        return x


class EILagNetwork2D(_EILagBase):
    """An ``N x N`` torus of E/I-lag neurons with 4 neighbours (the seed's
    ``IELag2DConvNetwork``: its 3x3 cross kernel with periodic padding).

    ``w_rec_netE = (1 - tau/t_decay)/4``; ``selectivity="linear_mixed"`` (the seed's
    default) turns a stimulus ``s`` into ``s.sum(1)[:, None] + s.sum(0)[None, :]`` (two
    1D stimuli), ``"nonlinear_mixed"`` uses it as is. The default stimulus is a unit pulse
    at ``(N//2, N//2)`` (a cross through it under linear mixing)."""

    dimension, n_neighbours, _bound_I = 2, 4, 0.25
    SELECTIVITIES = ("linear_mixed", "nonlinear_mixed")

    def __init__(self, N: int = 200, tau: float = 1.0, t_decay: float = 100.0,
                 n_lag: int = 10, dt: float | None = None, *, balanced: bool = True,
                 selectivity: str = "linear_mixed", w_rec_netE: float | None = None,
                 w_rec_I: float | None = None, w_in: float | None = None, net=None,
                 seed=None, name: str = "eilag2d"):
        self.N = count(type(self).__name__, "N", N, 3)
        key = str(selectivity).lower().replace("-", "_")
        key = {"linearmixed": "linear_mixed", "nonlinearmixed": "nonlinear_mixed"}.get(key, key)
        if key not in self.SELECTIVITIES:
            raise NetworkError(f"EILagNetwork2D: selectivity must be one of "
                               f"{', '.join(self.SELECTIVITIES)}, got {selectivity!r}")
        self.selectivity = key
        self._build((self.N, self.N), tau, t_decay, n_lag, dt, balanced, w_rec_netE,
                    w_rec_I, w_in, net, seed, name)

    def _neighbours(self):
        return torus_neighbours(self.N)

    def default_input(self) -> np.ndarray:
        x = np.zeros((self.N, self.N))
        x[self.N // 2, self.N // 2] = 1.0
        return x

    def transform_input(self, x_in) -> np.ndarray:
        x_in = super().transform_input(x_in)
        if self.selectivity == "linear_mixed":
            return x_in.sum(axis=1)[:, None] + x_in.sum(axis=0)[None, :]
        return x_in
