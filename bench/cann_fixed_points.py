"""Fixed-point search on the seed's CANN1D (num=512, k=0.1, A=30, a=0.5, exact ring),
1257 stimulus-shaped candidates: Levenberg-Marquardt with the exact (sympy-derived)
Jacobian versus a plain Adam search of 600 iterations. Prints one JSON line.

The LM step uses the low-rank structure of the Jacobian (``J = diag(d) + L M`` with
``L``, ``M`` per-state scalings of the kernel's truncated eigenbasis, q ~ 25, plus the
total() column): the Woodbury system is assembled from a few batched GEMMs without
forming ``L``, ``M`` or ``J``, so the whole batch goes in one chunk (about 0.7 s for 3
iterations on 2 shared cores, 25-35x the Adam run; it was ~2.2 s, ~8-10x, before).

    python bench/cann_fixed_points.py [adam_iterations]
"""
import json
import sys
import time

import numpy as np

from neurogen.analysis import Adam, ExponentialDecay, SlowPointFinder
from neurogen.models import CANN1D

iters = int(sys.argv[1]) if len(sys.argv) > 1 else 600
m = CANN1D(num=512, k=0.1, A=30, a=0.5, endpoint=False)
pos = np.arange(-np.pi, np.pi, 0.005)
cands = m.get_stimulus_by_pos(pos.reshape(-1, 1))

lm = SlowPointFinder(m.cell, verbose=False)
t0 = time.perf_counter()
lm.find_fps_with_opt_solver(cands)
t_lm = time.perf_counter() - t0

adam = SlowPointFinder(m.cell, verbose=False)
t0 = time.perf_counter()
adam.find_fps_with_gd_method(cands, tolerance=0.0, num_batch=iters, num_opt=iters,
                             optimizer=Adam(lr=ExponentialDecay(0.1, 2, 0.999)))
t_adam = time.perf_counter() - t0

print(json.dumps({
    "benchmark": "cann1d_fixed_points", "num": 512, "candidates": int(len(cands)),
    "lm_seconds": round(t_lm, 2), "lm_iterations": int(len(lm.opt_losses) - 1),
    "lm_max_loss": float(lm.losses.max()),
    "lm_kept_1e-16": int((lm.losses < 1e-16).sum()),
    "adam_iterations": iters, "adam_seconds": round(t_adam, 2),
    "adam_max_loss": float(adam.losses.max()),
    "adam_kept_1e-8": int((adam.losses < 1e-8).sum()),
    "adam_kept_1e-16": int((adam.losses < 1e-16).sum()),
    "speedup": round(t_adam / t_lm, 1),
    "bump_height": float(lm.fixed_points.max(axis=1).mean()),
    "analytic_height": m.analytic_bump_height(),
}))
