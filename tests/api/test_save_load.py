"""Save/load of the network state and of parameters: bit-exact round trips, and bad
files leave the network unchanged."""
import json

import numpy as np
import pytest

import neurogen as ng
from neurogen.models.synapses import Oja


def build(seed=1):
    net = ng.Network(seed=seed)
    pre = net.create(4, ng.Neuron(parameters="I = 0.0", equations="r = I + Uniform(0, 0.1)"),
                     name="pre")
    post = net.create(3, ng.Neuron(parameters="tau = 5.0 : population",
                                   equations="tau * dr/dt + r = sum(exc)"), name="post")
    proj = net.connect(pre, post, "exc", synapse=Oja, name="oja")
    proj.all_to_all(ng.Uniform(0.1, 1.0))
    net.compile()
    return net, pre, post, proj


@pytest.mark.parametrize("suffix", [".npz", ".h5"])
def test_state_round_trip_is_bit_exact(tmp_path, suffix):
    net, pre, post, proj = build()
    pre.I = [1.0, 0.5, 0.2, 0.9]
    proj.eta = 0.05
    net.simulate(20.0)
    path = tmp_path / f"state{suffix}"
    net.save(path)
    snapshot = (post.r, proj.connectivity_matrix(), net.current_step)
    net.simulate(30.0)
    other, *_ = build(seed=2)
    other.load(path)
    opost, oproj = other.get_population("post"), other.get_projection("oja")
    assert np.array_equal(opost.r, snapshot[0])
    assert np.array_equal(oproj.connectivity_matrix(), snapshot[1])
    assert other.current_step == snapshot[2] and oproj.eta == 0.05


def test_bad_state_files_leave_the_network_unchanged(tmp_path):
    net, pre, post, proj = build()
    before = (pre.I.copy(), proj.connectivity_matrix())
    (tmp_path / "junk.npz").write_bytes(b"garbage")
    with pytest.raises(ng.NetworkError, match="cannot read"):
        net.load(tmp_path / "junk.npz")
    small = ng.Network()
    small.create(2, ng.Neuron(parameters="I = 0.0", equations="r = I"), name="pre")
    small.compile()
    small.get_population("pre").I = 3.0
    small.save(tmp_path / "small.npz")
    with pytest.raises(ng.NetworkError, match="shape"):
        net.load(tmp_path / "small.npz")
    assert np.array_equal(pre.I, before[0])
    assert np.array_equal(proj.connectivity_matrix(), before[1])
    net.simulate(1.0)


def test_parameters_round_trip_as_json(tmp_path):
    """As ANNarchy 5.0.4.1: save_parameters writes the values the population- and
    projection-wide attributes had at compile() (not later changes, not per-neuron
    ones); load_parameters sets them."""
    net, pre, post, proj = build()
    post.tau = 12.5                        # after compile(): not what is saved
    proj.alpha = 3.0
    path = tmp_path / "params.json"
    net.save_parameters(path)
    content = json.loads(path.read_text())
    assert content["populations"]["post"]["tau"] == 5.0
    assert "I" not in content["populations"]["pre"]
    assert content["projections"]["oja"]["alpha"] == 1.0
    other, opre, opost, oproj = build()
    opost.tau, oproj.alpha = 1.0, 2.0
    other.load_parameters(path)
    assert opost.tau == 5.0 and oproj.alpha == 1.0
    path.write_text(json.dumps({"populations": {"nobody": {"tau": 1}}}))
    with pytest.raises(ng.NetworkError, match="no population named 'nobody'"):
        other.load_parameters(path)
    assert opost.tau == 5.0
