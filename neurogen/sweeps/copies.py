"""``Network.parallel_run()``: copies of a ``Network`` subclass, each constructed, compiled
(from the build cache) and run by a user's method in a worker process (or a Dask
cluster); the results come back in order.

What ANNarchy 5.0.4.1 does, and so this does: each copy is constructed by the subclass
with the arguments the original was given (those named in ``parallel_run``'s keywords
replaced), the original's current ``dt`` and options, and a seed from ``seeds``; the
other keywords go to the method; a list gives one value per copy.
"""
from __future__ import annotations

import dataclasses
import inspect
import os
import pickle
import time
from dataclasses import dataclass

from ..errors import InvalidValueError, NetworkError
from ..validation import reject_unknown


@dataclass(frozen=True)
class Copy:
    """One copy to build and run (it travels to the worker)."""
    cls: type
    args: tuple
    kwargs: dict
    dt: float
    seed: int | None
    options: dict
    method: object
    method_kwargs: dict


def run_copy(copy: Copy):
    """In the worker: construct the copy, give it the original's options, compile it and
    return what the method returns."""
    net = copy.cls(*copy.args, dt=copy.dt, seed=copy.seed, **copy.kwargs)
    net.setup(**copy.options)
    if not net.compiled:
        net.compile(silent=True)
    return copy.method(net, **copy.method_kwargs)


def _quiet_openmp():
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def copy_seeds(net, seeds, number: int) -> list:
    """``None`` → a fresh seed each; ``'same'`` → the network's; ``'sequential'`` →
    ``seed + 1``, ``seed + 2``...; else one integer (or None) per copy."""
    if seeds is None:
        return [None] * number
    if isinstance(seeds, str):
        if seeds == "same":
            return [net.seed] * number
        if seeds == "sequential":
            return [net.seed + i + 1 for i in range(number)]
        raise InvalidValueError(f"parallel_run(): seeds must be None, 'same', 'sequential' "
                                f"or a list of {number} integers, got {seeds!r}")
    try:
        chosen = list(seeds)
    except TypeError:
        raise InvalidValueError(f"parallel_run(): seeds must be None, 'same', 'sequential' "
                                f"or a list of {number} integers, got {seeds!r}") from None
    if len(chosen) != number:
        raise InvalidValueError(f"parallel_run(): {len(chosen)} seeds for {number} copies")
    for seed in chosen:
        if seed is not None and (isinstance(seed, bool) or not hasattr(seed, "__index__")):
            raise InvalidValueError(f"parallel_run(): a seed must be an integer, got {seed!r}")
    return [None if seed is None else int(seed) for seed in chosen]


def _per_copy(name: str, value, number: int) -> list:
    """A list: one value per copy; anything else: the same value for every copy."""
    if not isinstance(value, list):
        return [value] * number
    if len(value) != number:
        raise InvalidValueError(f"parallel_run(): {len(value)} values of '{name}' for "
                                f"{number} copies")
    return value


def _parameters(function, skip: int) -> tuple[list, bool]:
    """The names ``function`` takes by keyword (the first ``skip`` left out) and whether
    it takes any keyword (``**kwargs``; also when its signature cannot be read)."""
    try:
        params = list(inspect.signature(function).parameters.values())[skip:]
    except (TypeError, ValueError):
        return [], True
    named = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return named, any(p.kind is p.VAR_KEYWORD for p in params)


def make_copies(net, method, number: int, seeds, kwargs: dict) -> list:
    """The :class:`Copy` of each run, everything checked."""
    from ..core.network import Network
    from ..core.network_construction import TAKEN_OFF
    cls = type(net)
    if cls is Network:
        raise NetworkError("parallel_run(): the network must be an instance of a subclass "
                           "of Network (class MyNet(Network) building the model in its "
                           "__init__), not of Network itself: the copies are made by "
                           "calling the subclass")
    if not net.compiled:
        raise NetworkError("parallel_run(): compile() the network first (the copies "
                           "reuse its build)")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InvalidValueError(f"parallel_run(): number must be a positive integer, got "
                                f"{number!r}")
    if not callable(method):
        raise InvalidValueError(f"parallel_run(): method must be a function taking the "
                                f"network, got {method!r}")
    seeds = copy_seeds(net, seeds, number)
    signature = inspect.signature(cls.__init__)
    given_args, given_kwargs = net.constructor_arguments
    bound = signature.bind(None, *given_args, **given_kwargs)
    init_names = [n for n in _parameters(cls.__init__, 1)[0] if n not in TAKEN_OFF]
    extra = next((p.name for p in signature.parameters.values()
                  if p.kind is p.VAR_KEYWORD), None)
    given_extra = bound.arguments.get(extra, {}) if extra else {}
    method_names, method_any = _parameters(method, 1)
    to_init = {k: v for k, v in kwargs.items() if k in init_names or k in given_extra}
    to_method = {k: v for k, v in kwargs.items() if k not in to_init}
    if not method_any:
        reject_unknown("parallel_run()", {k: v for k, v in to_method.items()
                                          if k not in method_names},
                       [*init_names, *method_names, "method", "number", "max_processes",
                        "seeds", "measure_time", "scheduler"])
    init_values = {k: _per_copy(k, v, number) for k, v in to_init.items()}
    method_values = {k: _per_copy(k, v, number) for k, v in to_method.items()}
    options = {f.name: getattr(net.options, f.name)
               for f in dataclasses.fields(net.options) if f.name not in TAKEN_OFF}
    copies = []
    for i in range(number):
        given_args, given_kwargs = net.constructor_arguments
        arguments = signature.bind(None, *given_args, **given_kwargs)
        for key in TAKEN_OFF:          # never reach __init__: the copy gets its own
            arguments.arguments.pop(key, None)
        for key, values in init_values.items():
            if key in init_names:
                arguments.arguments[key] = values[i]
            else:
                arguments.arguments[extra] = {**arguments.arguments[extra], key: values[i]}
        copies.append(Copy(cls, arguments.args[1:], arguments.kwargs, net.dt, seeds[i],
                           options, method, {k: v[i] for k, v in method_values.items()}))
    return copies


_IMPORTABLE = ("define the subclass and the method at the top level of a module (or of a "
               "script, its main code under if __name__ == '__main__':), or run the copies "
               "on Dask (scheduler=), which sends them by value")


def _importable(copies: list):
    """Worker processes are spawned: what they receive is pickled by reference, so the
    class and the method must be importable there; say so before starting any."""
    import sys
    for what, value in (("the Network subclass", copies[0].cls),
                        ("the method", copies[0].method), ("the arguments", copies)):
        try:
            pickle.dumps(value)
        except Exception as exc:   # noqa: BLE001 (any pickling failure: one message)
            raise NetworkError(f"parallel_run(): {what} cannot be sent to a worker process "
                               f"({exc}); {_IMPORTABLE}") from None
        if getattr(value, "__module__", None) == "__main__" and \
                not os.path.isfile(getattr(sys.modules["__main__"], "__file__", "")):
            raise NetworkError(f"parallel_run(): {what} is defined in an interactive "
                               f"session, which worker processes cannot import; "
                               f"{_IMPORTABLE}")


def parallel_run(net, method, number: int, max_processes: int = -1, seeds=None,
                 measure_time: bool = False, scheduler: str | None = None, **kwargs) -> list:
    """:meth:`neurogen.Network.parallel_run`."""
    import multiprocessing
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise NetworkError("parallel_run() was called while a worker process was importing "
                           "the script: put the script's main code under "
                           "if __name__ == '__main__': (worker processes are spawned, "
                           "so they import it)")
    copies = make_copies(net, method, number, seeds, kwargs)
    if isinstance(max_processes, bool) or not isinstance(max_processes, int):
        raise InvalidValueError(f"parallel_run(): max_processes must be an integer, got "
                                f"{max_processes!r}")
    start = time.perf_counter()
    if scheduler is not None:
        results = _on_dask(copies, scheduler)
    else:
        _importable(copies)
        workers = min(number, max_processes if max_processes > 0 else os.cpu_count() or 1)
        results = _on_processes(copies, workers)
    if measure_time:
        print(f"Simulating {number} networks in parallel took "
              f"{time.perf_counter() - start:.3f} seconds.")
    return results


def _on_processes(copies: list, workers: int) -> list:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    context = multiprocessing.get_context("spawn")   # never fork an OpenMP runtime
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=_quiet_openmp) as pool:
            return list(pool.map(run_copy, copies))
    except BrokenProcessPool as exc:
        raise NetworkError(f"parallel_run(): a worker process died ({exc}); if it could "
                           f"not import the script (see above), {_IMPORTABLE}") from None


def _on_dask(copies: list, address: str) -> list:
    from .parallel import dask_client
    client = dask_client(address)
    try:
        return client.gather([client.submit(run_copy, copy, pure=False) for copy in copies])
    finally:
        client.close()
