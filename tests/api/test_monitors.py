"""Monitors: weighted sums, dendrites, times(), start=False, memory refusal."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.models.synapses import Hebb

SRC = ng.Neuron(parameters="I = 0.0", equations="r = I")
DST = ng.Neuron(equations="r = 0.5 * sum(exc)")


@pytest.mark.parametrize("dense", [False, True])
def test_sums_dendrites_and_times(dense):
    net = ng.Network()
    pre, post = net.create(3, SRC), net.create(2, DST)
    syn = None if dense else Hebb
    proj = net.connect(pre, post, "exc", synapse=syn)
    proj.all_to_all(0.5, storage_format="dense" if dense else "csr")
    m_sum = net.monitor(post, ["sum(exc)", "r"])
    m_w = net.monitor(proj.dendrite(1), "w", start=False)
    net.compile()
    if syn is not None:
        proj.eta = 0.1
    pre.I = [1.0, 2.0, 3.0]
    net.simulate(2.0)
    m_w.start()
    net.simulate(3.0)
    m_w.pause()
    net.simulate(1.0)
    sums = m_sum.get("sum(exc)")
    assert sums.shape == (6, 2)
    np.testing.assert_allclose(m_sum.get("r", keep=True)[1:], 0.5 * sums[1:])
    w = m_w.get("w")
    assert w.shape == (3, 3)
    if dense:
        np.testing.assert_array_equal(w, 0.5)
    else:                          # Hebb: dw = eta * pre.r * post.r each step, recorded after
        W = proj.connectivity_matrix()
        assert np.all(np.diff(w, axis=0) > 0) and np.allclose(w[-1] <= W[1], True)
    times = m_w.times()["w"]
    assert times == {"start": [2.0], "stop": [5.0]}


def test_monitor_refuses_what_does_not_fit_in_memory():
    net = ng.Network()
    pop = net.create(1_000_000, SRC)
    m = net.monitor(pop, ["I", "r"])
    net.compile()
    with pytest.raises(ng.NetworkError, match="GiB"):
        net.simulate(10_000_000.0)
    assert m.get("r").shape[0] == 0
    net.simulate(2.0)                       # the network is still usable
    assert m.get("r").shape == (2, 1_000_000)
