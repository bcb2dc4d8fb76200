"""Constants: names checked like parameter names, values never cached by name."""
import numpy as np
import pytest

import neurogen as ng
from netutil import make_network


def test_constant_value_reaches_initial_values_of_each_network():
    """The same Neuron parsed with k=1 then with k=5 (issue 11: the parse cache keyed
    on constant names only, so the second network got tau = 1)."""
    neuron = ng.Neuron(parameters="tau = k", equations="r = tau")
    taus = []
    for value in (1.0, 5.0):
        net = make_network()
        ng.Constant("k", value, net=net)
        pop = ng.Population(2, neuron, net=net)
        taus.append(pop.tau.tolist())
    assert taus == [[1.0, 1.0], [5.0, 5.0]]


@pytest.mark.parametrize("name", [
    'k = 0; int rc = system("touch pwned"); const double y', "1k", "k-1", "k\n", "",
    "_hidden", "t", "dt", "sum", "pre", "w"])
def test_constant_names_are_identifiers(name):
    net = make_network()
    with pytest.raises(ng.NeurogenError, match="not a valid constant name"):
        ng.Constant(name, 1.0, net=net)
    assert net.constants == {}


def test_valid_constant_is_usable_and_runtime_data():
    net = make_network()
    gain = ng.Constant("gain", 2.0, net=net)
    pop = ng.Population(3, ng.Neuron(equations="r = gain * 1.5"), net=net)
    net.compile()
    net.step()
    np.testing.assert_array_equal(pop.r, 3.0)
    gain.set(4.0)
    net.step()
    np.testing.assert_array_equal(pop.r, 6.0)


def test_an_attribute_named_like_a_constant_shadows_it():
    """As ANNarchy (its tests define Constant('b') and, in another network of the same
    process, a synapse parameter 'b'): inside that neuron or synapse the attribute wins;
    elsewhere the constant keeps its meaning."""
    ng.Constant("b", 0.2)
    net = ng.Network()
    own = ng.Population(3, ng.Neuron(parameters="b = 0.1", equations="r = b"), net=net)
    other = ng.Population(3, ng.Neuron(equations="r = b"), net=net)
    src = ng.Population(2, ng.Neuron(parameters="r = 1.5"), net=net)
    dst = ng.Population(2, ng.Neuron(equations="r = sum(exc)"), net=net)
    ng.Projection(src, dst, "exc", ng.Synapse(parameters="b = 3.0 : postsynaptic",
                                              psp="b * pre.r"), net=net).connect_one_to_one(1.0)
    net.compile(silent=True)
    net.simulate(2)
    np.testing.assert_array_equal(own.r, 0.1)
    np.testing.assert_array_equal(other.r, 0.2)
    np.testing.assert_array_equal(dst.r, 3.0 * 1.5)
