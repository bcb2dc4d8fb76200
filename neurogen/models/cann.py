"""Continuous attractor neural networks (CANNs) on a ring and on a torus.

The models are ordinary neurogen populations and projections built from equation
strings (the neuron is inspectable as ``model.neuron``, the population as ``model.pop``,
the recurrent projection as ``model.proj``)::

    tau * du/dt = -u + sum(rec) + sum(ext) + Iext
    r = u^2 / (1 + k * total(u^2))

plus ``sum(ext)`` (``input_target``), the external input from another population
(a :class:`~neurogen.TimedArray` fed by :mod:`neurogen.tasks`; 0 when nothing projects
onto it). ``total(u^2)`` is computed in place right before ``r``, so one step is exactly BrainPy's
(and the canns library's) Euler step: ``r`` from ``u``, ``Irec = W r``, ``u += dt *
(-u + Irec + Iext) / tau``. The recurrent weights are Gaussian in the periodic distance
between the neurons' preferred features. They depend only on the offset between two
neurons on the grid, so the projection keeps them as an offset kernel
(``connect_from_offset_function``: O(N) values, never the N x N matrix unless a dense
storage is chosen) and ``storage_format="auto"`` picks the cheapest storage by cost: an
FFT convolution (O(N log N) per step) on all but small rings, the dense product there.
``conn_mat`` / ``make_conn()`` give the dense matrix in NumPy on demand.
"""
from __future__ import annotations

import functools

import numpy as np

from ..errors import NetworkError
from ..core.network import Network
from ..core.neuron import Neuron
from ..core.population import Population
from ..core.projection import Projection
from .base import NetworkModel, positive

_EQUATIONS = """
    tau * du/dt = -u + sum(rec){extra} + Iext : {method}
    r = u^2 / (1 + k * total(u^2))
"""
_PARAMETERS = """
    tau = {tau} : population
    k = {k} : population
    Iext = 0.0
"""


def cann_neuron(tau: float = 1.0, k: float = 8.1, method: str = "explicit",
                input_target: str | None = "ext") -> Neuron:
    """The CANN neuron as equation strings (``tau`` and ``k`` are runtime parameters).

    ``input_target`` (default ``"ext"``) adds ``sum(ext)`` to the input: a projection
    onto that target (e.g. from a :class:`~neurogen.TimedArray`, as
    :mod:`neurogen.tasks` does) is an external input replayed at C speed; with no such
    projection the sum is 0. ``None`` leaves it out."""
    if input_target is not None and not str(input_target).isidentifier():
        raise NetworkError(f"input_target must be an identifier, got {input_target!r}")
    extra = f" + sum({input_target})" if input_target is not None else ""
    return Neuron(name="CANN", description="continuous attractor neuron with divisive "
                                           "global normalisation",
                  parameters=_PARAMETERS.format(tau=float(tau), k=float(k)),
                  equations=_EQUATIONS.format(method=method, extra=extra))


class _CANNBase(NetworkModel):
    """What CANN1D and CANN2D share: network, population, projection, state access."""

    dimension = 1
    monitored = ("u",)

    def _build(self, geometry, tau, k, a, A, J0, z_min, z_max, net, dt, seed, name, method,
               storage_format, input_target="ext"):
        owner = type(self).__name__
        tau = positive(owner, "tau", tau)
        self.a = positive(owner, "a", a)
        self.A, self.J0 = float(A), float(J0)
        if not z_max > z_min:
            raise NetworkError(f"z_max must be larger than z_min, got {z_min}, {z_max}")
        self.z_min, self.z_max = float(z_min), float(z_max)
        self.z_range = self.z_max - self.z_min
        self.net = net if net is not None else Network(dt=dt, seed=seed)
        self.input_target = input_target
        self.neuron = cann_neuron(tau, float(k), method, input_target)
        self.pop = Population(geometry, self.neuron, name=name, net=self.net)
        self.proj = Projection(self.pop, self.pop, "rec", name=f"{name}_rec", net=self.net)
        self.proj.connect_from_offset_function(self._offset_weights, storage_format=storage_format,
                                               allow_self_connections=True)

    def _offset_weights(self, *offsets):
        """The weight between neurons ``offsets`` grid steps apart (post - pre, per axis):
        the model's formula on the features of the neurons ``max(k, 0)`` and ``max(-k, 0)``
        of each axis, i.e. what ``make_conn()`` holds at that offset in its first row or
        column (the grid's features are evenly spaced: every pair at that offset agrees
        to rounding)."""
        differences = []
        for k in offsets:
            k = k.astype(np.int64)
            differences.append(self.dist(self.x[np.maximum(k, 0)] - self.x[np.maximum(-k, 0)]))
        return self._weights(differences)

    @functools.cached_property
    def conn_mat(self) -> np.ndarray:
        """The recurrent weights as a dense ``(num, num)`` matrix (``make_conn()``, built
        on first access: the projection itself keeps only the offset kernel)."""
        return self.make_conn()

    # -- geometry ---------------------------------------------------------------------------
    def _feature_axis(self, name, n, z_min, z_max, endpoint) -> int:
        """Checks the neurons per axis ``n`` and sets the preferred features ``x``, their
        density ``rho`` and spacing ``dx``; returns ``n`` as an int."""
        try:
            whole = int(n) == n and n >= 2
        except (TypeError, ValueError):
            whole = False
        if not whole:
            raise NetworkError(f"{type(self).__name__}: {name} must be an integer >= 2, "
                               f"got {n!r}")
        n = int(n)
        self.endpoint = bool(endpoint)
        self.x = np.linspace(z_min, z_max, n, endpoint=self.endpoint)
        self.rho = n / (z_max - z_min)
        self.dx = (z_max - z_min) / n
        return n

    def dist(self, d):
        """Periodic difference: ``d`` wrapped into ``[-z_range/2, z_range/2]``."""
        d = np.remainder(d, self.z_range)
        return np.where(d > 0.5 * self.z_range, d - self.z_range, d)

    @property
    def num(self) -> int:
        return self.pop.size

    # -- runtime parameters (stored in the population: changing them never recompiles) -------
    @property
    def tau(self) -> float:
        return self.pop.tau

    @tau.setter
    def tau(self, value):
        self.pop.tau = positive(type(self).__name__, "tau", value)

    @property
    def k(self) -> float:
        return self.pop.k

    @k.setter
    def k(self, value):
        self.pop.k = float(value)

    # -- state ------------------------------------------------------------------------------
    @property
    def u(self) -> np.ndarray:
        return self.pop.u

    @u.setter
    def u(self, value):
        """Sets ``u`` and the rates ``r = f(u)`` that the next step's ``sum(rec)`` reads."""
        self.pop.u = value
        self.pop.r = self.rate(self.pop.u)

    @property
    def Iext(self) -> np.ndarray:
        return self.pop.Iext

    @Iext.setter
    def Iext(self, value):
        self.pop.Iext = value

    #: BrainPy's and canns' name for the external input
    input = Iext

    def rate(self, u) -> np.ndarray:
        """``u^2 / (1 + k * sum(u^2))`` over the last ``dimension`` axes (batched)."""
        u = np.asarray(u, dtype=np.float64)
        r1 = np.square(u)
        axes = tuple(range(u.ndim - self.dimension, u.ndim)) if u.shape[-self.dimension:] \
            == self.pop.geometry else (-1,)
        return r1 / (1.0 + self.pop.k * r1.sum(axis=axes, keepdims=True))

    def derivative(self, u, Iext=0.0) -> np.ndarray:
        """``du/dt`` in NumPy for a flat state ``u`` (shape ``(num,)`` or ``(batch, num)``),
        with the current recurrent weights and ``tau``, ``k`` of the population."""
        u = np.asarray(u, dtype=np.float64)
        shape = u.shape
        if self.dimension > 1 and shape[-self.dimension:] == self.pop.geometry:
            u = u.reshape(shape[:-self.dimension] + (self.num,))
        Iext = np.asarray(Iext, dtype=np.float64)
        if Iext.ndim >= self.dimension > 1 and Iext.shape[-self.dimension:] == self.pop.geometry:
            Iext = Iext.reshape(Iext.shape[:-self.dimension] + (self.num,))
        k, tau = self.pop.k, self.pop.tau
        r1 = np.square(u)
        r = r1 / (1.0 + k * r1.sum(axis=-1, keepdims=True))
        W = self.proj.connectivity_matrix()
        return ((-u + r @ W.T + Iext) / tau).reshape(shape)

    def cell(self, u) -> np.ndarray:
        """The autonomous vector field (no input), as the seed's ``cann.cell``; a
        :class:`~neurogen.analysis.SlowPointFinder` given this method uses the model's
        symbolic right-hand side and its exact Jacobian."""
        return self.derivative(u, 0.0)

    # -- running (compile, simulate/run, step, monitor: NetworkModel) -----------------------
    def reset(self):
        """Time to 0, ``u = r = Iext = 0``."""
        if self.net.compiled:
            self.net.reset()
        for name in ("u", "r", "Iext"):
            setattr(self.pop, name, 0.0)

    def center(self, values=None) -> np.ndarray:
        """Bump centre by the population vector on the ring/torus (one value per axis,
        batched over leading axes); ``values`` defaults to the current ``r``."""
        values = self.r if values is None else np.asarray(values)
        return self._center(values)


class CANN1D(_CANNBase):
    """A ring of ``num`` neurons (BrainPy's and the canns library's ``CANN1D``).

    ``endpoint=True`` (default) keeps the seed's feature grid ``linspace(z_min, z_max,
    num)`` (both ends included, so the first and last neurons coincide on the ring, as in
    BrainPy and canns, and results compare value by value); ``endpoint=False`` gives the
    exact ring. ``net``: an explicit :class:`~neurogen.Network` to add to (default: a new
    one with ``dt`` and ``seed``). ``input_target`` (default ``"ext"``): the target of
    the external-input projection in the equations (``sum(ext)``; ``None``: none).
    """

    dimension = 1

    def __init__(self, num: int = 512, tau: float = 1.0, k: float = 8.1, a: float = 0.5,
                 A: float = 10.0, J0: float = 4.0, z_min: float = -np.pi,
                 z_max: float = np.pi, *, endpoint: bool = True, net=None, dt: float = 0.1,
                 seed=None, name: str = "cann1d", method: str = "explicit",
                 storage_format: str = "auto", input_target: str | None = "ext"):
        num = self._feature_axis("num", num, z_min, z_max, endpoint)
        self._build(num, tau, k, a, A, J0, z_min, z_max, net, dt, seed, name, method,
                    storage_format, input_target)

    def make_conn(self, x=None) -> np.ndarray:
        """``J0 exp(-d^2 / (2 a^2)) / (sqrt(2 pi) a)`` with the periodic distance ``d``."""
        x = self.x if x is None else np.asarray(x, dtype=np.float64)
        return self._weights([self.dist(x[:, None] - x[None, :])])

    def _weights(self, differences):
        """The formula on the periodic feature differences (one array per axis)."""
        d = differences[0]
        return self.J0 * np.exp(-0.5 * np.square(d / self.a)) / (np.sqrt(2 * np.pi) * self.a)

    def get_stimulus_by_pos(self, pos) -> np.ndarray:
        """``A exp(-d^2 / (4 a^2))`` around ``pos``; ``pos`` of shape ``(M, 1)`` gives
        ``(M, num)`` (one stimulus per row), a scalar gives ``(num,)``."""
        pos = np.asarray(pos, dtype=np.float64)
        return self.A * np.exp(-0.25 * np.square(self.dist(self.x - pos) / self.a))

    def analytic_bump_height(self) -> float:
        """Height ``u0`` of the stationary bump ``u0 exp(-x^2 / (4 a^2))`` of the
        continuum model (no input): the larger root of
        ``k rho sqrt(2 pi) a u0^2 - rho J0 u0 / sqrt(2) + 1 = 0``; ``nan`` when ``k``
        is above the critical value and no bump exists."""
        rho, k, a, J0 = self.rho, self.k, self.a, self.J0
        c = k * rho * np.sqrt(2 * np.pi) * a
        b = rho * J0 / np.sqrt(2)
        disc = b * b - 4 * c
        return float((b + np.sqrt(disc)) / (2 * c)) if disc >= 0 and c > 0 else float("nan")

    def _center(self, values):
        angle = (self.x - self.z_min) * (2 * np.pi / self.z_range)
        z = (values * np.exp(1j * angle)).sum(axis=-1)
        return self.z_min + np.mod(np.angle(z), 2 * np.pi) * self.z_range / (2 * np.pi)


class CANN2D(_CANNBase):
    """A ``length x length`` torus of neurons (the canns library's ``CANN2D``).

    Weights ``J0 exp(-|d|^2 / (2 a^2)) / (2 pi a^2)`` with ``d`` the periodic difference
    on each axis; stimulus ``A exp(-|d|^2 / (4 a^2))``; positions are ``(row, column)``
    feature pairs.
    """

    dimension = 2

    def __init__(self, length: int = 30, tau: float = 1.0, k: float = 8.1, a: float = 0.5,
                 A: float = 10.0, J0: float = 4.0, z_min: float = -np.pi,
                 z_max: float = np.pi, *, endpoint: bool = True, net=None, dt: float = 0.1,
                 seed=None, name: str = "cann2d", method: str = "explicit",
                 storage_format: str = "auto", input_target: str | None = "ext"):
        self.length = self._feature_axis("length", length, z_min, z_max, endpoint)
        xx, yy = np.meshgrid(self.x, self.x, indexing="ij")
        self.value_grid = np.stack([xx.ravel(), yy.ravel()], axis=1)     # (num, 2)
        self._build((self.length, self.length), tau, k, a, A, J0, z_min, z_max, net, dt,
                    seed, name, method, storage_format, input_target)

    def make_conn(self) -> np.ndarray:
        g = self.value_grid
        d = self.dist(g[:, None, :] - g[None, :, :])
        return self._weights([d[..., 0], d[..., 1]])

    def _weights(self, differences):
        """The formula on the periodic feature differences (one array per axis)."""
        d2 = np.square(differences[0]) + np.square(differences[1])
        return self.J0 * np.exp(-0.5 * d2 / self.a ** 2) / (2 * np.pi * self.a ** 2)

    def get_stimulus_by_pos(self, pos) -> np.ndarray:
        """``pos`` of shape ``(2,)`` gives ``(length, length)``; ``(M, 2)`` gives
        ``(M, length, length)``."""
        pos = np.asarray(pos, dtype=np.float64)
        if pos.shape[-1:] != (2,):
            raise NetworkError(f"CANN2D: a position is a (row, column) pair, got shape "
                               f"{pos.shape}")
        d = self.dist(self.value_grid - pos[..., None, :])
        d2 = np.square(d).sum(axis=-1)
        stim = self.A * np.exp(-0.25 * d2 / self.a ** 2)
        return stim.reshape(pos.shape[:-1] + (self.length, self.length))

    def _center(self, values):
        angle = (self.x - self.z_min) * (2 * np.pi / self.z_range)
        e = np.exp(1j * angle)
        rows = (values * e[:, None]).sum(axis=(-2, -1))
        cols = (values * e[None, :]).sum(axis=(-2, -1))
        to_z = lambda z: self.z_min + np.mod(np.angle(z), 2 * np.pi) * self.z_range / (2 * np.pi)  # noqa: E731
        return np.stack([to_z(rows), to_z(cols)], axis=-1)
