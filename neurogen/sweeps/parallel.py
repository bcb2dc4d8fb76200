"""Running sweep points in parallel: spawned worker processes or a Dask cluster."""
from __future__ import annotations

import os
import threading
import time

from .errors import SweepError, one_line
from .worker import execute, failed_row, worker_init


def run_pool(config, todo, folder, jobs, finished):
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
                             initializer=worker_init, initargs=(config,)) as pool:
        inflight: dict = {}

        def refill():
            while len(inflight) < jobs - 1 and (spec := next_spec()) is not None:
                try:
                    inflight[pool.submit(execute, config, spec, str(folder))] = spec
                except Exception as exc:   # noqa: BLE001 (the pool is broken)
                    rows.put(failed_row(spec, f"worker died: {one_line(exc)}"))

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
                        row = failed_row(spec, f"worker died: {one_line(exc)}")
                    finished(row)
                refill()
            else:
                thread.join(0.05)
        while not rows.empty():
            finished(rows.get())


def dask_client(address: str, timeout: float = 20.0):
    """A client of the Dask scheduler at ``address``; a missing ``distributed`` or an
    unreachable scheduler is a :class:`SweepError`."""
    try:
        from distributed import Client
    except ImportError:
        raise SweepError("a Dask scheduler needs dask.distributed: pip install distributed "
                         "(or pip install 'neurogen[distributed]')") from None
    try:
        return Client(address, timeout=f"{timeout}s")
    except Exception as exc:   # noqa: BLE001
        raise SweepError(f"cannot reach the Dask scheduler at {address}: "
                         f"{one_line(exc)}") from None


def run_dask(config, todo, folder, address, finished, timeout: float = 20.0):
    client = dask_client(address, timeout)
    from distributed import as_completed
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
                row = failed_row(futures[future], f"dask task failed: {one_line(exc)}")
            finished(row)
    finally:
        client.close()
