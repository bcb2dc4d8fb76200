"""Optimizers updating a flat parameter vector in place (BrainPy/optax names).

``lr`` is a number or a schedule (a callable of the step count) such as
:class:`ExponentialDecay`. Gradient clipping by global norm is done by the trainer
(``clip_norm=``) before the update.
"""
from __future__ import annotations

import numpy as np

from ..analysis.optimizers import ExponentialDecay
from .graph import TrainingError

__all__ = ["Adam", "SGD", "ExponentialDecay", "clip_by_norm"]


def _check_lr(lr, who):
    if not callable(lr) and (not np.isfinite(lr) or lr <= 0):
        raise TrainingError(f"{who}: lr must be positive (or a schedule), got {lr!r}")


class _Optimizer:
    def __init__(self, lr):
        _check_lr(lr, type(self).__name__)
        self.lr, self.step_count = lr, 0

    def current_lr(self) -> float:
        return float(self.lr(self.step_count) if callable(self.lr) else self.lr)

    def init(self, theta: np.ndarray):
        self.step_count = 0

    def state(self) -> dict:
        return {"step_count": np.asarray(self.step_count)}

    def load_state(self, state: dict):
        self.step_count = int(state["step_count"])


class SGD(_Optimizer):
    """``theta -= lr * g`` (with ``momentum``: heavy-ball velocity)."""

    def __init__(self, lr=0.01, momentum: float = 0.0):
        super().__init__(lr)
        if not 0 <= momentum < 1:
            raise TrainingError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)

    def init(self, theta):
        super().init(theta)
        self.velocity = np.zeros_like(theta)

    def update(self, theta, grad):
        lr = self.current_lr()
        self.step_count += 1
        if self.momentum:
            self.velocity *= self.momentum
            self.velocity += grad
            theta -= lr * self.velocity
        else:
            theta -= lr * grad

    def state(self):
        return {**super().state(), "velocity": self.velocity}

    def load_state(self, state):
        super().load_state(state)
        self.velocity[...] = state["velocity"]

    def __repr__(self):
        return f"SGD(lr={self.lr!r}, momentum={self.momentum})"


class Adam(_Optimizer):
    """Adam (Kingma & Ba) with bias correction, as PyTorch and BrainPy."""

    def __init__(self, lr=0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.kernel = None    # a compiled update (DifferentiableNetwork.adam), set by Trainer

    def init(self, theta):
        super().init(theta)
        self.m, self.v = np.zeros_like(theta), np.zeros_like(theta)
        self._tmp = np.zeros_like(theta)

    def update(self, theta, grad):
        lr = self.current_lr()
        self.step_count += 1
        b1, b2, tmp = self.beta1, self.beta2, self._tmp
        c1, c2 = 1 - b1 ** self.step_count, 1 - b2 ** self.step_count
        if self.kernel is not None and self.kernel(theta, grad, self.m, self.v, b1, b2,
                                                   float(np.sqrt(c2)), self.eps, lr / c1):
            return        # the same operations in one pass
        self.m *= b1
        self.m += (1 - b1) * grad
        self.v *= b2
        np.multiply(grad, grad, out=tmp)
        tmp *= 1 - b2
        self.v += tmp
        # theta -= lr_t * m / (sqrt(v) + eps_t), bias corrections folded into lr and eps
        np.sqrt(self.v, out=tmp)
        tmp /= np.sqrt(c2)
        tmp += self.eps
        np.divide(self.m, tmp, out=tmp)
        tmp *= lr / c1
        theta -= tmp

    def state(self):
        return {**super().state(), "m": self.m, "v": self.v}

    def load_state(self, state):
        super().load_state(state)
        self.m[...] = state["m"]
        self.v[...] = state["v"]

    def __repr__(self):
        return f"Adam(lr={self.lr!r})"


def clip_by_norm(grad: np.ndarray, max_norm: float) -> float:
    """Scale ``grad`` in place so its global L2 norm is at most ``max_norm``; returns
    the norm before clipping."""
    norm = float(np.sqrt(np.dot(grad, grad)))
    if norm > max_norm:
        grad *= max_norm / norm
    return norm
