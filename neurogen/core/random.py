"""Random distributions for weights, delays and initial values (drawn in Python, once).

Inside equations, the same names (``Uniform(a, b)``…) are draws made by the generated
code at every step; see :mod:`neurogen.parser.functions`.
"""
from __future__ import annotations

import numpy as np


class RandomDistribution:
    """Base class; ``get_values(n)`` draws ``n`` values (a shape works too)."""

    def _draw(self, rng: np.random.Generator, shape):
        raise NotImplementedError

    def get_values(self, shape, rng: np.random.Generator | None = None) -> np.ndarray:
        own = getattr(self, "rng", None)      # a caller-provided generator wins
        rng = own if own is not None else (rng if rng is not None else np.random.default_rng())
        return np.asarray(self._draw(rng, shape), dtype=float)

    def get_value(self, rng=None) -> float:
        return float(self.get_values(1, rng)[0])

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if k != "rng")
        return f"{type(self).__name__}({args})"


class Uniform(RandomDistribution):
    def __init__(self, min: float, max: float, rng=None):
        self.min, self.max, self.rng = float(min), float(max), rng

    def _draw(self, rng, shape):
        return rng.uniform(self.min, self.max, shape)


class DiscreteUniform(RandomDistribution):
    """Integers in ``[min, max]``, both included (as ANNarchy)."""

    def __init__(self, min: int, max: int, rng=None):
        self.min, self.max, self.rng = int(min), int(max), rng

    def _draw(self, rng, shape):
        return rng.integers(self.min, self.max + 1, shape)


class Normal(RandomDistribution):
    def __init__(self, mu: float, sigma: float, min: float | None = None,
                 max: float | None = None, rng=None):
        self.mu, self.sigma, self.min, self.max, self.rng = mu, sigma, min, max, rng

    def _draw(self, rng, shape):
        return np.clip(rng.normal(self.mu, self.sigma, shape), self.min, self.max) \
            if (self.min is not None or self.max is not None) else rng.normal(self.mu, self.sigma, shape)


class LogNormal(Normal):
    def _draw(self, rng, shape):
        values = rng.lognormal(self.mu, self.sigma, shape)
        return np.clip(values, self.min, self.max) if (self.min is not None or
                                                        self.max is not None) else values


class Exponential(RandomDistribution):
    """Rate ``Lambda`` (mean ``1/Lambda``)."""

    def __init__(self, Lambda: float, min: float | None = None, max: float | None = None,
                 rng=None):
        self.Lambda, self.min, self.max, self.rng = float(Lambda), min, max, rng

    def _draw(self, rng, shape):
        values = rng.exponential(1.0 / self.Lambda, shape)
        return np.clip(values, self.min, self.max) if (self.min is not None or
                                                        self.max is not None) else values
