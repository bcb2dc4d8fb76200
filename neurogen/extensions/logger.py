"""Logging a simulation for TensorBoard (ANNarchy's ``extensions.tensorboard.Logger``).

A thin layer over ``tensorboardX.SummaryWriter`` (``pip install neurogen[logger]``):
scalars, images, histograms, figures and hyper-parameters, written as tfevents files
under ``logdir/experiment`` (default ``runs/<date>_<host>``), to be read with
``tensorboard --logdir runs``. Use it as a context manager so it is closed::

    with Logger() as logger:
        logger.add_scalar("Accuracy", acc, trial)
"""
from __future__ import annotations

import os
import socket
from datetime import datetime

import numpy as np

from ..errors import NeurogenError
from .optional import MissingExtraError, require

__all__ = ["Logger", "MissingExtraError"]


def _summary_writer():
    return require("tensorboardX", "extensions.logger.Logger",
                   "'neurogen[logger]' (or tensorboardX)").SummaryWriter


def _equalized(img: np.ndarray) -> np.ndarray:
    img = np.asarray(img, dtype=np.float64)
    span = img.max() - img.min()
    return (img - img.min()) / span if span > 0 else np.zeros_like(img)


class Logger:
    """``Logger(logdir="runs/", experiment=None)``: one tensorboard run."""

    def __init__(self, logdir: str = "runs/", experiment: str | None = None):
        writer = _summary_writer()
        self.logdir, self.experiment = str(logdir), experiment
        run = experiment or (datetime.now().strftime("%b%d_%H-%M-%S") + "_"
                             + socket.gethostname())
        self.currentlogdir = os.path.join(self.logdir, run)
        os.makedirs(self.currentlogdir, exist_ok=True)
        self._summary = writer(self.currentlogdir, max_queue=10, flush_secs=10)

    def add_scalar(self, tag: str, value: float, step: int | None = None):
        self._summary.add_scalar(tag, float(value), global_step=step)

    def add_scalars(self, tag: str, value: dict, step: int | None = None):
        """Several curves in one figure: ``{'name': value}``."""
        self._summary.add_scalars(tag, {k: float(v) for k, v in value.items()},
                                  global_step=step)

    def add_image(self, tag: str, img, step: int | None = None, equalize: bool = False):
        """``(H, W)`` grey or ``(H, W, 3)`` colour; 0..255 integers or 0..1 floats
        (``equalize`` rescales min..max to 0..1)."""
        img = np.asarray(img)
        if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] != 3):
            raise NeurogenError(f"Logger.add_image('{tag}'): images are (H, W) or (H, W, 3), "
                                f"got shape {img.shape}")
        if equalize:
            img = _equalized(img)
        self._summary.add_image(tag, img, global_step=step,
                                dataformats="HW" if img.ndim == 2 else "HWC")

    def add_images(self, tag: str, img, step: int | None = None, equalize: bool = False,
                   equalize_per_image: bool = False):
        """A set of images ``(N, H, W)`` or ``(N, H, W, 3)`` (e.g. receptive fields)."""
        img = np.asarray(img)
        if img.ndim == 3:
            img = img[..., None]
        if img.ndim != 4 or img.shape[3] not in (1, 3):
            raise NeurogenError(f"Logger.add_images('{tag}'): images are (N, H, W) or "
                                f"(N, H, W, 3), got shape {img.shape}")
        if equalize:
            img = np.stack([_equalized(i) for i in img]) if equalize_per_image \
                else _equalized(img)
        self._summary.add_images(tag, img, global_step=step, dataformats="NHWC")

    def add_histogram(self, tag: str, hist, step: int | None = None):
        self._summary.add_histogram(tag, np.asarray(hist, dtype=np.float64).reshape(-1),
                                    global_step=step)

    def add_figure(self, tag: str, figure, step: int | None = None, close: bool = True):
        """A Matplotlib figure, drawn to an image."""
        self._summary.add_figure(tag, figure, global_step=step, close=close)

    def add_parameters(self, params: dict, metrics: dict):
        """Hyper-parameters of the run and the metrics they gave (once per run)."""
        self._summary.add_hparams(dict(params), dict(metrics))

    def flush(self):
        self._summary.flush()

    def close(self):
        self._summary.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()
