"""The SELL storage kernel (neurogen/storage/sell.py): its sums are CSR's bit for bit
(each row summed in CSR order in a double), within 1e-12 of |W| @ |x| from an
independent NumPy product, the same with 1 and 2 threads; every projection feature CSR
has either works on it (weights set and read from Python, dendrites, monitors, save and
load, uniform delays, batches) or leaves the projection on CSR (learning rules,
per-synapse delays)."""
import numpy as np
import pytest

import neurogen as ng
from neurogen import storage
from neurogen.storage.sell import NARROW, layout_arrays

SOURCE = ng.Neuron(parameters="r = 0.0")
SUM = ng.Neuron(equations="r = sum(exc)")


def network(weights, precision="double", fmt="auto", threads=1, delays=0.0, synapse=None,
            batch=1):
    """A fixed source (rates set from Python) into a population reading sum(exc),
    connected by ``weights`` (post, pre; None where there is no synapse)."""
    post_size, pre_size = weights.shape
    net = ng.Network(seed=2, precision=precision, num_threads=threads, batch=batch)
    pre = net.create(geometry=pre_size, neuron=SOURCE)
    post = net.create(geometry=post_size, neuron=SUM)
    proj = net.connect(pre, post, "exc", synapse=synapse)
    proj.connect_from_matrix(np.where(np.isnan(weights), None, weights), delays=delays,
                             storage_format=fmt)
    return net, pre, post, proj


def ragged(post_size, pre_size, seed=0):
    """Random weights on a random pattern whose rows have very different lengths (some
    empty), so that slices are padded and lanes finish at different places."""
    rng = np.random.default_rng(seed)       # (sorted by length, they pad little: auto picks SELL)
    density = rng.uniform(0.0, 0.2, size=(post_size, 1)) * (rng.random((post_size, 1)) > 0.1)
    mask = rng.random((post_size, pre_size)) < density
    return np.where(mask, rng.normal(size=mask.shape), np.nan)


def run(weights, x, **kwargs):
    net, pre, post, proj = network(weights, **kwargs)
    net.compile()
    pre.r = x
    net.simulate(1)
    return post.sum("exc").copy(), proj


@pytest.mark.parametrize("precision", ["double", "float"])
def test_sums_equal_csr_bit_for_bit_and_numpy(precision):
    w = ragged(203, 300)
    x = np.random.default_rng(1).uniform(-1.0, 1.0, 300)
    got, proj = run(w, x, precision=precision)
    assert proj.storage == "sell"
    csr, proj_csr = run(w, x, precision=precision, fmt="csr")
    assert proj_csr.storage == "csr"
    np.testing.assert_array_equal(got, csr)
    dtype = np.float32 if precision == "float" else np.float64
    wm, xr = np.nan_to_num(w).astype(dtype).astype(np.float64), x.astype(dtype)
    reference = wm @ xr.astype(np.float64)
    scale = np.abs(wm) @ np.abs(xr)
    # double: 1e-12 of |W| @ |x| (the order differs from NumPy's); float: the double sum
    # rounded once to float32 (half an ulp, 2**-24 relative) plus that
    tol = 1e-12 * scale + (np.abs(reference) * 2.0 ** -24 if precision == "float" else 0.0)
    assert np.all(np.abs(got - reference) <= tol)


def test_layout_is_a_permutation_of_csr():
    """Every synapse has one slot; slot order is slice by slice, lane by lane."""
    w = ragged(37, 50, seed=4)
    rows, cols = np.nonzero(~np.isnan(w))
    row_ptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=37))])
    t = layout_arrays(row_ptr, cols, 50)
    assert np.unique(t["pos"]).size == cols.size and t["wide"] == 0
    assert np.array_equal(t["cols16"][t["pos"]], cols)
    lens = t["lens"].reshape(-1, 8)
    assert np.all(np.diff(lens, axis=1) <= 0)                 # lanes by decreasing length
    assert np.array_equal(np.sort(t["rows"][t["rows"] >= 0]), np.arange(37))


def test_wide_presynaptic_ranks():
    """More than 65 536 presynaptic neurons: 32-bit ranks, same sums as CSR."""
    pre_size = NARROW + 100
    rng = np.random.default_rng(5)
    net = ng.Network(seed=2)
    pre = net.create(geometry=pre_size, neuron=SOURCE)
    post = net.create(geometry=16, neuron=SUM)
    proj = net.connect(pre, post, "exc")
    proj.fixed_number_pre(40, weights=ng.Uniform(-1.0, 1.0))
    net.compile()
    assert proj.storage == "sell" and proj.kernel_data.ints["wide"] == 1
    x = rng.uniform(-1.0, 1.0, pre_size)
    pre.r = x
    net.simulate(1)
    wm = proj.connectivity_matrix(0.0)
    assert np.allclose(post.sum("exc"), wm @ x, rtol=0, atol=1e-12 * (np.abs(wm) @ np.abs(x)).max())


def test_one_and_two_threads_bit_identical():
    w = ragged(800, 900, seed=7)                              # above the parallel threshold
    x = np.random.default_rng(2).uniform(-1.0, 1.0, 900)
    one, proj = run(w, x, threads=1)
    two, _ = run(w, x, threads=2)
    assert proj.storage == "sell" and np.count_nonzero(~np.isnan(w)) * 16 > 262144 / 8
    np.testing.assert_array_equal(one, two)


def test_weights_from_python_and_back(tmp_path):
    """proj.w and dendrites read and write CSR order; monitors record it; save/load."""
    w = ragged(64, 200, seed=8)
    d = int(np.argmax((~np.isnan(w)).sum(axis=1)))          # the longest row
    net, pre, post, proj = network(w)
    mon = net.monitor(proj, "w")
    dmon = net.monitor(proj.dendrite(d), "w")
    net.compile()
    assert proj.storage == "sell"
    np.testing.assert_array_equal(proj.connectivity_matrix(0.0), np.nan_to_num(w))
    x = np.random.default_rng(3).uniform(-1.0, 1.0, 200)
    pre.r = x
    new = np.where(np.isnan(w), 0.0, np.random.default_rng(9).normal(size=w.shape))
    proj.w = new
    size = proj.dendrite(d).size
    proj.dendrite(d).w = np.arange(size, dtype=float)
    new[d, ~np.isnan(w[d])] = np.arange(size)
    net.simulate(1)
    np.testing.assert_array_equal(proj.connectivity_matrix(0.0), new)
    csr, _ = run(np.where(np.isnan(w), np.nan, new), x, fmt="csr")
    np.testing.assert_array_equal(post.sum("exc"), csr)
    flat = new[~np.isnan(w)]
    np.testing.assert_array_equal(np.concatenate(mon.get("w")[-1]), flat)
    np.testing.assert_array_equal(dmon.get("w")[-1], np.arange(size))
    net.save(tmp_path / "net.npz")
    proj.w = 0.5
    assert np.all(np.concatenate(proj.w) == 0.5)
    net.load(tmp_path / "net.npz")
    np.testing.assert_array_equal(proj.connectivity_matrix(0.0), new)


def test_uniform_delay_equals_csr():
    w = ragged(64, 200, seed=10)
    outs = []
    for fmt in ("auto", "csr"):
        net, pre, post, proj = network(w, fmt=fmt, delays=3.0)
        mon = net.monitor(post, "sum(exc)")
        net.compile()
        rng = np.random.default_rng(4)
        for _ in range(6):
            pre.r = rng.uniform(-1.0, 1.0, 200)
            net.simulate(1)
        outs.append((proj.storage, mon.get("sum(exc)")))
    assert outs[0][0] == "sell" and outs[1][0] == "csr"
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    assert np.any(outs[0][1] != 0)


def test_batched_copies_equal_single_runs():
    w = ragged(64, 200, seed=11)
    xs = np.random.default_rng(6).uniform(-1.0, 1.0, (2, 200))
    net, pre, post, proj = network(w, batch=2)
    net.compile()
    assert proj.storage == "sell"
    pre.r = xs
    net.simulate(1)
    for b in range(2):
        single, _ = run(w, xs[b], fmt="csr")
        np.testing.assert_array_equal(post.sum("exc")[b], single)


@pytest.mark.parametrize("case", ["learning", "synapse_delays"])
def test_features_it_lacks_stay_on_csr(case):
    w = ragged(12, 15, seed=12)
    if case == "learning":
        kw = {"synapse": ng.Synapse(parameters="eta = 0.1", equations="dw/dt = eta * pre.r")}
    else:
        kw = {"delays": 1.0 + np.arange(np.count_nonzero(~np.isnan(w))) % 3}
    for fmt in ("auto", "sell"):                   # 'sell' is ANNarchy's name: auto
        net, pre, post, proj = network(w, fmt=fmt, **kw)
        assert storage.select(proj, net.backend) == "csr"
        assert "synapse by synapse" in storage.kernel("sell").refuse(proj)
