"""What the benchmark scripts share."""
import time


def timed_steps(model, steps: int, max_seconds: float) -> tuple:
    """Steps per second of ``model.simulate`` (anything with ``simulate(ms)`` and ``dt``):
    100 steps of warm-up, a 200-step probe, then ``steps`` steps, or fewer when the probe
    says they would take longer than ``max_seconds``. Returns ``(steps, steps_per_s)``."""
    model.simulate(100 * model.dt)
    t0 = time.perf_counter()
    model.simulate(200 * model.dt)
    probe = (time.perf_counter() - t0) / 200
    steps = int(min(steps, max(200, max_seconds / max(probe, 1e-9))))
    t0 = time.perf_counter()
    model.simulate(steps * model.dt)
    return steps, steps / (time.perf_counter() - t0)
