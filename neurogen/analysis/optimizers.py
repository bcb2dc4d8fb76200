"""The slow-point search's optimizer: BrainPy's form of Adam on NumPy arrays and its
exponentially decaying learning rate (also what the compiled search reproduces)."""
from __future__ import annotations

import numpy as np


class ExponentialDecay:
    """Learning rate ``lr * decay_rate ** (step / decay_steps)``."""

    def __init__(self, lr: float, decay_steps: float, decay_rate: float):
        self.lr, self.decay_steps, self.decay_rate = float(lr), float(decay_steps), \
            float(decay_rate)

    def __call__(self, step: int) -> float:
        return self.lr * self.decay_rate ** (step / self.decay_steps)

    def __repr__(self):
        return f"ExponentialDecay({self.lr}, {self.decay_steps:g}, {self.decay_rate})"


class Adam:
    """Adam on NumPy arrays; ``lr`` is a number or a schedule such as
    :class:`ExponentialDecay` (evaluated at steps 0, 1, 2, ...). BrainPy's form
    (``brainpy.optim.Adam``): ``lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)``,
    ``x -= lr_t * m / (sqrt(v) + eps)``."""

    def __init__(self, lr=0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.step_count = 0

    def init(self, x):
        self.m, self.v, self.step_count = np.zeros_like(x), np.zeros_like(x), 0

    def update(self, x, grad):
        """One step on the whole array: returns the new ``x`` (``x`` is not modified)."""
        x = np.array(x, dtype=np.float64)
        self.apply(x, grad, slice(None), self.begin_step())
        return x

    def begin_step(self) -> float:
        """Advance the step counter; the step size ``lr_t`` of this step."""
        lr = self.lr(self.step_count) if callable(self.lr) else self.lr
        self.step_count += 1
        t = self.step_count
        return lr * np.sqrt(1 - self.beta2 ** t) / (1 - self.beta1 ** t)

    def apply(self, x, grad, rows, lr_t: float):
        """Update ``x[rows]`` in place with ``grad`` (the gradient of those rows) and
        the moments of those rows: the batch can be stepped through in cache-sized
        row blocks."""
        b1, b2 = self.beta1, self.beta2
        m, v = self.m[rows], self.v[rows]
        m *= b1
        m += (1 - b1) * grad
        v *= b2
        v += (1 - b2) * (grad * grad)
        denom = np.sqrt(v)
        denom += self.eps
        step = np.divide(m, denom, out=denom)
        step *= lr_t
        x[rows] -= step

    def __repr__(self):
        return f"Adam(lr={self.lr!r})"
