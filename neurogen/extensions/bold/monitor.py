"""``BoldMonitor`` and ``BoldMonitorFromSlices``: the BOLD signal of populations, computed
by a :class:`~neurogen.extensions.bold.BoldModel` and recorded by a monitor.

What a monitor creates, all with neurogen's public API:

* a population of the BOLD model (one neuron; one per slice for
  :class:`BoldMonitorFromSlices`), named after the model;
* for each input of ``mapping`` and each recorded population, a projection onto the
  model's ``sum(<input>)``: all to all, weight ``scale / size``, psp
  ``w * pre.<variable>``, so that the input is ``scale`` times the population's mean of
  that variable (read, as every rate-coded sum, from the previous step);
* with ``normalize_input`` (a baseline window in ms for that population), the same
  projection normalised instead: during the window that :meth:`BoldMonitor.start` opens
  its input is 0 while the mean is accumulated, then it is
  ``scale * (mean - baseline) / (|baseline| + 1e-7)``. The mean of each step reaches the
  baseline through a second projection (plain mean, onto an extra target of the BOLD
  population that its equations do not read), and projection-wide synapse equations
  accumulate it;
* a :class:`~neurogen.Monitor` of the recorded variables (the model's outputs always).

ANNarchy keeps the BOLD population inactive until ``start()`` and again after
``stop()``. neurogen populations cannot be disabled: the BOLD population runs at every
step, and ``start()`` puts back the state it had when created or at the last ``stop()``,
so the recorded signal is the same as with an inactive population (reading the model's
variables through the monitor while it is stopped gives that held state).
"""
from __future__ import annotations

import numpy as np

from ...core.monitor import Monitor
from ...core.network import network_by_id
from ...core.population import Population
from ...core.projection import Projection
from ...core.synapse import Synapse
from ...core.view import PopulationView
from ...errors import NetworkError
from ...validation import did_you_mean, number, reject_unknown
from .model import BoldModel
from .predefined import balloon_RN

#: added to the absolute value of the baseline in the normalisation, as ANNarchy
_EPSILON = 1e-7
#: a time no simulation reaches: the baseline window of a monitor not started yet
_NEVER = 1e300

_KEYWORDS = ("populations", "bold_model", "mapping", "scale_factor", "normalize_input",
             "recorded_variables", "start", "net", "net_id")
_SLICE_KEYWORDS = ("population", "slices", "bold_model", "mapping", "normalize_input",
                   "recorded_variables", "start", "net", "net_id")


def _mean_synapse(variable: str) -> Synapse:
    """``w * pre.<variable>``: with weights ``scale / size``, the sum is the scaled mean."""
    return Synapse(psp=f"w * pre.{variable}", name=f"BOLD input ({variable})",
                   description="BoldMonitor: the mean of a presynaptic variable")


def _normalised_synapse(variable: str, mean_target: str) -> Synapse:
    """The scaled mean, relative to its average over the baseline window
    ``[t_from, t_to)`` (0 during the window); ``post.sum(mean_target)`` is the mean of
    the step (the plain-mean projection onto ``mean_target``)."""
    window = "(t > t_from - 0.5 * dt) and (t < t_to - 0.5 * dt)"
    return Synapse(
        parameters=f"""
            t_from = {_NEVER!r} : projection
            t_to = {_NEVER!r} : projection
        """,
        equations=f"""
            baseline_sum = baseline_sum + ite({window}, post.sum({mean_target}), 0.0) : postsynaptic
            baseline_count = baseline_count + ite({window}, 1.0, 0.0) : postsynaptic
            baseline = ite(baseline_count > 0.0, baseline_sum / baseline_count, 0.0) : postsynaptic
        """,
        psp=f"ite(t > t_to - 0.5 * dt, w * (pre.{variable} - baseline) "
            f"/ (abs(baseline) + {_EPSILON!r}), 0.0)",
        name=f"BOLD normalised input ({variable})",
        description="BoldMonitor: the mean of a presynaptic variable relative to its "
                    "baseline")


def _listed(value, count: int, what: str) -> list:
    """ANNarchy's per-population arguments: one value for all, or one per population."""
    if value is None:
        return []
    values = list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value] * count
    if values and len(values) != count:
        raise NetworkError(f"BoldMonitor: {what} has {len(values)} values for {count} "
                           f"population(s)")
    return values


def _model(bold_model) -> BoldModel:
    if bold_model is None:
        return balloon_RN()
    if isinstance(bold_model, type) and issubclass(bold_model, BoldModel):
        return bold_model()
    if not isinstance(bold_model, BoldModel):
        raise NetworkError(f"BoldMonitor: bold_model must be a BoldModel (e.g. "
                           f"balloon_RN()), got {type(bold_model).__name__}")
    return bold_model


def _network(populations: list, net, net_id):
    """The network: ``net=``, ``net_id=`` (ANNarchy's), else that of the populations."""
    if net_id is not None:
        by_id = network_by_id(net_id)
        if net is not None and net is not by_id:
            raise NetworkError("BoldMonitor: net= and net_id= name different networks")
        net = by_id
    net = net if net is not None else populations[0].net
    for pop in populations:
        if pop.net is not net:
            raise NetworkError(f"BoldMonitor: population '{pop.name}' belongs to another "
                               f"network")
    return net


def _check_population(pop, owner: str):
    if isinstance(pop, PopulationView):
        raise NetworkError(f"{owner}: a PopulationView cannot be recorded by a BoldMonitor "
                           f"(as in ANNarchy); use BoldMonitorFromSlices(population, "
                           f"slices=[ranks, ...]) for parts of a population")
    if not isinstance(pop, Population):
        raise NetworkError(f"{owner}: populations must be Population objects, got "
                           f"{type(pop).__name__}")


def _check_mapping(mapping, model: BoldModel, populations: list, owner: str) -> dict:
    if not isinstance(mapping, dict) or not mapping:
        raise NetworkError(f"{owner}: mapping must be a dict {{input: variable}} such as "
                           f"{{'I_CBF': 'r'}}, got {mapping!r}")
    for target, variable in mapping.items():
        if target not in model.inputs:
            raise NetworkError(f"{owner}: the key '{target}' of mapping is not an input of "
                               f"the BOLD model '{model.name}' (inputs: "
                               f"{', '.join(model.inputs)})"
                               + did_you_mean(target, model.inputs))
        for pop in populations:
            if not isinstance(variable, str) or variable not in pop.attributes:
                raise NetworkError(f"{owner}: mapping {target!r}: {variable!r}: population "
                                   f"'{pop.name}' has no attribute {variable!r} "
                                   f"(attributes: {', '.join(pop.attributes)})"
                                   + did_you_mean(variable, pop.attributes))
    return dict(mapping)


def _recorded(recorded_variables, model: BoldModel) -> list[str]:
    """The model's outputs and the requested variables, sorted, once each (ANNarchy)."""
    if recorded_variables is None:
        return list(model.output)
    names = [recorded_variables] if isinstance(recorded_variables, str) \
        else list(recorded_variables)
    if not names:
        return list(model.output)
    return sorted(set(names) | set(model.output))


def _free_name(net, wanted: str) -> str:
    taken = {p.name for p in net.populations}
    name, k = wanted, 2
    while name in taken:
        name, k = f"{wanted} ({k})", k + 1
    return name


class BoldMonitor:
    """``BoldMonitor(populations=[pop1, pop2], bold_model=balloon_RN(),
    mapping={'I_CBF': 'r'}, scale_factor=None, normalize_input=None,
    recorded_variables=None, start=False)``: the BOLD signal of populations, as
    ANNarchy's ``BoldMonitor`` (ANNarchy 5's ``net.boldmonitor(...)`` takes the same
    arguments).

    :param populations: a population or a list of them (rate-coded or spiking; not
        views).
    :param bold_model: a :class:`BoldModel` instance or class (default ``balloon_RN``).
    :param mapping: ``{input of the model: variable of the populations}``.
    :param scale_factor: one weight per population (or one for all); by default each
        population's share of the neurons, so that the input is the mean over all.
    :param normalize_input: per population (or one for all), a baseline window in ms:
        0 (default) feeds the mean itself; a window ``T`` feeds 0 during the first ``T``
        ms after :meth:`start`, then the mean relative to its average over that window,
        ``(mean - baseline) / (|baseline| + 1e-7)`` (as ANNarchy).
    :param recorded_variables: variables of the model to record; the model's outputs
        are always recorded.
    :param start: start recording now (and, with ``normalize_input``, open the baseline
        window at the current step).
    :param net: the network (``net_id=``: by its id, as ANNarchy); by default that of
        the populations.

    The model's attributes read and write through the monitor (``m.phi = 2.0``,
    ``m.BOLD``). :meth:`get` returns ``(steps, 1)`` arrays, as ANNarchy 5.
    """

    def __init__(self, populations=None, bold_model=None, mapping=None, scale_factor=None,
                 normalize_input=None, recorded_variables=None, start: bool = False, *,
                 net=None, net_id=None, **unknown):
        reject_unknown("BoldMonitor()", unknown, _KEYWORDS)
        owner = "BoldMonitor"
        if populations is None:
            raise NetworkError("BoldMonitor: give a population or a list of populations "
                               "(populations=...)")
        pops = list(populations) if isinstance(populations, (list, tuple)) else [populations]
        if not pops:
            raise NetworkError("BoldMonitor: populations is empty")
        for pop in pops:
            _check_population(pop, owner)
        model = _model(bold_model)
        mapping = _check_mapping({"I_CBF": "r"} if mapping is None else mapping, model,
                                 pops, owner)
        net = _network(pops, net, net_id)
        scales = [number(owner, "scale_factor", s)
                  for s in _listed(scale_factor, len(pops), "scale_factor")]
        if not scales:
            total = sum(p.size for p in pops)
            scales = [p.size / total for p in pops]
        windows = [number(owner, "normalize_input (ms)", w, non_negative=True)
                   for w in _listed(normalize_input, len(pops), "normalize_input")]
        windows = windows or [0.0] * len(pops)
        if net.batch > 1 and any(windows):
            raise NetworkError(f"{owner}: normalize_input is not available in a network of "
                               f"batch {net.batch}: the baseline is accumulated by synapse "
                               f"equations, which batched networks do not run (use batch=1)")
        self._setup(net, model, mapping, _recorded(recorded_variables, model), 1)
        for target, variable in mapping.items():
            for k, (pop, scale, window) in enumerate(zip(pops, scales, windows)):
                ranks = [np.arange(pop.size)]
                self._connect(pop, target, variable, [scale / pop.size], ranks, window, k)
        self._populations, self._scale_factor = pops, scales
        self._normalize_input = windows
        self._finish(start)

    # -- construction (shared with BoldMonitorFromSlices) -----------------------------------
    def _setup(self, net, model: BoldModel, mapping: dict, recorded: list, size: int):
        """The BOLD population (``size`` neurons) and its monitor."""
        owner = type(self).__name__
        self._net, self._bold_model, self._mapping = net, model, mapping
        self._recorded_variables = recorded
        ir = model.parse(net.constant_values(), net.options.method)   # checked before any
        if ir.is_spiking:                                             # object is created
            raise NetworkError(f"{owner}: the BOLD model '{model.name}' must be rate-coded")
        for key, target in model.targets.items():
            if target not in ir.targets:
                raise NetworkError(f"{owner}: the BOLD model '{model.name}' declares the "
                                   f"input '{key}' but its equations never read "
                                   f"sum({target})")
        for name in recorded:
            if name not in ir.public_names:
                raise NetworkError(f"{owner}: the BOLD model '{model.name}' has no variable "
                                   f"'{name}' to record (attributes: "
                                   f"{', '.join(ir.public_names)})"
                                   + did_you_mean(name, ir.public_names))
        self._bold_pop = Population(size, model, name=_free_name(net, model.name), net=net)
        pop = self._bold_pop
        self._projections: list = []
        self._baselines: list = []         # (projection, window in ms)
        self._monitor = Monitor(pop, recorded, start=False, net=net)

    def _connect(self, pre, key: str, variable: str, weights: list, ranks: list,
                 window: float, k: int):
        """One projection ``pre -> BOLD population`` onto the sum of the input ``key``:
        post neuron ``i`` receives ``weights[i] * pre.<variable>`` summed over
        ``ranks[i]``; normalised over a baseline of ``window`` ms when it is not 0."""
        post = self._bold_pop
        target = self._bold_model.targets[key]
        label = f"{post.name}: {key} <- {pre.name}.{variable}"
        if window == 0:
            proj = Projection(pre, post, target, synapse=_mean_synapse(variable),
                              name=label, net=self._net)
            self._wire(proj, weights, ranks)
            self._projections.append(proj)
            return
        taken = set(post.ir.names) | set(post.targets)
        mean_target = f"bold_mean_{target}_{k}"
        while mean_target in taken:
            mean_target += "_"
        mean = Projection(pre, post, mean_target, synapse=_mean_synapse(variable),
                          name=f"{label} (mean for the baseline)", net=self._net)
        self._wire(mean, [1.0 / len(r) for r in ranks], ranks)
        proj = Projection(pre, post, target, synapse=_normalised_synapse(variable, mean_target),
                          name=f"{label} (normalised)", net=self._net)
        self._wire(proj, weights, ranks)
        self._projections += [mean, proj]
        self._baselines.append((proj, window))

    def _wire(self, proj, weights: list, ranks: list):
        if len(ranks) == 1 and len(ranks[0]) == proj.pre.size:
            proj.connect_all_to_all(weights=float(weights[0]))
            return
        from scipy import sparse
        rows = np.concatenate(ranks)
        cols = np.concatenate([np.full(len(r), i) for i, r in enumerate(ranks)])
        data = np.concatenate([np.full(len(r), w) for r, w in zip(ranks, weights)])
        proj.connect_from_sparse(sparse.csr_matrix(
            (data, (rows, cols)), shape=(proj.pre.size, proj.post.size)))

    def _finish(self, start: bool):
        self._held = None if start else self._state()
        if start:
            self.start()

    # -- recording ------------------------------------------------------------------------
    def start(self):
        """Start recording (as ``Monitor.start()``); the BOLD model goes on from the state
        it was left in, and each normalised input opens its baseline window here."""
        self._monitor.start()
        if self._held is not None:       # written flat: get() and set() differ in shape
            for name, value in self._held.items():   # for one neuron in a batch
                self._bold_pop.buffer(name)[...] = np.asarray(value).reshape(-1)
            self._held = None
        step, dt = self._net.get_current_step(), self._net.dt
        for proj, window in self._baselines:
            steps = int(window / dt)
            if steps < 1:
                raise NetworkError(f"{type(self).__name__}: normalize_input={window} ms is "
                                   f"shorter than one step (dt={dt} ms)")
            proj.t_from = step * dt
            proj.t_to = (step + steps) * dt
            proj.enable_learning()        # the baseline is accumulated by its equations

    def stop(self):
        """Stop recording (as ``Monitor.stop()``); the BOLD model's state is held until
        the next :meth:`start`."""
        self._monitor.stop()
        if self._held is None:
            self._held = self._state()

    def get(self, variable, keep: bool = False, reshape: bool = True):
        """The recorded values of ``variable`` (or a dict for a list of names), as
        ``Monitor.get()``: ``(steps, 1)`` for a :class:`BoldMonitor`, ``(steps, slices)``
        for a :class:`BoldMonitorFromSlices`."""
        return self._monitor.get(variable, keep=keep, reshape=reshape)

    def _state(self) -> dict:
        pop = self._bold_pop
        return {name: pop.get(name) for name in pop.variables}

    # -- what ANNarchy's monitor exposes ---------------------------------------------------
    @property
    def name(self) -> str:
        return "bold_monitor"

    @property
    def net_id(self) -> int:
        return self._net.id

    @property
    def net(self):
        """The network of the monitor."""
        return self._net

    @property
    def population(self) -> Population:
        """The population of the BOLD model (one neuron, or one per slice)."""
        return self._bold_pop

    @property
    def monitor(self) -> Monitor:
        """The :class:`~neurogen.Monitor` of the recorded variables."""
        return self._monitor

    @property
    def projections(self) -> list:
        """The projections feeding the BOLD model."""
        return list(self._projections)

    @property
    def bold_model(self) -> BoldModel:
        return self._bold_model

    @property
    def recorded_variables(self) -> list[str]:
        return list(self._recorded_variables)

    def __getattr__(self, name):
        pop = self.__dict__.get("_bold_pop")
        if pop is not None and not name.startswith("_") and name in pop.attributes:
            held = self.__dict__.get("_held")
            if held is not None and name in held:
                return held[name].copy()
            return getattr(pop, name)
        raise AttributeError(f"{type(self).__name__} has no attribute '{name}'"
                             + (did_you_mean(name, pop.attributes) if pop is not None else ""))

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        pop = self.__dict__.get("_bold_pop")
        if pop is None or name not in pop.attributes:
            raise AttributeError(f"'{name}' is not an attribute of the BOLD model"
                                 + (f" (attributes: {', '.join(pop.attributes)})"
                                    + did_you_mean(name, pop.attributes)
                                    if pop is not None else ""))
        setattr(pop, name, value)
        if self._held is not None and name in self._held:
            self._held[name] = pop.get(name)

    def __repr__(self):
        pops = getattr(self, "_populations", None)
        pops = [pops] if isinstance(pops, Population) else pops or []
        return f"{type(self).__name__}(populations={[p.name for p in pops]}, " \
               f"bold_model={self._bold_model.name!r}, recording={self._recorded_variables})"


class BoldMonitorFromSlices(BoldMonitor):
    """``BoldMonitorFromSlices(population, slices=[[0, 1, 2], [3, 4]], bold_model=...,
    mapping={'I_CBF': 'r'}, normalize_input=0, recorded_variables=None, start=False)``:
    one BOLD signal per slice (a list of ranks) of one population, as ANNarchy's
    (ANNarchy 5's ``net.boldmonitor_from_slices(...)``). The BOLD model has one neuron per
    slice, fed by the mean of the mapped variable over the slice; :meth:`get` returns
    ``(steps, slices)``.

    ``normalize_input`` other than 0 is refused: the baseline of each slice would need a
    mean over the synapses of each postsynaptic neuron inside the synapse equations,
    which neurogen cannot express yet.
    """

    def __init__(self, population=None, slices=None, bold_model=None, mapping=None,
                 normalize_input=0, recorded_variables=None, start: bool = False, *,
                 net=None, net_id=None, **unknown):
        reject_unknown("BoldMonitorFromSlices()", unknown, _SLICE_KEYWORDS)
        owner = "BoldMonitorFromSlices"
        if not isinstance(population, Population):
            raise NetworkError(f"{owner}: give one whole population (population=...), the "
                               f"slices selecting its neurons; for several populations use "
                               f"BoldMonitor")
        _check_population(population, owner)
        if slices is None or isinstance(slices, str) or not len(slices):
            raise NetworkError(f"{owner}: give the ranks of each slice (slices=[[0, 1], "
                               f"[2, 3]])")
        ranks = []
        for i, ranks_i in enumerate(slices):
            r = np.asarray(ranks_i).reshape(-1)
            if r.size == 0 or not np.issubdtype(r.dtype, np.integer) or r.min() < 0 \
                    or r.max() >= population.size or len(np.unique(r)) != r.size:
                raise NetworkError(f"{owner}: slice {i} must hold distinct ranks of "
                                   f"'{population.name}' (0 to {population.size - 1}), got "
                                   f"{ranks_i!r}")
            ranks.append(r.astype(np.int64))
        window = number(owner, "normalize_input (ms)", 0 if normalize_input is None
                        else normalize_input, non_negative=True)
        if window != 0:
            raise NetworkError(f"{owner}: normalize_input is not available in neurogen yet "
                               f"(each slice's baseline needs a per-neuron mean over its "
                               f"synapses in the synapse equations); use one BoldMonitor "
                               f"per population instead")
        model = _model(bold_model)
        mapping = _check_mapping({"I_CBF": "r"} if mapping is None else mapping, model,
                                 [population], owner)
        net = _network([population], net, net_id)
        self._setup(net, model, mapping, _recorded(recorded_variables, model), len(ranks))
        for target, variable in mapping.items():
            self._connect(population, target, variable, [1.0 / len(r) for r in ranks],
                          ranks, 0.0, 0)
        self._populations, self._slices = population, [list(r) for r in ranks]
        self._normalize_input = window
        self._finish(start)
