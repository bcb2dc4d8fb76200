"""A CANN1D holds a bump after its stimulus is removed (BrainPy's CANN1D, seed values).
====================================================================================

Headless: prints the bump height against the continuum model's analytic value and the
bump centre against the stimulus position; saves ``cann1d_bump.png`` into ``--out``
(default ``examples/cann/output/``).

    python examples/cann/cann1d_bump.py [--out DIR]
"""
import argparse
from pathlib import Path

from neurogen.models import CANN1D

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "output"),
                    help="folder for cann1d_bump.png (created if needed)")
out = Path(parser.parse_args().out)
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

# The figure, drawn on matplotlib's Agg canvas: no display needed.
from matplotlib.figure import Figure  # noqa: E402

fig = Figure(figsize=(10, 3.5), layout="constrained")
ax1, ax2 = fig.subplots(1, 2)
ax1.imshow(us.T, aspect="auto", origin="lower", extent=(0, 60, cann.x[0], cann.x[-1]))
ax1.axvline(10.0, color="w", ls="--")
ax1.set(xlabel="time", ylabel="preferred feature", title="u over time (input off at t=10)")
ax2.plot(cann.x, cann.u, label="u at t=60")
ax2.plot(cann.x, cann.get_stimulus_by_pos(1.0), "--", label="stimulus (removed)")
ax2.set(xlabel="preferred feature", title="the bump persists")
ax2.legend()
out.mkdir(parents=True, exist_ok=True)
fig.savefig(out / "cann1d_bump.png", dpi=100)
print("saved", out / "cann1d_bump.png")
