"""ANNarchy's ``Pooling`` projection: max/min/mean of the presynaptic rates over
non-overlapping windows.

Postsynaptic neuron ``(i, j, ...)`` pools the window starting at ``(i * e0, j * e1, ...)``
of extent ``e``; presynaptic axes beyond the postsynaptic ones start at 0, so
``(2, 3, 10) -> (2, 3)`` with extent ``(1, 1, 10)`` pools the last axis. The default
extent is the ratio of the geometries. ``mean`` divides by the window size.
"""
from __future__ import annotations

import numpy as np

from ...errors import ConnectivityError
from . import taps as t
from .shared import SharedProjection


class Pooling(SharedProjection):
    """``Pooling(pre, post, target, psp="pre.r", operation="max", name=None)``."""

    def __init__(self, pre, post, target, psp="pre.r", operation="max", name=None,
                 net=None):
        if operation not in ("max", "min", "mean"):
            from ...errors import NetworkError
            raise NetworkError(f"Pooling: the operation must be 'max', 'min' or 'mean', "
                               f"got {operation!r}")
        super().__init__(pre, post, target, psp, operation, name=name, net=net)
        self.extent = None

    def connect_pooling(self, extent=None, delays=0.0):
        pre_g, post_g = self.pre.geometry, self.post.geometry
        label = f"Pooling '{self.name}'"
        if extent is None:
            if len(pre_g) != len(post_g):
                raise ConnectivityError(f"{label}: without extent= both populations need "
                                        f"the same number of axes, got {pre_g} and {post_g}")
            extent = tuple(p // q for p, q in zip(pre_g, post_g))
            if any(e * q != p for e, p, q in zip(extent, pre_g, post_g)):
                raise ConnectivityError(f"{label}: {pre_g} is not a whole multiple of "
                                        f"{post_g}; give extent=")
        extent = tuple(int(e) for e in np.atleast_1d(extent))
        if len(extent) != len(pre_g) or min(extent) < 1:
            raise ConnectivityError(f"{label}: extent needs one positive size per "
                                    f"presynaptic axis ({len(pre_g)}), got {extent}")
        if len(post_g) > len(pre_g):
            raise ConnectivityError(f"{label}: the postsynaptic population has more axes "
                                    f"than the presynaptic one ({post_g} vs {pre_g})")
        axes = [np.arange(post_g[d]) * extent[d] if d < len(post_g) else np.array([0])
                for d in range(len(pre_g))]
        grid = np.meshgrid(*axes, indexing="ij")
        corners = np.stack([g.reshape(-1) for g in grid], axis=1)
        offsets = np.indices(extent).reshape(len(extent), -1).T
        layout = t.Layout(pre_g, corners, offsets, np.zeros(len(corners), np.int64),
                          np.zeros(len(offsets), np.int64), clamp=False)  # one weight: 1
        self.extent = extent
        size = int(np.prod(extent))
        linear = self.operation == "mean" and self.psp.replace(" ", "") == "pre.r"
        return self._install(np.ones(1), layout, delays, linear, size)

    pooling = connect_pooling
