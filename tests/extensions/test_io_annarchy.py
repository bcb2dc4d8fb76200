"""Projection.save/load in ANNarchy's file layout, connect_from_file on a compiled
projection, Network.id with save_parameters(net_id=), ANNarchy-layout state files."""
import gzip
import pickle

import numpy as np
import pytest

import neurogen
from neurogen import Neuron, Synapse, Uniform
from neurogen.errors import NetworkError
from neurogen.core import annarchy_files as af

SYN = Synapse(parameters="eta = 0.5 : projection\ntau = 2.0",
              equations="dx/dt = -x / tau : init = 1.0")


def _net():
    net = neurogen.Network(seed=5)
    a = net.create(geometry=3, neuron=Neuron(parameters="r = 0.0"), name="a")
    b = net.create(geometry=(2, 2), neuron=Neuron(equations="r = sum(exc)"), name="b")
    dense = net.connect(a, b, "exc", synapse=SYN, name="learned")
    dense.connect_fixed_number_pre(2, Uniform(0.0, 1.0))
    plain = net.connect(a, b, "exc", name="plain")
    plain.connect_all_to_all(0.5, delays=2.0)
    net.compile(silent=True)
    return net, a, b, dense, plain


@pytest.mark.parametrize("suffix", [".npz", ".data", ".txt.gz"])
def test_projection_save_load_round_trip(tmp_path, suffix):
    net, a, b, proj, _ = _net()
    proj.tau = np.arange(proj.nb_synapses, dtype=float) + 1
    proj.eta = 0.25
    before = (proj.flat_weights().copy(), proj.synapse_buffer("tau").copy())
    path = tmp_path / ("proj" + suffix)
    proj.save(path)
    proj.w = 0.0
    proj.tau, proj.eta = 9.0, 9.0
    proj.load(path)
    np.testing.assert_array_equal(proj.flat_weights(), before[0])
    np.testing.assert_array_equal(proj.synapse_buffer("tau"), before[1])
    assert proj.eta == 0.25


def test_saved_layout_is_annarchys(tmp_path):
    net, a, b, proj, plain = _net()
    plain.save(tmp_path / "plain.data")
    with open(tmp_path / "plain.data", "rb") as handle:
        desc = pickle.load(handle)
    assert desc["post_ranks"] == [0, 1, 2, 3] and desc["pre_ranks"][0] == [0, 1, 2]
    assert desc["w"] == [[0.5] * 3] * 4 and desc["delays"] == 2.0
    assert desc["attributes"] == ["w"] and desc["pre"] == "a" and desc["target"] == "exc"
    plain.save(tmp_path / "plain.mat")                 # written for MATLAB
    from scipy.io import loadmat
    assert loadmat(tmp_path / "plain.mat")["post_ranks"].tolist() == [[0, 1, 2, 3]]
    with pytest.raises(NetworkError, match="cannot be loaded back"):
        plain.load(tmp_path / "plain.mat")


def test_a_file_written_by_annarchy_loads(tmp_path):
    """A gzip'd pickle in ANNarchy's layout, with per-dendrite weights and delays."""
    net, a, b, proj, plain = _net()
    desc = {"a": {"attributes": ["r"], "r": np.array([0.1, 0.2, 0.3])},
            "plain": {"attributes": ["w"], "post_ranks": [0, 1, 2, 3],
                      "pre_ranks": np.array([[0, 1, 2]] * 4),
                      "w": [[1.0, 2.0, 3.0]] * 4, "delays": 2.0},
            "time_step": 7}
    with gzip.open(tmp_path / "state.txt.gz", "wb") as handle:
        pickle.dump(desc, handle)
    af.apply_network(net, af.read(tmp_path / "state.txt.gz"), "state")
    np.testing.assert_array_equal(a.r, [0.1, 0.2, 0.3])
    np.testing.assert_array_equal(plain.connectivity_matrix(), [[1.0, 2.0, 3.0]] * 4)
    assert net.get_current_step() == 7
    desc["plain"]["pre_ranks"] = np.array([[0, 1]] * 4)
    with pytest.raises(NetworkError, match="differ"):
        af.apply_network(net, desc, "state")


@pytest.mark.parametrize("suffix", [".npz", ".data", ".txt.gz"])
def test_net_load_reads_annarchy_layout_states(tmp_path, suffix):
    """A state written in ANNarchy's layout loads with the ordinary net.load()."""
    net, a, b, proj, plain = _net()
    a.r = [1.0, 2.0, 3.0]
    net.simulate(3)
    path = tmp_path / ("net" + suffix)
    af.write(path, af.network_description(net))
    expected = (b.r.copy(), proj.flat_weights().copy())
    net.reset(projections=True, synapses=True)
    proj.w = 0.0
    net.load(path)
    np.testing.assert_array_equal(b.r, expected[0])
    np.testing.assert_array_equal(proj.flat_weights(), expected[1])
    assert net.get_current_step() == 3


def test_connect_from_file_onto_a_compiled_projection(tmp_path):
    net, a, b, proj, plain = _net()
    path = tmp_path / "conn.npz"
    plain.w = np.arange(12.0).reshape(4, 3)
    plain.save_connectivity(path)
    plain.w = 0.0
    assert plain.connect_from_file(path) is plain
    np.testing.assert_array_equal(plain.connectivity_matrix(), np.arange(12.0).reshape(4, 3))
    a.r = [1.0, 1.0, 1.0]
    net.simulate(4)
    np.testing.assert_allclose(b.r.reshape(-1), np.arange(12.0).reshape(4, 3).sum(axis=1)
                               + proj.connectivity_matrix().sum(axis=1) * 1.0)
    proj.save_connectivity(tmp_path / "other.npz")
    with pytest.raises(NetworkError, match="same synapses"):
        plain.connect_from_file(tmp_path / "other.npz")


def test_network_id_selects_the_network(tmp_path):
    neurogen.clear()
    net, a, b, proj, plain = _net()
    assert net.id != neurogen.default_network().id
    proj.eta = 0.75                  # after compile(): the file holds the compiled 0.5
    neurogen.save_parameters(tmp_path / "p.json", net_id=net.id)
    proj.eta = 0.1
    neurogen.load_parameters(tmp_path / "p.json", net_id=net.id)
    assert proj.eta == 0.5
    with pytest.raises(NetworkError, match="no network with id"):
        neurogen.save_parameters(tmp_path / "q.json", net_id=10 ** 9)
