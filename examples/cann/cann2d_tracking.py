"""Smooth tracking on a torus (CANN2D)
===================================

Smooth tracking on a torus (the canns library's CANN2D tracking example, smaller): a
stimulus moves between key positions, replayed at C speed through a TimedArray, and the
bump of a CANN2D follows it; prints the tracking error.

Headless (``MPLBACKEND=Agg`` or no display needed): with matplotlib installed it saves,
into ``--out`` (default ``examples/cann/output/``), ``cann2d_tracking.gif`` (the heat
map of ``u`` over time) and ``cann2d_tracking.png`` (bump centre against stimulus, both
coordinates, and the tracking error).

    python examples/cann/cann2d_tracking.py --out /tmp/cann --length 30
"""
import argparse
import importlib.util
from pathlib import Path

import numpy as np

from neurogen.models import CANN2D
from neurogen.tasks import SmoothTracking2D

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--out", default=str(Path(__file__).parent / "output"),
                    help="folder for the figures (created if needed)")
parser.add_argument("--length", type=int, default=30,
                    help="neurons per side of the torus (dense weights: length^4 values)")
parser.add_argument("--fps", type=int, default=20, help="frames per second of the GIF")
args = parser.parse_args()

dt = 0.1
cann = CANN2D(length=args.length, dt=dt, seed=0)
task = SmoothTracking2D(cann, Iext=((0.0, 0.0), (1.0, -1.0), (0.75, 0.5), (2.0, 2.0),
                                    (1.75, 1.0), (2.5, -1.5)),
                        duration=(10.0,) * 5, time_step=dt)
task.get_data()
task.attach()
rec = task.run(cann.monitor(["u", "r"]))
err = task.tracking_error(rec["r"])
print(f"{cann.num} neurons, {task.run_steps} steps, tracking error (rad): mean "
      f"{err.mean():.4f}, after 2 ms {err[20:].mean():.4f}, final {err[-1]:.4f} "
      f"(grid spacing {cann.dx:.4f})")

if importlib.util.find_spec("matplotlib") is None:
    raise SystemExit("matplotlib is not installed: no figures (pip install matplotlib)")
from neurogen.analysis import plot  # noqa: E402

out = Path(args.out)
t = np.arange(task.run_steps) * dt
half = 0.5 * cann.dx
extent = (cann.x[0] - half, cann.x[-1] + half) * 2

# rows of u are the first feature: transposed so that it runs along the horizontal axis
plot.energy_landscape_2d_animation(
    np.swapaxes(rec["u"], 1, 2), time_steps_per_second=100, fps=args.fps, dt=dt,
    extent=extent, title="Smooth tracking 2D", xlabel="feature 1 (rad)",
    ylabel="feature 2 (rad)", clabel="u", figsize=(4.5, 3.6), dpi=80,
    save_path=out / "cann2d_tracking.gif", verbose=True)

plot.bump_tracking(t, cann.center(rec["r"]), task.Iext_sequence, period=cann.z_range,
                   ylabel="position (rad)", title="CANN2D bump tracking",
                   save_path=out / "cann2d_tracking.png", verbose=True)
