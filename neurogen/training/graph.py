"""What training needs from a network: its frozen IR, a snapshot of its values, and what
is trained.

:func:`extract` freezes the network (:func:`neurogen.core.freeze.freeze`, as
``compile()`` does): the structure is the ``NetworkIR``'s ``PopulationIR`` and
``ProjectionIR`` (by index, as every pass reads it), and :func:`extract` is the one
place that reads values from the model objects (parameters, initial state, weights,
constants, through their public accessors) into a :class:`Values` snapshot. The user's
names only key the trained values. :func:`write_back` puts trained values into the
network.

A projection stored as ``csr`` is trained on its CSR arrays (one weight per synapse);
``filter`` (the convolution extension's shared filters) runs on the same CSR arrays,
fixed; ``fft`` and ``separable`` (a translation-invariant ``W[i, j] = t[i - j]``) as
their offset kernel's nonzero taps, fixed (:data:`KERNEL_STORAGE`); any other storage as
a dense (post, pre) matrix, masked where synapses are absent.

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
from ..ir import GLOBAL
from ..ir.network import DELAY_NONE, NetworkIR
from ..storage.base import given_kernel
from ..storage.fft_numerics import offset_kernel

#: storages that compute with one offset kernel shared by every neuron: trained as fixed
#: taps (their transpose is the correlation with the kernel), never as a matrix
KERNEL_STORAGE = ("fft", "separable")


class TrainingError(NeurogenError):
    """A network, option or data set that training cannot handle (said why, and where)."""


@dataclass
class Values:
    """The network's values when the trainer was made (float64 copies)."""
    params: dict = field(default_factory=dict)     # (pop id, name) -> (size,) or (1,)
    init: dict = field(default_factory=dict)       # (pop id, variable) -> (size,): t = 0
    weights: dict = field(default_factory=dict)    # proj id -> (post, pre), or (synapses,)
    masks: dict = field(default_factory=dict)      # proj id -> (post, pre) bool: dense with
    #                                                absent synapses (0 there, kept 0)
    csr: dict = field(default_factory=dict)        # proj id -> (row_ptr, cols): CSR order
    taps: dict = field(default_factory=dict)       # proj id -> (grid (3,), offsets (taps,
    #                                                3)): W[i, i - d] = weights[k], d = tap k
    constants: dict = field(default_factory=dict)  # name -> value


@dataclass
class Problem:
    """A network as training sees it: the IR, the values, inputs and output, what is
    trained, and the user's names (keys of the trained values)."""
    ir: NetworkIR
    values: Values
    inputs: tuple                 # input population ids, in data-channel order
    output: int                   # output population id
    trainable: frozenset          # projection ids and (population id, parameter) pairs
    pop_names: tuple              # by population id
    proj_names: tuple             # by projection id
    dt: float = 1.0
    batch: int = 1                # Network(batch=B): a step's trials are its B copies
    backend: object = None        # the network's Backend: it builds the kernels
    toolchain: object = None      # the network's compiler and flags

    @property
    def precision(self) -> str:
        return self.ir.precision

    @property
    def updated(self) -> list:
        """The populations the kernel updates (``PopulationIR``, not inputs), in order."""
        return [p for p in self.ir.populations if p.id not in self.inputs]

    def trained_params(self, pop: int) -> tuple:
        """The trained parameters of population ``pop``, sorted."""
        return tuple(sorted(t[1] for t in self.trainable
                            if isinstance(t, tuple) and t[0] == pop))

    def target(self, proj) -> str:
        """The name of the weighted sum a projection feeds."""
        post = self.ir.populations[proj.post]
        return (post.targets or post.neuron.targets)[proj.target]

    def key(self, item) -> str:
        """The name of a trained value: a projection id or (population id, parameter)."""
        if isinstance(item, tuple):
            return f"{self.pop_names[item[0]]}.{item[1]}"
        return self.proj_names[item]

    def population_id(self, population) -> int:
        name = getattr(population, "name", population)
        if name not in self.pop_names:
            raise TrainingError(f"no population '{name}' in the trained network"
                                + _hint(name, self.pop_names))
        return self.pop_names.index(name)

    def dense_weights(self, proj: int, flat=None) -> np.ndarray:
        """A projection's weights as a (post, pre) matrix (``flat``: trained values)."""
        w = self.values.weights[proj] if flat is None else flat
        if proj in self.values.taps:
            return _tap_matrix(*self.values.taps[proj], w)
        if proj not in self.values.csr:
            return w
        pir = self.ir.projections[proj]
        row_ptr, cols = self.values.csr[proj]
        matrix = np.zeros((self.ir.populations[pir.post].size,
                           self.ir.populations[pir.pre].size))
        matrix[np.repeat(np.arange(matrix.shape[0]), np.diff(row_ptr)), cols] = w
        return matrix

    @property
    def lag(self) -> int:
        """Steps between the data entering the input and the output responding to it:
        one per projection on the shortest path, less one (the input is clamped before
        the sums of its step are taken)."""
        dist = {k: 0 for k in self.inputs}
        frontier = list(self.inputs)
        while frontier:
            nxt = []
            for proj in self.ir.projections:
                if proj.pre in frontier and proj.post not in dist:
                    dist[proj.post] = dist[proj.pre] + 1
                    nxt.append(proj.post)
            frontier = nxt
        if self.output not in dist:
            names = ", ".join(self.pop_names[k] for k in self.inputs)
            raise TrainingError(f"the output population '{self.pop_names[self.output]}' is "
                                f"not reached from the inputs ({names}) by projections")
        return max(dist[self.output] - 1, 0)


def _tap_matrix(grid, offsets, weights) -> np.ndarray:
    """The (post, pre) matrix of offset taps (CellMap's Jacobian, tests)."""
    n = int(np.prod(grid))
    matrix = np.zeros((n, n))
    coords = np.indices(grid).reshape(3, -1).T
    for d, value in zip(offsets, weights):
        pre = coords - d
        ok = np.all((pre >= 0) & (pre < np.asarray(grid)), axis=1)
        matrix[np.nonzero(ok)[0], np.ravel_multi_index(tuple(pre[ok].T), grid)] += value
    return matrix


def _offset_taps(proj, storage: str, where: str):
    """(grid, offsets, values) of a translation-invariant projection's nonzero taps, the
    grid and offsets padded to 3 axes in front: the kernel a kernel-first connector
    gave, else read off the matrix (checked translation-invariant)."""
    geometry = tuple(int(g) for g in proj.pre.geometry)
    if len(geometry) > 3:
        raise TrainingError(f"{where}: stored as '{storage}' on a {len(geometry)}-D grid; "
                            "training runs offset kernels on grids of up to 3 axes")
    kernel = given_kernel(proj)
    if kernel is None:
        kernel = offset_kernel(proj.connectivity_matrix(0.0), geometry, where, storage=storage)
    index = np.nonzero(kernel)
    offsets = np.stack(index, axis=1) - (np.array(geometry, dtype=np.int64) - 1)
    pad = 3 - len(geometry)
    offsets = np.concatenate([np.zeros((len(offsets), pad), np.int64), offsets], axis=1)
    return ((1,) * pad + geometry, np.ascontiguousarray(offsets, dtype=np.int64),
            np.array(kernel[index], dtype=np.float64))


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _hint(name, known):
    match = difflib.get_close_matches(str(name), [str(k) for k in known], n=1)
    return f"; did you mean '{match[0]}'?" if match else ""


def _flagged(net, input_names) -> set:
    """(population, parameter) pairs whose declaration carries ``: trainable`` (input
    populations' are not: their r is the data)."""
    return {(pop.name, a.name) for pop in net.populations if pop.name not in input_names
            for a in pop.ir.attributes if a.kind == "parameter" and a.trainable}


def _trainable_sets(net, trainable):
    """Projections and (population, parameter) pairs named in ``trainable``."""
    projs, params = set(), set()
    names = {p.name: p for p in net.populations}
    for item in _as_list(trainable) if trainable is not None else ():
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


def _values(pop, neuron, kind: str, batch: int) -> dict:
    """Copies of a population's parameters or variables (flat float64). In a network of
    ``batch`` copies, the per-copy ones (all but population-wide parameters) must be
    equal in every copy: trial ``b`` of a training step is copy ``b``, and every trial
    starts from the same values (what is trained is shared by the copies)."""
    out = {}
    for a in neuron.attributes:
        if a.kind != kind:
            continue
        value = np.asarray(pop.buffer(a.name), np.float64).reshape(-1)
        if batch > 1 and not (kind == "parameter" and a.locality == GLOBAL):
            copies = value.reshape(batch, -1)
            if not np.array_equal(copies, np.broadcast_to(copies[0], copies.shape)):
                raise TrainingError(
                    f"population '{pop.name}': '{a.name}' differs between the network's "
                    f"{batch} copies (batch={batch}); training starts every trial (copy) "
                    "from the same values: give one value for all copies")
            value = copies[0]
        out[a.name] = value.copy()
    return out


def _read_population(pop, pir, values: Values, batch: int):
    neuron = pir.neuron
    if "r" in neuron.names and neuron.attribute("r").kind != "variable":
        raise TrainingError(f"population '{pop.name}': 'r' is a parameter; only input "
                            "populations (inputs=) may have a clamped r")
    if pir.timed:
        raise TrainingError(f"population '{pop.name}' replays a TimedArray; give its "
                            "rates as data (inputs=) instead")
    for name, value in _values(pop, neuron, "variable", batch).items():
        if neuron.attribute(name).locality == GLOBAL:
            value = np.repeat(value, pir.size)
        values.init[(pir.id, name)] = value
    for name, value in _values(pop, neuron, "parameter", batch).items():
        values.params[(pir.id, name)] = value


def _read_projection(proj, pir, pops, values: Values):
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
    if pir.storage in KERNEL_STORAGE:      # fixed offset taps: no matrix
        grid, offsets, values.weights[pir.id] = _offset_taps(proj, pir.storage, where)
        values.taps[pir.id] = (grid, offsets)
        return
    if pir.storage in ("csr", "sell", "filter"):   # one weight per synapse, in CSR order
        conn = proj.connectivity.to_csr()
        values.csr[pir.id] = (np.array(conn.row_ptr, dtype=np.int64),
                              np.array(conn.cols, dtype=np.int32))
        values.weights[pir.id] = np.array(conn.weights, dtype=np.float64)
        return
    conn = proj.connectivity
    mask = np.zeros((conn.post_size, conn.pre_size), dtype=bool)
    mask[conn.rows, conn.cols] = True
    values.weights[pir.id] = proj.connectivity_matrix(0.0)
    if not mask.all():
        values.masks[pir.id] = mask


def _check_trainable_weights(proj, storage: str):
    """Shared weights (an offset kernel, a filter) are not trained: a gradient per synapse
    would break the sharing, and the storage has no synapse to hold it."""
    if storage in KERNEL_STORAGE:
        raise TrainingError(
            f"trainable: projection '{proj.name}' is stored as '{storage}': its weights "
            "are one offset kernel shared by every neuron (W[i, j] = t[i - j]), which "
            "training runs as a fixed projection (its backward pass is the correlation "
            "with the kernel) but does not train; leave it out of trainable, or connect it "
            "with storage_format='dense' or 'csr' to train every synapse")
    if getattr(proj, "filter_layout", None) is not None:
        raise TrainingError(
            f"trainable: projection '{proj.name}' shares its filter between synapses "
            f"(the convolution extension, stored as '{storage}'); training runs it as a "
            "fixed projection but does not train shared filters; leave it out of "
            "trainable")


def extract(net, inputs, output, trainable=None) -> Problem:
    """The :class:`Problem` of ``net`` for training (see the module doc): the structure
    from its frozen :class:`~neurogen.ir.network.NetworkIR`, the values (parameters,
    initial state, weights, constants) through the model objects' public accessors.
    Trained: what ``trainable`` names and the parameters flagged ``: trainable``."""
    input_pops = _as_list(inputs)
    _check_io(net, input_pops, output)
    train_projs, train_params = _trainable_sets(net, trainable)
    input_names = [p.name for p in input_pops]
    train_params |= _flagged(net, input_names)
    if not train_projs and not train_params:
        raise TrainingError("nothing to train: pass trainable=[projections, 'pop.param', "
                            "...] or flag parameters ('b = 0.0 : trainable')")
    for (name, attr) in train_params:
        if name in input_names:
            raise TrainingError(f"trainable: '{name}.{attr}' belongs to an input population, "
                                "whose r is clamped to the data")
    ir = freeze(net, net.backend)
    pops = net.populations          # IR indices are positions in these lists
    pop_names = tuple(p.name for p in pops)
    proj_names = tuple(p.name for p in net.projections)
    values = Values(constants={name: net.constant_values()[name] for name in ir.constants})
    for pop, pir in zip(pops, ir.populations):
        if pop.name not in input_names:
            _read_population(pop, pir, values, net.batch)
    for proj, pir in zip(net.projections, ir.projections):
        if pops[pir.post].name in input_names:
            raise TrainingError(f"projection '{proj.name}': inputs are clamped to the data "
                                "and cannot receive projections")
        _read_projection(proj, pir, pops, values)
    for name in train_projs:
        _check_trainable_weights(net.projections[proj_names.index(name)],
                                 ir.projections[proj_names.index(name)].storage)
    trained = {proj_names.index(name) for name in train_projs} | \
        {(pop_names.index(name), attr) for name, attr in train_params}
    return Problem(ir, values, tuple(pop_names.index(n) for n in input_names),
                   pop_names.index(output.name), frozenset(trained), pop_names, proj_names,
                   dt=net.dt, batch=net.batch, backend=net.backend,
                   toolchain=net.toolchain)


def write_back(net, problem: Problem, values: dict):
    """Trained values into the network: ``values`` maps projection names to (post, pre)
    matrices (dense) or one weight per synapse (CSR), ``'pop.param'`` to arrays."""
    for j, proj in enumerate(net.projections):
        if proj.name not in values:
            continue
        value = np.asarray(values[proj.name], dtype=np.float64)
        if j not in problem.values.csr:
            proj.w = value
            continue
        row_ptr, cols = problem.values.csr[j]
        conn = proj.connectivity
        if not (np.array_equal(conn.row_ptr, row_ptr) and np.array_equal(conn.cols, cols)):
            raise TrainingError(f"projection '{proj.name}': its synapses changed since the "
                                "trainer was made; cannot write the trained weights back")
        # one list per postsynaptic neuron, in an object array (np.ndim of a ragged list
        # raises in the weight setter)
        dendrites = np.empty(len(row_ptr) - 1, dtype=object)
        for i, part in enumerate(np.split(value, row_ptr[1:-1])):
            dendrites[i] = part
        proj.w = dendrites
    for pop in net.populations:
        for key, value in values.items():
            if "." in key and key.split(".", 1)[0] == pop.name:
                attr = key.split(".", 1)[1]
                value = np.asarray(value, dtype=np.float64)
                setattr(pop, attr, value[0] if value.size == 1 else value)
