"""report(): LaTeX and Markdown descriptions of a network, read from the parsed models."""
import numpy as np
import pytest

import neurogen
from neurogen import Neuron, Synapse, Uniform
from neurogen.errors import NetworkError
from neurogen.extensions.convolution import Convolution

LEAKY = Neuron(name="Leaky", description="A leaky integrator.",
               parameters="tau = 10.0 : population\nbaseline = 1.0",
               equations="""tau * dmp/dt + mp = sum(exc) + baseline + Uniform(-0.1, 0.1)
                            r = pos(mp)""")
OJA = Synapse(name="Oja", parameters="eta = 10.0\nalpha = 0.5 : postsynaptic",
              equations="eta * dw/dt = pre.r * post.r - alpha * post.r^2 * w : min=0.0")


def _network():
    net = neurogen.Network()
    inp = net.create(geometry=(4, 4), neuron=Neuron(name="Input",
                                                    parameters="r = 0.0"), name="inp")
    out = net.create(geometry=(4, 4), neuron=LEAKY, name="out_pop")
    out.baseline = np.linspace(0, 1, 16)
    net.connect(inp, out, "exc", synapse=OJA, name="learned").connect_all_to_all(
        Uniform(0.0, 0.5))
    net.connect(Convolution(inp, out, "exc", name="edges")).connect_filter(np.eye(3))
    net.monitor(out, "r")
    return net


@pytest.mark.parametrize("suffix", [".md", ".tex"])
def test_report_names_every_part(tmp_path, suffix):
    path = tmp_path / ("model" + suffix)
    text = neurogen.report(network=_network(), filename=path, title="My model")
    assert path.read_text() == text
    for expected in ("My model", "out", "Leaky", "A leaky integrator.", "Oja", "edges",
                     "Convolution", "256 synapses"):   # all-to-all between two populations of 16
        assert expected in text.replace("\\_", "_"), expected
    # equations are typeset from the IR: the ODE solved for its derivative, sums, draws
    assert r"\frac{dmp}{dt}" in text and r"\sum_{\text{exc}}" in text
    assert r"\mathcal{U}" in text and r"r^{\text{pre}}" in text
    # parameters show the values set now: heterogeneous baseline as a range
    assert "0 .. 1 (mean 0.5)" in text
    if suffix == ".md":
        assert text.startswith("# My model") and "| Name | Geometry |" in text
    else:
        assert text.startswith(r"\documentclass") and text.rstrip().endswith(r"\end{document}")
        assert "out\\_pop" in text


def test_latex_is_balanced(tmp_path):
    """Every environment closed and every brace matched (what pdflatex needs first)."""
    text = neurogen.report(network=_network(), filename=tmp_path / "model.tex")
    body = text.replace(r"\{", "").replace(r"\}", "")
    assert body.count("{") == body.count("}")
    for env in ("document", "tabular", "equation*"):
        assert text.count(rf"\begin{{{env}}}") == text.count(rf"\end{{{env}}}") > 0


def test_report_defaults_and_errors(tmp_path, net, monkeypatch):
    neurogen.Population(3, LEAKY, name="alone")
    monkeypatch.chdir(tmp_path)
    neurogen.report()                                   # default network, ./report.tex
    assert "alone" in (tmp_path / "report.tex").read_text()
    with pytest.raises(NetworkError, match=r"\.tex .*\.md"):
        neurogen.report(filename=tmp_path / "model.html")


def test_report_of_a_spiking_network_shows_spikes_and_hides_the_runtime_state(tmp_path):
    net = neurogen.Network(dt=0.1)
    pop = net.create(10, neurogen.IF_cond_exp)
    inp = net.create(neurogen.PoissonPopulation(5, rates=20.0))
    net.connect(inp, pop, "exc", synapse=neurogen.STDP).all_to_all(0.01)
    text = neurogen.report(network=net, filename=tmp_path / "spiking.md")
    assert "Spike when v > v_thresh" in text and "'tau_refrac'" in text
    assert "Spike when p < rates" in text
    assert "Event-driven (solved at each event): x, y" in text
    assert "At each presynaptic spike" in text and "At each postsynaptic spike" in text
    assert "_spiked" not in text and "_refractory_left" not in text


def test_report_of_axonal_spikes_and_of_a_synapse_that_does_not_compile(tmp_path):
    """Axonal spikes are described; a synapse whose equations do not compile in its
    projection (as in ANNarchy's test_Report_Spiking) is shown as written."""
    net = neurogen.Network(dt=0.1)
    axonal = neurogen.Neuron(equations="dv/dt = 1", spike="v > 10", reset="v = 0",
                             axon_spike="v > 4", axon_reset="v -= 1")
    pop = net.create(3, axonal)
    bad = neurogen.Synapse(pre_spike="g_target += w", psp="g_exc * post.u", name="BadSTP")
    net.connect(pop, pop, "exc", synapse=bad).all_to_all(0.5)
    text = neurogen.report(network=net, filename=tmp_path / "axonal.md")
    assert "Axonal spike when v > 4" in text and "At each axonal spike" in text
    assert "BadSTP" in text and "Not compilable as written" in text
    assert "g_exc * post.u" in text
    with pytest.raises(neurogen.NeurogenError, match="psp"):
        net.compile(directory=str(tmp_path / "build"))
