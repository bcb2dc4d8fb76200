"""State files (issue 14, part 3): load() is all-or-nothing, and any population name
round-trips through save()/load()."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.core.persistence import StateFileError

LEAKY = ng.Neuron(parameters="tau = 10.0\nk = 3 : int", equations="tau * dr/dt + r = sum(exc) + 1.0")


def build(net, name_a="A", name_b="B"):
    a = ng.Population(5, LEAKY, name=name_a, net=net)
    b = ng.Population(3, LEAKY, name=name_b, net=net)
    proj = ng.Projection(a, b, "exc", name="AB", net=net)
    proj.connect_all_to_all(0.25)
    net.compile(silent=True)
    net.simulate(7.0)
    return a, b, proj


def edited(path, tmp_path, **changes):
    """A copy of a saved ``.npz`` with some entries replaced (keys as stored)."""
    with np.load(path) as handle:
        data = {k: handle[k] for k in handle.files}
    data.update(changes)
    out = tmp_path / "edited.npz"
    np.savez(out, **data)
    return out


@pytest.mark.parametrize("name", ["ctx/L4", "a|b", "x%2Fy", "..", "L4 (left)"])
@pytest.mark.parametrize("suffix", [".npz", ".h5"])
def test_any_population_name_round_trips(tmp_path, name, suffix):
    net = ng.Network(seed=3)
    a, b, proj = build(net, name_a=name)
    path = tmp_path / f"state{suffix}"
    net.save(path)
    expected_r, expected_w = a.r, proj.flat_weights().copy()
    other = ng.Network(seed=3)
    a2, _, proj2 = build(other, name_a=name)
    a2.r = 0.0
    proj2.w = 0.0
    other.load(path)
    np.testing.assert_array_equal(a2.r, expected_r)
    np.testing.assert_array_equal(proj2.flat_weights(), expected_w)
    assert other.get_current_step() == 7


def test_files_saved_with_plain_names_keep_their_layout(tmp_path):
    """Plain names are stored as before (``pop|A|r``): older files still load."""
    net = ng.Network(seed=3)
    build(net)
    net.save(tmp_path / "s.npz")
    with np.load(tmp_path / "s.npz") as handle:
        assert {"pop|A|r", "pop|B|tau", "proj|AB|w", "__step__"} <= set(handle.files)


def _snapshot(net):
    return {name: np.asarray(v).copy() for name, v in
            [("A.r", net.get_population("A").r), ("B.r", net.get_population("B").r),
             ("A.k", net.get_population("A").k),
             ("w", net.get_projection("AB").flat_weights()),
             ("step", net.get_current_step())]}


@pytest.mark.parametrize("bad", [
    {"__step__": np.array(["abc"])},                    # non-numeric step
    {"__step__": np.array([1.5])},
    {"__step__": np.array([1, 2])},
    {"proj|AB|w": np.array(["x"] * 15)},                # one bad projection entry
    {"proj|AB|w": np.zeros(4)},
    {"pop|B|r": np.array(["1", "2", "zz"])},
    {"pop|A|k": np.full(5, 1e30)},                      # does not fit an int attribute
    {"pop|A|k": np.full(5, np.nan)},
])
def test_a_bad_entry_leaves_the_whole_network_unchanged(tmp_path, bad):
    net = ng.Network(seed=3)
    a, b, proj = build(net)
    net.save(tmp_path / "s.npz")
    changed = {"pop|A|r": np.full(5, 123.0), **bad}     # A.r is read before the bad entry
    path = edited(tmp_path / "s.npz", tmp_path, **changed)
    net.simulate(2.0)
    before = _snapshot(net)
    with pytest.raises(StateFileError):
        net.load(path)
    after = _snapshot(net)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)


def test_a_good_edited_file_is_applied(tmp_path):
    net = ng.Network(seed=3)
    a, _, _ = build(net)
    net.save(tmp_path / "s.npz")
    path = edited(tmp_path / "s.npz", tmp_path, **{"pop|A|r": np.full(5, 123.0),
                                                   "__step__": np.array([40])})
    net.load(path)
    assert np.all(a.r == 123.0) and net.get_current_step() == 40


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("suffix", [".data", ".txt.gz"])
def test_pickled_state_files_are_read_as_data_only(tmp_path, suffix):
    """ANNarchy's pickle formats load back, but a pickle naming any callable (here
    os.system) is refused before it runs."""
    import gzip
    import pickle
    net = ng.Network(seed=3)
    a, _, _ = build(net)
    net.save(tmp_path / f"good{suffix}")
    expected = a.r
    a.r = 0.0
    net.load(tmp_path / f"good{suffix}")
    np.testing.assert_array_equal(a.r, expected)
    marker = tmp_path / "pwned"
    opener = gzip.open if suffix == ".txt.gz" else open
    with opener(tmp_path / f"evil{suffix}", "wb") as handle:
        pickle.dump({"__step__": _RunsCode(marker), "pop/A/r": np.zeros(5)}, handle)
    with pytest.raises(StateFileError, match="not allowed in a state file"):
        net.load(tmp_path / f"evil{suffix}")
    assert not marker.exists()
    np.testing.assert_array_equal(a.r, expected)
