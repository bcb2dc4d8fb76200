"""Headless batch runs of model scripts: the library behind ``neurogen run`` and
``neurogen sweep``.

A *model script* is an ordinary Python file that builds a network (classic API or an
explicit :class:`~neurogen.Network`) and may call ``compile()``. It is executed with
``__name__ == "__neurogen__"``, so anything under ``if __name__ == "__main__":`` (plots,
interactive loops) is skipped. The state the script leaves (attribute values, including
those set after ``compile()``) is the starting state of every run. A script may define
``analyse(net, records) -> dict`` returning scalars; they are stored with the results
and, for a sweep, as columns of ``index.csv``.

A sweep compiles once: parameters and seeds are runtime data, so every run resets the
same compiled network (``net.reset()``), restores the starting state, sets its
parameters and seed and simulates. Parallel runs use worker processes (``jobs``) or a
Dask distributed cluster (``scheduler``); each worker loads the script once and gets the
binary from the build cache.
"""
from __future__ import annotations

import atexit
import csv
import fcntl
import hashlib
import io
import itertools
import json
import os
import platform
import re
import runpy
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._version import __version__
from .errors import NeurogenError
from .io import TEMP_PREFIX, atomic_write_text, suffix, write_results

INDEX = "index.csv"
_FIXED_COLUMNS = ("seed", "status", "runtime_s", "file", "compile", "worker", "error")


class BatchError(NeurogenError):
    """Bad input to a batch run: a model script that fails, an unknown population or
    attribute, a malformed ``--set``/``--seeds``/``--record``, a run that raises."""


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# -- parsing command-line specifications ---------------------------------------------------
def parse_value(text: str, spec: str):
    text = text.strip()
    if text in ("True", "true"):
        return True
    if text in ("False", "false"):
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise BatchError(f"malformed --set {spec!r}: {text!r} is not a number") from None


def parse_set(spec: str, multiple: bool = True) -> tuple[str, list]:
    """``'focus.tau=5,10,20'`` → ``('focus.tau', [5, 10, 20])``."""
    target, sep, values = spec.partition("=")
    target = target.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][\w]*\.[A-Za-z_]\w*", target):
        raise BatchError(f"malformed --set {spec!r}: expected POPULATION.ATTRIBUTE="
                         f"{'V1,V2,...' if multiple else 'VALUE'}")
    parts = values.split(",")
    if not values.strip() or any(not p.strip() for p in parts):
        raise BatchError(f"malformed --set {spec!r}: empty value")
    if len(parts) > 1 and not multiple:
        raise BatchError(f"malformed --set {spec!r}: one value per parameter here "
                         "(use 'neurogen sweep' for several)")
    values = [parse_value(p, spec) for p in parts]
    if len({_fmt(v) for v in values}) != len(values):
        raise BatchError(f"malformed --set {spec!r}: a value is repeated")
    return target, values


def parse_sets(specs, multiple: bool = True) -> dict:
    result: dict = {}
    for spec in specs:
        target, values = parse_set(spec, multiple)
        if target in result:
            raise BatchError(f"--set {target} given twice")
        result[target] = values
    return result


def parse_seeds(text: str | None) -> list:
    """``'0-9'``, ``'1,5,7'``, ``'0-3,10'`` → list of ints (``None`` → ``[None]``)."""
    if text is None:
        return [None]
    seeds: list = []
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise BatchError(f"malformed --seeds {text!r}: expected e.g. 0-9 or 1,5,7")
        lo, hi = int(match.group(1)), int(match.group(2) or match.group(1))
        if hi < lo:
            raise BatchError(f"malformed --seeds {text!r}: empty range {part}")
        seeds.extend(range(lo, hi + 1))
    if len(set(seeds)) != len(seeds):
        raise BatchError(f"malformed --seeds {text!r}: a seed is repeated")
    return seeds


def parse_record(spec: str) -> tuple[str, str]:
    pop, sep, attr = spec.partition(".")
    if not sep or not pop or not attr or "." in attr:
        raise BatchError(f"malformed --record {spec!r}: expected POPULATION.ATTRIBUTE, "
                         "e.g. focus.r")
    return pop, attr


# -- loading a model script -----------------------------------------------------------------
@dataclass
class Model:
    """A model script executed once: its network, compiled, and its starting state."""
    path: Path
    net: object
    namespace: dict
    compile_s: float = 0.0
    build: str = "loaded"          # 'built' or 'cached' (what compile() did), else 'loaded'
    start: dict = field(default_factory=dict)
    base_seed: int = 0
    monitors: dict = field(default_factory=dict)
    analyse: object = None
    state_file: str | None = None  # the whole starting state, for plastic networks
    reported: bool = False         # whether a run already reported how it was built

    @property
    def name(self) -> str:
        return self.path.name

    def population(self, name: str):
        """A population by name, by the script's variable name, or by a unique
        case-insensitive name."""
        from .model.population import Population
        pops = self.net.populations
        for pop in pops:
            if pop.name == name:
                return pop
        value = self.namespace.get(name)
        if isinstance(value, Population) and any(value is p for p in pops):
            return value
        folded = [p for p in pops if p.name.lower() == name.lower()]
        if len(folded) == 1:
            return folded[0]
        known = []
        for pop in pops:
            names = [k for k, v in self.namespace.items() if v is pop and k != pop.name]
            known.append(pop.name + (f" ({', '.join(names)})" if names else ""))
        raise BatchError(f"{self.name} has no population '{name}' (populations: "
                         f"{', '.join(known)})")

    def attribute(self, spec: str):
        """``'focus.r'`` → (population, 'r'), checking that the attribute exists."""
        pop_name, attr = parse_record(spec)
        pop = self.population(pop_name)
        if attr not in pop.attributes:
            raise BatchError(f"population '{pop.name}' of {self.name} has no attribute "
                             f"'{attr}' (attributes: {', '.join(pop.attributes)})")
        return pop, attr


def _script_line(exc: BaseException, path: Path) -> str:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = frame.lineno
    return f" line {line}" if line else ""


def load_model(path, network: str | None = None, threads: int | None = None,
               paradigm: str | None = None) -> Model:
    """Execute a model script, find its network and compile it (from the cache when the
    same model was built before). ``paradigm`` ('openmp' | 'cuda') becomes the default
    of the networks the script creates (``NEUROGEN_PARADIGM``)."""
    import neurogen
    from .model.network import Network
    path = Path(path)
    if not path.is_file():
        raise BatchError(f"model script not found: {path}")
    saved_argv, saved_path = sys.argv, list(sys.path)
    saved_paradigm = os.environ.get("NEUROGEN_PARADIGM")
    if paradigm is not None:
        os.environ["NEUROGEN_PARADIGM"] = paradigm
    sys.argv = [str(path)]
    sys.path.insert(0, str(path.resolve().parent))
    neurogen.clear()
    try:
        namespace = runpy.run_path(str(path), run_name="__neurogen__")
    except NeurogenError as exc:
        raise BatchError(f"{path.name}{_script_line(exc, path)}: {one_line(exc)}") from None
    except SystemExit as exc:
        raise BatchError(f"{path.name} called exit({exc.code})") from None
    except Exception as exc:   # noqa: BLE001 (any error of a user's script is reported)
        raise BatchError(f"{path.name}{_script_line(exc, path)}: "
                         f"{type(exc).__name__}: {one_line(exc)}") from None
    finally:
        if saved_paradigm is None:
            os.environ.pop("NEUROGEN_PARADIGM", None)
        else:
            os.environ["NEUROGEN_PARADIGM"] = saved_paradigm
        sys.argv = saved_argv
        sys.path[:] = saved_path + [p for p in sys.path if p not in saved_path
                                    and p != str(path.resolve().parent)]
    if network is not None:
        net = namespace.get(network)
        if not isinstance(net, Network):
            raise BatchError(f"{path.name} has no Network named '{network}'")
    else:
        found: list = []
        for name, value in namespace.items():
            if isinstance(value, Network) and value.populations and \
                    not any(value is n for _, n in found):
                found.append((name, value))
        default = neurogen.default_network()
        if default.populations and not any(default is n for _, n in found):
            found.append(("the default network", default))
        if not found:
            raise BatchError(f"{path.name} defines no population")
        if len(found) > 1:
            raise BatchError(f"{path.name} defines several networks "
                             f"({', '.join(n for n, _ in found)}): choose one with --network")
        net = found[0][1]
    if threads is not None:
        net.setup(num_threads=threads)
    if paradigm is not None and net._config["paradigm"] != paradigm:
        if net.compiled:
            raise BatchError(f"{path.name} compiled its network for "
                             f"'{net._config['paradigm']}' itself: --paradigm {paradigm} "
                             "cannot change it")
        net.setup(paradigm=paradigm)
    model = Model(path=path, net=net, namespace=namespace)
    if not net.compiled:
        start = time.perf_counter()
        try:
            net.compile()
        except NeurogenError as exc:
            raise BatchError(f"{path.name}: {one_line(exc)}") from None
        model.compile_s = time.perf_counter() - start
        model.build = "cached" if net.build_info.get("cached") else "built"
    model.start = {(pop.id, name): pop.view(name).copy()
                   for pop in net.populations for name in pop.attributes}
    if any(getattr(p, "synapse_ir", None) is not None for p in net.projections):
        # synapses with equations change during a run: keep the whole starting state
        folder = tempfile.mkdtemp(prefix="neurogen-batch-")
        atexit.register(shutil.rmtree, folder, True)
        model.state_file = str(Path(folder) / "start.npz")
        net.save(model.state_file)
    model.base_seed = net.seed
    model.analyse = namespace.get("analyse") if callable(namespace.get("analyse")) else None
    return model


# -- one run --------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: parameter values (``'focus.tau'`` → value) and a seed."""
    params: tuple            # ((target, value), ...)
    seed: int | None

    @property
    def run_id(self) -> str:
        parts = [f"{k}={_fmt(v)}" for k, v in self.params]
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        text = re.sub(r"[^\w.=+-]", "-", "_".join(parts)) or "run"
        if len(text) > 120:
            text = text[:100] + "-" + hashlib.sha1(text.encode()).hexdigest()[:12]
        return text


def _fmt(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def run_once(model: Model, spec: RunSpec, duration: float, records=(), period=None,
             progress=None, default_seed: int | None = None) -> tuple[dict, dict]:
    """Reset the network to the script's starting state, apply ``spec``, simulate
    ``duration`` ms and return ``(arrays, info)``. ``progress(steps)`` is called after
    each chunk of steps. Errors are :class:`BatchError`."""
    from .model.monitor import Monitor
    net = model.net
    if duration < 0:
        raise BatchError(f"--duration must not be negative, got {duration}")
    targets = [(model.attribute(t), t, v) for t, v in spec.params]
    recorded = [(model.attribute(r), r) for r in records]
    for (pop, attr), label in recorded:
        key = (pop.id, attr, period)
        if key not in model.monitors:
            model.monitors[key] = Monitor(pop, attr, period=period, net=net)
    try:
        net.reset()   # time 0, monitors emptied; then the state the script left
        if model.state_file is not None:   # weights and synapse variables too
            net.load(model.state_file)
            net.set_current_step(0)
        for (pid, name), value in model.start.items():
            net.populations[pid].view(name)[...] = value
        for (pop, attr), _, value in targets:
            setattr(pop, attr, value)
        net.setup(seed=(model.base_seed if default_seed is None else default_seed)
                  if spec.seed is None else spec.seed)   # runtime data: no recompile
        nsteps = int(round(duration / net.dt))
        chunk = max(1, nsteps // 100) if progress else max(1, nsteps)
        start = time.perf_counter()
        done = 0
        while done < nsteps:
            n = min(chunk, nsteps - done)
            net.simulate(n * net.dt)
            done += n
            if progress:
                progress(n)
        wall = time.perf_counter() - start
        arrays = {label: model.monitors[(pop.id, attr, period)].get(attr, keep=False, reshape=True)
                  for (pop, attr), label in recorded}
        analysis = {}
        if model.analyse is not None:
            analysis = model.analyse(net, dict(arrays)) or {}
            if not isinstance(analysis, dict):
                raise TypeError(f"analyse() must return a dict, got "
                                f"{type(analysis).__name__}")
            analysis = {str(k): _scalar(k, v) for k, v in analysis.items()}
    except NeurogenError as exc:
        raise BatchError(f"{model.name}: {one_line(exc)}") from None
    except Exception as exc:   # noqa: BLE001
        raise BatchError(f"{model.name}{_script_line(exc, model.path)}: "
                         f"{type(exc).__name__}: {one_line(exc)}") from None
    info = {"model": model.name, "duration_ms": float(duration), "steps": nsteps,
            "dt": net.dt, "seed": net.seed, "params": dict(spec.params),
            "period_ms": period if period is not None else net.dt,
            "records": {label: f"{pop.name}.{attr}" for (pop, attr), label in recorded},
            "simulate_s": wall, "analysis": analysis, "neurogen": __version__}
    return arrays, info


def _scalar(key, value):
    value = np.asarray(value)
    if value.size != 1 or value.dtype.kind not in "biuf":
        raise TypeError(f"analyse() value {key!r} must be a number")
    return value.item()


# -- sweeps ---------------------------------------------------------------------------------
@dataclass
class SweepConfig:
    model: str
    duration: float
    records: tuple = ()
    fmt: str = "npz"
    period: float | None = None
    network: str | None = None
    threads: int | None = None
    paradigm: str | None = None
    default_seed: int | None = None   # for runs without a seed: the loading process's


def sweep_specs(sets: dict, seeds: list) -> list:
    keys = list(sets)
    return [RunSpec(tuple(zip(keys, combo)), seed)
            for combo in itertools.product(*(sets[k] for k in keys)) for seed in seeds]


_LOADED: dict = {}
_LOCK = threading.Lock()


def _model_for(config: SweepConfig):
    key = (config.model, config.network, config.threads, config.paradigm)
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = load_model(config.model, config.network, config.threads,
                                  config.paradigm)
    model = _LOADED[key]
    how = "reused" if model.reported else model.build
    model.reported = True
    return model, how


def execute(config: SweepConfig, spec: RunSpec, out_dir: str) -> dict:
    """Run one sweep point in this process (loading the model on first use) and write
    its result file atomically. Never raises: failures are reported in the row."""
    with _LOCK:   # a Dask worker may run several tasks in threads: one network each time
        start = time.perf_counter()
        row = {"run": spec.run_id, "seed": "" if spec.seed is None else spec.seed,
               "file": "", "error": "", "compile": "",
               "worker": f"{platform.node()}:{os.getpid()}"}
        row.update({k: v for k, v in spec.params})
        try:
            model, how = _model_for(config)
            row["compile"] = how
            arrays, info = run_once(model, spec, config.duration, config.records,
                                    config.period, default_seed=config.default_seed)
            name = spec.run_id + suffix(config.fmt)
            write_results(Path(out_dir) / name, arrays, info, config.fmt)
            row.update(info["analysis"])
            row.update(status="ok", file=name)
        except Exception as exc:   # noqa: BLE001 (a failed run must not stop the sweep)
            row.update(status="failed", error=one_line(exc))
        row["runtime_s"] = round(time.perf_counter() - start, 4)
        return row


def _worker_init(config: SweepConfig):
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        _model_for(config)
    except Exception:   # noqa: BLE001 (reported per run by execute())
        pass


class SweepIndex:
    """``index.csv``: one row per run, rewritten atomically after every finished run."""

    def __init__(self, folder: Path):
        self.path = folder / INDEX
        self.rows: dict = {}
        self.columns: list = ["run"]
        if self.path.exists():
            with open(self.path, newline="") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or "run" not in reader.fieldnames:
                    raise BatchError(f"{self.path} is not a neurogen sweep index")
                self.columns = list(reader.fieldnames)
                for row in reader:
                    self.rows[row["run"]] = row

    def done(self, run_id: str) -> bool:
        row = self.rows.get(run_id)
        return bool(row and row.get("status") == "ok" and row.get("file")
                    and (self.path.parent / row["file"]).is_file())

    def update(self, row: dict):
        self.rows[row["run"]] = {k: ("" if v is None else v) for k, v in row.items()}
        for key in row:
            if key not in self.columns:
                self.columns.append(key)
        self.save()

    def reorder(self, run_ids: list):
        """Rows of this sweep in its own order (after rows of earlier sweeps)."""
        ours = [r for r in run_ids if r in self.rows]
        others = [r for r in self.rows if r not in set(ours)]
        self.rows = {r: self.rows[r] for r in others + ours}
        self.save()

    def save(self):
        ordered = ["run"] + [c for c in self.columns if c not in _FIXED_COLUMNS
                             and c != "run"] + [c for c in _FIXED_COLUMNS]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=ordered, restval="", lineterminator="\n")
        writer.writeheader()
        for row in self.rows.values():
            writer.writerow({k: row.get(k, "") for k in ordered})
        atomic_write_text(self.path, buffer.getvalue())


@dataclass
class SweepSummary:
    total: int
    ok: int
    failed: int
    skipped: int
    wall_s: float
    index: Path
    built: int
    errors: list


def _lock_folder(folder: Path):
    handle = open(folder / ".sweep.lock", "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise BatchError(f"another sweep is writing into {folder}") from None
    for stale in folder.glob(TEMP_PREFIX + "*"):   # left by a killed sweep
        stale.unlink(missing_ok=True)
    return handle


def run_sweep(config: SweepConfig, sets: dict, seeds: list, out_dir, jobs: int = 1,
              scheduler: str | None = None, on_result=None, model: Model | None = None,
              connect_timeout: float = 20.0) -> SweepSummary:
    """Run the cartesian product of ``sets`` × ``seeds``, skipping runs already done in
    ``out_dir``. ``model`` (already loaded, e.g. to validate the arguments) is reused for
    the runs done in this process. With ``jobs`` > 1, ``jobs - 1`` worker processes are
    spawned and this process is the last worker. ``on_result(row)`` is called (in this
    thread) as each run finishes."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    config.model = str(Path(config.model).resolve())
    specs = sweep_specs(sets, seeds)
    if model is not None and config.default_seed is None:
        config.default_seed = model.base_seed
    lock = _lock_folder(folder)
    try:
        index = SweepIndex(folder)
        todo = [s for s in specs if not index.done(s.run_id)]
        skipped = len(specs) - len(todo)
        start = time.perf_counter()
        rows = []

        def finished(row):
            index.update(row)
            rows.append(row)
            if on_result:
                on_result(row)

        if model is not None:   # this process's runs use the network loaded already
            _LOADED.clear()
            _LOADED[(config.model, config.network, config.threads, config.paradigm)] = model
        if scheduler:
            _run_dask(config, todo, folder, scheduler, finished, connect_timeout)
        elif jobs <= 1 or len(todo) <= 1:
            for spec in todo:
                finished(execute(config, spec, str(folder)))
        else:
            _run_pool(config, todo, folder, jobs, finished)
        wall = time.perf_counter() - start
        if rows:
            index.reorder([s.run_id for s in specs])
    finally:
        lock.close()
    failed = [r for r in rows if r["status"] != "ok"]
    return SweepSummary(total=len(specs), ok=len(rows) - len(failed), failed=len(failed),
                        skipped=skipped, wall_s=wall, index=index.path,
                        built=sum(r.get("compile") == "built" for r in rows),
                        errors=[f"{r['run']}: {r['error']}" for r in failed])


def _failed_row(spec: RunSpec, error: str) -> dict:
    row = {"run": spec.run_id, "seed": "" if spec.seed is None else spec.seed,
           "status": "failed", "error": error, "file": "", "runtime_s": "", "compile": ""}
    row.update({k: v for k, v in spec.params})
    return row


def _run_pool(config, todo, folder, jobs, finished):
    """``jobs - 1`` spawned worker processes plus this process, whose network is loaded
    already (its runs go in a thread: the simulation releases the GIL)."""
    import collections
    import multiprocessing
    import queue
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    pending = collections.deque(todo)
    take = threading.Lock()
    rows: queue.Queue = queue.Queue()

    def next_spec():
        with take:
            return pending.popleft() if pending else None

    def local():
        while (spec := next_spec()) is not None:
            rows.put(execute(config, spec, str(folder)))

    context = multiprocessing.get_context("spawn")   # never fork an OpenMP runtime
    with ProcessPoolExecutor(max_workers=jobs - 1, mp_context=context,
                             initializer=_worker_init, initargs=(config,)) as pool:
        inflight: dict = {}

        def refill():
            while len(inflight) < jobs - 1 and (spec := next_spec()) is not None:
                try:
                    inflight[pool.submit(execute, config, spec, str(folder))] = spec
                except Exception as exc:   # noqa: BLE001 (the pool is broken)
                    rows.put(_failed_row(spec, f"worker died: {one_line(exc)}"))

        thread = threading.Thread(target=local, name="neurogen-sweep", daemon=True)
        thread.start()
        refill()
        while inflight or thread.is_alive() or not rows.empty():
            while not rows.empty():
                finished(rows.get())
            if inflight:
                done, _ = wait(inflight, timeout=0.05, return_when=FIRST_COMPLETED)
                for future in done:
                    spec = inflight.pop(future)
                    try:
                        row = future.result()
                    except Exception as exc:   # noqa: BLE001 (a worker process died)
                        row = _failed_row(spec, f"worker died: {one_line(exc)}")
                    finished(row)
                refill()
            else:
                thread.join(0.05)
        while not rows.empty():
            finished(rows.get())


def _run_dask(config, todo, folder, address, finished, timeout: float = 20.0):
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BatchError("--scheduler needs dask.distributed: pip install distributed "
                         "(or pip install 'neurogen[distributed]')") from None
    try:
        client = Client(address, timeout=f"{timeout}s")
    except Exception as exc:   # noqa: BLE001
        raise BatchError(f"cannot reach the Dask scheduler at {address}: "
                         f"{one_line(exc)}") from None
    try:
        futures = {}
        for spec in todo:
            future = client.submit(execute, config, spec, str(folder.resolve()), pure=False,
                                   key=f"neurogen-{spec.run_id}-{os.getpid()}-{time.time_ns()}")
            futures[future] = spec
        for future in as_completed(futures):
            try:
                row = future.result()
            except Exception as exc:   # noqa: BLE001 (a Dask worker died)
                row = _failed_row(futures[future], f"dask task failed: {one_line(exc)}")
            finished(row)
    finally:
        client.close()


def summary_json(summary: SweepSummary) -> str:
    return json.dumps({"runs": summary.total, "ok": summary.ok, "failed": summary.failed,
                       "skipped": summary.skipped, "wall_s": round(summary.wall_s, 3),
                       "built": summary.built})
