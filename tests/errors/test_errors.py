"""Bad input gives a NeurogenError naming the object and quoting the equation, never a
raw sympy/jinja2/compiler traceback, and leaves the network usable."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.toolchain import builder
from netutil import make_network


def test_model_error_at_population_creation_names_neuron_and_equation():
    net = make_network()
    bad = ng.Neuron(equations="tau * dr/dt + r = sum(exc) + bogus", name="FieldNeuron")
    with pytest.raises(ng.UnknownNameError) as info:
        ng.Population(10, bad, net=net)
    text = str(info.value)
    assert "FieldNeuron" in text and "equations line 1" in text
    assert "tau * dr/dt + r = sum(exc) + bogus" in text
    assert text.splitlines()[-1].strip() == "^^^^^"
    assert "bogus" in text


def test_ode_not_solvable_for_its_derivative():
    with pytest.raises(ng.ODEError, match="not linear in dr/dt"):
        ng.Population(2, ng.Neuron(equations="exp(dr/dt) = 1"), net=make_network())


def test_unconnected_projection_and_incompatible_connector():
    net = make_network()
    a = ng.Population(3, ng.Neuron(equations="r = 1"), name="A", net=net)
    b = ng.Population(4, ng.Neuron(equations="r = sum(exc)"), name="B", net=net)
    proj = ng.Projection(a, b, "exc", net=net)
    with pytest.raises(ng.ConnectivityError, match="same size.*'A' \\(3\\).*'B' \\(4\\)"):
        proj.connect_one_to_one(1.0)
    with pytest.raises(ng.NetworkError, match="has no connector"):
        net.compile()
    proj.connect_all_to_all(0.5)            # still usable after the errors
    net.compile()
    net.simulate(2.0)
    np.testing.assert_allclose(b.r, 1.5)


def test_gaussian_to_a_population_with_fewer_dimensions():
    net = make_network()
    a = ng.Population((4, 4), ng.Neuron(equations="r = 1"), net=net)
    b = ng.Population(16, ng.Neuron(equations="r = sum(exc)"), net=net)
    with pytest.raises(ng.ConnectivityError, match="dimensions"):
        ng.Projection(a, b, "exc", net=net).connect_gaussian(1.0, 0.2)


def test_wrong_shape_on_assignment_names_population():
    pop = ng.Population((2, 5), ng.Neuron(parameters="x = 0"), name="P", net=make_network())
    with pytest.raises(ng.ShapeError, match="'P'.*\\(5, 2\\).*'x'.*\\(2, 5\\)"):
        pop.x = np.zeros((5, 2))


def test_simulate_before_compile_and_bad_setup():
    net = make_network()
    ng.Population(2, ng.Neuron(equations="r = 1"), net=net)
    with pytest.raises(ng.NetworkError, match="compile"):
        net.simulate(10)
    with pytest.raises(ng.NetworkError, match="precision"):
        net.setup(precision="half")
    with pytest.raises(ng.NetworkError, match="unknown paradigm 'opencl'"):
        net.setup(paradigm="opencl")


def test_compiler_failure_shows_first_error_and_keeps_sources(monkeypatch):
    """A C++ error (simulated by corrupting the rendered source) is reported with the
    compiler's first error line and the folder holding the generated files."""
    real_build = builder.build

    def broken_build(cpp, pyx, **kw):
        return real_build(cpp.replace("return nsteps;", "return nsteps + undefined_thing;"),
                          pyx, **kw)
    monkeypatch.setattr("neurogen.toolchain.builder.build", broken_build)
    net = make_network()
    ng.Population(2, ng.Neuron(equations="r = 2"), net=net)
    with pytest.raises(ng.BuildError) as info:
        net.compile()
    text = str(info.value)
    assert "undefined_thing" in text and "error" in text
    kept = info.value.sources
    assert kept and (__import__("pathlib").Path(kept) / "network.cpp").exists()
    monkeypatch.setattr("neurogen.toolchain.builder.build", real_build)
    net.compile()                       # the network is still usable once fixed
    net.step()


def test_no_cpp_injection_through_names():
    with pytest.raises(ng.ModelError):
        ng.Population(1, ng.Neuron(equations='r = 1; system("ls")'), net=make_network())
    with pytest.raises(ng.ModelError):
        ng.Population(1, ng.Neuron(parameters="x; int y = 0", equations="r = 1"),
                      net=make_network())
