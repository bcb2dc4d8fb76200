"""Numbers that say whether slow points form a line attractor (Yang & Wang 2020, Fig. 6).

:func:`line_attractor_summary` takes the slow points, the activity they were searched
from (the trials) and, optionally, the Jacobians at the points, and returns

* ``pc1_share``: the fraction of the slow points' own variance along their first
  principal component (1 for points on a line);
* ``span_ratio``: the span (max - min) of the slow points projected on the *trials'*
  first principal component, divided by the span of the trials on it: how much of the
  evidence axis the line covers (0 for a single fixed point);
* ``leading_abs_eigenvalue``: the median over the points of the largest |eigenvalue| of
  the Jacobian (about 1 for a discrete map along a line attractor, 0 for a continuous
  field), with its minimum and maximum.
"""
from __future__ import annotations

import numpy as np


def _pca(x, k=1):
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    var = s * s
    share = var / var.sum() if var.sum() > 0 else np.zeros_like(var)
    return vt[:k], share[:k], mean


def line_attractor_summary(points, activity, jacobians=None) -> dict:
    """See the module docstring; ``activity`` is ``(..., dim)``, ``points`` ``(M, dim)``,
    ``jacobians`` ``(M, dim, dim)``. Values are ``nan`` where undefined (fewer than two
    points, no Jacobians)."""
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    activity = np.asarray(activity, dtype=np.float64)
    activity = activity.reshape(-1, activity.shape[-1])
    comp, _, mean = _pca(activity, 1)
    trials_pc1 = (activity - mean) @ comp[0]
    out = {"points": int(points.shape[0]), "pc1_share": float("nan"),
           "span_ratio": float("nan"), "leading_abs_eigenvalue": float("nan"),
           "leading_abs_eigenvalue_min": float("nan"),
           "leading_abs_eigenvalue_max": float("nan")}
    if points.shape[0] >= 1 and points.shape[1] == activity.shape[1]:
        fp_pc1 = (points - mean) @ comp[0]
        span = np.ptp(trials_pc1)
        out["span_ratio"] = float(np.ptp(fp_pc1) / span) if span > 0 else float("nan")
    if points.shape[0] >= 2:
        out["pc1_share"] = float(_pca(points, 1)[1][0])
    if jacobians is not None and len(jacobians):
        lead = np.abs(np.linalg.eigvals(np.asarray(jacobians, dtype=np.float64))).max(axis=1)
        out["leading_abs_eigenvalue"] = float(np.median(lead))
        out["leading_abs_eigenvalue_min"] = float(lead.min())
        out["leading_abs_eigenvalue_max"] = float(lead.max())
    return out
