"""Smooth tracking on a ring (CANN1D)
==================================

Smooth tracking on a ring (the canns notebook's SmoothTracking1D example), replayed
at C speed through a TimedArray; prints the bump-vs-stimulus tracking error.

Headless (``MPLBACKEND=Agg`` or no display needed): with matplotlib installed it saves,
into ``--out`` (default ``examples/cann/output/``),

* ``cann1d_tracking.gif``: the energy landscape ``u`` and the input over time, and
* ``cann1d_tracking.png``: the bump centre against the stimulus position, and the
  tracking error, and
* ``cann1d_activity.png``: ``u`` over time with the stimulus position drawn over it.

    python examples/cann/cann1d_tracking.py --out /tmp/cann
"""
import argparse
import importlib.util
from pathlib import Path

import numpy as np

from neurogen.models import CANN1D
from neurogen.tasks import SmoothTracking1D

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--out", default=str(Path(__file__).parent / "output"),
                    help="folder for the figures (created if needed)")
parser.add_argument("--num", type=int, default=512, help="neurons on the ring")
parser.add_argument("--fps", type=int, default=20, help="frames per second of the GIF")
args = parser.parse_args()

dt = 0.1
cann = CANN1D(num=args.num, dt=dt, seed=0)
task = SmoothTracking1D(cann, Iext=(1.0, 0.75, 2.0, 1.75, 3.0), duration=(10.0,) * 4,
                        time_step=dt)
task.get_data()
task.attach()
rec = task.run(cann.monitor(["u", "r"]))
err = task.tracking_error(rec["r"])
print(f"steps {task.run_steps}, tracking error (rad): mean {err.mean():.4f}, "
      f"after 2 ms {err[20:].mean():.4f}, max after 2 ms {err[20:].max():.4f}, "
      f"final {err[-1]:.4f} (grid spacing {cann.dx:.4f})")

if importlib.util.find_spec("matplotlib") is None:
    raise SystemExit("matplotlib is not installed: no figures (pip install matplotlib)")
from neurogen.analysis import plot  # noqa: E402

out = Path(args.out)
t = np.arange(task.run_steps) * dt

# 400 steps shown 100 per second at 20 fps: a frame every 5 steps, 4 s of animation
plot.energy_landscape_1d_animation(
    {"u": (cann.x, rec["u"]), "Iext": (cann.x, task.data)},
    time_steps_per_second=100, fps=args.fps, dt=dt, title="Smooth tracking 1D",
    xlabel="preferred feature (rad)", ylabel="activity", figsize=(6, 3.5), dpi=80,
    save_path=out / "cann1d_tracking.gif", verbose=True)

plot.bump_tracking(t, cann.center(rec["r"]), task.Iext_sequence, period=cann.z_range,
                   ylabel="position (rad)", save_path=out / "cann1d_tracking.png",
                   verbose=True)
plot.population_activity_heatmap(rec["u"], t, cann.x, stimulus=task.Iext_sequence,
                                 title="u over time", ylabel="preferred feature (rad)",
                                 save_path=out / "cann1d_activity.png", verbose=True)
