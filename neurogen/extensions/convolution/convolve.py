"""ANNarchy's ``Convolution`` projection: one shared filter, or a bank of filters.

Like ANNarchy, the operation is a cross-correlation, ``sum_k h(k) f(x + k)``, computed
for every postsynaptic neuron with the filter centred on a presynaptic position:

* ``connect_filter(w)``: kernel and populations of the same dimension, (N, M) * (3, 3)
  -> (N, M); a post population with one axis less than the pre one when the kernel's
  last axis spans the pre one's, (N, M, C) * (3, 3, C) -> (N, M); with
  ``keep_last_dimension=True`` a kernel with one axis less is applied to each plane of the
  last axis, (N, M, C) * (3, 3) -> (N, M, C).
* ``connect_filters(bank)``: ``bank[f]`` is filter ``f``, the last post axis indexes the
  filters, (N, M) * (F, 3, 3) -> (N, M, F).

A presynaptic axis ``s`` times longer than the postsynaptic one is sub-sampled by ``s``;
``subsampling=`` gives the centre of each postsynaptic position explicitly. Outside the
presynaptic population rates are ``padding`` (0.0; ``'border'`` repeats the border);
``max``/``min`` skip taps outside. ``mean`` divides by the filter size.
"""
from __future__ import annotations

import numpy as np

from ...errors import ConnectivityError
from . import taps as t
from .shared import DEFAULT_PSP, SharedProjection


class Convolution(SharedProjection):
    """``Convolution(pre, post, target, psp="pre.r * w", operation="sum", name=None)``."""

    def __init__(self, pre, post, target, psp="pre.r * w", operation="sum", name=None,
                 net=None):
        super().__init__(pre, post, target, psp, operation, name=name, net=net)
        self.keep_last_dimension, self.padding, self.subsampling = False, 0.0, None
        self.multiple = False

    def _label(self) -> str:
        return f"Convolution '{self.name}'"

    def _check_padding(self, padding):
        if isinstance(padding, str):
            if padding != "border":
                raise ConnectivityError(f"{self._label()}: padding must be a number or "
                                        f"'border', got {padding!r}")
            return True
        if float(padding) != 0.0 and self.operation in ("sum", "mean"):
            raise ConnectivityError(
                f"{self._label()}: padding={padding!r} is not supported yet (0.0 and "
                "'border' are); pad the presynaptic population instead")
        return False

    def connect_filter(self, weights, delays=0.0, keep_last_dimension=False, padding=0.0,
                       subsampling=None):
        """Apply one filter (same for every postsynaptic neuron)."""
        weights = np.asarray(weights, dtype=np.float64)
        pre_g, post_g = self.pre.geometry, self.post.geometry
        label = self._label()
        if weights.ndim > len(pre_g):
            raise ConnectivityError(f"{label}: a kernel with more dimensions ({weights.ndim}) "
                                    "than the presynaptic population is a bank of filters: "
                                    "use connect_filters()")
        if weights.ndim < len(pre_g):
            if not keep_last_dimension or weights.ndim != len(pre_g) - 1:
                raise ConnectivityError(
                    f"{label}: the kernel has {weights.ndim} dimensions, the presynaptic "
                    f"population {len(pre_g)}: set keep_last_dimension=True to convolve "
                    "each plane of the last axis (the kernel then has one axis less)")
            if pre_g[-1] != post_g[-1]:
                raise ConnectivityError(f"{label}: with keep_last_dimension=True both "
                                        "populations need the same last axis, got "
                                        f"{pre_g} and {post_g}")
        if len(post_g) < len(pre_g) and not keep_last_dimension \
                and weights.shape[-1] != pre_g[-1]:
            raise ConnectivityError(f"{label}: the postsynaptic population has fewer axes "
                                    "than the presynaptic one, so the kernel's last axis "
                                    f"must span the presynaptic last axis ({pre_g[-1]})")
        clamp = self._check_padding(padding)
        kernel_shape = weights.shape + ((pre_g[-1],) if weights.ndim < len(pre_g) else ())
        coords = t.centres(pre_g, post_g, kernel_shape, label, keep_last=keep_last_dimension,
                           subsampling=subsampling)
        offsets, entry = t.kernel_taps(weights.shape)
        if weights.ndim < len(pre_g):     # the kept last axis is not convolved
            offsets = np.concatenate([offsets, np.zeros((len(entry), 1), int)], axis=1)
        self.keep_last_dimension, self.padding = keep_last_dimension, padding
        self.subsampling, self.multiple = subsampling, False
        layout = t.Layout(pre_g, coords, offsets, np.zeros(len(coords), np.int64), entry,
                          clamp and self.operation in ("sum", "mean"))
        return self._finish(weights, layout, weights.size, delays)

    def connect_filters(self, weights, delays=0.0, keep_last_dimension=False, padding=0.0,
                        subsampling=None):
        """Apply a bank of filters: ``weights[f]`` is filter ``f``, written into the last
        axis of the postsynaptic population."""
        weights = np.asarray(weights, dtype=np.float64)
        pre_g, post_g = self.pre.geometry, self.post.geometry
        label = self._label()
        if keep_last_dimension:
            raise ConnectivityError(f"{label}: keep_last_dimension is not available for a "
                                    "bank of filters (the last post axis indexes filters)")
        if weights.ndim != len(pre_g) + 1:
            raise ConnectivityError(f"{label}: a bank of filters has one dimension more "
                                    f"than the presynaptic population ({len(pre_g) + 1}), "
                                    f"got shape {weights.shape}")
        if post_g[-1] != weights.shape[0]:
            raise ConnectivityError(f"{label}: the last axis of the postsynaptic population "
                                    f"({post_g[-1]}) must have one neuron per filter "
                                    f"({weights.shape[0]})")
        clamp = self._check_padding(padding)
        single = weights.shape[1:]
        positions = t.centres(pre_g, post_g, single, label, bank=True, subsampling=subsampling)
        n_filters = weights.shape[0]
        coords = np.repeat(positions, n_filters, axis=0)     # the filter is the last axis
        offsets, entry = t.kernel_taps(single)
        self.keep_last_dimension, self.padding = False, padding
        self.subsampling, self.multiple = subsampling, True
        row_filter = np.tile(np.arange(n_filters, dtype=np.int64), len(positions))
        layout = t.Layout(pre_g, coords, offsets, row_filter,
                          (np.arange(n_filters)[:, None] * len(entry) + entry).reshape(-1),
                          clamp and self.operation in ("sum", "mean"))
        return self._finish(weights, layout, int(np.prod(single)), delays)

    def _finish(self, weights, layout, filter_size, delays):
        if layout.coords.shape[0] != self.post.size:
            raise ConnectivityError(f"{self._label()}: {layout.coords.shape[0]} filter "
                                    f"positions for {self.post.size} postsynaptic neurons")
        linear = self.psp.replace(" ", "") in {p.replace(" ", "") for p in DEFAULT_PSP} \
            and self.operation in ("sum", "mean")
        return self._install(weights, layout, delays, linear, filter_size)

    def connect_copy(self, projection):
        raise ConnectivityError(f"{self._label()}: connect_copy is not available yet; "
                                "connect the same filter with connect_filter()")
