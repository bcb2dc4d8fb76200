"""ANNarchy 5's Network API on neurogen's network object."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import NetworkError

LEAKY = ng.Neuron(parameters="tau = 10.0 : population\nI = 0.0",
                  equations="tau * dr/dt + r = I + sum(exc)")


def test_create_connect_monitor_compile_simulate():
    net = ng.Network(dt=0.5, seed=1)
    net.config(num_threads=2, structural_plasticity=False)
    pre = net.create(geometry=4, neuron=LEAKY, name="pre")
    post = net.create(geometry=(2, 2), neuron=LEAKY, name="post")
    proj = net.connect(pre, post, "exc", name="ff")
    proj.connect_one_to_one(weights=2.0)
    m = net.monitor(post, "r")
    net.compile(silent=True)
    pre.I = 1.0
    net.simulate(10.0)
    assert net.current_step == 20 and net.time == 10.0
    assert m.get("r").shape == (20, 2, 2)              # ANNarchy 5: (steps, *geometry)
    assert m.get("r", reshape=False).shape == (0, 4)   # emptied by the get above
    assert net.get_population("post") is post and net.get_projection("ff") is proj
    assert net.get_populations() == [pre, post] and net.get_monitors() == [m]
    assert post.r[0, 0] > 0


class RingNetwork(ng.Network):
    """Built in __init__ without calling super().__init__()."""

    def __init__(self, size):
        self.ring = self.create(geometry=size, neuron=LEAKY, name="ring")
        self.ring.I = np.arange(size, dtype=float)


class SeededNetwork(ng.Network):
    def __init__(self, size, dt=1.0, seed=None):
        super().__init__(dt=dt, seed=seed)
        self.pop = self.create(size, ng.Neuron(equations="r = Uniform(0, 1)"))


def test_subclassed_networks_with_and_without_super():
    a = RingNetwork(5)
    b = RingNetwork(3)
    a.compile()
    b.compile()
    a.simulate(5.0)
    assert a.current_step == 5 and b.current_step == 0
    assert a.ring.size == 5 and b.ring.size == 3
    assert np.all(np.diff(a.ring.r) > 0)
    s1, s2 = SeededNetwork(10, dt=0.1, seed=5), SeededNetwork(10, dt=0.1, seed=5)
    assert s1.dt == 0.1 and s1.seed == 5
    for s in (s1, s2):
        s.compile()
        s.simulate(1.0)
    np.testing.assert_array_equal(s1.pop.r, s2.pop.r)


def test_changing_the_seed_after_compile_changes_the_draws():
    net = SeededNetwork(50, seed=1)
    net.compile()
    net.step()
    first = net.pop.r
    net.reset()
    net.config(seed=2)
    net.step()
    assert not np.array_equal(first, net.pop.r)
    net.reset()
    net.config(seed=1)
    net.step()
    np.testing.assert_array_equal(first, net.pop.r)


def test_simulate_until_stop_condition():
    net = ng.Network(dt=1.0)
    grow = ng.Neuron(parameters="rate = 1.0", equations="dr/dt = rate")
    fast = net.create(3, grow, name="fast", stop_condition="r > 10 : any")
    slow = ng.Population(3, grow, name="slow", net=net, stop_condition="r >= 20")
    fast.rate = [1.0, 0.5, 0.5]
    net.compile()
    assert net.simulate_until(100.0, fast) == 11.0
    assert fast.r[0] == 11.0
    net.reset()
    assert net.simulate_until(100.0, [fast, slow], operator="and") == 20.0
    net.reset()
    assert net.simulate_until(5.0, slow) == 5.0          # max_duration reached
    net.reset()
    assert net.simulate_until(100.0, [fast, slow], operator="or") == 11.0
    net.simulate(50.0)                                     # conditions disarmed again
    assert net.current_step == 61
    with pytest.raises(ng.NetworkError, match="no stop_condition"):
        plain = ng.Network()
        p = plain.create(2, grow)
        plain.compile()
        plain.simulate_until(10.0, p)


def test_reset_selected_objects_and_errors():
    net = ng.Network()
    a = net.create(2, LEAKY, name="a")
    b = net.create(2, LEAKY, name="b")
    proj = net.connect(a, b, "exc")
    proj.connect_all_to_all(weights=ng.Uniform(0.0, 1.0))
    net.compile()
    w0 = proj.connectivity_matrix()
    a.I = b.I = 1.0
    net.simulate(5.0)
    proj.w = 0.0
    net.reset(populations=[a], projections=[proj], synapses=True)
    assert np.all(a.r == 0.0) and np.all(a.I == 0.0)
    assert np.all(b.I == 1.0) and np.all(b.r > 0.0)
    np.testing.assert_array_equal(proj.connectivity_matrix(), w0)
    other = ng.Network()
    stranger = other.create(2, LEAKY)
    with pytest.raises(ng.NetworkError, match="not a population of this network"):
        net.reset(populations=[stranger])
    net.simulate(1.0)                                       # still usable
    with pytest.raises(ng.NetworkError, match="no population named 'c'"):
        net.get_population("c")
    with pytest.raises(ng.NetworkError, match="no projection named"):
        net.get_projection("zz")


def test_functions_are_callable_from_python():
    net = ng.Network()
    neuron = ng.Neuron(equations="r = sigmoid(1.0)", functions="sigmoid(x) = 1 / (1 + exp(-x))\n"
                                                               "ramp(x, a) = pos(x - a)")
    pop = net.create(2, neuron)
    x = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(pop.sigmoid(x), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(pop.ramp(x, 0.5), [0.0, 0.0, 1.5])
    syn = ng.Synapse(equations="dw/dt = f(pre.r)", functions="f(x) = 2 * x")
    proj = net.connect(pop, net.create(2, ng.Neuron(equations="r = sum(exc)")), "exc",
                       synapse=syn)
    assert proj.f(3.0) == 6.0
    with pytest.raises(AttributeError):
        pop.nothing(1.0)


def test_a_subclass_attribute_may_not_replace_a_method():
    """ANNarchy's MultipleNetworks notebook keeps its generator in ``self.rng``: that name
    is free here. One that would replace a method neurogen calls and ANNarchy's Network
    lacks is refused by name; the names both have behave as in ANNarchy."""
    class Trial(ng.Network):
        def __init__(self):
            self.rng = np.random.default_rng(self.seed)
            pop = self.create(4, ng.Neuron(equations="r = 1.0"))
            self.connect(pop, pop, "exc").all_to_all(ng.Uniform(0.0, 1.0, self.rng))

    Trial().compile(silent=True)

    class Clash(ng.Network):
        def __init__(self):
            self.generator_for = 3

    with pytest.raises(NetworkError, match="'generator_for' is a method of neurogen's"):
        Clash()

    class Counter(ng.Network):        # ANNarchy lets an attribute hide step()
        def __init__(self):
            self.step = 0

    assert Counter().step == 0


def test_random_values_set_again_are_drawn_anew_and_reproducibly():
    """ANNarchy draws a distribution anew at each setting (its StructuralPlasticity
    notebook re-draws a view's baselines every trial); the same seed, the same draws."""
    def run():
        net = ng.Network(seed=7)
        pop = net.create(50, ng.Neuron(parameters="b = 0.0"))
        draws = []
        for _ in range(2):
            pop.b = ng.Uniform(0.0, 1.0)
            draws.append(pop.b.copy())
            pop[:10].b = ng.Uniform(0.0, 1.0)
            draws.append(pop.b[:10].copy())
        return draws
    first, again = run(), run()
    assert not np.array_equal(first[0], first[2]) and not np.array_equal(first[1], first[3])
    for x, y in zip(first, again):
        np.testing.assert_array_equal(x, y)
