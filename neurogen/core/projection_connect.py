"""How a projection gets its synapses: the ``connect_*`` connectors (ANNarchy's, with
its keywords) and the checks every one goes through before anything is built.

The connectors themselves compute in NumPy (:mod:`neurogen.core.connectors`,
:mod:`neurogen.core.kernel_connectivity`); here they are given a projection's sizes,
views, seeded generator and delays, and return a :class:`Connection` without changing
the projection, which installs it. These are functions of the projection, bound as its
``connect_*`` methods by :mod:`neurogen.core.projection`.
"""
from __future__ import annotations

import difflib
import inspect
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import ConnectivityError, NetworkError
from ..storage import KERNELS, kernel_first_pays
from ..validation import check_memory
from . import connectors, projection_delays, projection_storage
from .kernel_connectivity import KernelConnectivity, f32, gaussian_profile

#: storage kernels that compute with a translation-invariant projection's offset kernel
KERNEL_FIRST = ("fft", "separable")


@dataclass(frozen=True)
class Connection:
    """What a connector gives a projection, which installs it
    (:meth:`~neurogen.core.projection.Projection.install_connection`): the synapses
    (``connectivity``), ``make`` rebuilding them for ``reset(synapses=True)`` (random
    weights come from seeded generators), the delays and the storage asked for."""

    make: Callable
    connectivity: object
    delays: object
    storage_format: str
    storage_order: str


def connected(proj, make, delays, storage_format, storage_order="post_to_pre",
              pairs: int = 0, drop_self: bool = False, synapses: float = 0.0) -> Connection:
    """The :class:`Connection` of what ``make()`` builds. ``pairs``: how many (post, pre)
    pairs the connector works on as dense arrays (about 17 bytes each at the peak);
    ``synapses``: how many synapses a connector drawing in O(synapses) expects (about 24
    bytes each, plus its block of draws); refused before allocating if they cannot fit;
    ``drop_self``: with views of one population, self-connections removed by population
    rank. Everything is checked before anything is built; the projection is not changed."""
    if proj.net.compiled:
        raise NetworkError(f"projection '{proj.name}': cannot connect after compile()")
    if proj.connectivity is not None:
        raise NetworkError(f"projection '{proj.name}' is already connected")
    storage_format = projection_storage.storage_format(proj, storage_format, storage_order)
    if synapses:
        check_memory(f"projection '{proj.name}' (about {synapses:.3g} synapses)",
                     24.0 * synapses + 32.0 * 2 ** 24,
                     "use a lower probability or smaller populations")
    check_memory(f"projection '{proj.name}' ({pairs} candidate synapses)", 17.0 * pairs,
                 "use a sparser connector or smaller populations")
    delays = projection_delays.given_delays(proj, delays)
    if proj.pre_view is not None or proj.post_view is not None:
        make = embedding(proj, make, drop_self)
    conn = make()
    delays = projection_delays.drawn_delays(proj, delays, conn)
    return Connection(make, conn, delays, storage_format, storage_order)


def sizes(proj) -> tuple[int, int]:
    """(pre, post) sizes the connectors work on: the views' where given."""
    pre = proj.pre_view if proj.pre_view is not None else proj.pre
    post = proj.post_view if proj.post_view is not None else proj.post
    return pre.size, post.size


def refuse_unknown(proj, connector: str, unknown: dict):
    """A keyword the connector does not take is an error naming it (no typo is
    silently ignored)."""
    if not unknown:
        return
    known = [p for p in inspect.signature(getattr(proj, connector)).parameters
             if p not in ("unknown", "args")]
    name = sorted(unknown)[0]
    hint = difflib.get_close_matches(name, known, n=1)
    raise ConnectivityError(f"projection '{proj.name}': {connector}() got an unexpected "
                            f"keyword {name!r}" + (f"; did you mean {hint[0]!r}?" if hint
                                                   else f" (it takes {', '.join(known)})"))


def embedding(proj, make, drop_self: bool = False):
    """Connectors work on the views' sizes; synapses are then placed between the
    neurons of the underlying populations (``drop_self``: without i -> i)."""
    pre_ranks = proj.pre_view.ranks if proj.pre_view is not None else proj.pre.ranks
    post_ranks = proj.post_view.ranks if proj.post_view is not None else proj.post.ranks
    return lambda: connectors.embed(make(), pre_ranks, post_ranks, proj.pre.size,
                                    proj.post.size, drop_self)


def allow_self(proj, allow_self_connections: bool) -> bool:
    """Whether the connector may keep i -> i in its own index space. With views of
    one population, self-connections are removed by population rank afterwards
    (:func:`drop_self`)."""
    views = proj.pre_view is not None or proj.post_view is not None
    return allow_self_connections or proj.pre is not proj.post or views


def drop_self(proj, allow_self_connections: bool) -> bool:
    """Whether self-connections are removed by population rank once the synapses are
    placed (views of one population, ``allow_self_connections=False``)."""
    views = proj.pre_view is not None or proj.post_view is not None
    return views and proj.pre is proj.post and not allow_self_connections


# Every connector takes ANNarchy's storage keywords: storage_format (the container;
# never changes results), storage_order ('post_to_pre' | 'pre_to_post') and
# force_multiple_weights (neurogen always keeps one weight per synapse).

def connect_one_to_one(proj, weights=1.0, delays=0.0, storage_format="auto",
                       storage_order="post_to_pre", force_multiple_weights=False,
                       **unknown):
    """Neuron i to neuron i (populations, or views, of the same size)."""
    refuse_unknown(proj, "connect_one_to_one", unknown)
    pre, post = sizes(proj)
    if pre != post:
        raise ConnectivityError(
            f"projection '{proj.name}': one_to_one needs populations of the same size, "
            f"got '{proj.pre.name}' ({pre}) and '{proj.post.name}' ({post})")
    return connected(proj, lambda: connectors.one_to_one(pre, post, weights, proj.generator()),
                     delays, storage_format, storage_order)


def connect_all_to_all(proj, weights=1.0, delays=0.0, allow_self_connections=False,
                       storage_format="auto", storage_order="post_to_pre",
                       force_multiple_weights=False, **unknown):
    """Every presynaptic neuron to every postsynaptic one."""
    return _by_size(proj, "connect_all_to_all", unknown, allow_self_connections,
                    lambda pre, post, allow, rng: connectors.all_to_all(pre, post, weights,
                                                                        allow, rng),
                    delays, storage_format, storage_order, dense=True)


def no_views(proj, connector: str):
    """Grid connectors read the populations' geometry, which a view does not have."""
    if proj.pre_view is not None or proj.post_view is not None:
        raise ConnectivityError(f"projection '{proj.name}': {connector} needs whole "
                                "populations (their geometry), not views")


def on_grid(proj, kernel, exact, delays, storage_format, storage_order):
    """Weights that depend only on the offset between two neurons of one grid.
    ``kernel()`` builds them as an offset kernel (double precision, O(N) values: see
    kernel_connectivity), ``exact()`` as ANNarchy's connector does (single-precision
    weights, a matrix; None: the kernel's matrix, as CSR where that is cheaper than
    dense). The kernel is kept when a storage that computes with it is asked for, or
    when ``auto`` may pick one (one delay, no synapse model: see needs_synapse_loop)
    and one of the backend's costs less than dense and CSR. Where some kernel storage
    would pay but the backend has none (CUDA), the kernel's weights are still the
    ones used, as a matrix: the weights do not depend on the backend."""
    grid = proj.pre.geometry == proj.post.geometry
    if grid and storage_format in KERNEL_FIRST:
        return connected(proj, kernel, delays, storage_format, storage_order)
    may_keep = grid and storage_format == "auto" and proj.synapse_ir is None \
        and np.ndim(delays) == 0 and not hasattr(delays, "get_values") \
        and not proj.net.options.structural_plasticity
    pairs = proj.pre.size * proj.post.size
    if not may_keep and exact is not None:
        return connected(proj, exact, delays, storage_format, storage_order, pairs=pairs)
    built = [kernel()]

    def first_built_then_new():               # reset(synapses=True) rebuilds
        return built.pop() if built else kernel()
    from_kernel = may_keep and kernel_first_pays(built[0])
    if from_kernel and kernel_first_pays(built[0], proj.net.backend):
        return connected(proj, first_built_then_new, delays, storage_format, storage_order)
    if exact is not None and not from_kernel:
        return connected(proj, exact, delays, storage_format, storage_order, pairs=pairs)
    sparse = storage_format == "csr" or storage_format != "dense" and \
        KERNELS["csr"].grid_cost(built[0]) < KERNELS["dense"].grid_cost(built[0])
    if sparse:
        return connected(proj, lambda: first_built_then_new().sparse(), delays,
                         storage_format, storage_order)
    return connected(proj, lambda: first_built_then_new().to_dense(), delays,
                     storage_format, storage_order, pairs=pairs)


def connect_gaussian(proj, amp, sigma, delays=0.0, limit=0.01,
                     allow_self_connections=False, storage_format="auto",
                     storage_order="post_to_pre", periodic=False, **unknown):
    """ANNarchy's Gaussian connector; ``periodic=True`` (a neurogen extension) wraps
    distances around each axis (ring/torus, see :func:`connectors.squared_distances`).
    With ``storage_format='fft'``/``'separable'`` the weights are kept as a kernel
    (double precision, see :mod:`neurogen.core.kernel_connectivity`)."""
    refuse_unknown(proj, "connect_gaussian", unknown)
    no_views(proj, "connect_gaussian")
    allow = allow_self(proj, allow_self_connections)
    return on_grid(
        proj, lambda: KernelConnectivity.from_profile(
            proj.pre.geometry, lambda d2: gaussian_profile(d2, amp, sigma),
            lambda w: w > limit * f32(amp), allow, periodic),
        lambda: connectors.gaussian(proj.pre.geometry, proj.post.geometry, amp, sigma,
                                    limit, allow, periodic),
        delays, storage_format, storage_order)


def connect_dog(proj, amp_pos, sigma_pos, amp_neg, sigma_neg, delays=0.0, limit=0.01,
                allow_self_connections=False, storage_format="auto",
                storage_order="post_to_pre", periodic=False, **unknown):
    """ANNarchy's difference-of-Gaussians connector; ``periodic`` and kernel-first
    storage as for :meth:`connect_gaussian`."""
    refuse_unknown(proj, "connect_dog", unknown)
    no_views(proj, "connect_dog")
    allow = allow_self(proj, allow_self_connections)
    threshold = limit * abs(f32(f32(amp_pos) - f32(amp_neg)))
    return on_grid(
        proj, lambda: KernelConnectivity.from_profile(
            proj.pre.geometry, lambda d2: gaussian_profile(d2, amp_pos, sigma_pos)
            - gaussian_profile(d2, amp_neg, sigma_neg), lambda w: np.abs(w) > threshold,
            allow, periodic),
        lambda: connectors.dog(proj.pre.geometry, proj.post.geometry, amp_pos, sigma_pos,
                               amp_neg, sigma_neg, limit, allow, periodic),
        delays, storage_format, storage_order)


def connect_from_offset_function(proj, function, delays=0.0, periodic=False,
                                 allow_self_connections=False, storage_format="auto",
                                 storage_order="post_to_pre", **unknown):
    """Weights that depend only on the offset between two neurons of one grid:
    ``w = function(dx, dy, ...)`` with one NumPy array per grid axis holding
    ``post - pre`` coordinates in grid units (``periodic=True``: the wrapped minimal
    image, see :func:`~neurogen.core.kernel_connectivity.grid_offsets`). The function
    is called once, on the (2 n - 1)-per-axis offset grid, and returns the weights
    in the same shape; zero means no synapse; ``allow_self_connections=False``
    removes the centre tap. The result is kept as that kernel (as for
    :meth:`connect_gaussian`): ``fft``/``separable``/``auto`` compute with it,
    ``dense``/``csr`` get the matrix it implies.

    Named after PyNN's ``DisplacementDependentProbabilityConnector`` (a function of
    post minus pre positions) and ANNarchy's ``from_function``, whose name is taken by
    ANNarchy 5's ``method(pre, post) -> LILConnectivity`` connector (here too)."""
    refuse_unknown(proj, "connect_from_offset_function", unknown)
    no_views(proj, "connect_from_offset_function")
    if proj.pre.geometry != proj.post.geometry:
        raise ConnectivityError(
            f"projection '{proj.name}': connect_from_offset_function needs pre- and "
            f"post-synaptic populations on the same grid, got '{proj.pre.name}' "
            f"{proj.pre.geometry} and '{proj.post.name}' {proj.post.geometry}")
    allow = allow_self(proj, allow_self_connections)
    owner = f"projection '{proj.name}'"

    def kernel():
        return KernelConnectivity.from_offset_function(proj.pre.geometry, function,
                                                       allow, bool(periodic), owner)
    return on_grid(proj, kernel, None, delays, storage_format, storage_order)


def connect_from_matrix(proj, weights, delays=0.0, pre_post=False, storage_format="auto",
                        storage_order="post_to_pre", **unknown):
    """A dense (post, pre) matrix (``pre_post=True``: (pre, post)); ``None``/NaN
    where there is no synapse."""
    refuse_unknown(proj, "connect_from_matrix", unknown)
    pre, post = sizes(proj)
    return connected(proj, lambda: connectors.from_matrix(weights, pre, post, pre_post),
                     delays, storage_format, storage_order)


def connect_fixed_probability(proj, probability, weights=1.0, delays=0.0,
                              allow_self_connections=False, force_multiple_weights=False,
                              storage_format="auto", storage_order="post_to_pre",
                              **unknown):
    """Each (pre, post) pair is a synapse with ``probability``."""
    return _by_size(proj, "connect_fixed_probability", unknown, allow_self_connections,
                    lambda pre, post, allow, rng: connectors.fixed_probability(
                        pre, post, probability, weights, allow, rng),
                    delays, storage_format, storage_order, density=probability)


def _fixed_number(side: str, doc: str):
    """ANNarchy's ``connect_fixed_number_pre`` / ``_post``: the same keywords, ``number``
    synapses drawn for each post- / presynaptic neuron."""
    name, draw = f"connect_fixed_number_{side}", getattr(connectors, f"fixed_number_{side}")

    def connect_fixed_number(proj, number, weights=1.0, delays=0.0,
                             allow_self_connections=False, force_multiple_weights=False,
                             storage_format="auto", storage_order="post_to_pre", **unknown):
        return _by_size(proj, name, unknown, allow_self_connections,
                        lambda pre, post, allow, rng: draw(pre, post, int(number), weights,
                                                           allow, rng),
                        delays, storage_format, storage_order)
    connect_fixed_number.__name__ = connect_fixed_number.__qualname__ = name
    connect_fixed_number.__doc__ = doc
    return connect_fixed_number


connect_fixed_number_pre = _fixed_number(
    "pre", "Each postsynaptic neuron gets ``number`` presynaptic neurons, drawn at random.")
connect_fixed_number_post = _fixed_number(
    "post", "Each presynaptic neuron reaches ``number`` postsynaptic neurons, drawn at random.")


def _by_size(proj, connector, unknown, allow_self_connections, build, delays,
             storage_format, storage_order, dense: bool = False, density=None):
    """The path of the connectors that need only the two sizes: ``build(pre, post,
    allow_self, rng)`` with the projection's seeded generator; ``dense``: it works on
    every (post, pre) pair; ``density``: it draws about that fraction of the pairs, in
    O(synapses) (either checked against the memory first)."""
    refuse_unknown(proj, connector, unknown)
    allow = allow_self(proj, allow_self_connections)
    pre, post = sizes(proj)
    expected = float(density) * pre * post if isinstance(density, (int, float)) else 0.0
    return connected(proj, lambda: build(pre, post, allow, proj.generator()), delays,
                     storage_format, storage_order, pairs=pre * post if dense else 0,
                     drop_self=drop_self(proj, allow_self_connections),
                     synapses=max(expected, 0.0))


def connect_from_sparse(proj, weights, delays=0.0, storage_format="auto",
                        storage_order="post_to_pre", **unknown):
    """A scipy.sparse matrix shaped (pre, post), as in ANNarchy; its stored entries
    are the synapses."""
    refuse_unknown(proj, "connect_from_sparse", unknown)
    pre, post = sizes(proj)
    return connected(proj, lambda: connectors.from_sparse(weights, pre, post),
                     delays, storage_format, storage_order)


def connect_with_func(proj, method, storage_format="auto", storage_order="post_to_pre",
                      **args):
    """``method(pre, post, **args)`` returns a :class:`LILConnectivity`; a ``dt``
    parameter of ``method`` receives the network's step (ANNarchy 5)."""
    try:
        wanted = inspect.signature(method).parameters
    except (TypeError, ValueError):
        wanted = {}
    if "dt" in wanted and "dt" not in args:
        args["dt"] = proj.net.dt
    lil = method(proj.pre_view or proj.pre, proj.post_view or proj.post, **args)
    if not isinstance(lil, connectors.LILConnectivity):
        raise ConnectivityError(f"projection '{proj.name}': the connection function must "
                                f"return a LILConnectivity, got {type(lil).__name__}")
    pre, post = sizes(proj)
    delays = lil.build(pre, post)[1]
    if delays is not None and np.all(delays == delays[0]):
        delays = float(delays[0])        # one delay for all: read back as one number
    return connected(proj, lambda: lil.build(pre, post)[0],
                     0.0 if delays is None else delays, storage_format, storage_order)
