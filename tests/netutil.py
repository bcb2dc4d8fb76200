"""Helpers shared by test modules (imported by name; conftest.py files are not)."""
import numpy as np

import neurogen


def make_network(**config):
    """A fresh default network with a fixed seed unless one is given."""
    return neurogen.clear(**{"seed": 1234, **config})


def offset_matrix(geometry, profile, periodic=False):
    """W[i, j] = profile(i - j) (per-axis offsets, wrapped when periodic): the dense matrix
    of a translation-invariant projection, for checking convolution kernels against."""
    idx = np.indices(geometry).reshape(len(geometry), -1).T
    d = idx[:, None, :] - idx[None, :, :]
    if periodic:
        d = np.remainder(d, geometry)
    return profile(d)
