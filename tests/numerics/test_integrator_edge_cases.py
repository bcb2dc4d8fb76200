"""Integrators on ODEs at the edge of their assumptions."""
import numpy as np
import pytest

import neurogen as ng
from netutil import make_network

# every test runs on each backend that can run here
pytestmark = pytest.mark.usefixtures("paradigm")


@pytest.mark.parametrize("method", ["exponential", "implicit", "explicit", "midpoint", "rk4"])
def test_constant_rate_integrates_to_a_line(method):
    """dr/dt = c has no decay term: the exponential scheme's -A/B is 0/0 there (issue 11:
    it generated NAN). The exact solution is r(t) = c t for every method."""
    net = make_network(dt=0.5)
    pop = ng.Population(2, ng.Neuron(parameters="c = 1.5",
                                     equations=f"dr/dt = c : {method}"), net=net)
    net.compile()
    net.simulate(10.0)
    np.testing.assert_allclose(pop.r, 15.0, rtol=1e-14)
