"""The network: an explicit container of populations, projections, monitors and
constants, with its configuration, and the entry point of the pipeline
(parse → IR → plan → generate → build → run)."""
from __future__ import annotations

import functools
import itertools
import math
import threading
import time
import weakref
import zlib

import numpy as np

from .. import backends
from ..console import measured, say, timed
from ..errors import NetworkError
from ..validation import number, reject_unknown, steps
from ..runtime.state import State
from ..runtime.watch import Progress
from .default import default_network, register, set_default  # noqa: F401 (default_network: re-exported)
from .monitor import Monitor
from .network_construction import Constructed
from .network_verbs import provided
from .network_options import CONSTRUCTOR, NetworkOptions
from .population import Population
from .projection import Projection

#: ANNarchy's compile() keywords besides directory/clean/silent/compiler/compiler_flags
#: (handled, or refused with a reason, in neurogen/toolchain/options.py)
_ANNARCHY_COMPILE = ("populations", "projections", "add_sources", "extra_libs", "cuda_config",
                     "annarchy_json", "debug_build", "profile_enabled", "trace_calls")
_INTERNAL_METHODS = frozenset({"generator_for", "register", "constant_values", "setup",
                               "get_current_step", "set_current_step", "get_time",
                               "set_time", "save_parameters", "load_parameters"})
_IDS = itertools.count()
_NETWORKS: "weakref.WeakValueDictionary[int, Network]" = weakref.WeakValueDictionary()


def serialised(method):
    """Run ``method`` holding the network's lock: a second Python thread calling
    ``compile()``, ``simulate()``, ``step()`` or ``reset()`` on the same network waits
    for the first to finish (the C++ loop releases the GIL, so without it two runs would
    advance one clock together and lose steps). Re-entrant for the thread that holds it."""
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self._running:
            return method(self, *args, **kwargs)
    return locked


def network_by_id(net_id: int) -> "Network":
    """The live network with ANNarchy's ``net_id`` (``Network.id``)."""
    try:
        return _NETWORKS[int(net_id)]
    except KeyError:
        raise NetworkError(f"no network with id {net_id!r}") from None


class Network(metaclass=Constructed):
    """``Network(dt=1.0, seed=42)``. The classic API works on a default instance.

    Options: ``dt``, ``seed``, ``num_threads``, ``precision``, ``method``, ``paradigm``,
    ``step_rounding``, ``check_finite``, ``batch`` (:class:`NetworkOptions`). A subclass
    (``class MyNet(Network)``, the model built in its ``__init__``) is constructed as in
    ANNarchy 5: ``MyNet(N=10, dt=0.1, seed=1)`` sets ``dt`` and ``seed`` before
    ``MyNet.__init__(N=10)`` runs; a ``super().__init__(...)`` call in it changes neither
    (its other options apply)."""

    def __new__(cls, *args, **kwargs):
        """State is created here, before any ``__init__`` runs."""
        self = super().__new__(cls)
        self.populations, self.projections, self.monitors = [], [], []
        self.constants = {}
        self.compiled, self._sim, self.build_info, self.ir = False, None, {}, None
        self._toolchain = None
        self._state = State(self)
        self._running = threading.RLock()
        self._options = NetworkOptions()
        self._initialised = False
        self._compiled_values = None
        self.constructor_arguments = ((), {})
        self.id = next(_IDS)
        _NETWORKS[self.id] = self
        from .constant import GLOBAL_CONSTANTS
        for const in list(GLOBAL_CONSTANTS.values()):
            const.attach(self)
        return self

    def __setattr__(self, name, value):
        """A subclass may not hide a method neurogen calls that ANNarchy's Network lacks."""
        if name in _INTERNAL_METHODS:
            raise NetworkError(f"{type(self).__name__}: '{name}' is a method of neurogen's "
                               "Network; give the attribute another name")
        super().__setattr__(name, value)

    def __init__(self, dt: float = 1.0, seed: int | None = None, **options):
        reject_unknown("Network()", {k: v for k, v in options.items() if k not in CONSTRUCTOR},
                       CONSTRUCTOR)
        if self._initialised:    # a subclass's super().__init__(): dt and seed stay
            if options:
                self.setup(**options)
            return
        self._initialised = True
        self.setup(dt=dt, seed=seed, **options)

    # -- configuration ----------------------------------------------------------------------
    def setup(self, **options):
        """Change options (:class:`NetworkOptions`), all checked before any applies;
        ``precision``, ``paradigm``, ``structural_plasticity``, ``batch`` fixed by compile."""
        new = self._options.updated(options, self.compiled)
        self._install(new)
        if self._sim is not None:
            self._sim.bind()

    def _install(self, new: NetworkOptions):
        """Install ``new``; a new batch re-sizes the buffers (so, before any monitor)."""
        changed = new.batch != self._options.batch
        if changed and self.monitors:
            raise NetworkError("set batch before creating monitors (they size their "
                               "records by it)")
        self._options = new
        if changed:
            for pop in self.populations:
                pop.rebatch()

    def config(self, **options):
        """ANNarchy 5's name for :meth:`setup`."""
        self.setup(**options)

    @property
    def options(self) -> NetworkOptions:
        """The options, read-only (a frozen record): change them with :meth:`setup`."""
        return self._options

    @property
    def dt(self) -> float:
        return self._options.dt

    @property
    def check_finite(self) -> bool:
        return self._options.check_finite

    @property
    def seed(self) -> int:
        return self._options.seed

    @property
    def batch(self) -> int:
        """B: the number of independent copies this network simulates (1: a single run)."""
        return self._options.batch

    @property
    def num_threads(self) -> int:
        return self._options.num_threads

    @property
    def real_dtype(self):
        return self._options.real_dtype

    @property
    def backend(self):
        """The backend the ``paradigm`` selects (:mod:`neurogen.backends`)."""
        return backends.get(self._options.paradigm)

    @property
    def toolchain(self):
        """The C++ toolchain (compiler, OpenMP, flags) this network builds with: the one
        ``compile()`` chose, else this machine's default."""
        from ..toolchain.compiler import toolchain
        return self._toolchain or toolchain()

    def generator_for(self, key, fresh: bool = False) -> np.random.Generator:
        """A NumPy generator for one purpose, derived from the seed; ``fresh``: another
        stream at each call with ``key`` (values set again are drawn anew, as ANNarchy's)."""
        if fresh:
            count = self.__dict__.setdefault("_draws", {}).get(key, 0)
            self._draws[key], key = count + 1, key if count == 0 else (key, count)
        return np.random.default_rng([self.seed, zlib.crc32(repr(key).encode())])

    # -- registration: the model objects' protocol ------------------------------------------
    # Populations, projections, monitors and constants join a network through
    # ``register()`` (their constructors call it). The network then calls their lifecycle
    # hooks, public methods documented as "called by the network":
    #
    #   Population.rebatch()                 setup(batch=B) before compile()
    #   Population.move_to(net, name)        net.create(population=X): X moves to this network
    #   Population.use_precision()           compile(), before the IR is frozen
    #   Projection.attach_storage(k, dtype)  compile(), after freezing: kernel k's layout
    #   Population.snapshot_initial()        compile(), once bound: what reset() restores
    #
    # From creation on, :attr:`state` allocates and holds every buffer (model objects are
    # views on it); once compiled, the runtime (:attr:`runtime`) owns the tables the
    # generated code reads, filled from the state; model objects reach both through their
    # public methods only.
    @property
    def state(self) -> State:
        """The :class:`~neurogen.runtime.state.State`: every buffer of this network
        (attributes, weights, synapse variables, sums, delay rings, monitor records), by
        typed key, from the network's creation on; model objects are views on it.
        Read-only."""
        return self._state

    @property
    def runtime(self):
        """The :class:`~neurogen.runtime.simulator.Simulator` of the compiled network, the
        owner of the tables and buffers shared with the generated code (sums, delay
        rings, monitor rows, the step); ``None`` before ``compile()``. Read-only."""
        return self._sim

    def _check_open(self, what: str):
        if self.compiled:
            raise NetworkError(f"cannot add {what} after compile()")

    def register(self, obj):
        """Add a model object to this network; called by the constructors of
        :class:`Population`, :class:`Projection`, :class:`Monitor` and ``Constant``
        (and by ``Constant.attach``). Populations and projections are refused after
        ``compile()``; a monitor joins the runtime at once; a constant's value becomes
        runtime data (a constant already known is only re-read)."""
        from .constant import Constant
        if isinstance(obj, Population):
            self._check_open(f"population '{obj.name}'")
            if any(p.name == obj.name for p in self.populations):
                raise NetworkError(f"a population named '{obj.name}' already exists")
            self.populations.append(obj)
        elif isinstance(obj, Projection):
            self._check_open(f"projection '{obj.name}'")
            self.projections.append(obj)
        elif isinstance(obj, Monitor):
            self.monitors.append(obj)
            if self._sim is not None:
                self._sim.add_monitor(obj)
        elif isinstance(obj, Constant):
            if self.compiled and obj.name not in self.constants:
                raise NetworkError(f"cannot add constant '{obj.name}' after compile()")
            self.constants[obj.name] = obj
            if self._sim is not None:
                self._sim.bind()
        else:
            raise NetworkError(f"register: cannot add a {type(obj).__name__} to a network")

    def constant_values(self) -> dict:
        return {name: c.value for name, c in self.constants.items()}

    # -- ANNarchy 5 construction API ---------------------------------------------------------
    def create(self, geometry=None, neuron=None, name: str | None = None, population=None,
               stop_condition: str | None = None):
        """``net.create(geometry=(20, 20), neuron=N, name='pop')``, or
        ``net.create(population=TimedArray(...))`` / ``net.create(TimedArray(...))``."""
        if population is None and geometry is not None and hasattr(geometry, "move_to"):
            population, geometry = geometry, None
        if population is not None:
            population.move_to(self, name)
            return population
        if geometry is None or neuron is None:
            raise NetworkError("create() needs geometry= and neuron= (or population=)")
        return Population(geometry, neuron, name=name, net=self, stop_condition=stop_condition)

    def connect(self, pre, post=None, target: str | None = None, synapse=None,
                name: str | None = None, disable_omp: bool = True):
        """``net.connect(pre, post, 'exc')`` → a :class:`Projection` to call a connector on;
        ``net.connect(Convolution(...))`` returns an extension projection of this network."""
        if isinstance(pre, Projection) and post is None and target is None:
            if pre.net is not self:
                raise NetworkError(f"connect: {pre!r} belongs to another network")
            return pre
        return Projection(pre, post, target, synapse=synapse, name=name, net=self)

    def boldmonitor(self, *args, **kwargs):
        """ANNarchy 5's: a :class:`~neurogen.extensions.bold.BoldMonitor` of this network."""
        return provided("boldmonitor")(*args, net=self, **kwargs)

    def boldmonitor_from_slices(self, *args, **kwargs):
        """ANNarchy 5's: a :class:`~neurogen.extensions.bold.BoldMonitorFromSlices`."""
        return provided("boldmonitor_from_slices")(*args, net=self, **kwargs)

    def monitor(self, obj, variables, period: float | None = None, start: bool = True,
                name: str | None = None):
        return Monitor(obj, variables, period=period, start=start, net=self)

    def get_populations(self) -> list:
        return list(self.populations)

    def get_projections(self) -> list:
        return list(self.projections)

    def get_monitors(self) -> list:
        return list(self.monitors)

    # -- lookup --------------------------------------------------------------------------------
    def get_population(self, name: str):
        for pop in self.populations:
            if pop.name == name:
                return pop
        raise NetworkError(f"no population named '{name}' (populations: "
                           f"{', '.join(p.name for p in self.populations) or 'none'})")

    def get_projection(self, name: str):
        for proj in self.projections:
            if proj.name == name:
                return proj
        raise NetworkError(f"no projection named '{name}' (projections: "
                           f"{', '.join(p.name for p in self.projections) or 'none'})")

    # -- pipeline ------------------------------------------------------------------------------
    @serialised
    def compile(self, directory: str | None = None, clean: bool = False, silent: bool = False,
                *, compiler: str | None = None, compiler_flags=None, **annarchy):
        """Generate, build (or fetch from the cache) and attach the simulation code.

        ``directory`` receives a copy of the generated sources; nothing in it is deleted.
        Progress goes to stderr (and the ``neurogen`` logger) unless ``silent``.
        ``compiler`` (e.g. ``'clang++'``) and ``compiler_flags`` (e.g. ``'-march=native'``,
        checked against a list of optimisation and target options) are ANNarchy's; the
        flags are part of the cache key and of :attr:`build_info`. ANNarchy's other
        keywords are given their meaning or refused (:mod:`neurogen.toolchain.options`).
        """
        from ..codegen.plan import build_plan
        from ..codegen.render import render
        from ..runtime.simulator import Simulator
        from ..toolchain import builder, options
        from .freeze import freeze
        reject_unknown("compile()", {k: v for k, v in annarchy.items()
                                     if k not in _ANNARCHY_COMPILE},
                       ("directory", "clean", "silent", "compiler", "compiler_flags",
                        *_ANNARCHY_COMPILE))
        backend = self.backend
        chosen = options.resolve(self, backend, compiler=compiler,
                                 compiler_flags=compiler_flags, **annarchy)
        if self.compiled:   # as ANNarchy: nothing to do; but other options would not apply
            if chosen != self.toolchain and (compiler or compiler_flags or annarchy):
                raise NetworkError(
                    "compile(): the network is already compiled (compiler "
                    f"{self.toolchain.compiler}, compiler_flags "
                    f"{' '.join(self.toolchain.user_flags)!r}); a second compile() cannot "
                    "change them: build the network anew (clear() or a new Network)")
            return
        self._toolchain = chosen
        if any(p.synapse_ir is not None and (p.synapse_ir.creating or p.synapse_ir.pruning)
               for p in self.projections):    # as ANNarchy 5: such a synapse turns it on
            self.setup(structural_plasticity=True)
        for pop in self.populations:
            pop.use_precision()
        say(f"generating code for {len(self.populations)} population(s) and "
            f"{len(self.projections)} projection(s) ({self._options.paradigm}, "
            f"{self._options.precision} precision)", silent)
        network_ir = freeze(self, backend)
        for proj, proj_ir in zip(self.projections, network_ir.projections):
            proj.attach_storage(proj_ir.storage, self.real_dtype)
        plan = build_plan(network_ir, backend)
        code, pyx = render(plan, backend, backend.template_flags(self.toolchain))
        with timed("building the module (reused from the cache when unchanged)", silent):
            module, self.build_info = builder.build(code, pyx, backend=backend,
                                                    directory=directory, clean=clean,
                                                    tc=self._toolchain)
        say(("cache hit: " if self.build_info.get("cached") else "compiled and cached: ")
            + str(self.build_info.get("path", "")), silent)
        self.ir = network_ir
        self._sim = Simulator(self, network_ir, plan, module, backend)
        for pop in self.populations:
            pop.snapshot_initial()
        from .persistence import global_values
        self._compiled_values = global_values(self)
        self._sim.fill_delays()
        for monitor in self.monitors:
            self._sim.add_monitor(monitor)
        self.compiled = True

    def _require_sim(self):
        if self._sim is None:
            raise NetworkError("the network is not compiled: call compile() first")
        return self._sim

    @serialised
    def simulate(self, duration: float, measure_time: bool = False, report=None,
                 report_period: float = 10.0, progress_bar: bool = False, **unknown):
        """Advance by ``duration`` ms, in C++: ``ceil(duration / dt)`` steps as ANNarchy
        (``setup(step_rounding='nearest')``: ``round(duration / dt)``).

        ``report`` (Brian2): ``'text'``/``'stdout'``, ``'stderr'`` or a function
        ``f(elapsed_s, completed_fraction, t_start_ms, duration_ms)``, called every
        ``report_period`` seconds of wall time; ``progress_bar=True`` (ANNarchy) reports
        every second on stdout. Ctrl-C stops the run at the end of a step."""
        reject_unknown("simulate()", unknown, ("duration", "measure_time", "report",
                                               "report_period", "progress_bar"))
        nsteps = self._steps(duration, "simulate()")
        sim = self._require_sim()
        if progress_bar and report is None:
            report, report_period = "text", 1.0
        progress = None if report is None else Progress(
            report, number("simulate()", "report_period (s)", report_period, positive=True),
            self.get_time(), nsteps * self.dt)
        start = time.perf_counter()
        sim.run(nsteps, progress)
        if measure_time:
            measured(float(duration), time.perf_counter() - start)

    def _steps(self, duration: float, owner: str = "simulate()") -> int:
        """ANNarchy's ``ceil(duration / dt)``, except that a quotient a rounding error
        above an integer (``300 * 0.1 / 0.1``) counts as that integer; the duration is
        checked first (a finite, non-negative number of ms, a countable step number)."""
        def rounded(ratio):
            if self._options.step_rounding == "nearest":
                return round(ratio)
            return math.ceil(ratio - 1e-9 * max(1.0, abs(ratio)))
        return steps(owner, duration, self.dt, rounded)

    @serialised
    def simulate_until(self, max_duration: float, population, operator: str = "and",
                       measure_time: bool = False, **unknown) -> float:
        """Simulate until the ``stop_condition`` of ``population`` (one or a list,
        combined with ``operator`` 'and' | 'or') is met, at most ``max_duration`` ms.
        Returns the simulated duration."""
        reject_unknown("simulate_until()", unknown, ("max_duration", "population", "operator",
                                                     "measure_time"))
        sim = self._require_sim()
        pops = population if isinstance(population, (list, tuple)) else [population]
        for pop in pops:
            if pop not in self.populations:
                raise NetworkError(f"simulate_until: {pop!r} is not in this network")
            if pop.stop is None:
                raise NetworkError(f"simulate_until: population '{pop.name}' has no "
                                   "stop_condition (Population(..., stop_condition='r > 1'))")
        if operator not in ("and", "or"):
            raise NetworkError(f"operator must be 'and' or 'or', got {operator!r}")
        nsteps = self._steps(max_duration, "simulate_until()")
        sim.select_stop(pops, operator)
        start = time.perf_counter()
        try:
            done = sim.run(nsteps)
        finally:
            sim.select_stop(None, operator)
        if measure_time:
            measured(done * self.dt, time.perf_counter() - start)
        return done * self.dt

    @serialised
    def step(self):
        """One step (``dt`` ms)."""
        sim = self._sim
        if sim is None:
            self._require_sim()
        sim.step()

    def _members(self, value, kind: str, pool: list) -> list:
        """``True``/``False`` or a list of objects that must belong to this network."""
        if value is True:
            return list(pool)
        if not value:
            return []
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if not any(item is member for member in pool):
                raise NetworkError(f"reset: {item!r} is not a {kind} of this network")
        return items

    @serialised
    def reset(self, populations=True, projections=False, synapses=False, monitors=True):
        """Time back to 0; populations (all, or those listed) to their compile-time
        values; monitors emptied. ``projections`` (all, or those listed): their synapse
        parameters and variables back to their compile-time values (not ``w``), as
        ANNarchy; ``synapses=True`` also restores the weights (and implies
        ``projections=True`` when it is False, as in ANNarchy)."""
        sim = self._require_sim()
        if synapses and not projections:
            projections = True
        pops = self._members(populations, "population", self.populations)
        projs = self._members(projections, "projection", self.projections)
        mons = self._members(monitors, "monitor", self.monitors)
        sim.set_step(0)
        for pop in pops:
            pop.reset()
        for proj in projs:
            proj.reset(synapses=bool(synapses))
            _restore_synapse_attributes(proj)
        sim.clear_transients()
        if mons:
            for monitor in mons:
                monitor.offset = 0
                for rec in monitor.recordings.values():
                    sim.clear_recording(rec)

    def disable_learning(self, projections=None):
        """Stop the synapse equations of all projections (or those listed)."""
        for proj in self._members(True if projections is None else projections,
                                  "projection", self.projections):
            proj.disable_learning()

    def enable_learning(self, projections=None, period=None, offset=None):
        """Run the synapse equations again (all projections, or those listed)."""
        for proj in self._members(True if projections is None else projections,
                                  "projection", self.projections):
            proj.enable_learning(period, offset)

    # -- persistence -----------------------------------------------------------------------------
    def save(self, filename, populations=True, projections=True):
        """The whole state (attributes, weights, synapse variables, time) to ``.npz``,
        ``.h5``, ``.data``/``.txt.gz`` (pickle, as ANNarchy) or ``.mat`` (write only)."""
        from .persistence import save
        save(self, filename, populations=populations, projections=projections)

    def load(self, filename, populations=True, projections=True, pickle_encoding=None):
        """Restore a state saved by :meth:`save`; a file that does not fit raises and
        leaves the network unchanged."""
        from .persistence import load
        load(self, filename, populations=populations, projections=projections,
             pickle_encoding=pickle_encoding)

    def save_parameters(self, filename):
        """As ANNarchy: the global parameters and variables of every population and
        projection, with their values at ``compile()`` (values set later are not saved:
        :meth:`save` keeps the current state), and the constants, as JSON."""
        from .persistence import save_parameters
        save_parameters(self, filename)

    def load_parameters(self, filename, global_only=True, verbose=False):
        """Parameters from a JSON file (:meth:`save_parameters`): the global ones, or with
        ``global_only=False`` the others too; returns the file's ``network`` section."""
        from .persistence import load_parameters
        return load_parameters(self, filename, global_only=global_only, verbose=verbose)

    @property
    def compiled_values(self) -> dict | None:
        """The global parameters and variables of every population and projection as
        they were at ``compile()`` (what :meth:`save_parameters` writes); ``None``
        before."""
        return self._compiled_values

    # -- copies ----------------------------------------------------------------------------------
    def parallel_run(self, method, number: int, max_processes: int = -1, seeds=None,
                     measure_time: bool = False, *, scheduler: str | None = None, **kwargs):
        """Run ``method(net, ...)`` on ``number`` copies of this network, each in a worker
        process, and return the results in order, as ANNarchy 5.

        The network must be an instance of a subclass of ``Network``, compiled. Each copy
        is constructed anew by the subclass's ``__init__`` with the arguments this one
        was given, this network's ``dt`` and options now, and its own seed, then compiled
        (the build is reused): values set after construction are not copied. ``seeds``:
        ``None`` (a fresh seed each), ``'same'`` (this network's seed), ``'sequential'``
        (``seed + 1``, ``seed + 2``...) or one integer per copy. A keyword named like an
        argument of the subclass's ``__init__`` goes to the constructors, any other to
        ``method``; a list gives one value per copy, anything else the same value to all.
        ``max_processes`` (default: the number of cores) caps the worker processes;
        ``measure_time`` prints the wall time. ``scheduler`` (neurogen): the address of
        a Dask scheduler to run the copies on instead.

        Worker processes are started afresh (never forked: an OpenMP runtime does not
        survive a fork), so ``method`` and the subclass must be importable: defined at
        the top level of a module or of a script whose main code is under
        ``if __name__ == "__main__":``."""
        return provided("parallel_run")(self, method, number, max_processes=max_processes,
                                        seeds=seeds, measure_time=measure_time,
                                        scheduler=scheduler, **kwargs)

    def get_time(self) -> float:
        return self.get_current_step() * self.dt

    def get_current_step(self) -> int:
        return self._sim.step_count if self._sim is not None else 0

    def set_time(self, t: float):
        self._require_sim().set_step(int(round(t / self.dt)))

    def set_current_step(self, step: int):
        self._require_sim().set_step(int(step))

    @property
    def time(self) -> float:
        return self.get_time()

    @property
    def current_step(self) -> int:
        return self.get_current_step()


register(Network)


def _restore_synapse_attributes(proj):
    """A projection's synapse attributes (not ``w``) back to their values at compile()."""
    ir, state = getattr(proj, "synapse_ir", None), proj.synapse_state
    if ir is None or not state.allocated:
        return
    for attribute in ir.attributes:
        if attribute.name != "w":
            state.set(attribute.name, state.given.get(attribute.name, attribute.init))


def clear(functions: bool = True, neurons: bool = True, synapses: bool = True,
          constants: bool = True, **setup_options) -> Network:
    """Forget the default network and start a new, empty one, as ANNarchy's ``clear()``:
    module-level ``Constant``s and ``add_function`` functions are forgotten too unless
    ``constants=False`` / ``functions=False``. (``neurons``/``synapses``: neurogen keeps
    no registry of definitions, so there is nothing else to erase.)"""
    if constants:
        from .constant import GLOBAL_CONSTANTS
        GLOBAL_CONSTANTS.clear()
    if functions:
        from ..parser.user_functions import GLOBAL_FUNCTIONS
        GLOBAL_FUNCTIONS.clear()
    return set_default(Network(**setup_options))
