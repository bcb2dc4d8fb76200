"""Sweeps: the cartesian product of parameter values and seeds, compiled once, resumable
(runs whose result file is present and sound are skipped)."""
from __future__ import annotations

import fcntl
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..io import TEMP_PREFIX
from .errors import SweepError
from .index import SweepIndex
from .parallel import run_dask, run_pool
from .run import RunSpec
from .script import Model
from .worker import SweepConfig, execute, use_model


def sweep_specs(sets: dict, seeds: list) -> list:
    keys = list(sets)
    return [RunSpec(tuple(zip(keys, combo)), seed)
            for combo in itertools.product(*(sets[k] for k in keys)) for seed in seeds]


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
    damaged: list = field(default_factory=list)   # result files found damaged, redone


def _lock_folder(folder: Path):
    handle = open(folder / ".sweep.lock", "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise SweepError(f"another sweep is writing into {folder}") from None
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
            use_model(config, model)
        if scheduler:
            run_dask(config, todo, folder, scheduler, finished, connect_timeout)
        elif jobs <= 1 or len(todo) <= 1:
            for spec in todo:
                finished(execute(config, spec, str(folder)))
        else:
            run_pool(config, todo, folder, jobs, finished)
        wall = time.perf_counter() - start
        if rows:
            index.reorder([s.run_id for s in specs])
    finally:
        lock.close()
    failed = [r for r in rows if r["status"] != "ok"]
    return SweepSummary(total=len(specs), ok=len(rows) - len(failed), failed=len(failed),
                        skipped=skipped, wall_s=wall, index=index.path,
                        built=sum(r.get("compile") == "built" for r in rows),
                        errors=[f"{r['run']}: {r['error']}" for r in failed],
                        damaged=index.damaged)


def summary_json(summary: SweepSummary) -> str:
    return json.dumps({"runs": summary.total, "ok": summary.ok, "failed": summary.failed,
                       "skipped": summary.skipped, "wall_s": round(summary.wall_s, 3),
                       "built": summary.built})
