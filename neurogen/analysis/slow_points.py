"""Fixed points and slow points of a vector field (after BrainPy's ``SlowPointFinder``).

``SlowPointFinder(f_cell)`` takes either

* a neurogen model (``CANN1D``…, a :class:`~neurogen.Population`, or a model's bound
  ``cell`` method as in BrainPy's examples): ``F(x)`` and its exact Jacobian then come
  from the equations via sympy (:class:`~neurogen.analysis.symbolic.SymbolicField`), or
* any Python callable ``f_cell(x)`` on one state vector (``vectorized=True``: on a batch
  ``(batch, dim)``, and ``f_jac`` too), with an optional ``f_jac(x)``; without it the
  Jacobian is taken by central differences (fine for small systems).

``f_type='continuous'`` looks for ``F(x) = 0``; ``'discrete'`` for ``f(x) = x`` (for a
model, ``f`` is its Euler map ``x + dt F(x)``). The loss of a point is BrainPy's:
``mean(residual^2)`` over the state's components (``losses.mean_squared_error(h, f(h))``
for ``'discrete'``, ``losses.mean_square(F(h))`` for ``'continuous'``), so tolerances
mean the same as in BrainPy.

``find_fps_with_gd_method`` is BrainPy's search: Adam (BrainPy's form: the bias
corrections folded into the step size, ``eps`` added to ``sqrt(v)``) with an
exponentially decaying learning rate on the *mean* loss of the whole batch of
candidates (so each point's gradient is ``2 J_r^T r / (dim B)``, ``J_r`` the residual's
Jacobian), checked against ``tolerance`` every ``num_batch`` iterations. It is
vectorised over the batch: one evaluation of the residual and one vector-Jacobian
product (no Jacobian matrix) per iteration; for a
:class:`~neurogen.training.CellMap` both come from the map's sympy derivatives
(``f = map(h)``, ``J^T v = a*v + W^T (b*v)`` with ``a``, ``b`` the elementwise partial
derivatives), for a callable ``f_vjp(x, v)`` may be given, otherwise ``J`` is formed.
For a ``CellMap`` the whole search is one generated C++ kernel instead (map, product and
Adam fused per block of states, float64 or float32; :mod:`.compiled_search`).

``find_fps_with_opt_solver`` runs a Levenberg-Marquardt iteration with the exact
Jacobian per candidate, much faster: a candidate stops as soon as its loss is below
``tolerance`` (with ``tolerance=1e-5`` that is a *slow-point* search with BrainPy's
acceptance threshold, in a few iterations; with ``1e-16`` it finds exact fixed points).
For a model whose recurrent weights have a low numerical rank (a Gaussian ring kernel)
the damped normal equations are solved through the Woodbury identity in O(dim q^2) per
step instead of O(dim^3).
"""
from __future__ import annotations

import time

import numpy as np

from .compiled_search import compiled_kernel, run_compiled
from .optimizers import Adam, ExponentialDecay
from .symbolic import AnalysisError, SymbolicField

CONTINUOUS, DISCRETE = "continuous", "discrete"


def _model_of(f_cell):
    """The neurogen model behind ``f_cell`` (a model, a population, or a bound
    ``cell`` method of a model), else None."""
    if hasattr(f_cell, "pop") or (hasattr(f_cell, "ir") and hasattr(f_cell, "net")):
        return f_cell
    owner = getattr(f_cell, "__self__", None)
    if owner is not None and hasattr(owner, "pop") and \
            getattr(f_cell, "__name__", "") == "cell":
        return owner
    return None


class SlowPointFinder:
    """Find fixed points of ``f_cell`` from candidate states (see the module docstring).

    Attributes after a search: ``fixed_points`` (M, dim), ``losses`` (M,),
    ``selected_ids`` (indices of the kept points among the candidates), ``opt_losses``
    (mean loss along the optimisation).
    """

    def __init__(self, f_cell, f_type: str = CONTINUOUS, f_jac=None, vectorized=False,
                 verbose: bool = True, fd_step: float = 1e-6, f_vjp=None):
        if f_type not in (CONTINUOUS, DISCRETE):
            raise AnalysisError(f"f_type must be '{CONTINUOUS}' or '{DISCRETE}', "
                                f"got {f_type!r}")
        self.f_type, self.verbose, self.fd_step = f_type, verbose, float(fd_step)
        model = _model_of(f_cell)
        self.model = model
        self.field = SymbolicField(model) if model is not None else None
        if self.field is None and not callable(f_cell):
            raise AnalysisError(f"f_cell must be a callable or a neurogen model, got "
                                f"{type(f_cell).__name__}")
        self.f_cell, self.f_jac, self.vectorized = f_cell, f_jac, bool(vectorized)
        self.f_vjp = f_vjp
        self._cell_vjp = None if (self.field is not None or f_vjp is not None) else \
            _value_and_vjp_of(f_cell)
        self._fixed_points = self._losses = self._selected_ids = None
        self.opt_losses = np.zeros(0)

    # -- the vector field ------------------------------------------------------------------
    def say(self, *args):
        """Prints a progress line when the finder is ``verbose``."""
        if self.verbose:
            print(*args, flush=True)

    def _dt(self):
        return self.field.pop.net.dt

    def f(self, x):
        """``f_cell`` on a batch ``(batch, dim)``: ``F`` (continuous) or the map (discrete)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        if self.field is not None:
            F = self.field(x)
            return x + self._dt() * F if self.f_type == DISCRETE else F
        if self.vectorized:
            return np.asarray(self.f_cell(x), dtype=np.float64).reshape(x.shape)
        return np.stack([np.asarray(self.f_cell(xi), dtype=np.float64).reshape(-1)
                         for xi in x])

    def _residual(self, x, fx):
        return fx - x if self.f_type == DISCRETE else fx

    def compute_jacobians(self, points, plot=False, **plot_kwargs):
        """Jacobians of ``f_cell`` at ``points``: ``(M, dim, dim)`` (exact for models)."""
        points = np.atleast_2d(np.asarray(points, dtype=np.float64))
        if self.field is not None:
            J = self.field.jacobian(points)
            if self.f_type == DISCRETE:
                J = np.eye(J.shape[-1]) + self._dt() * J
        elif self.f_jac is not None and self.vectorized:   # a batch at once, as f_cell
            J = np.asarray(self.f_jac(points), dtype=np.float64).reshape(
                points.shape[0], points.shape[1], points.shape[1])
        elif self.f_jac is not None:
            J = np.stack([np.asarray(self.f_jac(p), dtype=np.float64) for p in points])
        else:
            J = self._fd_jacobian(points)
        if plot:   # the figure is kept as ``self.figure`` (saved when save_path= is given)
            from .plot import eigenvalue_spectrum
            plot_kwargs.setdefault("f_type", self.f_type)
            self.figure = eigenvalue_spectrum(J, **plot_kwargs)
        return J

    def _fd_jacobian(self, points):
        B, n = points.shape
        J = np.empty((B, n, n))
        for j in range(n):
            h = self.fd_step * np.maximum(1.0, np.abs(points[:, j]))
            xp, xm = points.copy(), points.copy()
            xp[:, j] += h
            xm[:, j] -= h
            J[:, :, j] = (self.f(xp) - self.f(xm)) / (2 * h[:, None])
        return J

    def _value_and_vjp(self, x, weight):
        """Residual ``R`` at ``x`` (batch) and ``J_R^T (weight(R))``, without forming
        ``J_R`` when a vector-Jacobian product is available."""
        n = x.shape[1]
        if self.field is not None:
            scale = self._dt() if self.f_type == DISCRETE else 1.0
            F, g = self.field.value_and_vjp(x, lambda F: scale * weight(scale * F))
            return scale * F, g
        if self._cell_vjp is not None:
            fx, vjp = self._cell_vjp(x)
            R = self._residual(x, fx)
            v = weight(R)
            g = vjp(v)
            return R, (g - v if self.f_type == DISCRETE else g)
        fx = self.f(x)
        R = self._residual(x, fx)
        v = weight(R)
        if self.f_vjp is not None:
            g = np.asarray(self.f_vjp(x, v), dtype=np.float64).reshape(x.shape)
            return R, (g - v if self.f_type == DISCRETE else g)
        J = self.compute_jacobians(x)
        if self.f_type == DISCRETE:
            J = J - np.eye(n)
        return R, np.einsum("bij,bi->bj", J, v)

    def _loss_and_grad(self, x, batch=None):
        """Per-point losses ``mean(R^2)`` and the gradient of their batch mean (BrainPy's
        objective): ``2 J_R^T R / (dim B)``, ``B = batch`` (default: the rows of x)."""
        B, n = x.shape
        B = B if batch is None else batch
        R, g = self._value_and_vjp(x, lambda R: R * (2.0 / (n * B)))
        return np.einsum("ij,ij->i", R, R) / n, g

    def loss(self, x):
        """BrainPy's loss per state: ``mean(residual^2)`` over its components."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        R = self._residual(x, self.f(x))
        return np.mean(R * R, axis=1)

    def _check_candidates(self, candidates):
        x = np.array(candidates, dtype=np.float64)
        if x.ndim == 1:
            x = x[None]
        if x.ndim > 2:
            x = x.reshape(x.shape[0], -1)
        if self.field is not None and x.shape[1] != self.field.dim:
            raise AnalysisError(f"candidates must have {self.field.dim} values each, got "
                                f"shape {np.shape(candidates)}")
        if not np.all(np.isfinite(x)):
            raise AnalysisError("candidates contain NaN or infinite values")
        if self.field is not None:
            self.field.snapshot()
        return x

    # -- searches ----------------------------------------------------------------------------
    def find_fps_with_gd_method(self, candidates, tolerance: float = 1e-5,
                                num_batch: int = 100, num_opt: int = 10000, optimizer=None,
                                block_bytes: int = 1 << 18, compiled=None,
                                precision: str = "double", num_threads: int = 1):
        """BrainPy's search: Adam on the mean loss of all candidates at once, checked
        every ``num_batch`` iterations against ``tolerance`` (stop when the mean loss of
        the last iteration is below it) for at most ``num_opt`` iterations (rounded up
        to whole batches, as BrainPy). The batch is processed in row blocks of about
        ``block_bytes`` (0: all at once); the result does not depend on it (each point's
        gradient and Adam moments are its own). Default optimizer: BrainPy's
        ``Adam(lr=ExponentialDecay(0.2, 1, 0.9999))``. ``search_seconds`` holds the time
        spent.

        For a :class:`~neurogen.training.CellMap` (given as ``f_cell``, ``cell.f`` or
        ``cell``) and neurogen's :class:`Adam` (constant or :class:`ExponentialDecay`
        rate), the whole search runs as one generated C++ kernel
        (:meth:`CellMap.adam_search <neurogen.training.CellMap.adam_search>`:
        ``compiled=None`` picks it then, ``True`` insists, ``False`` keeps NumPy) in
        ``precision`` ``'double'`` (the NumPy search's results to rounding) or
        ``'float'`` (float32, BrainPy's default), on ``num_threads`` OpenMP threads
        (the same results whatever the count)."""
        x = self._check_candidates(candidates)
        opt = optimizer if optimizer is not None else \
            Adam(lr=ExponentialDecay(0.2, 1, 0.9999))
        if not hasattr(opt, "update"):
            raise AnalysisError(f"optimizer must have init()/update() (e.g. "
                                f"neurogen.analysis.Adam), got {opt!r}")
        kernel = compiled_kernel(self, opt, compiled, precision)
        opt.init(x)
        self.say(f"Optimizing with {opt!r} to find fixed points"
                    f"{' (compiled, ' + precision + ')' if kernel else ''}:")
        history, start, t0 = [], 0, time.perf_counter()
        t_start = t0
        total = max(1, int(np.ceil(num_opt / num_batch))) * int(num_batch)
        if kernel is not None:
            x = run_compiled(self, kernel, opt, x, total, num_batch, tolerance,
                             num_threads, t_start)
            self._set(x)
            return self._fixed_points
        B, n = x.shape
        # the batch in row blocks of ~256 KiB: the same arithmetic, 2-3x faster than on
        # the whole (B, dim) arrays, which fall out of the cache
        rows = max(1, int(block_bytes) // (8 * n)) if block_bytes else B
        blocks = [slice(i, min(B, i + rows)) for i in range(0, B, rows)]
        blockwise = hasattr(opt, "begin_step") and hasattr(opt, "apply")
        for it in range(total):
            if blockwise:
                lr_t, total_loss = opt.begin_step(), 0.0
                for blk in blocks:
                    loss, grad = self._loss_and_grad(x[blk], batch=B)
                    opt.apply(x, grad, blk, lr_t)
                    total_loss += float(loss.sum())
                history.append(total_loss / B)
            else:
                loss, grad = self._loss_and_grad(x)
                x = opt.update(x, grad)
                history.append(float(loss.mean()))
            if (it + 1) % num_batch == 0:
                self.say(f"    Batches {start + 1}-{it + 1} in "
                            f"{time.perf_counter() - t0:.2f} sec, Training loss "
                            f"{history[-1]:.10f}")
                start, t0 = it + 1, time.perf_counter()
                if history[-1] < tolerance:
                    self.say(f"    Stop optimization as mean training loss "
                                f"{history[-1]:.10f} is below tolerance {tolerance:.10f}.")
                    break
        self.search_seconds = time.perf_counter() - t_start
        self.opt_losses = np.array(history)
        self._set(x)
        return self._fixed_points

    def find_fps_with_opt_solver(self, candidates, opt_solver: str = "lm",
                                 tolerance: float = 1e-16, max_iter: int = 50,
                                 stall_rtol: float = 0.0, max_damping: float = 1e12):
        """Levenberg-Marquardt with the exact Jacobian, one damping factor per
        candidate; a candidate stops once its loss (BrainPy's ``mean(R^2)``) is below
        ``tolerance`` (``1e-5``: slow points as BrainPy's gradient search accepts them;
        ``1e-16``: exact fixed points).
        ``opt_solver``: ``'lm'`` (default) or ``'newton'`` (undamped). A candidate also
        stops when its damping exceeds ``max_damping`` (no step helps) or, with
        ``stall_rtol > 0``, when an accepted step lowers its loss by less than that
        fraction (a slow point that is not a fixed point: the descent has stalled)."""
        if opt_solver not in ("lm", "newton"):
            raise AnalysisError(f"opt_solver must be 'lm' or 'newton', got {opt_solver!r}")
        x = self._check_candidates(candidates)
        B, n = x.shape
        lam = np.full(B, 0.0 if opt_solver == "newton" else 1e-3)
        loss = self.loss(x)
        active = loss > tolerance
        self.say(f"Optimizing with Levenberg-Marquardt ({opt_solver}, exact Jacobian) "
                    f"to find fixed points:")
        history, t0 = [float(loss.mean())], time.perf_counter()
        t_start = t0
        # structured (low-rank) steps need O(batch n q) memory, dense ones O(batch n^2)
        structured = None
        if self.field is not None and self.field.structured_factors(x[:1]) is None:
            structured = False
        per_state = n * n if structured is False else n * 16
        for it in range(int(max_iter)):
            idx = np.nonzero(active)[0]
            if idx.size == 0:
                break
            for chunk in np.array_split(idx, max(1, int(np.ceil(idx.size * per_state
                                                                / 4e7)))):
                xc = x[chunk]
                loss_before = loss[chunk]
                step, structured = self._lm_step(xc, lam[chunk], structured)
                new = xc + step
                new_loss = self.loss(new)
                better = new_loss < loss[chunk]
                if opt_solver == "newton":
                    better[:] = True
                x[chunk[better]] = new[better]
                loss[chunk[better]] = new_loss[better]
                stalled = better & (new_loss > (1.0 - stall_rtol) * loss_before) \
                    if stall_rtol > 0 else np.zeros_like(better)
                lam[chunk] = np.where(better, np.maximum(lam[chunk] / 10, 1e-15),
                                      lam[chunk] * 10)
                stuck = (~better & (lam[chunk] > max_damping)) | stalled
                active[chunk[stuck]] = False
            active &= loss > tolerance
            history.append(float(loss.mean()))
            self.say(f"    Iteration {it + 1} in {time.perf_counter() - t0:.2f} sec, "
                        f"Training loss {history[-1]:.4e}, {int(active.sum())} point(s) "
                        f"still moving")
            t0 = time.perf_counter()
        self.search_seconds = time.perf_counter() - t_start
        self.opt_losses = np.array(history)
        self._set(x)
        return self._fixed_points

    def _lm_step(self, x, lam, structured):
        """Solve ``(J^T J + lam I) step = -J^T R`` for each state."""
        if self.field is not None and structured is not False:
            sf = self.field.structured_factors(x)
            if sf is not None:
                if self.f_type == DISCRETE:   # residual dt F: same step up to lam scaling
                    lam = lam / self._dt() ** 2
                return _woodbury_lm_structured(sf, lam), True
            structured = False
        J = self.compute_jacobians(x)
        R = self._residual(x, self.f(x))
        if self.f_type == DISCRETE:
            J = J - np.eye(x.shape[1])
        A = np.matmul(np.transpose(J, (0, 2, 1)), J)      # batched GEMM, not einsum
        A[:, np.arange(x.shape[1]), np.arange(x.shape[1])] += lam[:, None]
        g = np.einsum("bki,bk->bi", J, R)
        try:
            return -np.linalg.solve(A, g[..., None])[..., 0], structured
        except np.linalg.LinAlgError:
            return -np.einsum("bij,bj->bi", np.linalg.pinv(A), g), structured

    def _set(self, x):
        self._fixed_points = x
        self._losses = self.loss(x)
        self._selected_ids = np.arange(x.shape[0])

    # -- selection ---------------------------------------------------------------------------
    def _require(self):
        if self._fixed_points is None:
            raise AnalysisError("no fixed points yet: call find_fps_with_gd_method() or "
                                "find_fps_with_opt_solver() first")

    def _keep(self, mask):
        self._fixed_points = self._fixed_points[mask]
        self._losses = self._losses[mask]
        self._selected_ids = self._selected_ids[mask]

    def filter_loss(self, tolerance: float = 1e-5):
        """Keep the points whose loss is below ``tolerance``."""
        self._require()
        self.say(f"Excluding fixed points with squared speed above tolerance "
                    f"{tolerance:g}:")
        before = len(self._losses)
        self._keep(self._losses < tolerance)
        self.say(f"    Kept {len(self._losses)}/{before} fixed points with tolerance "
                    f"under {tolerance:g}.")

    def keep_unique(self, tolerance: float = 2.5e-2):
        """BrainPy's rule: drop every point within ``tolerance`` (Euclidean, ``<=``) of
        an *earlier* point, whether that one is kept or not (so a chain of close points
        keeps only its first); ``tolerance <= 0`` keeps all."""
        self._require()
        self.say("Excluding non-unique fixed points:")
        fps, before = self._fixed_points, len(self._fixed_points)
        keep = np.ones(before, dtype=bool)
        if before > 1 and tolerance > 0:
            D = _pairwise(fps)
            close = np.triu(D <= tolerance, k=1)          # close[i, j]: i earlier than j
            keep = ~close.any(axis=0)
        self._keep(keep)
        self.say(f"    Kept {int(keep.sum())}/{before} unique fixed points with "
                    f"uniqueness tolerance {tolerance:g}.")

    def exclude_outliers(self, tolerance: float = 1e0):
        """Drop points whose nearest other fixed point is not closer than ``tolerance``
        (BrainPy's rule; ``tolerance=inf`` keeps all)."""
        self._require()
        self.say("Excluding outliers:")
        fps, before = self._fixed_points, len(self._fixed_points)
        if before <= 1:
            self.say(f"    Kept {before}/{before} fixed points (nothing to compare).")
            return
        D = _pairwise(fps)
        np.fill_diagonal(D, np.inf)
        keep = D.min(axis=1) < tolerance                 # BrainPy: strictly closer
        self._keep(keep)
        self.say(f"    Kept {int(keep.sum())}/{before} fixed points with within outlier "
                    f"tolerance {tolerance:g}.")

    @staticmethod
    def decompose_eigenvalues(matrices, sort_by: str = "magnitude"):
        """Eigen-decompose each matrix: a list of dicts with ``eig_values`` (sorted by
        decreasing magnitude or real part), ``R`` (right eigenvectors, columns)."""
        if sort_by not in ("magnitude", "real"):
            raise AnalysisError(f"sort_by must be 'magnitude' or 'real', got {sort_by!r}")
        out = []
        for J in np.atleast_3d(np.asarray(matrices)) if np.ndim(matrices) == 3 else [matrices]:
            w, v = np.linalg.eig(np.asarray(J))
            order = np.argsort(-(np.abs(w) if sort_by == "magnitude" else w.real))
            out.append({"eig_values": w[order], "R": v[:, order]})
        return out

    # -- results -----------------------------------------------------------------------------
    @property
    def fixed_points(self) -> np.ndarray:
        self._require()
        return self._fixed_points

    @property
    def losses(self) -> np.ndarray:
        self._require()
        return self._losses

    @property
    def selected_ids(self) -> np.ndarray:
        self._require()
        return self._selected_ids


def _pairwise(x):
    sq = np.einsum("ij,ij->i", x, x)
    D2 = sq[:, None] + sq[None, :] - 2 * x @ x.T
    return np.sqrt(np.maximum(D2, 0.0))


def _woodbury_lm(d, L, M, F, lam):
    """LM step for ``J = diag(d) + L M``: ``-(J^T J + lam I)^{-1} J^T F``, using
    ``J^T J + lam I = E + Z C Z^T`` with ``E = d^2 + lam``, ``Z = [M^T, d L]``,
    ``C = [[L^T L, I], [I, 0]]`` (so ``C^{-1} = [[0, I], [I, -L^T L]]``)."""
    B, n, q = L.shape
    g = d * F + np.matmul(np.matmul(F[:, None, :], L), M)[:, 0]
    E = d * d + lam[:, None]
    if q == 0:
        return -g / E
    Z = np.concatenate([np.transpose(M, (0, 2, 1)), d[:, :, None] * L], axis=2)
    Zt = np.transpose(Z, (0, 2, 1))
    K = np.matmul(Zt, Z / E[:, :, None])
    K[:, :q, q:] += np.eye(q)
    K[:, q:, :q] += np.eye(q)
    K[:, q:, q:] -= np.matmul(np.transpose(L, (0, 2, 1)), L)
    gE = g / E
    y = np.matmul(Zt, gE[:, :, None])
    try:
        s = np.linalg.solve(K, y)
    except np.linalg.LinAlgError:
        s = np.matmul(np.linalg.pinv(K), y)
    return -(gE - np.matmul(Z, s)[:, :, 0] / E)


def _woodbury_lm_structured(sf, lam):
    """:func:`_woodbury_lm` on a :class:`~neurogen.analysis.symbolic.LowRankJacobian`
    without materialising ``L`` and ``M``: ``K = Z^T E^{-1} Z + [[0, I], [I, -L^T L]]``
    is assembled block by block (``M E^{-1} M^T``, ``M (d/E) L``, and ``-L^T (lam/E) L``
    for the lower right block, as ``d^2/E - 1 = -lam/E``), each shared-basis block one
    GEMM for the whole batch."""
    d, F, q = sf.d, sf.F, sf.q
    g = d * F + sf.mul("M", sf.tmul("L", F))
    E = d * d + lam[:, None]
    gE = g / E
    if q == 0:
        return -gE
    B = d.shape[0]
    K = np.empty((B, 2 * q, 2 * q))
    iE = 1.0 / E
    K[:, :q, :q] = sf.gram("M", "M", iE)
    K[:, :q, q:] = sf.gram("M", "L", d * iE)
    K[:, :q, q:] += np.eye(q)
    K[:, q:, :q] = np.transpose(K[:, :q, q:], (0, 2, 1))
    K[:, q:, q:] = sf.gram("L", "L", -lam[:, None] * iE)
    y = np.concatenate([sf.tmul("M", gE), sf.tmul("L", d * gE)], axis=1)[:, :, None]
    try:
        s = np.linalg.solve(K, y)[:, :, 0]
    except np.linalg.LinAlgError:
        s = np.matmul(np.linalg.pinv(K), y)[:, :, 0]
    Zs = sf.mul("M", s[:, :q]) + d * sf.mul("L", s[:, q:])
    return -(gE - Zs / E)


def _value_and_vjp_of(f_cell):
    """The map's own batched ``value_and_vjp(h)`` (a :class:`~neurogen.training.CellMap`,
    given as itself, as ``cell.f`` or as ``cell.__call__``), else None."""
    method = getattr(f_cell, "value_and_vjp", None)
    if callable(method):
        return method
    owner = getattr(f_cell, "__self__", None)
    if owner is not None and getattr(f_cell, "__name__", "") in ("f", "__call__"):
        method = getattr(owner, "value_and_vjp", None)
        return method if callable(method) else None
    return None
