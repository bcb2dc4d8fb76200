"""A trained population's update as a discrete map ``h -> f(h)``, with its exact Jacobian.

For fixed-point analysis of trained networks (Yang & Wang's line attractor): the state
``h`` is the population's variables side by side; inputs are clamped to given values;
``sum(target)`` is ``W r`` over the projections arriving with that target, from the
population itself (through the state) or from a clamped input. The update and its
partial derivatives come from the same sympy expressions as the training kernels, so
the Jacobian is exact (subgradient 0 at a relu kink), and it is evaluated with NumPy::

    J[j, m] = diag(dF_j/dv_m) + [v_m is r] sum_k diag(dF_j/dS_k) W_k

``CellMap`` is vectorised: ``f`` and ``jacobian`` take ``(batch, dim)``; pass
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
        graph, model = trainer.graph, trainer.model
        name = getattr(population, "name", population)
        if name not in [p.name for p in graph.populations]:
            raise TrainingError(f"CellMap: '{name}' is not a trained (non-input) population")
        self.name = name
        k = [p.name for p in graph.populations].index(name)
        spec, step = graph.populations[k], model.steps[k]
        self.variables, self.n = step.variables, spec.size
        self.dim = len(self.variables) * self.n
        values = trainer.values()
        clamp = {getattr(p, "name", p): np.asarray(v, np.float64).reshape(-1)
                 for p, v in (inputs or {}).items()}
        for pname, vec in clamp.items():
            if pname not in graph.inputs:
                raise TrainingError(f"CellMap: '{pname}' is not an input population")
            size = graph.input_sizes[graph.inputs.index(pname)]
            if vec.size != size:
                raise TrainingError(f"CellMap: input '{pname}' takes {size} values, got "
                                    f"{vec.size}")
        # sums: a constant part (clamped inputs) and a matrix acting on this population's r
        self.const, self.recurrent = {}, {}
        for proj in graph.projections:
            if proj.post != name or proj.target not in step.targets:
                continue
            w = values.get(proj.name, proj.weights)
            if proj.pre == name:
                self.recurrent[proj.target] = self.recurrent.get(proj.target, 0) + w
            elif proj.pre in clamp:
                self.const[proj.target] = self.const.get(proj.target, 0) + w @ clamp[proj.pre]
            elif proj.pre in graph.inputs:
                raise TrainingError(f"CellMap: give a value for input '{proj.pre}' "
                                    f"(inputs={{...}})")
            else:
                raise TrainingError(f"CellMap: '{name}' receives '{proj.pre}', another "
                                    "trained population; the map covers one population")
        params = {p: values.get(f"{name}.{p}", spec.params[p]) for p in step.parameters}
        self._env = {"dt": trainer.graph.dt, "t": 0.0, **trainer.graph.constants, **params}
        symbols = [sp.Symbol(v) for v in self.variables] + \
            [sum_symbol(t) for t in step.targets] + [sp.Symbol(p) for p in step.parameters] + \
            [DT, T] + [sp.Symbol(c) for c in sorted(trainer.graph.constants)]
        self._args = symbols
        self._targets = step.targets
        self._f = [sp.lambdify(symbols, step.final[v], modules=_NUMPY) for v in self.variables]
        self._d_var = [[sp.lambdify(symbols, sp.diff(step.final[v], sp.Symbol(u)), _NUMPY)
                        for u in self.variables] for v in self.variables]
        self._d_sum = [[sp.lambdify(symbols, sp.diff(step.final[v], sum_symbol(t)), _NUMPY)
                        for t in step.targets] for v in self.variables]
        self._params = [params[p] for p in step.parameters]
        self._constants = [trainer.graph.constants[c] for c in sorted(trainer.graph.constants)]

    def _inputs(self, h):
        h = np.atleast_2d(np.asarray(h, dtype=np.float64))
        if h.shape[1] != self.dim:
            raise TrainingError(f"CellMap '{self.name}': states have {self.dim} values, got "
                                f"shape {h.shape}")
        state = [h[:, m * self.n:(m + 1) * self.n] for m in range(len(self.variables))]
        r = state[self.variables.index("r")] if "r" in self.variables else None
        sums = []
        for t in self._targets:
            s = np.zeros_like(state[0]) + self.const.get(t, 0.0)
            if t in self.recurrent:
                s = s + r @ np.asarray(self.recurrent[t]).T
            sums.append(s)
        return h, [*state, *sums, *self._params, self._env["dt"], 0.0, *self._constants]

    def __call__(self, h):
        return self.f(h)

    def f(self, h) -> np.ndarray:
        """The state after one step, ``(batch, dim)``."""
        h, args = self._inputs(h)
        return np.concatenate([np.broadcast_to(f(*args), (h.shape[0], self.n))
                               for f in self._f], axis=1)

    def jacobian(self, h) -> np.ndarray:
        """``df/dh`` at each state, ``(batch, dim, dim)``."""
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
