"""Losses over time: value and derivative with respect to the outputs.

Outputs are ``(steps, batch, units)``. ``mask`` (``(steps, batch)``, optional) weights
each step of each trial; the loss is the masked mean, so without a mask it is the mean
over every step and trial (as BrainPy's and PyTorch's ``cross_entropy``).
"""
from __future__ import annotations

import difflib

import numpy as np

from .graph import TrainingError


def _mask(mask, shape):
    if mask is None:
        return None
    mask = np.asarray(mask, dtype=np.float64)
    if mask.shape != shape:
        raise TrainingError(f"mask must be shaped {shape} (steps, batch), got {mask.shape}")
    if mask.sum() <= 0:
        raise TrainingError("mask selects no step")
    return mask


def _over_units(op, y):
    """``op``-reduction over the last axis of ``(n, units)``: unit by unit for a few units
    (NumPy's reductions over a short last axis cost ~30 ns per row: 0.13 ms of a 1 ms
    training step of the seed's 3 outputs), NumPy's reduction otherwise."""
    if y.shape[1] > 16:
        return (np.max if op is np.maximum else np.sum)(y, axis=1)
    out = y[:, 0].copy()
    for u in range(1, y.shape[1]):
        op(out, y[:, u], out=out)
    return out


def cross_entropy(outputs, labels, mask=None):
    """Softmax cross-entropy against integer ``labels`` ``(steps, batch)``."""
    y = np.asarray(outputs, dtype=np.float64)
    labels = np.asarray(labels)
    if labels.shape != y.shape[:2]:
        raise TrainingError(f"labels must be shaped {y.shape[:2]} (steps, batch), got "
                            f"{labels.shape}")
    n, units = labels.size, y.shape[2]
    flat = labels.reshape(-1)
    if n and (flat.min() < 0 or flat.max() >= units):
        raise TrainingError(f"labels must lie in [0, {units}) (one per output unit)")
    shifted = y.reshape(n, units) - _over_units(np.maximum, y.reshape(n, units))[:, None]
    grad = np.exp(shifted)
    total = _over_units(np.add, grad)
    grad /= total[:, None]
    picked = np.arange(n) * units + flat          # flat index of each label's output
    nll = np.log(total) - shifted.reshape(-1)[picked]
    grad.reshape(-1)[picked] -= 1.0
    grad = grad.reshape(y.shape)
    m = _mask(mask, labels.shape)
    if m is None:
        grad *= 1.0 / n
        return float(nll.sum() / n), grad
    weight = m.reshape(-1)
    norm = weight.sum()
    grad *= (m / norm)[..., None]
    return float((nll * weight).sum() / norm), grad


def mse(outputs, targets, mask=None):
    """Mean squared error against ``targets`` shaped like the outputs."""
    y = np.asarray(outputs, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if targets.shape != y.shape:
        raise TrainingError(f"targets must be shaped {y.shape} like the outputs, got "
                            f"{targets.shape}")
    m = _mask(mask, y.shape[:2])
    weight = np.ones(y.shape[:2]) if m is None else m
    norm = weight.sum() * y.shape[2]
    diff = y - targets
    return float((weight[..., None] * diff * diff).sum() / norm), \
        2.0 * diff * weight[..., None] / norm


LOSSES = {"cross_entropy": cross_entropy, "mse": mse}


def get_loss(name):
    if callable(name):
        return name
    if name not in LOSSES:
        hint = difflib.get_close_matches(str(name), list(LOSSES), n=1)
        raise TrainingError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}"
                            + (f" (did you mean {hint[0]!r}?)" if hint else ""))
    return LOSSES[name]
