"""Fixed points of a CANN1D (the BrainPy seed's analysis), found with the exact Jacobian.

The model's vector field and Jacobian are derived with sympy from its equation strings;
``find_fps_with_opt_solver`` (Levenberg-Marquardt) converges from the seed's 1257
stimulus-shaped candidates in a few iterations. Headless: prints the search, the losses,
the eigenvalues at a few fixed points and a check by simulation; saves
``cann1d_fixed_points.png`` when matplotlib is installed.

``endpoint=False`` gives the exact ring. On the seed's grid (``linspace(-pi, pi, num)``,
both ends included) the first and last neurons sit at the same place, which breaks the
ring's symmetry: only bumps away from that seam are (nearly) fixed, the others drift
slowly toward it.
"""
import os
import sys

import numpy as np

from neurogen.analysis import SlowPointFinder
from neurogen.models import CANN1D

out = sys.argv[1] if len(sys.argv) > 1 else "."
cann = CANN1D(num=512, k=0.1, A=30, a=0.5, endpoint=False, dt=0.1, seed=1)
candidates = cann.get_stimulus_by_pos(np.arange(-np.pi, np.pi, 0.005).reshape(-1, 1))

finder = SlowPointFinder(f_cell=cann.cell)
finder.find_fps_with_opt_solver(candidates)
finder.filter_loss(tolerance=1e-16)
finder.keep_unique(tolerance=2.5e-2)
fps = finder.fixed_points
print(f"losses: max {finder.losses.max():.2e}, bump height {fps.max(axis=1).mean():.4f} "
      f"(analytic {cann.analytic_bump_height():.4f})")

J = finder.compute_jacobians(fps[[0, 300, 600]])
for i, Ji in zip((0, 300, 600), J):
    w = np.sort(np.linalg.eigvals(Ji).real)[::-1]
    print(f"fixed point {i}: largest eigenvalues {w[0]:+.2e} {w[1]:+.4f} {w[2]:+.4f}")

cann.compile()
cann.u = fps[100]
cann.simulate(50.0)
print(f"simulated 50 time units from fixed point 100: max |u - u*| = "
      f"{np.abs(cann.u - fps[100]).max():.2e}")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit(0)
centered = fps - fps.mean(axis=0)
_, _, Vt = np.linalg.svd(centered, full_matrices=False)
pcs = centered @ Vt[:2].T
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
axes[0].plot(pcs[:, 0], pcs[:, 1], "x", ms=3)
axes[0].set(xlabel="PC 1", ylabel="PC 2", title="Fixed points (PCA): a ring")
for i in (10, 200, 400, 600, 800, 1000):
    axes[1].plot(cann.x, fps[i], label=f"FP-{i}")
axes[1].set(xlabel="preferred feature", ylabel="u", title="Fixed-point profiles")
axes[1].legend(fontsize=7)
for Ji in J:
    w = np.linalg.eigvals(Ji)
    axes[2].scatter(w.real, w.imag, s=8)
axes[2].axvline(0, ls="--", c="gray")
axes[2].set(xlabel="Re", ylabel="Im", title="Jacobian eigenvalues")
fig.tight_layout()
fig.savefig(os.path.join(out, "cann1d_fixed_points.png"), dpi=100)
print("saved", os.path.join(out, "cann1d_fixed_points.png"))
