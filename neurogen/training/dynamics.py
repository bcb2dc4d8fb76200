"""A trained population's update as a discrete map ``h -> f(h)``, with its exact Jacobian.

For fixed-point analysis of trained networks (Yang & Wang's line attractor): the state
``h`` is the population's variables side by side; inputs are clamped to given values;
``sum(target)`` is ``W r`` over the projections arriving with that target, from the
population itself (through the state) or from a clamped input. The update and its
partial derivatives come from the same sympy expressions as the training kernels, so
the Jacobian is exact (subgradient 0 at a relu kink), and it is evaluated with NumPy::

    J[j, m] = diag(dF_j/dv_m) + [v_m is r] sum_k diag(dF_j/dS_k) W_k

``CellMap`` is vectorised: ``f`` and ``jacobian`` take stacked states ``(n, dim)``; pass
``SlowPointFinder(cell, f_type='discrete', f_jac=cell.jacobian, vectorized=True)``.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .graph import TrainingError
from .symbolic import DT, T, sum_symbol

_NUMPY = [{"Heaviside": lambda x, *_: (np.asarray(x) > 0).astype(np.float64),
           "sign": np.sign}, "numpy"]


class CellMap:
    """``CellMap(trainer, population, inputs={inp: [1, .5, .5]})`` (see module doc)."""

    def __init__(self, trainer, population, inputs: dict | None = None):
        problem, model = trainer.problem, trainer.model
        updated = [p.id for p in problem.updated]
        name = getattr(population, "name", population)
        if name not in [problem.pop_names[k] for k in updated]:
            raise TrainingError(f"CellMap: '{name}' is not a trained (non-input) population")
        self.name, pop = name, problem.pop_names.index(name)
        step = model.steps[updated.index(pop)]
        self._step, self._problem, self._searches = step, problem, {}
        self.variables, self.n = step.variables, problem.ir.populations[pop].size
        self.dim = len(self.variables) * self.n
        values = trainer.values()
        clamp = {}
        for p, v in (inputs or {}).items():
            k, vec = problem.population_id(p), np.asarray(v, np.float64).reshape(-1)
            if k not in problem.inputs:
                raise TrainingError(f"CellMap: '{problem.pop_names[k]}' is not an input "
                                    "population")
            size = problem.ir.populations[k].size
            if vec.size != size:
                raise TrainingError(f"CellMap: input '{problem.pop_names[k]}' takes {size} "
                                    f"values, got {vec.size}")
            clamp[k] = vec
        # sums: a constant part (clamped inputs) and a matrix acting on this population's r
        self.const, self.recurrent = {}, {}
        for proj in problem.ir.projections:
            target = problem.target(proj)
            if proj.post != pop or target not in step.targets:
                continue
            w = problem.dense_weights(proj.id, values.get(problem.key(proj.id)))
            if proj.pre == pop:
                self.recurrent[target] = self.recurrent.get(target, 0) + w
            elif proj.pre in clamp:
                self.const[target] = self.const.get(target, 0) + w @ clamp[proj.pre]
            elif proj.pre in problem.inputs:
                raise TrainingError(f"CellMap: give a value for input "
                                    f"'{problem.pop_names[proj.pre]}' (inputs={{...}})")
            else:
                raise TrainingError(f"CellMap: '{name}' receives "
                                    f"'{problem.pop_names[proj.pre]}', another trained "
                                    "population; the map covers one population")
        params = {p: values.get(problem.key((pop, p)), problem.values.params[(pop, p)])
                  for p in step.parameters}
        constants = problem.values.constants
        self._env = {"dt": problem.dt, "t": 0.0, **constants, **params}
        symbols = [sp.Symbol(v) for v in self.variables] + \
            [sum_symbol(t) for t in step.targets] + [sp.Symbol(p) for p in step.parameters] + \
            [DT, T] + [sp.Symbol(c) for c in sorted(constants)]
        self._args = symbols
        self._targets = step.targets
        self._f = [sp.lambdify(symbols, step.final[v], modules=_NUMPY) for v in self.variables]
        self._d_var = [[sp.lambdify(symbols, sp.diff(step.final[v], sp.Symbol(u)), _NUMPY)
                        for u in self.variables] for v in self.variables]
        self._d_sum = [[sp.lambdify(symbols, sp.diff(step.final[v], sum_symbol(t)), _NUMPY)
                        for t in step.targets] for v in self.variables]
        self._params = [params[p] for p in step.parameters]
        self._constants = [constants[c] for c in sorted(constants)]

    def __call__(self, h):
        return self.f(h)

    def f(self, h) -> np.ndarray:
        """The state after one step, ``(n, dim)`` (``n`` states)."""
        h, args = self._inputs(h)
        return np.concatenate([np.broadcast_to(f(*args), (h.shape[0], self.n))
                               for f in self._f], axis=1)

    def value_and_vjp(self, h):
        """``(f(h), vjp)`` for a batch of states ``(B, dim)``: ``vjp(v)`` is ``J(h)^T v``
        for each state, without forming the ``(B, dim, dim)`` Jacobians (what a slow-point
        search over thousands of states needs): ``sum_j a_jm v_j`` plus, for ``r``,
        ``sum_k (b_jk v_j) W_k`` (``a``: derivatives in the variables, ``b``: in the
        weighted sums, ``W_k`` the recurrent weights)."""
        h, args = self._inputs(h)
        B, n, nv = h.shape[0], self.n, len(self.variables)
        f = np.concatenate([np.broadcast_to(fj(*args), (B, n)) for fj in self._f], axis=1)
        a = [[self._d_var[j][m](*args) for m in range(nv)] for j in range(nv)]
        W = self._weights()[0]
        b = [[self._d_sum[j][s](*args) if W[s] is not None else None
              for s in range(len(self._targets))] for j in range(nv)]
        r = self.variables.index("r") if "r" in self.variables else None

        def vjp(v):
            v = np.asarray(v, dtype=np.float64).reshape(B, nv * n)
            out = np.zeros((B, nv * n))
            for m in range(nv):
                block = out[:, m * n:(m + 1) * n]
                for j in range(nv):
                    vj = v[:, j * n:(j + 1) * n]
                    block += a[j][m] * vj
                    if m == r:
                        for s, Wk in enumerate(W):
                            if Wk is not None:
                                block += (b[j][s] * vj) @ Wk
            return out
        return f, vjp

    def adam_search(self, f_type: str = "discrete", precision: str = "double",
                    rows: int = 16):
        """BrainPy's Adam slow-point search on this map as a compiled kernel
        (:class:`~neurogen.training.cell_kernel.AdamSearch`, built once per setting)."""
        key = (f_type, precision, int(rows))
        if key not in self._searches:
            from .cell_kernel import AdamSearch
            self._searches[key] = AdamSearch(self, f_type, precision, rows)
        return self._searches[key]

    @property
    def cell_step(self):
        """The population's differentiable step (its sympy map, parameters, targets)."""
        return self._step

    @property
    def problem(self):
        """The trainer's problem the map was taken from (values, backend, toolchain)."""
        return self._problem

    @property
    def targets(self) -> tuple:
        return tuple(self._targets)

    @property
    def parameter_values(self) -> list:
        """The step's parameter values, in ``cell_step.parameters`` order."""
        return list(self._params)

    @property
    def dt(self) -> float:
        return self._env["dt"]

    def weights(self):
        return self._weights()

    def _weights(self):
        """The recurrent matrices by target (None where none) and their transposes, as
        contiguous arrays, made once (the products then read rows)."""
        if not hasattr(self, "_contiguous"):
            W = [np.ascontiguousarray(self.recurrent[t], dtype=np.float64)
                 if t in self.recurrent else None for t in self._targets]
            self._contiguous = (W, [None if w is None else np.ascontiguousarray(w.T)
                                    for w in W])
        return self._contiguous

    def _inputs(self, h):
        """The states as an array and the arguments of the lambdified expressions (the
        sums from contiguous transposed weights)."""
        h = np.atleast_2d(np.asarray(h, dtype=np.float64))
        if h.shape[1] != self.dim:
            raise TrainingError(f"CellMap '{self.name}': states have {self.dim} values, got "
                                f"shape {h.shape}")
        nv, n = len(self.variables), self.n
        state = [h[:, m * n:(m + 1) * n] for m in range(nv)]
        r = state[self.variables.index("r")] if "r" in self.variables else None
        sums = []
        for t, WT in zip(self._targets, self._weights()[1]):
            k = np.asarray(self.const.get(t, 0.0), dtype=np.float64)
            if WT is None or r is None:
                sums.append(np.broadcast_to(k, (h.shape[0], n)))
            else:
                S = r @ WT
                if np.any(k):
                    S += k
                sums.append(S)
        return h, [*state, *sums, *self._params, self._env["dt"], 0.0, *self._constants]

    def jacobian(self, h) -> np.ndarray:
        """``df/dh`` at each state, ``(n, dim, dim)``."""
        h, args = self._inputs(h)
        B, n = h.shape[0], self.n
        J = np.zeros((B, self.dim, self.dim))
        eye = np.arange(n)
        for j in range(len(self.variables)):
            rows = slice(j * n, (j + 1) * n)
            for m, u in enumerate(self.variables):
                d = np.broadcast_to(self._d_var[j][m](*args), (B, n))
                J[:, j * n + eye, m * n + eye] += d
                if u == "r":
                    for s, t in enumerate(self._targets):
                        if t in self.recurrent:
                            ds = np.broadcast_to(self._d_sum[j][s](*args), (B, n))
                            J[:, rows, m * n:(m + 1) * n] += \
                                ds[:, :, None] * np.asarray(self.recurrent[t])[None]
        return J
