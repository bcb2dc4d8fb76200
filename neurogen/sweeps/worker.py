"""What a sweep worker (this process, a spawned process or a Dask worker) does: load
the model script once, then run sweep points and write their result files."""
from __future__ import annotations

import os
import platform
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..io import suffix, write_results
from .errors import one_line
from .run import RunSpec, run_once
from .script import load_model


@dataclass
class SweepConfig:
    """What every run of a sweep shares (it travels to the worker processes)."""
    model: str
    duration: float
    records: tuple = ()
    fmt: str = "npz"
    period: float | None = None
    network: str | None = None
    threads: int | None = None
    paradigm: str | None = None
    default_seed: int | None = None   # for runs without a seed: the loading process's


_LOADED: dict = {}
_LOCK = threading.Lock()


def _key(config: SweepConfig) -> tuple:
    return (config.model, config.network, config.threads, config.paradigm)


def use_model(config: SweepConfig, model) -> None:
    """Let this process's runs of ``config`` use ``model``, loaded already."""
    _LOADED.clear()
    _LOADED[_key(config)] = model


def _model_for(config: SweepConfig):
    key = _key(config)
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


def worker_init(config: SweepConfig):
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        _model_for(config)
    except Exception:   # noqa: BLE001 (reported per run by execute())
        pass


def failed_row(spec: RunSpec, error: str) -> dict:
    """The index row of a run whose worker died before it could report."""
    row = {"run": spec.run_id, "seed": "" if spec.seed is None else spec.seed,
           "status": "failed", "error": error, "file": "", "runtime_s": "", "compile": ""}
    row.update({k: v for k, v in spec.params})
    return row
