"""Populations: a geometry, a neuron type and one NumPy buffer per attribute.

The buffers belong to the network's runtime state (:mod:`neurogen.runtime.state`, keys
``PopAttribute(pop, name)``) and exist from creation on; a population is a view on them.
``compile()`` hands their addresses to the generated code, which then reads and writes
them in place. Reading an attribute returns a copy shaped like the geometry (classic
scripts append it to lists), (B, *geometry) in a network of batch B > 1; writing
broadcasts scalars (and a geometry-shaped array to every copy) and checks shapes.
``view(name)`` gives the live zero-copy buffer for viewers and input environments.
"""
from __future__ import annotations

import numpy as np

from ..codegen.slots import PopAttribute
from ..errors import InvalidValueError, ModelError, NetworkError, ShapeError
from ..ir import GLOBAL, LAST_SPIKE, REFRACTORY_LEFT, SPIKE_COUNT, SPIKED
from ..parser.neuron import parse_condition
from ..validation import SealedAttributes, array_for, reject_unknown
from .default import default_network
from .neuron import Neuron


def normalize_geometry(geometry) -> tuple[int, ...]:
    shape = (geometry,) if np.isscalar(geometry) else geometry
    try:
        shape = tuple(shape)
        ok = 1 <= len(shape) <= 3 and all(
            isinstance(g, (int, np.integer, float, np.floating)) and not isinstance(g, bool)
            and np.isfinite(g) and int(g) == g and g > 0 for g in shape)
    except TypeError:
        ok = False
    if not ok:
        raise InvalidValueError(f"geometry must be 1 to 3 positive integers, got {geometry!r}")
    return tuple(int(g) for g in shape)


def _check_neuron(neuron, name):
    """The neuron is a Neuron whose fields are text (ANNarchy 5: or lists/dicts)."""
    if not isinstance(neuron, Neuron):
        raise NetworkError(f"Population {name or ''}: neuron must be a Neuron, "
                           f"got {type(neuron).__name__}")
    for field in ("parameters", "equations", "functions"):
        value = getattr(neuron, field, None)
        if value is not None and not isinstance(value, (str, list, tuple, dict)):
            raise ModelError(f"must be a string of equations, got "
                             f"{type(value).__name__} {value!r}"[:200], obj=neuron.name,
                             field=field)


class Population(SealedAttributes):
    """``Population(geometry=(20, 20), neuron=NeuralFieldNeuron, name='Focus')``."""

    replays_rates = False      # a TimedArray's rates come from a stored table
    spike_source = False       # a SpikeSourceArray's spikes come from a stored table
    _movable = False           # TimedArray/InputArray: made to be handed to net.create(...)

    def __init__(self, geometry, neuron: Neuron, name: str | None = None, net=None,
                 stop_condition: str | None = None, **unknown):
        reject_unknown("Population()", unknown, ("geometry", "neuron", "name",
                                                 "stop_condition", "net"))
        if net is None:
            net = default_network()
            if net.compiled and self._movable:
                net = type(net)()   # staging: net.create(TimedArray(...)) moves it from here
        if isinstance(neuron, type) and issubclass(neuron, Neuron):
            neuron = neuron()                # a standard model class: default parameters
        _check_neuron(neuron, name)
        if name is not None and not isinstance(name, str):
            raise InvalidValueError(f"Population: name must be a string, got {name!r}")
        object.__setattr__(self, "_names", frozenset())
        self.geometry = normalize_geometry(geometry)
        self.size = int(np.prod(self.geometry))
        self.dimension = len(self.geometry)
        self.neuron_type = neuron
        self.net = net
        self.id = len(net.populations)
        self.name = name or f"pop{self.id}"
        self._named = name is not None
        self.ir = neuron.parse(net.constant_values(), net.options.method)
        self.targets = list(self.ir.spike.conductances if self.ir.is_spiking
                            else self.ir.targets)
        self.stop_condition = stop_condition
        self._stop = parse_condition(stop_condition, self.ir, self.name) \
            if stop_condition else None
        self._init = {a.name: a.init for a in self.ir.attributes}
        self._allocate()
        try:
            net.register(self)
        except NetworkError:
            net.state.take(self.id)          # refused: its buffers go
            raise
        self._names = frozenset(self.ir.names)

    def move_to(self, net, name):
        """Called by the network: ``net.create(TimedArray(...))`` /
        ``net.create(InputArray(...))``: a population created in the call moves from the
        default network to ``net``."""
        old = self.net
        if old is net:
            return
        if old.compiled or any(p.pre is self or p.post is self for p in old.projections) \
                or old.populations[-1] is not self:
            raise NetworkError(f"net.create({type(self).__name__}(...)): create it in the "
                               f"call, e.g. net.create({type(self).__name__}(geometry=10))")
        self.transfer(net, name)

    def transfer(self, net, name):
        """Called by :meth:`move_to` once the move is allowed: the population leaves its
        network (whose last population it is) for ``net``; its buffers move to
        ``net.state``, sized for ``net``'s batch."""
        old = self.net
        old.populations.pop()
        new_id = len(net.populations)
        old.state.hand_over(self.id, net.state, new_id)
        self.net, self.id = net, new_id
        self.rebatch()
        if name or not self._named:
            self.name = name or f"pop{self.id}"
        net.register(self)

    # -- storage --------------------------------------------------------------------------
    def _allocate(self):
        """Every attribute's buffer in the network's state, at its initial value (after
        checking that they fit in memory)."""
        state = self.net.state
        state.allocate_all(((PopAttribute(self.id, a.name),
                             self.values_per_copy(a) * self.copies(a),
                             state.dtype(a.ctype), a.init) for a in self.ir.attributes),
                           f"population '{self.name}' ({self.size} neurons)",
                           "make it smaller")

    def values_per_copy(self, attribute) -> int:
        """Values per copy: one per neuron, or one for a population-wide attribute."""
        return 1 if attribute.locality == GLOBAL else self.size

    def copies(self, attribute) -> int:
        """Copies kept in a batched network: B for per-neuron attributes and
        population-wide variables, 1 for population-wide parameters (shared)."""
        shared = attribute.locality == GLOBAL and attribute.kind == "parameter"
        return 1 if shared else self.net.batch

    def is_batched(self, name: str) -> bool:
        """Whether ``name`` has one value set per copy here (batch > 1)."""
        return self.net.batch > 1 and self.copies(self.ir.attribute(name)) > 1

    def rebatch(self):
        """Called by the network on ``setup(batch=B)`` before compile(): every copy starts
        as copy 0 is now."""
        state = self.net.state
        for a in self.ir.attributes:
            key, n = PopAttribute(self.id, a.name), self.values_per_copy(a)
            old = state[key]
            if old.size != n * self.copies(a):
                state.adopt(key, np.tile(old[:n], self.copies(a)))

    def use_precision(self):
        """Called by the network at compile(), before the IR is frozen: real buffers in
        the network's precision."""
        for a in self.ir.attributes:
            if a.ctype == "real":
                self.net.state.retype(PopAttribute(self.id, a.name), self.net.real_dtype)

    @property
    def attributes(self) -> list[str]:
        return list(self.ir.public_names)

    @property
    def parameters(self) -> list[str]:
        return [a.name for a in self.ir.attributes if a.kind == "parameter"]

    @property
    def variables(self) -> list[str]:
        return [a.name for a in self.ir.attributes if a.kind == "variable"
                and not a.name.startswith("_")]

    # -- spiking ------------------------------------------------------------------------------
    @property
    def spike(self) -> list:
        """The ranks of the neurons that spiked at the last step (spiking neurons); in a
        batched network, one such list per copy."""
        self._require_spiking("spike")
        flags = self.buffer(SPIKED).reshape(self.net.batch, self.size)
        ranks = [[int(i) for i in np.flatnonzero(row)] for row in flags]
        return ranks if self.net.batch > 1 else ranks[0]

    @property
    def refractory(self):
        """The refractory period in ms (per neuron), None for a rate-coded neuron."""
        if not self.ir.is_spiking:
            return None
        return self.get(self.ir.spike.refractory)

    @refractory.setter
    def refractory(self, value):
        self._require_spiking("refractory")
        raise NetworkError(f"population '{self.name}': the refractory period is the "
                           f"attribute '{self.ir.spike.refractory}' of the neuron; set "
                           f"pop.{self.ir.spike.refractory} instead")

    firing_window_steps = 0     # compute_firing_rate(window): window in steps (0: off)
    firing_window_start = 0     # the step the count started at

    def compute_firing_rate(self, window: float):
        """Spiking neurons: from now on ``r`` is the number of spikes of the last
        ``window`` ms (the current step included) in Hz, updated every step (as
        ANNarchy; 0 turns it off)."""
        from ..validation import number
        self._require_spiking("compute_firing_rate")
        window = number(f"population '{self.name}'", "window (ms)", window,
                        non_negative=True)
        self.firing_window_steps = int(window / self.net.dt)
        self.firing_window_start = self.net.get_current_step()
        self.buffer(SPIKE_COUNT)[...] = 0
        self.buffer("r")[...] = 0
        if self.net.runtime is not None:
            self.net.runtime.update_firing_window(self)

    def _require_spiking(self, what: str):
        if not self.ir.is_spiking:
            raise NetworkError(f"population '{self.name}': '{what}' belongs to spiking "
                               f"neurons; '{self.neuron_type.name}' is rate-coded")

    def view(self, name: str) -> np.ndarray:
        """The live buffer of an attribute, shaped like the geometry (no copy).

        Writes go straight to the simulation; keep the reference only while the network
        is compiled and the precision unchanged.
        """
        array = self._buffer(name)
        if self.ir.attribute(name).locality == GLOBAL:
            return array
        return array.reshape((self.net.batch,) + self.geometry) if self.is_batched(name) \
            else array.reshape(self.geometry)

    def buffer(self, name: str) -> np.ndarray:
        """The live flat buffer of an attribute (what the generated code reads and writes)."""
        return self._buffer(name)

    @property
    def stop(self):
        """The parsed ``stop_condition``: (sympy condition, 'any' | 'all'), or None."""
        return self._stop

    def _buffer(self, name: str) -> np.ndarray:
        if name not in self._names:
            raise AttributeError(f"population '{self.name}' has no attribute '{name}' "
                                 f"(attributes: {', '.join(self.ir.names)})")
        return self.net.state[PopAttribute(self.id, name)]

    def get(self, name: str):
        array = self._buffer(name)
        batched = self.is_batched(name)
        if self.ir.attribute(name).locality == GLOBAL:
            return array.copy() if batched else array[0].item()
        shape = ((self.net.batch,) if batched else ()) + self.geometry
        return array.reshape(shape).copy()

    def set(self, values: dict):
        for name, value in values.items():
            self._write(name, value)

    def _write(self, name: str, value):
        array = self._buffer(name)
        if hasattr(value, "get_values"):    # drawn anew at each setting
            rng = self.net.generator_for(("init", self.id, name), fresh=True)
            value = value.get_values(array.size, rng)
        value = array_for(f"population '{self.name}'", name, value, array.dtype)
        if value.size == 1:
            array[...] = value.reshape(())
            return
        if self.is_batched(name):
            self._write_copies(name, array, value)
            return
        if self.ir.attribute(name).locality == GLOBAL:
            raise ShapeError(f"population '{self.name}': '{name}' is population-wide and "
                             f"takes one value, got shape {value.shape}")
        squeezed = tuple(d for d in value.shape if d != 1)
        if squeezed not in (tuple(g for g in self.geometry if g != 1), (self.size,)):
            raise ShapeError(f"population '{self.name}': cannot assign an array of shape "
                             f"{value.shape} to '{name}', expected {self.geometry} or "
                             f"({self.size},) (extra axes of length 1 allowed)")
        array[...] = value.reshape(-1)

    def _write_copies(self, name: str, array: np.ndarray, value: np.ndarray):
        """A batched attribute: (B, *geometry) or (B, size) sets each copy, (*geometry)
        or (size,) every copy alike; (B,) for a population-wide variable."""
        batch, width = self.net.batch, self.values_per_copy(self.ir.attribute(name))
        per_copy = array.reshape(batch, width)
        if width == 1:
            if value.shape != (batch,):
                raise ShapeError(f"population '{self.name}': '{name}' is population-wide, "
                                 f"one value per copy: expected a scalar or shape "
                                 f"({batch},), got {value.shape}")
            per_copy[:, 0] = value
        elif value.shape in ((batch,) + self.geometry, (batch, self.size)):
            per_copy[...] = value.reshape(batch, width)
        elif value.shape in (self.geometry, (self.size,)):
            per_copy[...] = value.reshape(1, width)
        else:
            raise ShapeError(f"population '{self.name}': cannot assign an array of shape "
                             f"{value.shape} to '{name}' of a network of batch {batch}: "
                             f"expected {(batch,) + self.geometry} (one value set per "
                             f"copy), {self.geometry} (every copy alike) or a scalar")

    def __getattr__(self, name):
        if name in self.__dict__.get("_names", ()):
            return self.get(name)
        function = self.__dict__.get("neuron_type") and \
            self.__dict__["neuron_type"].python_function(name)
        if function is not None:
            return function
        raise AttributeError(f"population '{self.__dict__.get('name', '?')}' has no "
                             f"attribute '{name}'")

    def __setattr__(self, name, value):
        if name in self._names:
            self._write(name, value)
        else:
            super().__setattr__(name, value)

    def _model_names(self) -> set:
        return set(self._names)

    # -- geometry ---------------------------------------------------------------------------
    def rank_from_coordinates(self, coord) -> int:
        coord = (coord,) if np.isscalar(coord) else tuple(coord)
        if len(coord) != self.dimension or any(not 0 <= c < g for c, g in
                                                zip(coord, self.geometry)):
            raise NetworkError(f"population '{self.name}': coordinates {coord} outside "
                               f"the geometry {self.geometry}")
        return int(np.ravel_multi_index(coord, self.geometry))

    def coordinates_from_rank(self, rank: int):
        if not 0 <= rank < self.size:
            raise NetworkError(f"population '{self.name}': rank {rank} outside [0, {self.size})")
        return tuple(int(c) for c in np.unravel_index(rank, self.geometry))

    # -- views --------------------------------------------------------------------------------
    def __getitem__(self, key):
        from .view import IndividualNeuron, PopulationView, view_ranks
        ranks = view_ranks(self, key)
        if ranks.size == 1 and all(isinstance(k, (int, np.integer))
                                   for k in (key if isinstance(key, tuple) else (key,))):
            return IndividualNeuron(self, int(ranks[0]))
        return PopulationView(self, ranks)

    def neuron(self, *coord):
        """One neuron, by rank (``pop.neuron(5)``) or coordinates (``pop.neuron(2, 3)``)."""
        from .view import IndividualNeuron
        if len(coord) == 1 and not np.isscalar(coord[0]):
            coord = tuple(coord[0])
        rank = int(coord[0]) if len(coord) == 1 else self.rank_from_coordinates(coord)
        if not 0 <= rank < self.size:
            raise NetworkError(f"population '{self.name}': no neuron {rank} "
                               f"(size {self.size})")
        return IndividualNeuron(self, rank)

    @property
    def ranks(self) -> np.ndarray:
        return np.arange(self.size)

    @property
    def population(self):
        return self

    def sum(self, target: str) -> np.ndarray:
        """The current weighted sum ``sum(target)`` of every neuron, flat (size,) as in
        ANNarchy."""
        if target not in self.targets:
            raise NetworkError(f"population '{self.name}' has no sum({target}) (no "
                               f"projection targets it; targets: "
                               f"{', '.join(self.targets) or 'none'})")
        sim = self.net.runtime
        if sim is None:
            return np.zeros((self.net.batch, self.size) if self.net.batch > 1 else self.size)
        values = sim.sum_buffer(self.id, target).astype(float)
        return values.reshape(self.net.batch, self.size) if self.net.batch > 1 else values

    # -- state ------------------------------------------------------------------------------
    def snapshot_initial(self):
        """Called by the network once compiled: the values reset() restores."""
        self._init = {name: self.buffer(name).copy() for name in self.ir.names}

    def reset(self, attributes=None):
        """Restore the values the attributes had when the network was compiled."""
        for name in attributes or self.ir.names:
            self.buffer(name)[...] = self._init[name]
        self.firing_window_start = self.net.get_current_step()
        if self.net.runtime is not None:      # delay rings restart from the values
            self.net.runtime.fill_delays(self)
            if self.firing_window_steps:
                self.net.runtime.bind()

    def clear(self):
        """ANNarchy's: forget the spikes emitted so far, those still on their way (delays)
        and the neurons' spike times and refractory periods, but keep every other value
        (``reset()`` restores those); nothing for a rate-coded population. A
        SpikeSourceArray's times count again from now, as after ``reset()``."""
        if not self.ir.is_spiking:
            return
        history = [name for name in (SPIKED, LAST_SPIKE, REFRACTORY_LEFT, SPIKE_COUNT)
                   if name in self.ir.names]
        Population.reset(self, history)      # the spike rings restart empty there too
        if self.firing_window_steps:
            self.buffer("r")[...] = 0.0

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"Population(name={self.name!r}, geometry={self.geometry}, " \
               f"neuron={self.neuron_type.name!r})"
