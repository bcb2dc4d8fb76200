"""Projections: which neurons connect (a connector), with which weights and delays.

Connectivity is built in NumPy when ``connect_*`` is called and kept in CSR form. At
``compile()`` a storage kernel is chosen per projection (:mod:`neurogen.storage`): the
cheapest that applies -- a dense (post, pre) matrix when most synapses exist, CSR
otherwise -- unless ``storage_format=`` names one (``"fft"`` computes a translation-invariant
projection as a convolution). Weights and delays are runtime data.

:class:`Projection` is ANNarchy's class, with its methods; each job is done in a module
of its own, whose functions the class binds as methods:

================================  ===========================================================
:mod:`.projection_connect`        the ``connect_*`` connectors and their common checks
:mod:`.projection_files`          connectivity files and ANNarchy's ``save``/``load``
:mod:`.projection_delays`         delays: given to a connector, read and written later
:mod:`.projection_storage`        the storage kernel, the weight buffer and ``proj.w``
:mod:`.projection_attributes`     the synapse model's attributes (``proj.eta``...)
:mod:`.synapse_views`             ``Dendrite`` and ``Synapse`` views
:mod:`.structural`                creating and pruning synapses
================================  ===========================================================
"""
from __future__ import annotations

import functools

import numpy as np

from ..errors import ModelError, NetworkError
from ..storage.base import needs_synapse_loop
from ..validation import SealedAttributes, reject_unknown
from . import (connectors, projection_attributes, projection_connect, projection_delays,
               projection_files, projection_storage, structural)
from .default import default_network
from .population import Population
from .synapse import Synapse as SynapseModel
from .synapse_views import Dendrite, Synapse  # noqa: F401 (Synapse: re-exported)
from .view import PopulationView


def _installing(connector):
    """A ``connect_*`` method: the connector (a function of the projection, which it
    does not change) returns a :class:`~.projection_connect.Connection`, which the
    projection installs; the method returns the projection."""
    @functools.wraps(connector)
    def method(self, *args, **kwargs):
        connection = connector(self, *args, **kwargs)
        if isinstance(connection, projection_connect.Connection):
            self.install_connection(connection)
        return self          # (a compiled from_file() reloads the weights in place)
    return method


class Projection(SealedAttributes):
    """``Projection(pre=inp, post=focus, target='exc')`` then one ``connect_*`` call."""

    def __init__(self, pre, post, target: str, synapse=None, name: str | None = None,
                 net=None, **unknown):
        reject_unknown("Projection()", unknown, ("pre", "post", "target", "synapse", "name",
                                                 "net"))
        net = net if net is not None else default_network()
        self.net = net
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
        self.synapse_state = projection_attributes.SynapseState(self)
        self.synapse = synapse
        self.synapse_ir = None
        self.synapse_error = None            # the model's ModelError, raised at compile
        if synapse is not None:
            if isinstance(synapse, type) and issubclass(synapse, SynapseModel):
                synapse = synapse()          # a standard model class: default parameters
                self.synapse = synapse
            if not isinstance(synapse, SynapseModel):
                raise NetworkError(f"Projection: synapse must be a Synapse, got "
                                   f"{type(synapse).__name__}")
            try:
                self.synapse_ir = synapse.parse(self.pre.ir, self.post.ir,
                                                net.constant_values(), net.options.method)
            except ModelError as exc:
                # as ANNarchy and Brian2: equations that do not compile in this
                # projection's context are reported by compile(); report() and the
                # connectors still work (ANNarchy's test_Report_Spiking needs both)
                self.synapse_error = exc
        self.target = target
        self.target_names = self._target_names(target)
        if self.pre.ir.is_spiking or self.post.ir.is_spiking:
            for each in self.target_names:
                self._check_spiking(each)
            if self.synapse_ir is None and self.pre.ir.is_spiking:   # g_target += w
                self.synapse_ir = SynapseModel(name="DefaultSpikingSynapse").parse(
                    self.pre.ir, self.post.ir, net.constant_values(), net.options.method)
        elif self.target_names[0] not in self.post.targets:   # a target the neuron never
            self.post.targets.append(self.target_names[0])  # reads: its sum is still computed
        self.id = len(net.projections)
        self.name = name or f"proj{self.id}"
        self.connectivity: connectors.Connectivity | None = None
        self.delays = 0.0                    # ms, or an array (one per synapse)
        self.storage_format = "auto"
        self.storage_order = "post_to_pre"
        self.storage = None                  # the storage kernel chosen at compile
        self.kernel_data = None              # that kernel's runtime tables
        self._make = None                    # rebuilds the connector's synapses
        self.learning_enabled = True         # synapse equations run (disable_learning)
        self.learning_steps = (1, 0)         # ... every period steps from offset
        net.register(self)

    decodes = False      # a DecodingProjection: spikes counted into a rate-coded sum

    def _target_names(self, target) -> tuple:
        """A name, or (as ANNarchy) a list of names that each receive the same spikes."""
        names = [target] if isinstance(target, str) else \
            list(target) if isinstance(target, (list, tuple)) and target else None
        if names is None or not all(isinstance(t, str) and t.isidentifier() for t in names) \
                or len(set(names)) != len(names):
            raise NetworkError(f"Projection: target must be a name such as 'exc', or a list "
                               f"of distinct names, got {target!r}")
        if len(names) > 1 and not (self.pre.ir.is_spiking and self.post.ir.is_spiking):
            raise NetworkError(f"Projection '{self.pre.name}' -> '{self.post.name}': a list "
                               f"of targets {names} is built for spikes between spiking "
                               "populations (each g_target receives them); give a rate-coded "
                               "projection one target")
        return tuple(names)

    def _check_spiking(self, target: str):
        """Spikes go from spiking neurons to the conductance ``g_target`` of spiking
        neurons, or through a DecodingProjection to a rate-coded weighted sum; rates
        go to conductances (CurrentInjection)."""
        where = f"Projection '{self.pre.name}' -> '{self.post.name}'"
        if not self.pre.ir.is_spiking:     # rates added to a conductance each step
            if target not in self.post.targets:     # (CurrentInjection)
                self.post.targets.append(target)
            return
        if not self.post.ir.is_spiking:
            continuous = self.synapse_ir is not None and self.synapse_ir.psp is not None
            if not self.decodes and not continuous:
                raise NetworkError(f"{where}: a spiking population projects onto a rate-coded "
                                   "one through a DecodingProjection (spikes counted into "
                                   "rates) or a synapse with a psp= of its variables (e.g. "
                                   "psp='w * pre.r', what a BoldMonitor reads)")
            if target not in self.post.targets:
                self.post.targets.append(target)
            return
        if target not in self.post.targets:   # as ANNarchy: a conductance g_<target> the
            self.post.targets.append(target)  # equations do not read (monitors can)

    # -- connectors (projection_connect, projection_files) --------------------------------
    connect_one_to_one = _installing(projection_connect.connect_one_to_one)
    connect_all_to_all = _installing(projection_connect.connect_all_to_all)
    connect_gaussian = _installing(projection_connect.connect_gaussian)
    connect_dog = _installing(projection_connect.connect_dog)
    connect_from_offset_function = _installing(projection_connect.connect_from_offset_function)
    connect_from_matrix = _installing(projection_connect.connect_from_matrix)
    connect_fixed_probability = _installing(projection_connect.connect_fixed_probability)
    connect_fixed_number_pre = _installing(projection_connect.connect_fixed_number_pre)
    connect_fixed_number_post = _installing(projection_connect.connect_fixed_number_post)
    connect_from_sparse = _installing(projection_connect.connect_from_sparse)
    connect_with_func = connect_from_function = _installing(projection_connect.connect_with_func)
    connect_from_file = _installing(projection_files.connect_from_file)

    def install_connection(self, connection):
        """Called by the ``connect_*`` methods: the synapses, delays and storage a
        connector gave (:class:`~.projection_connect.Connection`) become the
        projection's."""
        self._make = connection.make
        self.connectivity = connection.connectivity
        self.storage_format = connection.storage_format
        self.storage_order = connection.storage_order
        self.delays = connection.delays
        projection_storage.adopt_weights(self)
        if self.storage_format == "dense" and needs_synapse_loop(self):
            self.storage_format = "auto"   # ANNarchy's dense container: same numbers,
            #                                computed synapse by synapse (dense cannot)

    def _connected(self, make, delays, storage_format, storage_order="post_to_pre",
                   pairs: int = 0):
        """Connect with what ``make()`` builds (the connectors of subclasses)."""
        self.install_connection(projection_connect.connected(
            self, make, delays, storage_format, storage_order, pairs))
        return self

    def initial_connectivity(self):
        """The synapses and weights the connector gave, built anew (random weights
        come from seeded generators: the same as at connect time)."""
        self.require_connected()
        return self._make()

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

    # -- files (projection_files) ---------------------------------------------------------
    save_connectivity = projection_files.save_connectivity
    save = projection_files.save
    load = projection_files.load

    # -- delays (projection_delays) -------------------------------------------------------
    delay = property(projection_delays.get_delay, projection_delays.set_delay)
    _set_delay = projection_delays.set_delay    # ANNarchy's name (its tests call it)
    uniform_delay = property(projection_delays.uniform_delay)
    delay_steps = projection_delays.delay_steps

    # -- storage and weights (projection_storage) -----------------------------------------
    planned_storage = projection_storage.planned_storage
    dense_layout = projection_storage.dense_layout
    weight_buffer = projection_storage.weight_buffer
    w = property(projection_storage.get_weights, projection_storage.set_weights)
    attach_storage = projection_storage.attach_storage   # called by the network at compile()
    flat_weights = projection_storage.flat_weights

    def synapse_buffer(self, name: str) -> np.ndarray:
        """The live runtime buffer of a synapse-model attribute, once compiled."""
        return self.synapse_state.buffer(name)

    # -- synapse-model attributes (projection_attributes) ---------------------------------
    get = projection_attributes.get
    set = projection_attributes.set_many
    attributes = property(projection_attributes.attributes)
    parameters = property(projection_attributes.parameters)
    variables = property(projection_attributes.variables)
    _model_names = projection_attributes.model_names

    def __getattr__(self, name):
        """``proj.<name>``: a synapse-model attribute or function."""
        if name.startswith("_") or "synapse_ir" not in self.__dict__:
            raise AttributeError(name)
        return projection_attributes.lookup(self, name)

    def __setattr__(self, name, value):
        if projection_attributes.is_model_attribute(self, name):
            self.synapse_state.set(name, value)
        else:
            super().__setattr__(name, value)

    # -- shape -----------------------------------------------------------------------------
    def require_connected(self):
        """Raise :class:`NetworkError` unless a connector gave the synapses."""
        if self.connectivity is None:
            raise NetworkError(f"projection '{self.name}' ({self.pre.name} -> {self.post.name},"
                               f" target '{self.target}') has no connector: call one of "
                               "the connect_* methods")

    def generator(self):
        """The projection's seeded generator (what its connectors, delays and attribute
        values draw from)."""
        return self.net.generator_for(("projection", self.id))

    @property
    def size(self) -> int:
        """Number of postsynaptic neurons receiving synapses (dendrites)."""
        self.require_connected()
        return int(np.count_nonzero(np.diff(self.connectivity.row_ptr)))

    @property
    def nb_synapses(self) -> int:
        self.require_connected()
        return self.connectivity.nb_synapses

    @property
    def post_ranks(self) -> list[int]:
        self.require_connected()
        return [int(i) for i in np.nonzero(np.diff(self.connectivity.row_ptr))[0]]

    @property
    def pre_ranks(self) -> list[list[int]]:
        conn = self.connectivity
        return [conn.cols[conn.row_ptr[i]:conn.row_ptr[i + 1]].tolist() for i in self.post_ranks]

    def connectivity_matrix(self, fill: float = 0.0) -> np.ndarray:
        """(post, pre) matrix of the current weights, ``fill`` where no synapse exists."""
        self.require_connected()
        return self.connectivity.dense(fill).astype(np.float64, copy=False)

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

    # -- dendrites (synapse_views) -----------------------------------------------------------
    def dendrite(self, post) -> Dendrite:
        """The synapses of one postsynaptic neuron (a rank or coordinates)."""
        self.require_connected()
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

    # -- learning ----------------------------------------------------------------------------
    def enable_learning(self, period=None, offset=None):
        """The synapse equations run again: at every step, or (as ANNarchy) every
        ``period`` ms, integrating over ``period``, at the times ``offset`` ms after a
        multiple of ``period`` counted from now (multiples of dt; ``offset < period``).
        The events of spiking synapses (``pre_spike``/``post_spike``) still run at every
        spike."""
        self.learning_steps = learning_schedule(self, period, offset)
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
        if self.net.runtime is not None:
            self.net.runtime.bind()

    def reset(self, synapses: bool = False):
        """With ``synapses=True``, weights go back to what the connector gave (and
        synapses created or pruned since compile to the connector's)."""
        if synapses and structural.changed(self):
            structural.restore(self)
        elif synapses and self.connectivity is not None:
            self.w = self.initial_connectivity().weights

    # -- structural plasticity (structural) --------------------------------------------------
    def start_creating(self, period=None):
        """Run the synapse's ``creating`` rule every ``period`` ms (default: each step)."""
        structural.start_rule(self, "creating", period)

    def start_pruning(self, period=None):
        """Run the synapse's ``pruning`` rule every ``period`` ms (default: each step)."""
        structural.start_rule(self, "pruning", period)

    def stop_creating(self):
        structural.stop_rule(self, "creating")

    def stop_pruning(self):
        structural.stop_rule(self, "pruning")

    def edit_synapses(self, keep, add_rows, add_cols, weights=None, delays=None, key=()):
        """Keep the synapses where ``keep`` (one flag per synapse, CSR order) and add
        ``(add_rows[n], add_cols[n])`` (post, pre) with ``weights``/``delays`` (the
        runtime applies what the creating/pruning rules chose through this)."""
        structural.edit(self, keep, add_rows, add_cols, weights, delays, tuple(key))

    def __repr__(self):
        return f"Projection(name={self.name!r}, pre={self.pre.name!r}, " \
               f"post={self.post.name!r}, target={self.target!r})"


def learning_schedule(proj, period, offset) -> tuple:
    """(period, offset) in steps for ``enable_learning`` (ANNarchy's rule: the offset
    is taken relative to the current time modulo the period)."""
    where = f"projection '{proj.name}': enable_learning()"
    if period is None:
        if offset is not None:
            raise NetworkError(f"{where}: an offset needs a period")
        return 1, 0
    dt = proj.net.dt
    steps = period / dt
    if not steps >= 1 or abs(steps - round(steps)) > 1e-9 * steps:
        raise NetworkError(f"{where}: the period must be a multiple of dt = {dt} ms, got "
                           f"{period!r}")
    if proj.net.backend.name == "cuda":
        raise NetworkError(f"{where}: a learning period is not available on CUDA")
    steps = int(round(steps))
    if offset is None:
        return steps, 0
    if not 0 <= offset < period:
        raise NetworkError(f"{where}: the offset must be in [0, period), got {offset!r}")
    # ANNarchy 5.0.4.1 truncates the offset to whole milliseconds before dividing by dt
    relative = int((proj.net.get_time() % period + offset) % period)
    return steps, int(relative / dt) % steps

