"""What training needs from a network, in one place: the adjoint pass's view of the IR.

:func:`extract` freezes the network (:func:`neurogen.core.freeze.freeze`, as
``compile()`` does) and reads its structure from the ``NetworkIR``: populations and
their neuron IR, projections (pre, post, target, delay kind, synapse), constants,
precision. Values (parameters, initial state, weights, constant values) and the user's
names come through the model objects' public accessors. Everything else in
:mod:`neurogen.training` works on the :class:`Graph` it returns. :func:`write_back`
puts trained values into the network.

Semantics (ANNarchy's rate-coded step, as ``simulate()``): every weighted sum
``sum(target)`` is computed first, from the presynaptic ``r`` at the start of the step;
then each population runs its equations. Input populations are clamped: their ``r`` at
step ``t`` is the data ``x[t]``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np

from ..core.freeze import freeze
from ..errors import NeurogenError
from ..ir import GLOBAL, NeuronIR
from ..ir.network import DELAY_NONE


class TrainingError(NeurogenError):
    """A network, option or data set that training cannot handle (said why, and where)."""


@dataclass
class PopSpec:
    name: str
    size: int
    ir: NeuronIR
    params: dict                  # name -> float64 array (size,) or (1,) for population-wide
    init: dict                    # variable -> float64 array (size,): the state at t = 0
    trainable: tuple = ()         # names of trainable parameters


@dataclass
class ProjSpec:
    name: str
    pre: str                      # population name
    post: str
    target: str
    weights: np.ndarray           # (post, pre), 0 where no synapse
    mask: np.ndarray | None       # (post, pre) bool, None when every synapse exists
    trainable: bool = False


@dataclass
class Graph:
    inputs: list                  # input population names, in data-channel order
    input_sizes: list
    output: str
    populations: list = field(default_factory=list)    # PopSpec, updated (not inputs)
    projections: list = field(default_factory=list)    # ProjSpec
    constants: dict = field(default_factory=dict)
    dt: float = 1.0
    precision: str = "double"    # the network's (the IR's)
    backend: object = None        # the network's Backend: it builds the kernels
    toolchain: object = None      # the network's compiler and flags

    def population(self, name) -> PopSpec:
        return next(p for p in self.populations if p.name == name)

    @property
    def lag(self) -> int:
        """Steps between the data entering the input and the output responding to it:
        one per projection on the shortest path, less one (the input is clamped before
        the sums of its step are taken)."""
        dist = {name: 0 for name in self.inputs}
        frontier = list(self.inputs)
        while frontier:
            nxt = []
            for proj in self.projections:
                if proj.pre in frontier and proj.post not in dist:
                    dist[proj.post] = dist[proj.pre] + 1
                    nxt.append(proj.post)
            frontier = nxt
        if self.output not in dist:
            raise TrainingError(f"the output population '{self.output}' is not reached "
                                f"from the inputs ({', '.join(self.inputs)}) by projections")
        return max(dist[self.output] - 1, 0)


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _hint(name, known):
    match = difflib.get_close_matches(str(name), [str(k) for k in known], n=1)
    return f"; did you mean '{match[0]}'?" if match else ""


def _trainable_sets(net, trainable):
    """Projections and (population, parameter) pairs named in ``trainable``."""
    projs, params = set(), set()
    names = {p.name: p for p in net.populations}
    for item in _as_list(trainable):
        if hasattr(item, "connectivity"):
            if item not in net.projections:
                raise TrainingError(f"trainable: projection '{item.name}' is not in this "
                                    "network")
            projs.add(item.name)
            continue
        if isinstance(item, tuple) and len(item) == 2 and hasattr(item[0], "ir"):
            pop, attr = item
        elif isinstance(item, str) and "." in item:
            pop_name, attr = item.split(".", 1)
            if pop_name not in names:
                known = list(names) + [p.name for p in net.projections]
                raise TrainingError(f"trainable: no population '{pop_name}'"
                                    + _hint(pop_name, known))
            pop = names[pop_name]
        elif isinstance(item, str):
            matches = [p for p in net.projections if p.name == item]
            if not matches:
                known = [p.name for p in net.projections]
                raise TrainingError(f"trainable: no projection '{item}' (write "
                                    f"'population.parameter' for a parameter)"
                                    + _hint(item, known))
            projs.add(item)
            continue
        else:
            raise TrainingError(f"trainable: expected projections, 'pop.param' names or "
                                f"(population, 'param') pairs, got {item!r}")
        parameters = [a.name for a in pop.ir.attributes if a.kind == "parameter"]
        if attr not in parameters:
            raise TrainingError(f"trainable: population '{pop.name}' has no parameter "
                                f"'{attr}' (parameters: {', '.join(parameters) or 'none'})"
                                + _hint(attr, parameters))
        params.add((pop.name, attr))
    return projs, params


def _check_io(net, input_pops, output):
    for pop in input_pops + [output]:
        if pop not in net.populations:
            raise TrainingError(f"{pop!r} is not a population of this network")
        if "r" not in pop.ir.names:
            raise TrainingError(f"population '{pop.name}' has no variable 'r' (inputs are "
                                "clamped through r, outputs are read from r)")
    if output in input_pops:
        raise TrainingError(f"population '{output.name}' cannot be both input and output")


def _values(pop, neuron: NeuronIR, kind: str) -> dict:
    """Copies of a population's parameters or variables (flat float64)."""
    return {a.name: np.asarray(pop.buffer(a.name), np.float64).reshape(-1).copy()
            for a in neuron.attributes if a.kind == kind}


def _population(pop, pir, input_names, train_params) -> PopSpec:
    neuron = pir.neuron
    if "r" in neuron.names and neuron.attribute("r").kind != "variable":
        raise TrainingError(f"population '{pop.name}': 'r' is a parameter; only input "
                            "populations (inputs=) may have a clamped r")
    if pir.timed:
        raise TrainingError(f"population '{pop.name}' replays a TimedArray; give its "
                            "rates as data (inputs=) instead")
    init = _values(pop, neuron, "variable")
    for a in neuron.attributes:
        if a.kind == "variable" and a.locality == GLOBAL:
            init[a.name] = np.repeat(init[a.name], pir.size)
    return PopSpec(pop.name, pir.size, neuron, _values(pop, neuron, "parameter"), init,
                   tuple(sorted(attr for name, attr in train_params if name == pop.name)))


def _projection(proj, pir, pops, train_projs) -> ProjSpec:
    pre, post = pops[pir.pre], pops[pir.post]
    target = post.targets[pir.target]
    where = f"projection '{proj.name}' ({pre.name} -> {post.name}, target '{target}')"
    if proj.pre_view is not None or proj.post_view is not None:
        raise TrainingError(f"{where}: training supports projections between whole "
                            "populations, not views")
    if pir.synapse is not None and not pir.synapse.is_static:
        raise TrainingError(f"{where}: its synapse has equations or a custom psp/"
                            "operation (learning rules are not differentiated); train "
                            "with static synapses")
    if pir.delay != DELAY_NONE:
        raise TrainingError(f"{where}: synaptic delays are not supported by training")
    conn = proj.connectivity
    mask = np.zeros((conn.post_size, conn.pre_size), dtype=bool)
    mask[conn.rows, conn.cols] = True
    return ProjSpec(proj.name, pre.name, post.name, target, proj.connectivity_matrix(0.0),
                    None if mask.all() else mask, proj.name in train_projs)


def extract(net, inputs, output, trainable) -> Graph:
    """The :class:`Graph` of ``net`` for training (see the module doc): the structure
    from its frozen :class:`~neurogen.ir.network.NetworkIR`, the values (parameters,
    initial state, weights, constants) through the model objects' public accessors."""
    input_pops = _as_list(inputs)
    _check_io(net, input_pops, output)
    train_projs, train_params = _trainable_sets(net, trainable)
    if not train_projs and not train_params:
        raise TrainingError("nothing to train: pass trainable=[projections, 'pop.param', ...]")
    input_names = [p.name for p in input_pops]
    for (name, attr) in train_params:
        if name in input_names:
            raise TrainingError(f"trainable: '{name}.{attr}' belongs to an input population, "
                                "whose r is clamped to the data")
    ir = freeze(net, net.backend)
    pops = net.populations          # IR indices are positions in these lists
    graph = Graph(inputs=input_names, input_sizes=[ir.populations[p.id].size for p in input_pops],
                  output=output.name, dt=net.dt, precision=ir.precision,
                  constants={name: net.constant_values()[name] for name in ir.constants},
                  backend=net.backend, toolchain=net.toolchain)
    for pop, pir in zip(pops, ir.populations):
        if pop.name not in input_names:
            graph.populations.append(_population(pop, pir, input_names, train_params))
    for proj, pir in zip(net.projections, ir.projections):
        if pops[pir.post].name in input_names:
            raise TrainingError(f"projection '{proj.name}': inputs are clamped to the data "
                                "and cannot receive projections")
        graph.projections.append(_projection(proj, pir, pops, train_projs))
    return graph


def write_back(net, graph: Graph, values: dict):
    """Trained values into the network: ``values`` maps projection names to (post, pre)
    matrices and ``'pop.param'`` to arrays."""
    for proj in net.projections:
        if proj.name in values:
            proj.w = np.asarray(values[proj.name], dtype=np.float64)
    for pop in net.populations:
        for key, value in values.items():
            if "." in key and key.split(".", 1)[0] == pop.name:
                attr = key.split(".", 1)[1]
                value = np.asarray(value, dtype=np.float64)
                setattr(pop, attr, value[0] if value.size == 1 else value)
