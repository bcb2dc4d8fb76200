"""A CANN1D holds a bump after its stimulus is removed (BrainPy's CANN1D, seed values).

Headless: prints the bump height against the continuum model's analytic value and the
bump centre against the stimulus position; saves ``cann1d_bump.png`` when matplotlib is
installed.
"""
import os
import sys

import numpy as np

from neurogen.models import CANN1D

out = sys.argv[1] if len(sys.argv) > 1 else "."
cann = CANN1D(num=512, k=0.1, A=30.0, a=0.5, dt=0.1, seed=1)
mon = cann.monitor(["u"])
cann.compile()

cann.Iext = cann.get_stimulus_by_pos(1.0)      # 10 time units with the stimulus...
cann.simulate(10.0)
cann.Iext = 0.0                                # ...then 50 without
cann.simulate(50.0)
us = mon.get("u")

print(f"bump height {cann.u.max():.4f} (analytic {cann.analytic_bump_height():.4f}), "
      f"centre {float(cann.center()):.4f} (stimulus at 1.0, dx = {cann.dx:.4f})")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
ax1.imshow(us.T, aspect="auto", origin="lower", extent=(0, 60, cann.x[0], cann.x[-1]))
ax1.axvline(10.0, color="w", ls="--")
ax1.set(xlabel="time", ylabel="preferred feature", title="u over time (input off at t=10)")
ax2.plot(cann.x, cann.u, label="u at t=60")
ax2.plot(cann.x, cann.get_stimulus_by_pos(1.0), "--", label="stimulus (removed)")
ax2.set(xlabel="preferred feature", title="the bump persists")
ax2.legend()
fig.tight_layout()
fig.savefig(os.path.join(out, "cann1d_bump.png"), dpi=100)
print("saved", os.path.join(out, "cann1d_bump.png"))
