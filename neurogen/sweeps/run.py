"""One run of a loaded model script: reset, apply parameters and seed, simulate,
collect the recorded arrays and the script's ``analyse()`` scalars."""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

import numpy as np

from .._version import __version__
from ..errors import NeurogenError
from .errors import SweepError, one_line, script_line
from .options import format_value
from .script import Model


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: parameter values (``'focus.tau'`` → value) and a seed."""
    params: tuple            # ((target, value), ...)
    seed: int | None

    @property
    def run_id(self) -> str:
        parts = [f"{k}={format_value(v)}" for k, v in self.params]
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        text = re.sub(r"[^\w.=+-]", "-", "_".join(parts)) or "run"
        if len(text) > 120:
            text = text[:100] + "-" + hashlib.sha1(text.encode()).hexdigest()[:12]
        return text


def run_once(model: Model, spec: RunSpec, duration: float, records=(), period=None,
             progress=None, default_seed: int | None = None) -> tuple[dict, dict]:
    """Reset the network to the script's starting state, apply ``spec``, simulate
    ``duration`` ms and return ``(arrays, info)``. ``progress(steps)`` is called after
    each chunk of steps. Errors are :class:`SweepError`."""
    from ..core.monitor import Monitor
    net = model.net
    if duration < 0:
        raise SweepError(f"--duration must not be negative, got {duration}")
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
        arrays = {label: _as_array(model.monitors[(pop.id, attr, period)].get(
            attr, keep=False, reshape=True)) for (pop, attr), label in recorded}
        analysis = {}
        if model.analyse is not None:
            analysis = model.analyse(net, dict(arrays)) or {}
            if not isinstance(analysis, dict):
                raise TypeError(f"analyse() must return a dict, got "
                                f"{type(analysis).__name__}")
            analysis = {str(k): _scalar(k, v) for k, v in analysis.items()}
    except NeurogenError as exc:
        raise SweepError(f"{model.name}: {one_line(exc)}") from None
    except Exception as exc:   # noqa: BLE001
        raise SweepError(f"{model.name}{script_line(exc, model.path)}: "
                         f"{type(exc).__name__}: {one_line(exc)}") from None
    info = {"model": model.name, "duration_ms": float(duration), "steps": nsteps,
            "dt": net.dt, "seed": net.seed, "params": dict(spec.params),
            "period_ms": period if period is not None else net.dt,
            "records": {label: f"{pop.name}.{attr}" for (pop, attr), label in recorded},
            "simulate_s": wall, "analysis": analysis, "neurogen": __version__}
    return arrays, info


def _as_array(data):
    """A recording as an array: spikes (``{rank: [steps]}``) as rows (step, rank), in
    increasing step then rank."""
    if not isinstance(data, dict):
        return data
    rows = [(step, rank) for rank, steps in data.items() for step in steps]
    return np.array(sorted(rows), dtype=np.int64).reshape(-1, 2)


def _scalar(key, value):
    value = np.asarray(value)
    if value.size != 1 or value.dtype.kind not in "biuf":
        raise TypeError(f"analyse() value {key!r} must be a number")
    return value.item()
