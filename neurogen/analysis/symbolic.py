"""The vector field ``dx/dt = F(x)`` of a neurogen population and its exact Jacobian,
derived with sympy from the population's IR and evaluated with NumPy.

A population's per-neuron equations are read in continuous time: its ODE variables are
the state ``x`` (one block of ``size`` values per variable, in declaration order), its
assignments are functions of the state (substituted symbolically), ``sum(target)`` is
``W @ r`` over the projections arriving with that target (``r`` of this population
expressed through the state; other presynaptic populations contribute their current
``r`` as a constant input; delays do not matter at a fixed point), and ``total(e)`` /
``mean(e)`` are population sums of expressions of the state. Parameters, constants and
weights are read when the field is evaluated, so they can be changed between calls.

The Jacobian is assembled from the symbolic partial derivatives (sympy ``diff``) by the
chain rule::

    J = diag(f_x) + diag(f_s) W (diag(r_x) + r_T g_x^T) + f_T g_x^T

and is exact (no finite differences). Vector-Jacobian products (for gradient descent)
and a low-rank factorisation ``J = diag(d) + L M`` (for the Levenberg-Marquardt solver)
are available without forming ``J``.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..errors import NeurogenError
from ..ir import GLOBAL, LOCAL


class AnalysisError(NeurogenError):
    """A model or call the dynamical analysis cannot handle."""


_REDUCTIONS = {"total": 1.0, "mean": None}     # mean: 1/size


def _population(model):
    pop = getattr(model, "pop", model)
    if not hasattr(pop, "ir") or not hasattr(pop, "net"):
        raise AnalysisError(f"expected a neurogen Population or a model with a 'pop' "
                            f"attribute, got {type(model).__name__}")
    return pop


class SymbolicField:
    """``F(x)`` and its Jacobian for one population (see the module docstring)."""

    def __init__(self, model):
        pop = self.pop = _population(model)
        ir, net = pop.ir, pop.net
        self.n = pop.size
        if net.batch > 1:
            raise AnalysisError(f"population '{pop.name}': its network runs batch="
                                f"{net.batch} copies; the analysis reads one state (build "
                                "the network with batch=1)")
        if ir.randoms:
            raise AnalysisError(f"population '{pop.name}': its equations draw random "
                                "numbers, so it has no deterministic vector field")
        for e in ir.equations:
            if e.locality == GLOBAL:
                raise AnalysisError(f"population '{pop.name}': population-wide equation "
                                    f"'{e.text}' is not supported by the analysis")
        odes = [e for e in ir.equations if e.kind == "ode"]
        if not odes:
            raise AnalysisError(f"population '{pop.name}' has no ODE: nothing to analyse")
        self.variables = [e.target for e in odes]
        self.m = len(self.variables)
        X = [sp.Symbol(v) for v in self.variables]
        self._X = X

        # assignments as functions of the state (iterated substitution, in any order)
        assigns = {sp.Symbol(e.target): e.rhs for e in ir.equations if e.kind == "assign"}
        resolved = dict(assigns)
        for _ in range(len(assigns) + 1):
            changed = False
            for s, expr in resolved.items():
                new = expr.xreplace(resolved)
                if new != expr:
                    resolved[s], changed = new, True
            if not changed:
                break
        else:
            raise AnalysisError(f"population '{pop.name}': assignments depend on each "
                                "other in a cycle")
        sub = resolved

        # reductions (computed over the state)
        T, g, scale = [], [], []
        red_sub = {}
        for red in ir.reductions:
            if red.op not in _REDUCTIONS:
                raise AnalysisError(f"population '{pop.name}': the global operation "
                                    f"'{red.op}()' is not differentiable/supported; use "
                                    "total() or mean()")
            expr = red.expr.xreplace(sub)
            if any(s.name.startswith("_") for s in expr.free_symbols):
                raise AnalysisError(f"population '{pop.name}': {red.op}() of a weighted "
                                    "sum or another reduction is not supported")
            T.append(red.symbol)
            g.append(expr)
            scale.append(1.0 if red.op == "total" else 1.0 / self.n)
        self._T, self._scale = T, np.array(scale)

        S = [sp.Symbol(f"_sum_{t}") for t in ir.targets]
        self.targets = list(ir.targets)
        self._S = S
        F = [e.rhs.xreplace(sub) for e in odes]
        r_sym = sp.Symbol("r")
        if "r" in self.variables:
            rate = r_sym
        elif r_sym in sub:
            rate = sub[r_sym]
        else:
            rate = None
        if rate is not None and rate.free_symbols & set(S):
            raise AnalysisError(f"population '{pop.name}': its rate r depends on a "
                                "weighted sum directly; write the sum through an ODE")
        known = set(X) | set(T) | set(S)
        params = sorted({s for expr in F + g + ([rate] if rate is not None else [])
                         for s in expr.free_symbols} - known, key=lambda s: s.name)
        for s in params:
            if s.name == "t":
                raise AnalysisError(f"population '{pop.name}': the equations depend on "
                                    "time t, so the system is not autonomous")
            if s.name not in ir.names and s.name not in net.constants and s.name != "dt":
                raise AnalysisError(f"population '{pop.name}': cannot evaluate '{s}' in "
                                    "the analysis")
        self._params = params
        args = X + T + S + params

        def fn(exprs):
            return sp.lambdify(args, exprs, modules="numpy")

        self.F_expr, self.g_expr, self.rate_expr = F, g, rate
        self._F = fn(F)
        self._FX = fn([[sp.diff(f, x) for x in X] for f in F])
        self._FS = fn([[sp.diff(f, s) for s in S] for f in F])
        self._FT = fn([[sp.diff(f, t) for t in T] for f in F])
        self._g = fn(g)
        self._gX = fn([[sp.diff(gk, x) for x in X] for gk in g])
        if rate is not None:
            self._h = fn(rate)
            self._hX = fn([sp.diff(rate, x) for x in X])
            self._hT = fn([sp.diff(rate, t) for t in T])
        # projections arriving at this population
        self._proj = [p for p in net.projections if p.post is pop and p.target in ir.targets]
        for p in self._proj:
            if p.pre is pop and rate is None:
                raise AnalysisError(f"population '{pop.name}' projects to itself but has "
                                    "no variable r")

    # -- helpers -----------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        return self.m * self.n

    def _param_values(self):
        pop, net = self.pop, self.pop.net
        values = []
        for s in self._params:
            if s.name == "dt":
                values.append(net.dt)
            elif s.name in net.constants:
                values.append(float(net.constants[s.name].value))
            else:
                attr = pop.ir.attribute(s.name)
                buf = pop.buffer(s.name).astype(np.float64)
                values.append(buf[0] if attr.locality == GLOBAL else buf)
        return values

    def snapshot(self):
        """Read the weights and the other populations' rates once; later evaluations use
        this copy until the next ``snapshot()`` (the finder takes one per search)."""
        self._frozen = None
        self._frozen = self.weights()
        return self

    def weights(self):
        """Per target: (dense self-weights (n, n) or None, constant input (n,))."""
        if getattr(self, "_frozen", None) is not None:
            return self._frozen
        out = {}
        for t in self.targets:
            W, const = None, np.zeros(self.n)
            for p in self._proj:
                if p.target != t:
                    continue
                M = p.connectivity_matrix()
                if p.pre is self.pop:
                    W = M if W is None else W + M
                else:
                    const = const + M @ p.pre.buffer("r").astype(np.float64)
            out[t] = (W, const)
        return out

    def _bcast(self, value, B):
        return np.broadcast_to(np.asarray(value, dtype=np.float64), (B, self.n))

    def _split(self, x):
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 1:
            x = x[None]
        if x.shape[-1] != self.dim:
            raise AnalysisError(f"states must have {self.dim} values ({self.m} variable(s) "
                                f"x {self.n} neurons), got shape {x.shape}")
        B = x.shape[0]
        return B, [x[:, a * self.n:(a + 1) * self.n] for a in range(self.m)]

    def _forward(self, x, cache=None):
        B, X = self._split(x)
        P = self._param_values()
        Tvals = []
        if self._T:
            gs = self._g(*X, *[np.zeros((B, 1))] * len(self._T),
                         *[np.zeros((B, 1))] * len(self._S), *P)
            for k, gk in enumerate(gs):
                Tvals.append(self._scale[k] * self._bcast(gk, B).sum(axis=1, keepdims=True))
        Wt = self.weights() if cache is None else cache
        r = None
        if self.rate_expr is not None:
            r = self._bcast(self._h(*X, *Tvals, *[0.0] * len(self._S), *P), B)
        Svals = []
        for t in self.targets:
            W, const = Wt[t]
            s = np.broadcast_to(const, (B, self.n))
            if W is not None:
                s = s + r @ W.T
            Svals.append(s)
        return B, X, Tvals, Svals, P, r, Wt

    # -- evaluation ----------------------------------------------------------------------------
    def __call__(self, x):
        """``F(x)`` for states of shape ``(dim,)`` or ``(batch, dim)`` (same shape back)."""
        single = np.ndim(x) == 1
        B, X, T, S, P, r, _ = self._forward(x)
        F = np.concatenate([self._bcast(f, B) for f in self._F(*X, *T, *S, *P)], axis=1)
        return F[0] if single else F

    def _partials(self, B, X, T, S, P):
        args = (*X, *T, *S, *P)
        fX = [[self._bcast(v, B) for v in row] for row in self._FX(*args)]
        fS = [[self._bcast(v, B) for v in row] for row in self._FS(*args)]
        fT = [[self._bcast(v, B) for v in row] for row in self._FT(*args)]
        gX = [[self._bcast(v, B) * self._scale[k] for v in row]
              for k, row in enumerate(self._gX(*args))]
        hX = hT = None
        if self.rate_expr is not None:
            hX = [self._bcast(v, B) for v in self._hX(*args)]
            hT = [self._bcast(v, B) for v in self._hT(*args)]
        return fX, fS, fT, gX, hX, hT

    def value_and_vjp(self, x, v_fn):
        """``F(x)`` and ``J(x)^T v`` where ``v = v_fn(F)`` (both ``(batch, dim)``)."""
        B, X, T, S, P, r, Wt = self._forward(x)
        F = np.concatenate([self._bcast(f, B) for f in self._F(*X, *T, *S, *P)], axis=1)
        v = v_fn(F)
        V = [v[:, a * self.n:(a + 1) * self.n] for a in range(self.m)]
        fX, fS, fT, gX, hX, hT = self._partials(B, X, T, S, P)
        K = len(self._T)
        out = [sum(fX[a][b] * V[a] for a in range(self.m)) for b in range(self.m)]
        wT = [sum((fT[a][k] * V[a]).sum(axis=1, keepdims=True) for a in range(self.m))
              for k in range(K)]
        ybar = np.zeros((B, self.n))
        for ti, t in enumerate(self.targets):
            W = Wt[t][0]
            if W is not None:
                ybar += sum(fS[a][ti] * V[a] for a in range(self.m)) @ W
        if hX is not None:
            for b in range(self.m):
                out[b] = out[b] + hX[b] * ybar
            for k in range(K):
                wT[k] = wT[k] + (hT[k] * ybar).sum(axis=1, keepdims=True)
        for k in range(K):
            for b in range(self.m):
                out[b] = out[b] + gX[k][b] * wT[k]
        return F, np.concatenate(out, axis=1)

    def factors(self, x, rank_tol=1e-9):
        """``J = D + L M`` for single-variable models: returns ``d`` (batch, n),
        ``L`` (batch, n, q), ``M`` (batch, q, n), and ``F``; ``None`` when the model has
        several state variables or the weights are not of low numerical rank.

        ``W`` enters through its SVD truncated at ``rank_tol * sigma_max``: the factored
        Jacobian differs from the exact one by at most ``rank_tol * sigma_max * |f_s|
        |r_x|`` (a ring kernel cut at the periodic boundary has a tail of singular
        values near 1e-10 sigma_max). Solvers using it evaluate ``F`` exactly, so they
        still converge to exact fixed points. (The same factors, without materialising
        ``L`` and ``M``: :meth:`structured_factors`.)"""
        sf = self.structured_factors(x, rank_tol)
        if sf is None:
            return None
        return sf.d, sf.L(), sf.M(), sf.F

    def structured_factors(self, x, rank_tol=1e-9):
        """The factors of :meth:`factors` as a :class:`LowRankJacobian`: the columns of
        ``L`` and of ``M^T`` are per-state row scalings of a basis shared by the whole
        batch (``f_s U s`` and ``r_x V`` per target) plus a few per-state columns (the
        reductions), so products with them are batched GEMMs; ``None`` as in
        :meth:`factors`."""
        if self.m != 1:
            return None
        B, X, T, S, P, r, Wt = self._forward(x)
        F = self._bcast(self._F(*X, *T, *S, *P)[0], B)
        fX, fS, fT, gX, hX, hT = self._partials(B, X, T, S, P)
        groups = []
        c = [fT[0][k].copy() for k in range(len(self._T))]
        for ti, t in enumerate(self.targets):
            W = Wt[t][0]
            if W is None:
                continue
            entry = self._svd(W, rank_tol)
            if entry[0] is None:
                return None
            Us, V = entry[3], entry[4]
            groups.append((fS[0][ti], Us, hX[0], V))
            for k in range(len(self._T)):
                c[k] = c[k] + fS[0][ti] * (hT[k] @ W.T)
        K = len(self._T)
        Lf = np.stack(c, axis=2) if K else np.zeros((B, self.n, 0))
        Mf = np.stack([gX[k][0] for k in range(K)], axis=2) if K else np.zeros((B, self.n, 0))
        return LowRankJacobian(fX[0][0], F, groups, Lf, Mf, self._outer)

    def _outer(self, A, Bm, sym):
        """Row-wise outer products of two shared bases, ``(n, qa*qb)`` (or the upper
        triangle when ``sym``), cached while the bases live."""
        cache = self.__dict__.setdefault("_outer_cache", {})
        key = (id(A), id(Bm), sym)
        hit = cache.get(key)
        if hit is None or hit[0] is not A or hit[1] is not Bm:
            if sym:
                iu = np.triu_indices(A.shape[1])
                P = np.ascontiguousarray(A[:, iu[0]] * A[:, iu[1]])
            else:
                P = np.einsum("ia,ib->iab", A, Bm).reshape(A.shape[0], -1)
            if len(cache) > 8:
                cache.clear()
            hit = cache[key] = (A, Bm, P)
        return hit[2]

    def _svd(self, W, rank_tol):
        key = W       # kept alive in the cache: compared by identity
        cache = getattr(self, "_svd_cache", None)
        if cache is None or cache[0] is not key or cache[5] != rank_tol:
            scale = np.abs(W).max() if W.size else 0.0
            if np.abs(W - W.T).max(initial=0.0) <= 1e-13 * scale:
                # symmetric up to rounding (ring kernels): eigh is faster than svd; the
                # symmetrisation error is far below the rank_tol truncation
                lam, Q = np.linalg.eigh(0.5 * (W + W.T))
                order = np.argsort(-np.abs(lam))
                lam, Vt = lam[order], Q[:, order].T
                s, U = np.abs(lam), Q[:, order] * np.where(lam < 0, -1.0, 1.0)
            else:
                U, s, Vt = np.linalg.svd(W)
            R = int(np.count_nonzero(s > rank_tol * s[0])) if s.size and s[0] > 0 else 0
            if 3 * R > self.n:      # Woodbury costs ~ n (2R)^2: worth it below n/3
                self._svd_cache = (key, None, None, None, None, rank_tol)
            else:
                U, s, Vt = U[:, :R], s[:R], Vt[:R]
                self._svd_cache = (key, U, s, Vt, (np.ascontiguousarray(U * s),
                                                   np.ascontiguousarray(Vt.T)), rank_tol)
        e = self._svd_cache
        return (e[1], e[2], e[3]) + (e[4] if e[4] is not None else (None, None))

    def jacobian(self, x):
        """Exact Jacobians, ``(batch, dim, dim)`` (or ``(dim, dim)`` for one state)."""
        single = np.ndim(x) == 1
        B, X, T, S, P, r, Wt = self._forward(x)
        fX, fS, fT, gX, hX, hT = self._partials(B, X, T, S, P)
        n, m, K = self.n, self.m, len(self._T)
        J = np.zeros((B, m * n, m * n))
        idx = np.arange(n)
        for a in range(m):
            c = [fT[a][k].copy() for k in range(K)]
            for ti, t in enumerate(self.targets):
                W = Wt[t][0]
                if W is None:
                    continue
                for b in range(m):
                    J[:, a * n:(a + 1) * n, b * n:(b + 1) * n] += \
                        fS[a][ti][:, :, None] * W[None] * hX[b][:, None, :]
                for k in range(K):
                    c[k] = c[k] + fS[a][ti] * (hT[k] @ W.T)
            for b in range(m):
                block = J[:, a * n:(a + 1) * n, b * n:(b + 1) * n]
                block[:, idx, idx] += fX[a][b]
                for k in range(K):
                    block += c[k][:, :, None] * gX[k][b][:, None, :]
        return J[0] if single else J


class LowRankJacobian:
    """``J = diag(d) + L M`` (batch ``B``, ``n`` neurons) with structured factors:
    ``L = [diag(a_1) A_1, ..., Lf]`` and ``M^T = [diag(b_1) B_1, ..., Mf]``, where each
    group ``(a, A, b, Bm)`` has per-state scalings ``a, b`` (B, n) of bases ``A, Bm``
    (n, q_g) shared by the batch, and ``Lf, Mf`` (B, n, p) are per-state columns."""

    def __init__(self, d, F, groups, Lf, Mf, outer):
        self.d, self.F, self.groups, self.Lf, self.Mf = d, F, groups, Lf, Mf
        self._outer = outer
        self.B, self.n = d.shape
        self.q = sum(g[1].shape[1] for g in groups) + Lf.shape[2]

    def _side(self, which):
        """The column groups of ``L`` (``'L'``) or ``M^T`` (``'M'``): list of
        ``(scale, basis)`` and the per-state columns."""
        if which == "L":
            return [(g[0], g[1]) for g in self.groups], self.Lf
        return [(g[2], g[3]) for g in self.groups], self.Mf

    def materialise(self, which):
        shared, free = self._side(which)
        cols = [a[:, :, None] * A[None] for a, A in shared] + [free]
        return np.concatenate(cols, axis=2)

    def L(self):
        return self.materialise("L")

    def M(self):
        return np.transpose(self.materialise("M"), (0, 2, 1))

    def tmul(self, which, v):
        """``X^T v`` for ``X`` = ``L`` or ``M^T`` and ``v`` (B, n): (B, q)."""
        shared, free = self._side(which)
        out = [(a * v) @ A for a, A in shared]
        out.append(np.matmul(v[:, None, :], free)[:, 0])
        return np.concatenate(out, axis=1)

    def mul(self, which, u):
        """``X u`` for ``X`` = ``L`` or ``M^T`` and ``u`` (B, q): (B, n)."""
        shared, free = self._side(which)
        out, j = np.zeros((self.B, self.n)), 0
        for a, A in shared:
            q = A.shape[1]
            out += a * (u[:, j:j + q] @ A.T)
            j += q
        return out + np.matmul(free, u[:, j:, None])[:, :, 0]

    def gram(self, wx, wy, w):
        """``X^T diag(w) Y`` (B, q, q) for ``X, Y`` in ``'L'``, ``'M'`` (``M^T``): the
        shared-basis blocks are one GEMM ``(B, n) @ (n, qa*qb)`` each."""
        (sx, fx), (sy, fy) = self._side(wx), self._side(wy)
        sym = wx == wy
        B, q = self.B, self.q
        out = np.empty((B, q, q))
        ox = np.cumsum([0] + [A.shape[1] for _, A in sx])
        oy = np.cumsum([0] + [A.shape[1] for _, A in sy])
        for g, (a, A) in enumerate(sx):
            qa = A.shape[1]
            for h, (b, Bm) in enumerate(sy):
                if sym and h < g:
                    continue
                qb = Bm.shape[1]
                blk = out[:, ox[g]:ox[g + 1], oy[h]:oy[h + 1]]
                wab = w * a * b
                if sym and g == h:
                    iu = np.triu_indices(qa)
                    vals = wab @ self._outer(A, A, True)
                    blk[:, iu[0], iu[1]] = vals
                    blk[:, iu[1], iu[0]] = vals
                else:
                    blk[...] = (wab @ self._outer(A, Bm, False)).reshape(B, qa, qb)
                    if sym:
                        out[:, oy[h]:oy[h + 1], ox[g]:ox[g + 1]] = \
                            np.transpose(blk, (0, 2, 1))
            # shared x free
            if fy.shape[2]:
                t = (w * a)[:, :, None] * fy                       # (B, n, p)
                blk = np.matmul(np.transpose(t, (0, 2, 1)), A)     # (B, p, qa)
                out[:, ox[g]:ox[g + 1], oy[-1]:] = np.transpose(blk, (0, 2, 1))
        if fx.shape[2]:
            for h, (b, Bm) in enumerate(sy):
                if sym:
                    out[:, ox[-1]:, oy[h]:oy[h + 1]] = \
                        np.transpose(out[:, oy[h]:oy[h + 1], ox[-1]:], (0, 2, 1))
                else:
                    t = (w * b)[:, :, None] * fx
                    out[:, ox[-1]:, oy[h]:oy[h + 1]] = \
                        np.matmul(np.transpose(t, (0, 2, 1)), Bm)
            out[:, ox[-1]:, oy[-1]:] = np.matmul(np.transpose(fx, (0, 2, 1)),
                                                 w[:, :, None] * fy)
        return out
