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

import numpy as np

from ..errors import NetworkError
from ..validation import SealedAttributes, reject_unknown
from . import (connectors, projection_attributes, projection_connect, projection_delays,
               projection_files, projection_storage, structural)
from .default import default_network
from .population import Population
from .synapse import Synapse as SynapseModel
from .synapse_views import Dendrite, Synapse  # noqa: F401 (Synapse: re-exported)
from .view import PopulationView


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
        object.__setattr__(self, "_syn_values", {})
        self.synapse = synapse
        self.synapse_ir = None
        if synapse is not None:
            if isinstance(synapse, type) and issubclass(synapse, SynapseModel):
                synapse = synapse()          # a standard model class: default parameters
                self.synapse = synapse
            if not isinstance(synapse, SynapseModel):
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
        net.register(self)

    # -- connectors (projection_connect, projection_files) --------------------------------
    connect_one_to_one = projection_connect.connect_one_to_one
    connect_all_to_all = projection_connect.connect_all_to_all
    connect_gaussian = projection_connect.connect_gaussian
    connect_dog = projection_connect.connect_dog
    connect_from_offset_function = projection_connect.connect_from_offset_function
    connect_from_matrix = projection_connect.connect_from_matrix
    connect_fixed_probability = projection_connect.connect_fixed_probability
    connect_fixed_number_pre = projection_connect.connect_fixed_number_pre
    connect_fixed_number_post = projection_connect.connect_fixed_number_post
    connect_from_sparse = projection_connect.connect_from_sparse
    connect_with_func = connect_from_function = projection_connect.connect_with_func
    connect_from_file = projection_files.connect_from_file
    _connected = projection_connect.connected

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
    uniform_delay = property(projection_delays.uniform_delay)
    delay_steps = projection_delays.delay_steps

    # -- storage and weights (projection_storage) -----------------------------------------
    planned_storage = projection_storage.planned_storage
    dense_layout = projection_storage.dense_layout
    weight_buffer = projection_storage.weight_buffer
    w = property(projection_storage.get_weights, projection_storage.set_weights)
    attach_storage = projection_storage.attach_storage   # called by the network at compile()
    _flat_weights = projection_storage.flat_weights

    def synapse_buffer(self, name: str) -> np.ndarray:
        """The live runtime buffer of a synapse-model attribute, once compiled."""
        return self._syn_buffers[name]

    # -- synapse-model attributes (projection_attributes) ---------------------------------
    get = projection_attributes.get
    set = projection_attributes.set_many
    attributes = property(projection_attributes.attributes)
    parameters = property(projection_attributes.parameters)
    variables = property(projection_attributes.variables)
    _synapse_attribute = projection_attributes.attribute
    _get_synapse_attribute = projection_attributes.get_attribute
    _set_synapse_attribute = projection_attributes.set_attribute
    _model_names = projection_attributes.model_names

    def __getattr__(self, name):
        """``proj.<name>``: a synapse-model attribute or function."""
        if name.startswith("_") or "synapse_ir" not in self.__dict__:
            raise AttributeError(name)
        return projection_attributes.lookup(self, name)

    def __setattr__(self, name, value):
        if projection_attributes.is_model_attribute(self, name):
            projection_attributes.set_attribute(self, name, value)
        else:
            super().__setattr__(name, value)

    # -- shape -----------------------------------------------------------------------------
    def _require_connected(self):
        if self.connectivity is None:
            raise NetworkError(f"projection '{self.name}' ({self.pre.name} -> {self.post.name},"
                               f" target '{self.target}') has no connector: call one of "
                               "the connect_* methods")

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

    def connectivity_matrix(self, fill: float = 0.0) -> np.ndarray:
        """(post, pre) matrix of the current weights, ``fill`` where no synapse exists."""
        self._require_connected()
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

    # -- learning ----------------------------------------------------------------------------
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
        if self.net.runtime is not None:
            self.net.runtime.bind()

    def reset(self, synapses: bool = False):
        """With ``synapses=True``, weights go back to what the connector gave (and
        synapses created or pruned since compile to the connector's)."""
        if synapses and getattr(self, "_structure_changed", False):
            structural.restore(self)
        elif synapses and self.connectivity is not None:
            self.w = self._make().weights

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
