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
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import NetworkError
from ..model.monitor import Monitor
from ..model.network import Network
from ..model.neuron import Neuron
from ..model.population import Population
from ..model.projection import Projection

#: the seed's threshold factor: a response is done when the loss fell below e^-1 of its start
P_THRESHOLD = float(np.exp(-1.0))
_MAX_BLOCK_VALUES = 4_000_000      # monitor values fetched at a time (bounds memory)


# -- analytic results ---------------------------------------------------------------------
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


# -- connectivity -------------------------------------------------------------------------
def ring_neighbours(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(post, pre) index pairs of the periodic nearest-neighbour ring (2 per neuron)."""
    i = np.arange(n)
    post = np.repeat(i, 2)
    pre = np.stack([(i - 1) % n, (i + 1) % n], axis=1).ravel()
    return post, pre


def torus_neighbours(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(post, pre) flat-rank pairs of the periodic 4-neighbour ``n x n`` torus
    (row-major ranks, as a population of geometry ``(n, n)``)."""
    r, c = np.divmod(np.arange(n * n), n)
    pre = np.stack([((r - 1) % n) * n + c, r * n + (c - 1) % n,
                    r * n + (c + 1) % n, ((r + 1) % n) * n + c], axis=1).ravel()
    return np.repeat(np.arange(n * n), 4), pre


def adjacency_eigenvalues(shape: tuple) -> np.ndarray:
    """Eigenvalues of the periodic nearest-neighbour adjacency on ``shape`` (FFT order)."""
    lam = 0.0
    for axis, n in enumerate(shape):
        k = 2.0 * np.cos(2.0 * np.pi * np.arange(n) / n)
        lam = lam + k.reshape([-1 if a == axis else 1 for a in range(len(shape))])
    return np.asarray(lam)


def _connect(proj: Projection, post, pre, weight: float, size: int, delays: float = 0.0):
    """Sparse when SciPy is there (a 200 x 200 torus has 1.6e9 matrix entries), else a
    NaN-padded matrix (absent synapses) for small populations."""
    try:
        from scipy.sparse import csr_matrix
    except ImportError:
        if size > 4096:
            raise NetworkError(f"'{proj.name}': a population of {size} neurons needs SciPy "
                               "for its sparse connectivity (pip install scipy)") from None
        W = np.full((size, size), np.nan)
        W[post, pre] = weight
        return proj.connect_from_matrix(W, delays=delays)
    W = csr_matrix((np.full(len(post), float(weight)), (post, pre)), shape=(size, size))
    return proj.connect_from_sparse(W, delays=delays)


# -- checks -------------------------------------------------------------------------------
def _positive(owner, name, value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise NetworkError(f"{owner}: {name} must be a number, got {value!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise NetworkError(f"{owner}: {name} must be a positive number, got {value!r}")
    return value


def _count(owner, name, value, minimum) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise NetworkError(f"{owner}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


# -- neurons ------------------------------------------------------------------------------
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


# -- results ------------------------------------------------------------------------------
@dataclass
class StepResponse:
    """What :meth:`EILagNetwork1D.step_response` measured. ``t[i] = (i + 1) dt`` is the
    time of sample ``i`` (after step ``i``); ``loss[i] = mean |x - target|``."""
    t: np.ndarray
    loss: np.ndarray
    target: np.ndarray
    final: np.ndarray
    response_time: float | np.ndarray
    analytic: float
    p_thr: float
    states: np.ndarray | None = None          # every ``record_every``-th state
    state_times: np.ndarray | None = None
    total: np.ndarray = field(default_factory=lambda: np.zeros(0))   # sum of x per sample


@dataclass
class PulseResponse:
    """What :meth:`SFANetwork1D.pulse_experiment` measured (traces at neuron ``j0``;
    sample ``i`` is the state after step ``i``, at ``t[i] = (i + 1) dt``)."""
    t: np.ndarray
    x_j0: np.ndarray
    u_j0: np.ndarray
    r_in_j0: np.ndarray
    loss: np.ndarray
    profile_off: np.ndarray                    # x after the last step with the input on
    target: np.ndarray
    response_time: float                       # after the pulse ends (the seed's t_resp)
    response_time_on: float                    # after the pulse starts, same rule
    n_on: int
    n_off: int


class _Recorder:
    """Runs ``n`` steps, handing the recorded variables to ``consume(block, start)`` a
    block at a time, so long runs of large populations never hold the whole history."""

    def __init__(self, model, variables):
        self.model, self.variables = model, list(variables)
        self.monitor = None

    def run(self, n_steps: int, consume):
        model = self.model
        if not model.net.compiled:
            model.net.compile()
        if self.monitor is None:
            self.monitor = Monitor(model.pop, self.variables, start=False, net=model.net)
        block = max(1, min(int(n_steps), _MAX_BLOCK_VALUES // (model.pop.size
                                                               * len(self.variables))))
        self.monitor.start()
        try:
            done = 0
            while done < n_steps:
                k = min(block, n_steps - done)
                model.net.simulate(k * model.net.dt)
                consume(self.monitor.get(self.variables, reshape=False), done)
                done += k
        finally:
            self.monitor.pause()


class _Model:
    """Network access shared by the three models."""

    def compile(self, **kwargs):
        self.net.compile(**kwargs)
        return self

    def simulate(self, duration: float):
        if not self.net.compiled:
            self.net.compile()
        self.net.simulate(duration)

    def monitor(self, variables=("r",), period=None) -> Monitor:
        return Monitor(self.pop, list(variables), period=period, net=self.net)

    @property
    def dt(self) -> float:
        return self.net.dt

    @property
    def r(self) -> np.ndarray:
        return self.pop.r

    @property
    def I_ext(self) -> np.ndarray:
        return self.pop.I_ext

    def _restore(self):
        """Back to time 0 and the compile-time state (delay buffers refilled with it); the
        runtime parameters are written again (``reset`` restores compile-time values)."""
        if self.net.compiled:
            self.net.reset()
        for name, value in self._parameters().items():
            setattr(self.pop, name, value)


# -- E/I-lag networks ---------------------------------------------------------------------
class _EILagBase(_Model):
    dimension = 1
    n_neighbours = 2
    _bound_I = 0.5                             # the seed's |w_rec_I| bound (see _check_I)

    def _build(self, geometry, tau, t_decay, n_lag, dt, balanced, w_rec_netE, w_rec_I,
               w_in, net, seed, name):
        cls = type(self).__name__
        self.tau = _positive(cls, "tau", tau)
        self.n_lag = _count(cls, "n_lag", n_lag, 1)
        self.balanced = bool(balanced)
        dt = (0.01 if self.balanced else 0.1) if dt is None else dt   # seed: dt, dt_vanilla
        dt = _positive(cls, "dt", dt)
        if net is not None and abs(net.dt - dt) > 1e-12 * dt:
            raise NetworkError(f"{cls}: dt={dt} differs from the network's dt={net.dt}")
        z = self.n_neighbours
        if w_rec_netE is None:
            self.t_decay = _positive(cls, "t_decay", t_decay)
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
            return _connect(proj, post, pre, weight, size, delays)

        self.proj_exc = projection("exc", self.w_rec_netE)
        self.proj_inh = projection("inh", self.w_rec_I)
        # n_lag + 1 steps: reads x(t - tau_lag) while the undelayed sums read x(t)
        self.proj_inh_lag = projection("inh_lag", self.w_rec_I, (self.n_lag + 1) * dt)
        self.x_in = self.default_input()
        self.w_in = 1.0 if w_in is None else float(w_in)
        if w_in is None:                       # the seed scales the target's maximum to 1
            self.w_in = 1.0 / float(np.max(self.steady_state()))
        self.pop.tau, self.pop.tau_lag, self.pop.w_in = self.tau, self.tau_lag, self.w_in
        self._recorder = _Recorder(self, ["r"])

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
        n_steps = _count(type(self).__name__, "n_steps", n_steps, 1)
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
        self.N = _count(type(self).__name__, "N", N, 3)
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
        self.N = _count(type(self).__name__, "N", N, 3)
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


# -- SFA network --------------------------------------------------------------------------
def sfa_weights(d_RF: float, a_SFA: float) -> tuple[float, float]:
    """The seed's ``get_weights``: ``(w_rec, w_ff)`` whose steady state is
    ``gamma^|j - j0|`` with ``gamma = exp(-1/d_RF)``, scaled by ``1 + a_SFA`` to make up
    for the adaptation."""
    gamma = np.exp(-1.0 / d_RF)
    return (float(gamma / (1 + gamma ** 2) * (1 + a_SFA)),
            float((1 - gamma ** 2) / (1 + gamma ** 2) * (1 + a_SFA)))


class SFANetwork1D(_Model):
    """A ring of ``N`` neurons with spike-frequency adaptation (the seed's
    ``simulate_1D_SFA``): ``w_rec`` to both neighbours, input ``w_ff`` at ``N // 2``.

    Defaults are the seed's (its supplementary Fig. Aa): ``d_RF=4.5`` (receptive-field
    width, ``gamma = exp(-1/d_RF)``), ``a_SFA=0.09``, ``tau_SFA=10``, ``tau=1``,
    ``dt=0.01``. ``a_SFA=0`` is the plain excitatory network with the same target."""

    def __init__(self, N: int = 200, d_RF: float = 4.5, a_SFA: float = 0.09,
                 tau_SFA: float = 10.0, tau: float = 1.0, dt: float = 0.01, *, net=None,
                 seed=None, name: str = "sfa1d"):
        cls = type(self).__name__
        self.N = _count(cls, "N", N, 3)
        self.d_RF = _positive(cls, "d_RF", d_RF)
        self.tau_SFA = _positive(cls, "tau_SFA", tau_SFA)
        self.tau = _positive(cls, "tau", tau)
        dt = _positive(cls, "dt", dt)
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
        _connect(self.proj, post, pre, self.w_rec, self.N)
        self._recorder = _Recorder(self, ["r", "u"])

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
