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


def parallel_threshold(code: str, name: str) -> int:
    """The work size from which a generated kernel splits its loops over threads (the
    ``constexpr`` named ``name`` in the generated source)."""
    line = next(ln for ln in code.splitlines() if f"{name} =" in ln)
    return int(line.split("=")[1].split(";")[0])


def steps_against_matrix(net, src, sink, W, steps=4, seed=7):
    """Steps ``net`` with random rates in ``src`` and checks every step's ``sink.r``
    (a sink neuron ``r = sum(exc)``) against NumPy's ``W @ x`` within 1e-12 of the sum of
    absolute terms; returns the rates of every step (to compare runs bit for bit)."""
    rng = np.random.default_rng(seed)
    history = []
    for _ in range(steps):
        x = src.r.reshape(-1).copy()          # what this step's weighted sum reads
        src.baseline = rng.normal(size=src.size).reshape(src.geometry)
        net.step()
        got = sink.r.reshape(-1).copy()
        assert np.abs(got - W @ x).max() <= 1e-12 * (np.abs(W) @ np.abs(x)).max()
        history.append(got)
    return history


def coba_neuron(current="20.0 : population", refractory=5.0):
    """The conductance-based neuron of Brette et al.'s COBA network (ANNarchy's tutorial,
    dimensionless), with the input current's declaration and refractory period given."""
    return neurogen.Neuron(
        parameters="El = -60.0 : population\nVt = -50.0 : population\n"
                   f"tau = 20.0 : population\nI = {current}",
        equations="tau * dv/dt = (El - v) + g_exc * (0.0 - v) + g_inh * (-80.0 - v) + I\n"
                  "5.0 * dg_exc/dt = -g_exc\n10.0 * dg_inh/dt = -g_inh",
        spike="v > Vt", reset="v = El", refractory=refractory)
