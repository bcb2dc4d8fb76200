"""Fixed points of a CANN1D (the BrainPy seed's analysis), found with the exact Jacobian.
======================================================================================

The model's vector field and Jacobian are derived with sympy from its equation strings;
``find_fps_with_opt_solver`` (Levenberg-Marquardt) converges from the seed's 1257
stimulus-shaped candidates in a few iterations. Headless: prints the search, the losses,
the eigenvalues at a few fixed points and a check by simulation. With matplotlib
installed it saves, into ``--out`` (default ``examples/cann/output/``):
``cann1d_fixed_points_pca.png`` (the fixed points on their first two principal
components: a ring), ``cann1d_fixed_points_eigenvalues.png`` (Jacobian spectra: one
eigenvalue at 0 along the ring, all others negative) and
``cann1d_fixed_points_profiles.png`` (bumps at different positions).

``endpoint=False`` gives the exact ring. On the seed's grid (``linspace(-pi, pi, num)``,
both ends included) the first and last neurons sit at the same place, which breaks the
ring's symmetry: only bumps away from that seam are (nearly) fixed, the others drift
slowly toward it.
"""
import argparse
import importlib.util
from pathlib import Path

import numpy as np

from neurogen.analysis import SlowPointFinder
from neurogen.models import CANN1D

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--out", default=str(Path(__file__).parent / "output"),
                    help="folder for the figures (created if needed)")
parser.add_argument("--num", type=int, default=512, help="neurons on the ring")
parser.add_argument("--spacing", type=float, default=0.005,
                    help="distance between candidate positions (rad)")
args = parser.parse_args()
plots = importlib.util.find_spec("matplotlib") is not None
out = Path(args.out)

cann = CANN1D(num=args.num, k=0.1, A=30, a=0.5, endpoint=False, dt=0.1, seed=1)
candidates = cann.get_stimulus_by_pos(np.arange(-np.pi, np.pi, args.spacing).reshape(-1, 1))

finder = SlowPointFinder(f_cell=cann.cell)
finder.find_fps_with_opt_solver(candidates)
finder.filter_loss(tolerance=1e-16)
finder.keep_unique(tolerance=2.5e-2)
fps = finder.fixed_points
print(f"losses: max {finder.losses.max():.2e}, bump height {fps.max(axis=1).mean():.4f} "
      f"(analytic {cann.analytic_bump_height():.4f})")

# three fixed points spread around the ring; with plot=True the Jacobians' spectra are
# drawn by neurogen.analysis.plot.eigenvalue_spectrum (keyword arguments go to it)
ids = np.linspace(0, len(fps) - 1, 4).astype(int)[:3]
spectrum = dict(plot=True, save_path=out / "cann1d_fixed_points_eigenvalues.png",
                labels=[f"FP {i}" for i in ids], verbose=True,
                title="CANN1D: Jacobian eigenvalues at 3 fixed points") \
    if plots else {}
J = finder.compute_jacobians(fps[ids], **spectrum)
for i, Ji in zip(ids, J):
    w = np.sort(np.linalg.eigvals(Ji).real)[::-1]
    print(f"fixed point {i}: largest eigenvalues {w[0]:+.2e} {w[1]:+.4f} {w[2]:+.4f}")

cann.compile()
check = ids[1]
cann.u = fps[check]
cann.simulate(50.0)
print(f"simulated 50 time units from fixed point {check}: max |u - u*| = "
      f"{np.abs(cann.u - fps[check]).max():.2e}")

if not plots:
    raise SystemExit("matplotlib is not installed: no figures (pip install matplotlib)")
from neurogen.analysis import plot  # noqa: E402

plot.fixed_points_pca(fps, values=cann.center(cann.rate(fps)), clabel="bump centre (rad)",
                      colormap="twilight", title="CANN1D fixed points (PCA): a ring",
                      save_path=out / "cann1d_fixed_points_pca.png", verbose=True)
plot.fixed_point_profiles(fps, cann.x, max_profiles=6, xlabel="preferred feature (rad)",
                          title="CANN1D fixed-point profiles",
                          save_path=out / "cann1d_fixed_points_profiles.png", verbose=True)
