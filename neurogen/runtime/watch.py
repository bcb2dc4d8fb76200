"""What a long run is watched for between chunks of steps: Ctrl-C, non-finite values and
progress reports.

The generated code runs a chunk of steps with the GIL released; Python gets control back
only between chunks. Chunks are sized to last about :data:`CHUNK_S` seconds, so Ctrl-C
stops ``simulate()`` within a fraction of a second, always at the end of a full step:
time, state and monitors stay consistent.
"""
from __future__ import annotations

import contextlib
import signal
import threading
import time

import numpy as np

from ..errors import SimulationError
from ..ir import GLOBAL

CHUNK_S = 0.05          # target wall time of one chunk
FIRST_CHUNK = 8         # steps of the first chunk, before its speed is known


class Chunks:
    """Chunk sizes that converge to ``target`` seconds of wall time each."""

    def __init__(self, target: float = CHUNK_S):
        self.size, self.target = FIRST_CHUNK, target

    def next(self, left: int) -> int:
        return max(1, min(self.size, left))

    def ran(self, steps: int, seconds: float):
        if steps <= 0:
            return
        per_step = max(seconds, 1e-7) / steps
        self.size = int(min(max(1, self.target / per_step), 8 * max(self.size, 1)))


class ThreadChooser:
    """Runs each chunk on the requested threads or on one, whichever measured faster.

    Results are bit-identical with any thread count, so the choice changes the speed
    only. On a busy machine a second thread is often descheduled and every barrier of
    the step waits for it (ANNarchy's and Brian2's two threads ran 2 to 50 times slower
    than one on a loaded 2-core machine); measuring each option, keeping the faster and
    trying the other again every :attr:`RETRY` chunks (the load changes) makes two
    threads never much slower than one."""

    RETRY = 12

    def __init__(self, requested: int):
        self.options = [requested, 1] if requested > 1 else [1]
        self.cost: dict = {}          # threads -> smoothed seconds per step
        self.chunks = 0
        # the first chunk is not measured: it starts the threads and brings the state
        # into the caches (COBA 40 000's was 3x slower than the next: one thread won)
        self.warm = len(self.options) == 1

    def next(self) -> tuple[int, bool]:
        """(threads for the next chunk, whether it is a trial of the slower option: the
        caller runs a short chunk then)."""
        for n in self.options:
            if n not in self.cost:
                return n, len(self.cost) > 0
        self.chunks += 1
        best = min(self.options, key=self.cost.__getitem__)
        if len(self.options) > 1 and self.chunks % self.RETRY == 0:
            return next(n for n in self.options if n != best), True
        return best, False

    def ran(self, threads: int, steps: int, seconds: float):
        if steps <= 0:
            return
        if not self.warm:
            self.warm = True
            return
        per_step = seconds / steps
        old = self.cost.get(threads)
        self.cost[threads] = per_step if old is None else 0.5 * (old + per_step)


@contextlib.contextmanager
def deferred_interrupt():
    """Ctrl-C during the run is noted, not raised at a random point of the bookkeeping;
    ``pending()`` says whether it came. Only in the main thread, and only when Python's
    own handler is installed (a program's own SIGINT handler is left alone)."""
    received = []
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield lambda: False
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield lambda: bool(received)
    finally:
        signal.signal(signal.SIGINT, previous)


def first_nonfinite(net, populations=None):
    """(population, variable, flat index, value) of the first NaN/infinity among the real
    variables of ``populations`` (all by default), or None."""
    for pop in net.populations if populations is None else populations:
        for attr in pop.ir.attributes:
            if attr.ctype != "real":
                continue
            buffer = pop.buffer(attr.name)
            bad = np.flatnonzero(~np.isfinite(buffer))
            if bad.size:
                return pop, attr.name, int(bad[0]), float(buffer[bad[0]])
    return None


def nonfinite_error(net, found, step: int) -> SimulationError:
    """The error for a value found non-finite at the end of step ``step``."""
    pop, variable, index, value = found
    neuron = index if pop.ir.attribute(variable).locality == GLOBAL or pop.dimension == 1 \
        else pop.coordinates_from_rank(index)
    where = "population-wide" if pop.ir.attribute(variable).locality == GLOBAL \
        else f"neuron {neuron}"
    equation = next((e.text for e in pop.ir.equations if e.target == variable), None)
    text = (f"population '{pop.name}': {variable} became {value} at {where}, step {step} "
            f"(t = {step * net.dt:g} ms)")
    if equation:
        text += f"\n    {equation}"
    text += ("\nThe state is that of the end of this step. setup(check_finite=False) "
             "turns this check off.")
    return SimulationError(text, population=pop.name, variable=variable, neuron=neuron,
                           step=step)


class Progress:
    """Brian2's ``report=``: ``'text'``/``'stdout'``, ``'stderr'`` or a function
    ``f(elapsed_s, completed_fraction, t_start_ms, duration_ms)``, every ``period`` s."""

    def __init__(self, report, period: float, t_start: float, duration: float):
        import sys
        if callable(report):
            self.function = report
        elif report in ("text", "stdout", "stderr"):
            stream = sys.stderr if report == "stderr" else sys.stdout
            self.function = lambda *args: self._text(stream, *args)
        else:
            from ..errors import InvalidValueError
            raise InvalidValueError(f"simulate(): report must be 'text', 'stdout', 'stderr' "
                                    f"or a function, got {report!r}")
        self.period, self.t_start, self.duration = period, t_start, duration
        self.start = self.last = time.perf_counter()
        self.reported = 0.0
        if not callable(report):
            print(f"Starting simulation at t={t_start:g} ms for a duration of "
                  f"{duration:g} ms", file=stream, flush=True)

    @staticmethod
    def _text(stream, elapsed, completed, t_start, duration):
        done = f"{completed * duration:g} ms ({100 * completed:.0f}%) simulated in " \
               f"{elapsed:.1f} s"
        if completed < 1:
            left = elapsed * (1 - completed) / completed if completed > 0 else float("nan")
            done += f", estimated {left:.1f} s remaining."
        print(done, file=stream, flush=True)

    def update(self, completed: float, final: bool = False):
        now = time.perf_counter()
        if (final and completed != self.reported) or now - self.last >= self.period:
            self.last, self.reported = now, completed
            self.function(now - self.start, completed, self.t_start, self.duration)
