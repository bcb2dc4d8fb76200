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


def cross_entropy(outputs, labels, mask=None):
    """Softmax cross-entropy against integer ``labels`` ``(steps, batch)``."""
    y = np.asarray(outputs, dtype=np.float64)
    labels = np.asarray(labels)
    if labels.shape != y.shape[:2]:
        raise TrainingError(f"labels must be shaped {y.shape[:2]} (steps, batch), got "
                            f"{labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= y.shape[2]):
        raise TrainingError(f"labels must lie in [0, {y.shape[2]}) (one per output unit)")
    shifted = y - y.max(axis=2, keepdims=True)
    expo = np.exp(shifted)
    total = expo.sum(axis=2, keepdims=True)
    logp = shifted - np.log(total)
    idx = labels[..., None].astype(np.intp)
    nll = -np.take_along_axis(logp, idx, axis=2)[..., 0]
    m = _mask(mask, labels.shape)
    weight = np.ones(labels.shape) if m is None else m
    norm = weight.sum()
    grad = expo / total
    np.put_along_axis(grad, idx, np.take_along_axis(grad, idx, axis=2) - 1.0, axis=2)
    grad *= (weight / norm)[..., None]
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
