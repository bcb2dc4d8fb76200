"""Projections: which neurons connect (a connector), with which weights and delays.

Connectivity is built in NumPy when ``connect_*`` is called and kept in CSR form. At
``compile()`` a storage kernel is chosen per projection (:mod:`neurogen.storage`): the
cheapest that applies -- a dense (post, pre) matrix when most synapses exist, CSR
otherwise -- unless ``storage_format=`` names one (``"fft"`` computes a translation-invariant
projection as a convolution). Weights and delays are runtime data.
"""
from __future__ import annotations

import difflib

import numpy as np

from ..errors import ConnectivityError, InvalidValueError, NetworkError, UnknownAttributeError
from ..storage import KERNELS, STORAGE_FORMATS, kernel_first_pays
from ..validation import (SealedAttributes, array_for, check_memory, did_you_mean, number,
                          reject_unknown)
from . import connectors
from .default import default_network
from .kernel_connectivity import KernelConnectivity, f32, gaussian_profile
from .population import Population

#: storage kernels that compute with a translation-invariant projection's offset kernel
KERNEL_FIRST = ("fft", "separable")

#: ANNarchy's sparse containers; the results never depend on them
ANNARCHY_SPARSE_FORMATS = ("lil", "ell", "ellr", "sell", "bsr", "hyb", "coo")
STORAGE_ORDERS = ("post_to_pre", "pre_to_post")

class Projection(SealedAttributes):
    """``Projection(pre=inp, post=focus, target='exc')`` then one ``connect_*`` call."""

    def __init__(self, pre, post, target: str, synapse=None, name: str | None = None,
                 net=None, **unknown):
        reject_unknown("Projection()", unknown, ("pre", "post", "target", "synapse", "name",
                                                 "net"))
        net = net if net is not None else default_network()
        self.net = net
        from .view import PopulationView
        pre = net.get_population(pre) if isinstance(pre, str) else pre
        post = net.get_population(post) if isinstance(post, str) else post
        self.pre_view = pre if isinstance(pre, PopulationView) else None
        self.post_view = post if isinstance(post, PopulationView) else None
        self.pre = pre.population if self.pre_view is not None else pre
        self.post = post.population if self.post_view is not None else post
        for role, pop in (("pre", self.pre), ("post", self.post)):
            if not isinstance(pop, Population) or pop.net is not net:
                raise NetworkError(f"Projection: {role} must be a population (or a view of "
                                   "one) of this network")
        object.__setattr__(self, "_syn_values", {})
        self.synapse = synapse
        self.synapse_ir = None
        if synapse is not None:
            from .synapse import Synapse
            if isinstance(synapse, type) and issubclass(synapse, Synapse):
                synapse = synapse()          # a standard model class: default parameters
                self.synapse = synapse
            if not isinstance(synapse, Synapse):
                raise NetworkError(f"Projection: synapse must be a Synapse, got "
                                   f"{type(synapse).__name__}")
            self.synapse_ir = synapse.parse(self.pre.ir, self.post.ir, net.constant_values(),
                                            net.options.method)
        if not isinstance(target, str) or not target.isidentifier():
            raise NetworkError(f"Projection: target must be a name such as 'exc', got {target!r}")
        self.target = target
        if target not in self.post.targets:   # a target the neuron never reads: its sum is
            self.post.targets.append(target)  # still computed and readable (pop.sum)
        self.id = len(net.projections)
        self.name = name or f"proj{self.id}"
        self.connectivity: connectors.Connectivity | None = None
        self.delays = 0.0                    # ms, or an array (one per synapse)
        self.storage_format = "auto"
        self.storage_order = "post_to_pre"
        self.storage = None                  # the storage kernel chosen at compile
        self.kernel_data = None              # that kernel's runtime tables
        self._weights = None                 # runtime buffer once compiled
        self.learning_enabled = True         # synapse equations run (disable_learning)
        net._add_projection(self)

    # -- connectors -----------------------------------------------------------------------
    def _connected(self, make, delays, storage_format, storage_order="post_to_pre",
                   pairs: int = 0):
        """``make()`` builds the connectivity; it is kept to rebuild the initial weights
        on ``reset(synapses=True)`` (random weights come from seeded generators).
        ``pairs``: how many (post, pre) pairs the connector works on as dense arrays
        (about 17 bytes each at the peak), refused before allocating if they cannot fit."""
        if self.net.compiled:
            raise NetworkError(f"projection '{self.name}': cannot connect after compile()")
        if self.connectivity is not None:
            raise NetworkError(f"projection '{self.name}' is already connected")
        storage_format = self._storage_format(storage_format, storage_order)
        check_memory(f"projection '{self.name}' ({pairs} candidate synapses)", 17.0 * pairs,
                     "use a sparser connector or smaller populations")
        if not hasattr(delays, "get_values"):      # checked before anything is built
            delays = self._finite_delays(delays) if np.ndim(delays) else self._finite_delays(
                number(f"projection '{self.name}'", "delays (ms)", delays, non_negative=True))
        if self.pre_view is not None or self.post_view is not None:
            make = self._embedding(make)
        conn = make()
        if hasattr(delays, "get_values"):
            delays = self._finite_delays(np.maximum(
                delays.get_values(conn.nb_synapses, self._rng()), self.net.dt))
        elif np.ndim(delays):
            delays = delays.reshape(-1)
            if getattr(conn, "order", None) is not None and delays.size == conn.order.size:
                delays = delays[conn.order]       # follow the synapses into the populations
            if delays.size != conn.nb_synapses or np.any(delays < 0):
                raise NetworkError(f"projection '{self.name}': expected {conn.nb_synapses} "
                                   "non-negative delays (one per synapse)")
        self._make = make
        self.connectivity = conn
        self.storage_format = storage_format
        self.storage_order = storage_order
        self.delays = delays
        from ..storage.base import needs_synapse_loop
        if self.storage_format == "dense" and needs_synapse_loop(self):
            self.storage_format = "auto"   # ANNarchy's dense container: same numbers, computed
        return self                        # synapse by synapse (the dense kernel cannot)

    def _storage_format(self, storage_format, storage_order) -> str:
        """ANNarchy's container names → the neurogen storage giving the same numbers
        fastest: the sparse ones (``lil``, ``csr``, ``ell``, ``ellr``, ``sell``, ``bsr``)
        let neurogen choose dense or CSR from the pattern, as ``auto`` does."""
        if storage_order not in STORAGE_ORDERS:
            raise NetworkError(f"projection '{self.name}': storage_order must be one of "
                               f"{', '.join(map(repr, STORAGE_ORDERS))}, got {storage_order!r}")
        if storage_format in ANNARCHY_SPARSE_FORMATS:
            return "auto"
        if storage_format not in STORAGE_FORMATS:
            hint = difflib.get_close_matches(str(storage_format),
                                             STORAGE_FORMATS + ANNARCHY_SPARSE_FORMATS, n=1)
            raise NetworkError(f"projection '{self.name}': storage_format must be one of "
                               f"{', '.join(map(repr, STORAGE_FORMATS + ANNARCHY_SPARSE_FORMATS))}"
                               f", got {storage_format!r}"
                               + (f"; did you mean {hint[0]!r}?" if hint else ""))
        return storage_format

    def _refuse_unknown(self, connector: str, unknown: dict):
        """A keyword the connector does not take is an error naming it (no typo is
        silently ignored)."""
        if not unknown:
            return
        import inspect
        known = [p for p in inspect.signature(getattr(self, connector)).parameters
                 if p not in ("self", "unknown", "args")]
        name = sorted(unknown)[0]
        hint = difflib.get_close_matches(name, known, n=1)
        raise ConnectivityError(f"projection '{self.name}': {connector}() got an unexpected "
                                f"keyword {name!r}" + (f"; did you mean {hint[0]!r}?" if hint
                                                       else f" (it takes {', '.join(known)})"))

    def _finite_delays(self, delays):
        """Delays become ring buffers of ``max(delay) / dt`` steps of the presynaptic
        population: NaN, infinity or a ring that cannot fit in memory are refused."""
        try:
            array = np.asarray(delays, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidValueError(f"projection '{self.name}': delays must be numbers of "
                                    f"ms, got {delays!r}"[:200]) from None
        if not np.all(np.isfinite(array)):
            raise InvalidValueError(f"projection '{self.name}': delays must be finite "
                                    "numbers of ms")
        depth = float(np.max(array, initial=0.0)) / self.net.dt
        check_memory(f"projection '{self.name}': delays of up to {depth:.3g} steps",
                     depth * self.pre.size * 8.0, "use shorter delays")
        return array if array.ndim else float(array)

    def _embedding(self, make):
        """Connectors work on the views' sizes; synapses are then placed between the
        neurons of the underlying populations."""
        pre_ranks = self.pre_view.ranks if self.pre_view is not None else self.pre.ranks
        post_ranks = self.post_view.ranks if self.post_view is not None else self.post.ranks
        drop_self = getattr(self, "_drop_self", False)
        return lambda: connectors.embed(make(), pre_ranks, post_ranks, self.pre.size,
                                        self.post.size, drop_self)

    @property
    def _pre_size(self) -> int:
        return self.pre_view.size if self.pre_view is not None else self.pre.size

    @property
    def _post_size(self) -> int:
        return self.post_view.size if self.post_view is not None else self.post.size

    def _rng(self):
        return self.net.rng(("projection", self.id))

    def _same_population(self) -> bool:
        return self.pre is self.post

    def _allow_self(self, allow_self_connections: bool) -> bool:
        """Whether the connector may keep i -> i in its own index space. With views of
        one population, self-connections are removed by population rank afterwards."""
        views = self.pre_view is not None or self.post_view is not None
        self._drop_self = views and self._same_population() and not allow_self_connections
        return allow_self_connections or not self._same_population() or views

    # Every connector takes ANNarchy's storage keywords: storage_format (the container;
    # never changes results), storage_order ('post_to_pre' | 'pre_to_post') and
    # force_multiple_weights (neurogen always keeps one weight per synapse).

    def connect_one_to_one(self, weights=1.0, delays=0.0, storage_format="auto",
                           storage_order="post_to_pre", force_multiple_weights=False,
                           **unknown):
        self._refuse_unknown("connect_one_to_one", unknown)
        if self._pre_size != self._post_size:
            raise ConnectivityError(
                f"projection '{self.name}': one_to_one needs populations of the same size, "
                f"got '{self.pre.name}' ({self._pre_size}) and '{self.post.name}' "
                f"({self._post_size})")
        return self._connected(
            lambda: connectors.one_to_one(self._pre_size, self._post_size, weights, self._rng()),
            delays, storage_format, storage_order)

    def connect_all_to_all(self, weights=1.0, delays=0.0, allow_self_connections=False,
                           storage_format="auto", storage_order="post_to_pre",
                           force_multiple_weights=False, **unknown):
        self._refuse_unknown("connect_all_to_all", unknown)
        allow = self._allow_self(allow_self_connections)
        return self._connected(
            lambda: connectors.all_to_all(self._pre_size, self._post_size, weights, allow,
                                          self._rng()), delays, storage_format, storage_order,
            pairs=self._pre_size * self._post_size)

    def _no_views(self, connector: str):
        if self.pre_view is not None or self.post_view is not None:
            raise ConnectivityError(f"projection '{self.name}': {connector} needs whole "
                                    "populations (their geometry), not views")

    def _on_grid(self, kernel, exact, delays, storage_format, storage_order):
        """Weights that depend only on the offset between two neurons of one grid.
        ``kernel()`` builds them as an offset kernel (double precision, O(N) values: see
        kernel_connectivity), ``exact()`` as ANNarchy's connector does (single-precision
        weights, a matrix; None: the kernel's matrix, as CSR where that is cheaper than
        dense). The kernel is kept when a storage that computes with it is asked for, or
        when ``auto`` may pick one (one delay, no synapse model: see needs_synapse_loop)
        and one of the backend's costs less than dense and CSR. Where some kernel storage
        would pay but the backend has none (CUDA), the kernel's weights are still the
        ones used, as a matrix: the weights do not depend on the backend."""
        grid = self.pre.geometry == self.post.geometry
        if grid and storage_format in KERNEL_FIRST:
            return self._connected(kernel, delays, storage_format, storage_order)
        may_keep = grid and storage_format == "auto" and self.synapse_ir is None \
            and np.ndim(delays) == 0 and not hasattr(delays, "get_values") \
            and not self.net.options.structural_plasticity
        pairs = self.pre.size * self.post.size
        if not may_keep and exact is not None:
            return self._connected(exact, delays, storage_format, storage_order, pairs=pairs)
        built = [kernel()]

        def first_built_then_new():               # reset(synapses=True) rebuilds
            return built.pop() if built else kernel()
        from_kernel = may_keep and kernel_first_pays(built[0])
        if from_kernel and kernel_first_pays(built[0], self.net.backend):
            return self._connected(first_built_then_new, delays, storage_format,
                                   storage_order)
        if exact is not None and not from_kernel:
            return self._connected(exact, delays, storage_format, storage_order, pairs=pairs)
        sparse = storage_format == "csr" or storage_format != "dense" and \
            KERNELS["csr"].grid_cost(built[0]) < KERNELS["dense"].grid_cost(built[0])
        if sparse:
            return self._connected(lambda: first_built_then_new().sparse(), delays,
                                   storage_format, storage_order)
        return self._connected(lambda: first_built_then_new().to_dense(), delays,
                               storage_format, storage_order, pairs=pairs)

    def connect_gaussian(self, amp, sigma, delays=0.0, limit=0.01,
                         allow_self_connections=False, storage_format="auto",
                         storage_order="post_to_pre", periodic=False, **unknown):
        """ANNarchy's Gaussian connector; ``periodic=True`` (a neurogen extension) wraps
        distances around each axis (ring/torus, see :func:`connectors.squared_distances`).
        With ``storage_format='fft'``/``'separable'`` the weights are kept as a kernel
        (double precision, see :mod:`neurogen.core.kernel_connectivity`)."""
        self._refuse_unknown("connect_gaussian", unknown)
        self._no_views("connect_gaussian")
        allow = self._allow_self(allow_self_connections)
        return self._on_grid(
            lambda: KernelConnectivity.from_profile(
                self.pre.geometry, lambda d2: gaussian_profile(d2, amp, sigma),
                lambda w: w > limit * f32(amp), allow, periodic),
            lambda: connectors.gaussian(self.pre.geometry, self.post.geometry, amp, sigma,
                                        limit, allow, periodic),
            delays, storage_format, storage_order)

    def connect_dog(self, amp_pos, sigma_pos, amp_neg, sigma_neg, delays=0.0, limit=0.01,
                    allow_self_connections=False, storage_format="auto",
                    storage_order="post_to_pre", periodic=False, **unknown):
        """ANNarchy's difference-of-Gaussians connector; ``periodic`` and kernel-first
        storage as for :meth:`connect_gaussian`."""
        self._refuse_unknown("connect_dog", unknown)
        self._no_views("connect_dog")
        allow = self._allow_self(allow_self_connections)
        threshold = limit * abs(f32(f32(amp_pos) - f32(amp_neg)))
        return self._on_grid(
            lambda: KernelConnectivity.from_profile(
                self.pre.geometry, lambda d2: gaussian_profile(d2, amp_pos, sigma_pos)
                - gaussian_profile(d2, amp_neg, sigma_neg), lambda w: np.abs(w) > threshold,
                allow, periodic),
            lambda: connectors.dog(self.pre.geometry, self.post.geometry, amp_pos, sigma_pos,
                                   amp_neg, sigma_neg, limit, allow, periodic),
            delays, storage_format, storage_order)

    def connect_from_offset_function(self, function, delays=0.0, periodic=False,
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
        self._refuse_unknown("connect_from_offset_function", unknown)
        self._no_views("connect_from_offset_function")
        if self.pre.geometry != self.post.geometry:
            raise ConnectivityError(
                f"projection '{self.name}': connect_from_offset_function needs pre- and "
                f"post-synaptic populations on the same grid, got '{self.pre.name}' "
                f"{self.pre.geometry} and '{self.post.name}' {self.post.geometry}")
        allow = self._allow_self(allow_self_connections)
        owner = f"projection '{self.name}'"

        def kernel():
            return KernelConnectivity.from_offset_function(self.pre.geometry, function,
                                                           allow, bool(periodic), owner)
        return self._on_grid(kernel, None, delays, storage_format, storage_order)

    def connect_from_matrix(self, weights, delays=0.0, pre_post=False, storage_format="auto",
                            storage_order="post_to_pre", **unknown):
        """A dense (post, pre) matrix (``pre_post=True``: (pre, post)); ``None``/NaN
        where there is no synapse."""
        self._refuse_unknown("connect_from_matrix", unknown)
        return self._connected(
            lambda: connectors.from_matrix(weights, self._pre_size, self._post_size, pre_post),
            delays, storage_format, storage_order)

    def connect_fixed_probability(self, probability, weights=1.0, delays=0.0,
                                  allow_self_connections=False, force_multiple_weights=False,
                                  storage_format="auto", storage_order="post_to_pre",
                                  **unknown):
        self._refuse_unknown("connect_fixed_probability", unknown)
        allow = self._allow_self(allow_self_connections)
        return self._connected(
            lambda: connectors.fixed_probability(self._pre_size, self._post_size, probability,
                                                 weights, allow, self._rng()),
            delays, storage_format, storage_order, pairs=self._pre_size * self._post_size)

    def connect_fixed_number_pre(self, number, weights=1.0, delays=0.0,
                                 allow_self_connections=False, force_multiple_weights=False,
                                 storage_format="auto", storage_order="post_to_pre",
                                 **unknown):
        self._refuse_unknown("connect_fixed_number_pre", unknown)
        allow = self._allow_self(allow_self_connections)
        return self._connected(
            lambda: connectors.fixed_number_pre(self._pre_size, self._post_size, int(number),
                                                weights, allow, self._rng()),
            delays, storage_format, storage_order)

    def connect_fixed_number_post(self, number, weights=1.0, delays=0.0,
                                  allow_self_connections=False, force_multiple_weights=False,
                                  storage_format="auto", storage_order="post_to_pre",
                                  **unknown):
        self._refuse_unknown("connect_fixed_number_post", unknown)
        allow = self._allow_self(allow_self_connections)
        return self._connected(
            lambda: connectors.fixed_number_post(self._pre_size, self._post_size, int(number),
                                                 weights, allow, self._rng()),
            delays, storage_format, storage_order)

    def connect_from_sparse(self, weights, delays=0.0, storage_format="auto",
                            storage_order="post_to_pre", **unknown):
        """A scipy.sparse matrix shaped (pre, post), as in ANNarchy; its stored entries
        are the synapses."""
        self._refuse_unknown("connect_from_sparse", unknown)
        return self._connected(
            lambda: connectors.from_sparse(weights, self._pre_size, self._post_size),
            delays, storage_format, storage_order)

    def connect_with_func(self, method, storage_format="auto", storage_order="post_to_pre",
                          **args):
        """``method(pre, post, **args)`` returns a :class:`LILConnectivity`; a ``dt``
        parameter of ``method`` receives the network's step (ANNarchy 5)."""
        import inspect
        try:
            wanted = inspect.signature(method).parameters
        except (TypeError, ValueError):
            wanted = {}
        if "dt" in wanted and "dt" not in args:
            args["dt"] = self.net.dt
        lil = method(self.pre_view or self.pre, self.post_view or self.post, **args)
        if not isinstance(lil, connectors.LILConnectivity):
            raise ConnectivityError(f"projection '{self.name}': the connection function must "
                                    f"return a LILConnectivity, got {type(lil).__name__}")
        delays = lil.build(self._pre_size, self._post_size)[1]
        if delays is not None and np.all(delays == delays[0]):
            delays = float(delays[0])        # one delay for all: read back as one number
        return self._connected(lambda: lil.build(self._pre_size, self._post_size)[0],
                               0.0 if delays is None else delays, storage_format,
                               storage_order)

    connect_from_function = connect_with_func

    def save_connectivity(self, filename):
        """Synapses, weights and delays to a ``.npz`` file (written atomically)."""
        from ..io import atomic_path
        self._require_connected()
        conn = self.connectivity
        with atomic_path(filename) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, format="neurogen-connectivity-1", pre_size=conn.pre_size,
                     post_size=conn.post_size, row_ptr=conn.row_ptr, cols=conn.cols,
                     weights=self._flat_weights(),
                     delays=np.broadcast_to(np.asarray(self.delays, float),
                                            (conn.nb_synapses,)))

    def connect_from_file(self, filename, pickle_encoding=None, storage_format="auto",
                          storage_order="post_to_pre", **unknown):
        self._refuse_unknown("connect_from_file", unknown)
        if pickle_encoding is not None:
            raise ConnectivityError(f"projection '{self.name}': connectivity files are .npz "
                                    "(save_connectivity); pickle_encoding does not apply")
        data = _load_connectivity(filename, self)
        conn = connectors.Connectivity(int(data["pre_size"]), int(data["post_size"]),
                                       row_ptr=data["row_ptr"], cols=data["cols"],
                                       weights=data["weights"])
        delays = data["delays"]
        uniform = delays.size == 0 or np.all(delays == delays[0])
        if self.connectivity is not None and self.net.compiled:
            return self._reload(conn, delays)
        return self._connected(lambda: conn.to_csr(),
                               float(delays[0]) if uniform and delays.size else
                               (0.0 if uniform else delays), storage_format, storage_order)

    def _reload(self, conn, delays):
        """``from_file`` on a compiled projection: the file must hold the same synapses;
        its weights (and delays) are loaded into them."""
        mine = self.connectivity
        if not (np.array_equal(mine.row_ptr, conn.row_ptr)
                and np.array_equal(mine.cols, conn.cols)):
            raise NetworkError(f"projection '{self.name}' is compiled: from_file() can only "
                               "load weights and delays of the same synapses")
        self.w = conn.weights
        if delays.size:
            self.delay = float(delays[0]) if np.all(delays == delays[0]) else \
                [delays[mine.row_ptr[i]:mine.row_ptr[i + 1]] for i in self.post_ranks]
        return self

    def save(self, filename):
        """Synapses, weights, delays and synapse attributes in ANNarchy's layout
        (``.npz``, ``.data``, ``.txt.gz``; ``.mat`` for analysis only)."""
        from .annarchy_files import projection_description, write
        write(filename, projection_description(self))

    def load(self, filename, pickle_encoding=None):
        """Restore what :meth:`save` (here or in ANNarchy) wrote for these synapses;
        ``pickle_encoding`` reads pickles written by Python 2."""
        from .annarchy_files import apply_projection, read
        apply_projection(self, read(filename, pickle_encoding), repr(str(filename)))

    # ANNarchy 5 names of the connectors
    one_to_one = connect_one_to_one
    all_to_all = connect_all_to_all
    gaussian = connect_gaussian
    dog = connect_dog
    fixed_probability = connect_fixed_probability
    fixed_number_pre = connect_fixed_number_pre
    fixed_number_post = connect_fixed_number_post
    from_matrix = connect_from_matrix
    from_sparse = connect_from_sparse
    from_function = connect_with_func
    from_offset_function = connect_from_offset_function
    from_file = connect_from_file

    # -- dendrites -------------------------------------------------------------------------------
    def dendrite(self, post) -> "Dendrite":
        """The synapses of one postsynaptic neuron (a rank or coordinates)."""
        self._require_connected()
        rank = post if np.isscalar(post) else self.post.rank_from_coordinates(post)
        if not isinstance(rank, (int, np.integer)) or not 0 <= rank < self.post.size:
            raise NetworkError(f"projection '{self.name}': no postsynaptic neuron {post!r} "
                               f"(the population '{self.post.name}' has {self.post.size})")
        ptr = self.connectivity.row_ptr
        if ptr[rank] == ptr[rank + 1]:
            raise NetworkError(f"projection '{self.name}': neuron {rank} of "
                               f"'{self.post.name}' receives no synapse")
        return Dendrite(self, int(rank))

    def __getitem__(self, post):
        return self.dendrite(post)

    @property
    def dendrites(self):
        return [Dendrite(self, rank) for rank in self.post_ranks]

    @property
    def delay(self):
        """The delay in ms: a number when uniform (``dt`` without delay, as ANNarchy),
        else one list per dendrite."""
        if self.uniform_delay:
            return max(float(self.delays), self.net.dt)
        ptr = self.connectivity.row_ptr
        return [self.delays[ptr[i]:ptr[i + 1]].tolist() for i in self.post_ranks]

    @delay.setter
    def delay(self, value):
        """A number (every synapse), or one list per dendrite (``post_ranks`` order).
        After compile the kind of delay is fixed: a projection compiled without delay
        stays without, one compiled with a single delay keeps a single one."""
        self._require_connected()
        if hasattr(value, "get_values"):
            value = value.get_values(self.nb_synapses, self._rng())
        if np.ndim(value) == 0:
            new = float(value)
        else:
            new = self._per_synapse(value)
            if np.all(new == new[0]) and self.uniform_delay:
                new = float(new[0])
        if np.any(np.asarray(new) < 0):
            raise NetworkError(f"projection '{self.name}': negative delay")
        sim = self.net._sim
        if sim is not None:
            new = self._compiled_kind(new)
        self.delays = new
        if sim is not None:
            sim.update_delays(self)

    def _per_synapse(self, value) -> np.ndarray:
        """One list per dendrite → one value per synapse, in CSR order."""
        ptr = self.connectivity.row_ptr
        rows = [np.asarray(v, dtype=float).reshape(-1) for v in value]
        sizes = [int(ptr[i + 1] - ptr[i]) for i in self.post_ranks]
        if len(rows) != len(sizes) or any(r.size not in (1, n) for r, n in zip(rows, sizes)):
            raise NetworkError(f"projection '{self.name}': delays are one number or one list "
                               f"per dendrite ({len(sizes)} dendrites, sizes {sizes})")
        flat = np.zeros(self.nb_synapses)
        for i, r in zip(self.post_ranks, rows):
            flat[ptr[i]:ptr[i + 1]] = r
        return flat

    def _compiled_kind(self, new):
        """The new delays in the form the compiled code reads (see :meth:`delay`)."""
        dt = self.net.dt
        if self.uniform_delay and self.delay_steps() <= 1:
            if np.any(np.rint(np.asarray(new) / dt) > 1):
                raise NetworkError(f"projection '{self.name}' was compiled without delay; "
                                   "give delays= to its connector before compile() to change "
                                   "them later")
            return 0.0
        if self.uniform_delay:
            if np.ndim(new):
                raise NetworkError(f"projection '{self.name}' was compiled with one delay for "
                                   "all synapses; give per-synapse delays before compile()")
            if np.rint(new / dt) <= 1:
                raise NetworkError(f"projection '{self.name}': a delay of at least 2 steps "
                                   "keeps its compiled form; 0 is not available after compile()")
            return new
        return np.full(self.nb_synapses, new) if np.ndim(new) == 0 else new

    # -- storage and runtime ----------------------------------------------------------------
    def _require_connected(self):
        if self.connectivity is None:
            raise NetworkError(f"projection '{self.name}' ({self.pre.name} -> {self.post.name},"
                               f" target '{self.target}') has no connector: call one of "
                               "the connect_* methods")

    def planned_storage(self) -> str:
        """The storage kernel ``compile()`` will use (chosen now if not compiled yet;
        nothing is converted)."""
        if self.storage is not None:
            return self.storage
        from .. import storage
        self._require_connected()
        return storage.select(self, self.net.backend)

    def dense_layout(self) -> bool:
        """Whether the weights are (or will be) a dense (post, pre) matrix."""
        from .. import storage
        return storage.kernel(self.planned_storage()).dense_layout

    def _attach_storage(self, name: str, dtype):
        """At compile: the connectivity in kernel ``name``'s layout, its runtime tables,
        the weight and synapse-attribute buffers."""
        from .. import storage
        self._require_connected()
        self.kernel_data = storage.kernel(name).prepare(self)
        self.storage = name
        self._allocate_weights(dtype)
        self._allocate_synapse_attributes(dtype)

    def weight_buffer(self) -> np.ndarray:
        """The live runtime weights (dense matrix or one per synapse), once compiled
        (a kernel-first projection builds its dense view now)."""
        if self._weights is None and self.storage is not None:
            self._materialize()
        return self._weights

    def _materialize(self):
        """A kernel-first connectivity becomes its dense view (for writes and views)."""
        conn = self.connectivity
        if getattr(conn, "kernel", None) is None:
            return
        self.connectivity = conn.to_dense()
        if self.storage is not None:
            self._allocate_weights(self._weight_dtype)

    def synapse_buffer(self, name: str) -> np.ndarray:
        """The live runtime buffer of a synapse-model attribute, once compiled."""
        return self._syn_buffers[name]

    @property
    def uniform_delay(self) -> bool:
        return np.ndim(self.delays) == 0

    def delay_steps(self) -> np.ndarray | int:
        """Delays in steps, ``round(d / dt)`` as ANNarchy; 0 or 1 step means no delay."""
        steps = np.rint(np.asarray(self.delays) / self.net.dt).astype(np.int64)
        return int(steps) if self.uniform_delay else steps

    def _allocate_weights(self, dtype):
        """The runtime weight buffer; the connectivity then refers to it (one copy). A
        kernel-first connectivity gets it on demand (:meth:`weight_buffer`)."""
        self._weight_dtype = dtype
        conn = self.connectivity
        if getattr(conn, "kernel", None) is not None and not conn.materialized:
            self._weights = None
            return
        conn = self.connectivity = conn.to_dense() if conn.is_dense else conn
        if conn.is_dense:
            conn.matrix = np.ascontiguousarray(conn.matrix, dtype=dtype)
            self._weights = conn.matrix
        else:
            conn._weights = np.ascontiguousarray(conn.weights, dtype=dtype)
            self._weights = conn._weights

    def _allocate_synapse_attributes(self, dtype):
        """Buffers of the synapse model's attributes, with values set before compile."""
        from ..ir import GLOBAL, POSTSYNAPTIC
        self._syn_buffers = {}
        for a in (self.synapse_ir.attributes if self.synapse_ir is not None else ()):
            if a.name == "w":
                continue
            n = {GLOBAL: 1, POSTSYNAPTIC: self.post.size}.get(a.locality, self.nb_synapses)
            kind = {"int": np.int32, "bool": np.bool_}.get(a.ctype, dtype)
            self._syn_buffers[a.name] = np.full(n, a.init, dtype=kind)
        for name, value in self._syn_values.items():
            self._set_synapse_attribute(name, value)

    def _synapse_attribute(self, name):
        ir = self.synapse_ir
        if ir is None or name == "w" or name not in ir.names:
            raise UnknownAttributeError(f"projection '{self.__dict__.get('name', '?')}' has "
                                        f"no attribute '{name}'" + did_you_mean(
                                            name, ["w", *(ir.names if ir else ())]))
        return ir.attribute(name)

    def _set_synapse_attribute(self, name, value):
        attr = self._synapse_attribute(name)
        buffers = getattr(self, "_syn_buffers", None)
        owner = f"projection '{self.name}'"
        if buffers is None:          # before compile: applied at allocation
            if not hasattr(value, "get_values"):
                array_for(owner, name, value, {"int": np.int32, "bool": np.bool_}.get(
                    attr.ctype, np.float64))
            self._syn_values[name] = value
            return
        buffer = buffers[name]
        if hasattr(value, "get_values"):
            value = value.get_values(buffer.size, self._rng())
        elif np.ndim(value) and attr.locality == "local" and len(value) == self.size \
                and np.ndim(value[0]):
            value = np.concatenate([array_for(owner, name, v, float).reshape(-1)
                                    for v in value])
        value = array_for(owner, name, value, buffer.dtype)
        if value.size not in (1, buffer.size):
            raise NetworkError(f"projection '{self.name}': '{name}' takes one value or "
                               f"{buffer.size}, got {value.size}")
        buffer[...] = value.reshape(-1) if value.size > 1 else value.reshape(())

    def _get_synapse_attribute(self, name):
        attr = self._synapse_attribute(name)
        buffers = getattr(self, "_syn_buffers", None)
        if buffers is None:
            return self._syn_values.get(name, attr.init)
        buffer = buffers[name]
        if attr.locality == "global":
            return buffer[0].item()
        if attr.locality == "postsynaptic":
            return buffer[self.post_ranks].copy()
        ptr = self.connectivity.row_ptr
        return [buffer[ptr[i]:ptr[i + 1]].copy() for i in self.post_ranks]

    def __getattr__(self, name):
        if name.startswith("_") or "synapse_ir" not in self.__dict__:
            raise AttributeError(name)
        synapse = self.__dict__.get("synapse")
        function = synapse.python_function(name) if synapse is not None else None
        if function is not None:
            return function
        return self._get_synapse_attribute(name)

    def __setattr__(self, name, value):
        ir = self.__dict__.get("synapse_ir")
        if ir is not None and name != "w" and name in ir.names:
            self._set_synapse_attribute(name, value)
        else:
            super().__setattr__(name, value)

    def _model_names(self) -> set:
        ir = self.__dict__.get("synapse_ir")
        return {"w", *(ir.names if ir is not None else ())}

    def _flat_weights(self) -> np.ndarray:
        """Weights in synapse (CSR) order."""
        return np.asarray(self.connectivity.weights, dtype=np.float64)

    @property
    def size(self) -> int:
        """Number of postsynaptic neurons receiving synapses (dendrites)."""
        self._require_connected()
        return int(np.count_nonzero(np.diff(self.connectivity.row_ptr)))

    @property
    def nb_synapses(self) -> int:
        self._require_connected()
        return self.connectivity.nb_synapses

    @property
    def post_ranks(self) -> list[int]:
        self._require_connected()
        return [int(i) for i in np.nonzero(np.diff(self.connectivity.row_ptr))[0]]

    @property
    def pre_ranks(self) -> list[list[int]]:
        conn = self.connectivity
        return [conn.cols[conn.row_ptr[i]:conn.row_ptr[i + 1]].tolist() for i in self.post_ranks]

    @property
    def w(self) -> list[np.ndarray]:
        """Weights per dendrite (postsynaptic neuron with synapses), as ANNarchy."""
        self._require_connected()
        flat, ptr = self._flat_weights(), self.connectivity.row_ptr
        return [flat[ptr[i]:ptr[i + 1]].copy() for i in self.post_ranks]

    @w.setter
    def w(self, value):
        self._require_connected()
        self._materialize()
        conn = self.connectivity
        if hasattr(value, "get_values"):
            flat = value.get_values(conn.nb_synapses, self._rng())
        elif np.ndim(value) == 0:
            flat = number(f"projection '{self.name}'", "w", value)
        elif np.shape(value) == (conn.post_size, conn.pre_size):
            flat = array_for(f"projection '{self.name}'", "w", value,
                             np.float64)[conn.rows, conn.cols]
        else:
            try:
                flat = np.concatenate([np.asarray(v, dtype=np.float64).reshape(-1)
                                       for v in value])
            except (TypeError, ValueError):
                flat = np.asarray([], dtype=np.float64)
            if flat.size != conn.nb_synapses:
                raise NetworkError(f"projection '{self.name}': expected a number, a "
                                   f"({conn.post_size}, {conn.pre_size}) matrix or one list "
                                   f"per dendrite ({conn.nb_synapses} synapses in all)")
        if conn.is_dense:
            data = self.kernel_data
            if data is not None and data.watches_weights:   # check before writing
                candidate = conn.matrix.copy()
                candidate[conn.mask] = flat
                data.weights_changed(candidate)
            conn.matrix[conn.mask] = flat
        else:
            conn._weights[...] = flat

    @property
    def attributes(self) -> list[str]:
        """Names of the synapse model's parameters and variables (``w`` included)."""
        return self.parameters + self.variables

    @property
    def parameters(self) -> list[str]:
        ir = self.synapse_ir
        return [a.name for a in ir.attributes if a.kind == "parameter"] if ir else []

    @property
    def variables(self) -> list[str]:
        ir = self.synapse_ir
        names = [a.name for a in ir.attributes if a.kind == "variable"] if ir else []
        return names if "w" in names or "w" in self.parameters else names + ["w"]

    def receptive_fields(self, variable: str = "w", in_post_geometry: bool = True):
        """Every postsynaptic neuron's weights laid out in the presynaptic geometry, the
        blocks tiled in the postsynaptic geometry (``in_post_geometry=False``: stacked in
        one column), as ANNarchy; missing synapses read 0. 1-D populations count as one
        row."""
        if variable != "w":
            raise NetworkError(f"projection '{self.name}': receptive_fields() shows 'w'")
        matrix = self.connectivity_matrix()            # (post, pre)
        pre = self.pre.geometry if len(self.pre.geometry) == 2 else (1, self.pre.size)
        post = self.post.geometry if len(self.post.geometry) == 2 else (1, self.post.size)
        if not in_post_geometry:
            post = (self.post.size, 1)
        blocks = matrix.reshape(post[0], post[1], pre[0], pre[1])
        return blocks.transpose(0, 2, 1, 3).reshape(post[0] * pre[0], post[1] * pre[1])

    def enable_learning(self, period=None, offset=None):
        """The synapse equations run again at every step."""
        if period is not None or offset is not None:
            raise NetworkError(f"projection '{self.name}': enable_learning(period=, offset=) "
                               "is not available; learning runs at every step")
        self._set_learning(True)

    def disable_learning(self, update=None):
        """Stop the synapse equations: weights and synapse variables stay as they are
        (the psp still uses them)."""
        if update is not None:
            raise NetworkError(f"projection '{self.name}': disable_learning(update=) is not "
                               "available")
        self._set_learning(False)

    def _set_learning(self, enabled: bool):
        self.learning_enabled = bool(enabled)
        if self.net._sim is not None:
            self.net._sim.bind()

    def get(self, name: str):
        """An attribute by name (``proj.get('w')``, ``proj.get('eta')``), as ``proj.<name>``."""
        if name == "w":
            return self.w
        return self._get_synapse_attribute(name)

    def set(self, values: dict):
        """Several attributes at once: ``proj.set({'eta': 0.1, 'w': 0.5})``."""
        for name, value in values.items():
            if name == "w":
                self.w = value
            else:
                self._set_synapse_attribute(name, value)

    def reset(self, synapses: bool = False):
        """With ``synapses=True``, weights go back to what the connector gave (and
        synapses created or pruned since compile to the connector's)."""
        if synapses and getattr(self, "_structure_changed", False):
            from .structural import restore
            restore(self)
        elif synapses and self.connectivity is not None:
            self.w = self._make().weights

    def start_creating(self, period=None):
        """Run the synapse's ``creating`` rule every ``period`` ms (default: each step)."""
        from .structural import start_rule
        start_rule(self, "creating", period)

    def start_pruning(self, period=None):
        """Run the synapse's ``pruning`` rule every ``period`` ms (default: each step)."""
        from .structural import start_rule
        start_rule(self, "pruning", period)

    def stop_creating(self):
        from .structural import stop_rule
        stop_rule(self, "creating")

    def stop_pruning(self):
        from .structural import stop_rule
        stop_rule(self, "pruning")

    def edit_synapses(self, keep, add_rows, add_cols, weights=None, delays=None, key=()):
        """Keep the synapses where ``keep`` (one flag per synapse, CSR order) and add
        ``(add_rows[n], add_cols[n])`` (post, pre) with ``weights``/``delays`` (the
        runtime applies what the creating/pruning rules chose through this)."""
        from .structural import edit
        edit(self, keep, add_rows, add_cols, weights, delays, tuple(key))

    def connectivity_matrix(self, fill: float = 0.0) -> np.ndarray:
        """(post, pre) matrix of the current weights, ``fill`` where no synapse exists."""
        self._require_connected()
        return self.connectivity.dense(fill).astype(np.float64, copy=False)

    def __repr__(self):
        return f"Projection(name={self.name!r}, pre={self.pre.name!r}, " \
               f"post={self.post.name!r}, target={self.target!r})"


def _load_connectivity(filename, proj):
    try:
        with np.load(filename) as data:
            fields = {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError) as exc:
        raise ConnectivityError(f"projection '{proj.name}': cannot read connectivity from "
                                f"{filename!r} ({exc})") from None
    needed = {"pre_size", "post_size", "row_ptr", "cols", "weights", "delays"}
    if not needed <= set(fields):
        raise ConnectivityError(f"projection '{proj.name}': {filename!r} is not a connectivity "
                                "file saved by save_connectivity()")
    if (int(fields["pre_size"]), int(fields["post_size"])) != (proj.pre.size, proj.post.size):
        raise ConnectivityError(
            f"projection '{proj.name}': the file connects {int(fields['pre_size'])} -> "
            f"{int(fields['post_size'])} neurons, the projection {proj.pre.size} -> "
            f"{proj.post.size}")
    return fields


class Dendrite:
    """The synapses of one postsynaptic neuron: ``pre_ranks``, ``w``, ``size`` and the
    synapse model's attributes, readable and writable."""

    def __init__(self, proj, post_rank: int):
        object.__setattr__(self, "proj", proj)
        object.__setattr__(self, "post_rank", post_rank)

    @property
    def _slice(self):
        ptr = self.proj.connectivity.row_ptr
        return slice(int(ptr[self.post_rank]), int(ptr[self.post_rank + 1]))

    @property
    def size(self) -> int:
        sl = self._slice
        return sl.stop - sl.start

    @property
    def pre_ranks(self) -> list:
        return self.proj.connectivity.cols[self._slice].tolist()

    @property
    def rank(self) -> int:
        return self.post_rank

    def get(self, name: str):
        return getattr(self, name)

    def set(self, values: dict):
        for name, value in values.items():
            setattr(self, name, value)

    def synapse(self, pre) -> "Synapse":
        """The synapse coming from presynaptic neuron ``pre`` (a rank)."""
        ranks = self.pre_ranks
        if pre not in ranks:
            raise NetworkError(f"projection '{self.proj.name}': neuron {self.post_rank} of "
                               f"'{self.proj.post.name}' receives no synapse from {pre}")
        return Synapse(self, ranks.index(pre))

    def __getitem__(self, index: int) -> "Synapse":
        """The ``index``-th synapse of the dendrite (ANNarchy's ``dendrite[k]``)."""
        if not -self.size <= index < self.size:
            raise NetworkError(f"projection '{self.proj.name}': dendrite {self.post_rank} "
                               f"has {self.size} synapses, no synapse {index}")
        return Synapse(self, index % self.size)

    def __iter__(self):
        return (Synapse(self, k) for k in range(self.size))

    def __len__(self):
        return self.size

    def __getattr__(self, name):
        proj = self.__dict__["proj"]
        if name == "w":
            return proj._flat_weights()[self._slice].copy()
        if name == "delay":
            return float(proj.delays) if proj.uniform_delay else proj.delays[self._slice].tolist()
        attr = proj._synapse_attribute(name)
        buffer = proj._syn_buffers[name]
        if attr.locality == "global":
            return buffer[0].item()
        if attr.locality == "postsynaptic":
            return buffer[self.post_rank].item()
        return buffer[self._slice].tolist()      # a list, as ANNarchy's dendrites give

    def __setattr__(self, name, value):
        proj = self.proj
        if name == "w":
            flat = proj._flat_weights()
            flat[self._slice] = value
            proj.w = flat
            return
        attr = proj._synapse_attribute(name)
        buffer = proj._syn_buffers[name]
        index = {"global": 0, "postsynaptic": self.post_rank}.get(attr.locality, self._slice)
        buffer[index] = value

    # -- structural plasticity (net.config(structural_plasticity=True)) -------------------
    def create_synapse(self, rank: int, w: float = 0.0, delay: float = 0):
        self.create_synapses([rank], [w], [delay])

    def create_synapses(self, ranks, weights=None, delays=None):
        from .structural import change_dendrite
        change_dendrite(self.proj, self.post_rank, create=ranks,
                        weights=0.0 if weights is None else weights, delays=delays)

    def prune_synapse(self, rank: int):
        self.prune_synapses([rank])

    def prune_synapses(self, ranks):
        from .structural import change_dendrite
        change_dendrite(self.proj, self.post_rank, prune=ranks)

    def __repr__(self):
        return f"Dendrite({self.proj.name!r}, post_rank={self.post_rank}, size={self.size})"


class Synapse:
    """One synapse of a dendrite: ``proj.dendrite(i)[k].w = 0.5`` reads and writes its
    weight and per-synapse variables."""

    def __init__(self, dendrite: Dendrite, index: int):
        object.__setattr__(self, "dendrite", dendrite)
        object.__setattr__(self, "index", index)

    @property
    def pre_rank(self) -> int:
        return self.dendrite.pre_ranks[self.index]

    @property
    def post_rank(self) -> int:
        return self.dendrite.post_rank

    def __getattr__(self, name):
        dendrite = self.__dict__["dendrite"]
        values = getattr(dendrite, name)
        return values if np.ndim(values) == 0 else values[self.__dict__["index"]]

    def __setattr__(self, name, value):
        dendrite = self.dendrite
        proj = dendrite.proj
        if name != "w" and proj._synapse_attribute(name).locality != "local":
            raise NetworkError(f"projection '{proj.name}': '{name}' is not per synapse; set "
                               "it on the dendrite or the projection")
        values = np.array(getattr(dendrite, name), dtype=float)
        values[self.index] = value
        setattr(dendrite, name, values)

    def __repr__(self):
        return f"Synapse({self.pre_rank} -> {self.post_rank} of {self.dendrite.proj.name!r})"
