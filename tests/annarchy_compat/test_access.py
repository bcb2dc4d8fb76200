"""Python access as in ANNarchy (issue 10, items 12, 17, 19 and the Monitor/simulate
defaults): get/set by name, synapses of a dendrite, array shapes, lists of attributes."""
import json

import numpy as np
import pytest

import neurogen as ng

OJA_LIKE = ng.Synapse(parameters="tau = 50.0 : postsynaptic\nalpha = 2.0",
                      equations="tau * dw/dt = pre.r * post.r - alpha * w")


@pytest.fixture(scope="module")
def learning():
    net = ng.Network(seed=4)
    pre = net.create(geometry=3, neuron=ng.Neuron(parameters="r = 1.0"))
    post = net.create(geometry=(2, 2), neuron=ng.Neuron(equations="r = sum(exc)"))
    proj = net.connect(pre, post, "exc", synapse=OJA_LIKE)
    proj.all_to_all(weights=1.0)
    net.compile()
    return net, pre, post, proj


def test_projection_and_dendrite_get_set(learning):
    net, pre, post, proj = learning
    net.reset(projections=True, synapses=True)
    proj.set({"alpha": 3.0, "w": 0.5})
    assert [list(a) for a in proj.get("alpha")] == [[3.0] * 3] * 4
    assert proj.get("w")[2].tolist() == [0.5] * 3
    d = proj.dendrite(1)
    d.set({"tau": 70.0})
    assert d.get("tau") == 70.0 and proj.tau.tolist() == [50.0, 70.0, 50.0, 50.0]
    d[2].w = 4.0                               # one synapse, writable
    d[0].alpha = 9.0
    assert d.w.tolist() == [0.5, 0.5, 4.0] and d.alpha == [9.0, 3.0, 3.0]   # a list, as ANNarchy
    assert d[2].pre_rank == 2 and d[2].w == 4.0
    with pytest.raises(ng.NetworkError, match="not per synapse"):
        d[0].tau = 1.0
    with pytest.raises(ng.NetworkError, match="no synapse 3"):
        d[3]


def test_attribute_lists(learning):
    _, pre, post, proj = learning
    assert proj.parameters == ["tau", "alpha"] and proj.variables == ["w"]
    assert proj.attributes == ["tau", "alpha", "w"]
    assert post.attributes == ["r"] and post.variables == ["r"] and pre.parameters == ["r"]


def test_receptive_fields_tile_the_weights(learning):
    net, _, post, proj = learning
    net.reset(projections=True, synapses=True)
    proj.w = np.arange(12.0).reshape(4, 3)      # (post, pre)
    fields = proj.receptive_fields()
    assert fields.shape == (2, 6)               # post (2, 2) blocks of pre (1, 3)
    np.testing.assert_array_equal(fields[0], [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(fields[1], [6, 7, 8, 9, 10, 11])


def test_array_shapes_inputarray_and_coordinates():
    net = ng.Network(seed=1)
    inp = net.create(ng.InputArray(geometry=4))
    out = net.create(geometry=4, neuron=ng.Neuron(equations="r = 2 * sum(exc)"))
    net.connect(inp, out, "exc").one_to_one(1.0)
    net.compile()
    inp.r = np.array([[1.0, 2.0, 3.0, 4.0]])     # (1, N): same size, accepted
    net.simulate(1)
    np.testing.assert_array_equal(out.r, [2.0, 4.0, 6.0, 8.0])
    with pytest.raises(ng.ShapeError):
        inp.r = np.zeros((2, 2))
    assert inp.coordinates_from_rank(2) == (2,)


def test_monitor_default_shape_and_step_count():
    net = ng.Network(dt=0.1)
    pop = net.create(geometry=(2, 3), neuron=ng.Neuron(equations="r = t"))
    m = net.monitor(pop, "r")
    net.compile()
    net.simulate(0.25)                          # ANNarchy: ceil(0.25 / 0.1) = 3 steps
    assert net.current_step == 3
    data = m.get("r", keep=True)
    assert data.shape == (3, 2, 3)              # ANNarchy 5: (steps, *geometry) by default
    np.testing.assert_array_equal(data[:, 1, 2], [0.0, 0.1, 0.2])
    assert m.get("r", reshape=False).shape == (3, 6)    # ANNarchy 4's (steps, size)
    net.simulate(300 * 0.1)                     # a rounding error above 300: still 300
    assert net.current_step == 303
    net.setup(step_rounding="nearest")
    net.simulate(0.14)
    assert net.current_step == 304


@pytest.mark.parametrize("suffix", [".data", ".txt.gz", ".npz"])
def test_state_files_in_annarchy_formats(tmp_path, learning, suffix):
    net, pre, post, proj = learning
    net.reset(projections=True, synapses=True)
    proj.w = 0.75
    net.save(tmp_path / f"state{suffix}")
    proj.save(tmp_path / f"proj{suffix}")
    proj.w = 0.0
    net.load(tmp_path / f"state{suffix}")
    assert proj.get("w")[0].tolist() == [0.75] * 3
    proj.w = 0.1
    proj.load(tmp_path / f"proj{suffix}")
    assert proj.get("w")[3].tolist() == [0.75] * 3
    net.save(tmp_path / "state.mat")
    with pytest.raises(ng.NetworkError, match="cannot be loaded"):
        net.load(tmp_path / "state.mat")


def test_monitor_on_a_projection_records_every_synapse():
    """y = pre.r * post.r * w per synapse, recorded as (steps, dendrites, synapses)."""
    net = ng.Network()
    pre = net.create(geometry=2, neuron=ng.Neuron(equations="r = t + 1"))
    post = net.create(geometry=1, neuron=ng.Neuron(equations="r = 10 - t + 0 * sum(exc)"))
    proj = net.connect(pre, post, "exc", ng.Synapse(equations="y = pre.r * post.r * w"))
    proj.all_to_all(0.5)
    m = net.monitor(proj, ["y", "w"])
    net.compile()
    net.simulate(4)
    t = np.arange(4.0)
    expected = (t + 1) * (10 - t) * 0.5
    y = m.get("y", keep=True)
    assert y.shape == (4, 1, 2)
    np.testing.assert_allclose(y[:, 0, 0], expected, rtol=1e-14)
    np.testing.assert_allclose(m.get("w")[:, 0, :], 0.5)


def test_from_file_on_a_compiled_projection_reloads_its_weights(tmp_path):
    net = ng.Network(seed=8)
    pre = net.create(geometry=4, neuron=ng.Neuron(parameters="r = 1.0"))
    post = net.create(geometry=3, neuron=ng.Neuron(equations="r = sum(exc)"))
    proj = net.connect(pre, post, "exc")
    proj.fixed_number_pre(2, weights=ng.Uniform(0.0, 1.0))
    other = net.connect(pre, post, "exc")
    other.all_to_all(1.0)
    net.compile()
    saved = proj.connectivity_matrix()
    proj.save_connectivity(tmp_path / "c.npz")
    proj.w = 0.0
    proj.from_file(tmp_path / "c.npz")
    np.testing.assert_array_equal(proj.connectivity_matrix(), saved)
    with pytest.raises(ng.NetworkError, match="same synapses"):
        other.from_file(tmp_path / "c.npz")


def test_load_parameters_global_only_and_verbose(tmp_path, capsys):
    net = ng.Network()
    pop = net.create(geometry=2, neuron=ng.Neuron(parameters="tau = 5.0 : population\nb = 1.0",
                                                  equations="r = b / tau"), name="p")
    pop.tau, pop.b = 7.0, [2.0, 3.0]      # before compile(): the values saved (ANNarchy)
    net.compile()
    net.save_parameters(tmp_path / "p.json")
    pop.tau, pop.b = 1.0, 1.0
    net.load_parameters(tmp_path / "p.json", global_only=True, verbose=True)
    assert pop.tau == 7.0 and pop.b.tolist() == [1.0, 1.0]
    assert "p.tau" in capsys.readouterr().out
    path = tmp_path / "local.json"        # per-neuron values load with global_only=False
    path.write_text(json.dumps({"populations": {"p": {"b": [2.0, 3.0]}}}))
    net.load_parameters(path, global_only=False)
    assert pop.b.tolist() == [2.0, 3.0]
    with pytest.raises(ng.NetworkError, match="pickle_encoding"):
        net.load(tmp_path / "p.npz", pickle_encoding="latin1")
