"""Populations, monitors and the classic global API, as a script uses them."""
import numpy as np
import pytest

import neurogen as ng
from netutil import make_network

LEAKY = ng.Neuron(parameters="tau = 10.0 : population\nI = 0.0",
                  equations="tau * dr/dt + r = I : init=0.25")


def test_attributes_before_and_after_compile():
    net = make_network()
    pop = ng.Population((3, 4, 2), LEAKY, net=net)
    assert pop.size == 24 and pop.dimension == 3
    assert pop.r.shape == (3, 4, 2) and np.all(pop.r == 0.25)
    assert pop.tau == 10.0
    pop.I = np.arange(24).reshape(3, 4, 2)
    pop.tau = 5.0
    net.compile()
    assert pop.tau == 5.0
    np.testing.assert_array_equal(pop.I.ravel(), np.arange(24))
    pop.I = 1.0                      # scalar broadcast
    np.testing.assert_array_equal(pop.I, 1.0)
    pop.I = np.arange(24)            # flat also accepted
    with pytest.raises(ng.ShapeError, match="shape"):
        pop.I = np.zeros((4, 3, 2))
    with pytest.raises(ng.ShapeError):
        pop.tau = [1.0, 2.0]
    copy = pop.r
    copy[...] = 9.0                  # reading gives a copy
    assert np.all(pop.r == 0.25)
    pop.view("r")[0, 0, 0] = 7.0     # view gives the live buffer
    assert pop.r[0, 0, 0] == 7.0
    with pytest.raises(AttributeError, match="no attribute"):
        pop.nothing


def test_random_initialisation_and_coordinates():
    net = make_network()
    pop = ng.Population((4, 5), LEAKY, net=net)
    pop.I = ng.Uniform(0.0, 1.0)
    values = pop.I
    assert values.shape == (4, 5) and 0 <= values.min() and values.max() < 1
    assert len(np.unique(values)) == 20
    assert pop.rank_from_coordinates((2, 3)) == 13
    assert pop.coordinates_from_rank(13) == (2, 3)
    with pytest.raises(ng.NetworkError):
        pop.rank_from_coordinates((4, 0))


def test_reset_restores_compile_time_values_and_time():
    net = make_network()
    pop = ng.Population(5, LEAKY, net=net)
    pop.I = 1.0
    net.compile()
    net.simulate(10.0)
    assert net.get_time() == 10.0 and net.get_current_step() == 10
    assert pop.r[0] != 0.25
    net.reset()
    assert net.get_time() == 0.0
    np.testing.assert_array_equal(pop.r, 0.25)
    np.testing.assert_array_equal(pop.I, 1.0)


def test_monitor_shapes_period_pause_resume_and_growth():
    net = make_network(dt=0.5)
    pop = ng.Population((2, 3), LEAKY, net=net)
    pop.I = 1.0
    m_all = ng.Monitor(pop, ["r", "tau"], net=net)
    net.compile()
    m_slow = ng.Monitor(pop, "r", period=2.0, net=net)     # created after compile
    net.simulate(10.0)                                     # 20 steps
    assert m_all.get("r", keep=True, reshape=False).shape == (20, 6)   # ANNarchy 4's
    r = m_all.get("r", keep=True)                       # ANNarchy 5: (steps, *geometry)
    assert r.shape == (20, 2, 3)
    assert m_all.get("tau").shape == (20,)
    tau = 10.0
    expected = 1.0 + (0.25 - 1.0) * (1 - 0.5 / tau) ** np.arange(1, 21)
    np.testing.assert_allclose(r[:, 0, 0], expected, rtol=1e-13)
    slow = m_slow.get("r", reshape=True)
    assert slow.shape == (5, 2, 3)
    np.testing.assert_array_equal(slow, r[::4])
    assert m_all.get("r").shape == (20, 2, 3) and m_all.get("r", reshape=False).shape == (0, 6)
    m_all.pause()
    net.simulate(5.0)
    m_all.resume()
    for _ in range(300):             # step() grows the buffers as needed
        net.step()
    assert m_all.get("r", reshape=False).shape == (300, 6)


def test_classic_api_on_the_default_network():
    ng.clear()
    ng.setup(dt=0.1, seed=3)
    pop = ng.Population(4, LEAKY, name="leaky")
    assert ng.get_population("leaky") is pop
    ng.compile()
    ng.simulate(1.0)
    assert ng.get_current_step() == 10 and ng.get_time() == pytest.approx(1.0)
    ng.step()
    assert ng.get_current_step() == 11
    ng.reset()
    assert ng.get_time() == 0.0
    with pytest.raises(ng.NetworkError, match="no population named"):
        ng.get_population("missing")
    with pytest.raises(ng.NetworkError, match="after compile"):
        ng.Population(2, LEAKY)


def test_two_networks_do_not_interfere():
    a, b = make_network(), make_network()
    pa, pb = ng.Population(3, LEAKY, net=a), ng.Population(3, LEAKY, net=b)
    pa.I, pb.I = 1.0, -1.0
    a.compile()
    b.compile()
    a.simulate(5.0)
    b.simulate(2.0)
    assert a.get_current_step() == 5 and b.get_current_step() == 2
    assert pa.r[0] > 0.25 > pb.r[0]


def test_constants_are_runtime_values():
    net = make_network()
    g = ng.Constant("g", 2.0, net=net)
    pop = ng.Population(2, ng.Neuron(equations="r = g * 3"), net=net)
    net.compile()
    net.step()
    np.testing.assert_array_equal(pop.r, 6.0)
    g.set(5.0)
    net.step()
    np.testing.assert_array_equal(pop.r, 15.0)
    assert float(g) == 2.0 and g.value == 5.0
