"""Smooth tracking on a ring (the canns notebook's SmoothTracking1D example), replayed
at C speed through a TimedArray; prints the bump-vs-stimulus tracking error."""
import numpy as np

from neurogen.models import CANN1D
from neurogen.tasks import SmoothTracking1D

cann = CANN1D(num=512, dt=0.1, seed=0)
task = SmoothTracking1D(cann, Iext=(1.0, 0.75, 2.0, 1.75, 3.0), duration=(10.0,) * 4,
                        time_step=0.1)
task.get_data()
task.attach()
rec = task.run(cann.monitor(["u", "r"]))
err = task.tracking_error(rec["r"])
print(f"steps {task.run_steps}, tracking error (rad): mean {err.mean():.4f}, "
      f"after 2 ms {err[20:].mean():.4f}, max after 2 ms {err[20:].max():.4f}, "
      f"final {err[-1]:.4f} (grid spacing {cann.dx:.4f})")
