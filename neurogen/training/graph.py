"""What training needs from a network, read from the model objects in one place.

:func:`extract` is the only function of :mod:`neurogen.training` that looks at
populations and projections; everything else works on the :class:`Graph` it returns
(so moving to a network IR later changes this module only). :func:`write_back` puts
trained values into the network.

Semantics (ANNarchy's rate-coded step, as ``simulate()``): every weighted sum
``sum(target)`` is computed first, from the presynaptic ``r`` at the start of the step;
then each population runs its equations. Input populations are clamped: their ``r`` at
step ``t`` is the data ``x[t]``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np

from ..errors import NeurogenError
from ..ir import GLOBAL, NeuronIR


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


def extract(net, inputs, output, trainable) -> Graph:
    """The :class:`Graph` of ``net`` for training (see the module doc)."""
    input_pops = _as_list(inputs)
    for pop in input_pops + [output]:
        if pop not in net.populations:
            raise TrainingError(f"{pop!r} is not a population of this network")
        if "r" not in pop.ir.names:
            raise TrainingError(f"population '{pop.name}' has no variable 'r' (inputs are "
                                "clamped through r, outputs are read from r)")
    if output in input_pops:
        raise TrainingError(f"population '{output.name}' cannot be both input and output")
    for pop in net.populations:
        if pop not in input_pops and "r" in pop.ir.names and \
                pop.ir.attribute("r").kind != "variable":
            raise TrainingError(f"population '{pop.name}': 'r' is a parameter; only input "
                                "populations (inputs=) may have a clamped r")
    train_projs, train_params = _trainable_sets(net, trainable)
    if not train_projs and not train_params:
        raise TrainingError("nothing to train: pass trainable=[projections, 'pop.param', ...]")
    graph = Graph(inputs=[p.name for p in input_pops], input_sizes=[p.size for p in input_pops],
                  output=output.name, constants=net.constant_values(), dt=net.dt,
                  backend=net.backend, toolchain=net.toolchain)
    for pop in net.populations:
        if pop in input_pops:
            continue
        params = {a.name: np.asarray(pop._buffer(a.name), np.float64).reshape(-1).copy()
                  for a in pop.ir.attributes if a.kind == "parameter"}
        init = {a.name: np.asarray(pop._buffer(a.name), np.float64).reshape(-1).copy()
                for a in pop.ir.attributes if a.kind == "variable"}
        for a in pop.ir.attributes:
            if a.kind == "variable" and a.locality == GLOBAL:
                init[a.name] = np.repeat(init[a.name], pop.size)
        graph.populations.append(PopSpec(
            pop.name, pop.size, pop.ir, params, init,
            tuple(sorted(attr for name, attr in train_params if name == pop.name))))
    for (name, attr) in train_params:
        if name in graph.inputs:
            raise TrainingError(f"trainable: '{name}.{attr}' belongs to an input population, "
                                "whose r is clamped to the data")
    for proj in net.projections:
        where = f"projection '{proj.name}' ({proj.pre.name} -> {proj.post.name}, target " \
                f"'{proj.target}')"
        proj._require_connected()
        if proj.post.name in graph.inputs:
            raise TrainingError(f"{where}: inputs are clamped to the data and cannot receive "
                                "projections")
        if proj.pre_view is not None or proj.post_view is not None:
            raise TrainingError(f"{where}: training supports projections between whole "
                                "populations, not views")
        if proj.synapse_ir is not None and not proj.synapse_ir.is_static:
            raise TrainingError(f"{where}: its synapse has equations or a custom psp/"
                                "operation (learning rules are not differentiated); train "
                                "with static synapses")
        if not proj.uniform_delay or proj.delay_steps() > 1:
            raise TrainingError(f"{where}: synaptic delays are not supported by training")
        if "r" not in proj.pre.ir.names:
            raise TrainingError(f"{where}: the presynaptic population has no 'r'")
        conn = proj.connectivity
        mask = np.zeros((conn.post_size, conn.pre_size), dtype=bool)
        mask[conn.rows, conn.cols] = True
        weights = proj.connectivity_matrix(0.0)
        graph.projections.append(ProjSpec(proj.name, proj.pre.name, proj.post.name,
                                          proj.target, weights, None if mask.all() else mask,
                                          proj.name in train_projs))
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
