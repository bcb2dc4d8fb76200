"""Population views: indexing, attributes, concatenation, projections and monitors."""
import numpy as np
import pytest

import neurogen as ng

SRC = ng.Neuron(parameters="I = 0.0", equations="r = I")
DST = ng.Neuron(equations="r = sum(exc)")


def test_views_read_and_write_the_selected_neurons():
    net = ng.Network()
    pop = net.create((4, 5), SRC)
    row = pop[2, :]
    assert row.size == 5 and row.ranks.tolist() == list(range(10, 15))
    row.I = 1.0
    assert pop.I[2].tolist() == [1.0] * 5 and pop.I.sum() == 5.0
    first = pop[:1]
    assert first.size == 5
    n = pop.neuron(3, 4)
    assert n.rank == 19 and n.I == 0.0
    n.I = 7.0
    assert pop.I[3, 4] == 7.0 and pop[3, 4].I == 7.0
    both = pop[0, :2] + pop.neuron(19)
    assert both.ranks.tolist() == [0, 1, 19]
    np.testing.assert_array_equal(both.I, [0.0, 0.0, 7.0])
    with pytest.raises(ng.NetworkError, match="outside the geometry"):
        pop[5, 0]
    with pytest.raises(ng.ShapeError):
        row.I = [1.0, 2.0]


def test_projections_between_views_and_monitors_on_views():
    net = ng.Network()
    src = net.create(6, SRC, name="src")
    dst = net.create(6, DST, name="dst")
    proj = net.connect(src[0:3], dst[3:6], "exc")
    proj.connect_one_to_one(weights=2.0)
    rec = net.create(3, ng.Neuron(equations="r = sum(inh)"), name="rec")
    loop = net.connect(rec[0:2], rec[0:3], "inh").all_to_all(1.0)  # one population: no i -> i
    m = net.monitor(dst[3:6], "r")
    net.compile()
    assert proj.post_ranks == [3, 4, 5] and proj.pre_ranks == [[0], [1], [2]]
    assert loop.pre_ranks == [[1], [0], [0, 1]]
    src.I = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    net.step(); net.step()
    np.testing.assert_array_equal(dst.r, [0, 0, 0, 2.0, 4.0, 6.0])
    np.testing.assert_array_equal(dst.sum("exc"), [0, 0, 0, 2.0, 4.0, 6.0])
    np.testing.assert_array_equal(dst[3:6].sum("exc"), [2.0, 4.0, 6.0])
    assert m.get("r").shape == (2, 3)
    with pytest.raises(ng.ConnectivityError, match="views"):
        net2 = ng.Network()
        p = net2.create((3, 3), DST)
        net2.connect(p[0, :], p, "exc").connect_gaussian(1.0, 0.5)
