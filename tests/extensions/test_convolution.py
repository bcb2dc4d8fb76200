"""Convolution and Pooling (neurogen.extensions.convolution) against SciPy/NumPy.

References are computed independently: ``scipy.ndimage.correlate`` (cross-correlation,
``origin=-1`` on even axes puts the centre at ``k // 2 - 1`` as ANNarchy does) and
explicit window reductions in NumPy. Tolerance 1e-12 (double precision; the generated
code sums in another order than SciPy).
"""
import numpy as np
import pytest
import scipy.ndimage as ndi

import neurogen
from neurogen import Neuron
from neurogen.errors import ConnectivityError, NetworkError, NeurogenError
from neurogen.extensions.convolution import Convolution, Pooling

TOL = dict(rtol=0, atol=1e-12)
INPUT = Neuron(parameters="baseline = 0.0", equations="r = baseline")


def _sink(*targets):
    """One variable ``v_<target>`` per target, reading ``sum(<target>)``."""
    return Neuron(equations="\n".join(f"v_{t} = sum({t})" for t in targets))


def _correlate(x, h, mode="constant"):
    origin = [-1 if k % 2 == 0 else 0 for k in h.shape]
    return ndi.correlate(x, h, mode=mode, cval=0.0, origin=origin)


@pytest.fixture(scope="module")
def conv():
    """One compiled network holding every configuration (one build for the module)."""
    rng = np.random.default_rng(7)
    net = neurogen.Network(seed=3)
    inp = net.create(geometry=(12, 10), neuron=INPUT)
    inp3 = net.create(geometry=(6, 8, 3), neuron=INPUT)
    targets = ["plain", "even", "border", "mean", "vmax", "vmin", "sq", "late"]
    out = net.create(geometry=(12, 10), neuron=_sink(*targets))
    half = net.create(geometry=(6, 5), neuron=_sink("sub"))
    flat = net.create(geometry=(6, 8), neuron=_sink("depth"))
    planes = net.create(geometry=(6, 8, 3), neuron=_sink("planes"))
    bank = net.create(geometry=(12, 10, 4), neuron=_sink("bank"))
    f = {"3x3": rng.normal(size=(3, 3)), "4x2": rng.normal(size=(4, 2)),
         "5x5": rng.normal(size=(5, 5)), "depth": rng.normal(size=(3, 3, 3)),
         "bank": rng.normal(size=(4, 3, 3))}
    projs = {}

    def add(name, pre, post, target, weights, method="connect_filter", **kw):
        options = {k: kw.pop(k) for k in ("psp", "operation") if k in kw}
        proj = net.connect(Convolution(pre, post, target, **options))
        getattr(proj, method)(weights, **kw)
        projs[name] = proj

    add("plain", inp, out, "plain", f["3x3"])
    add("even", inp, out, "even", f["4x2"])
    add("border", inp, out, "border", f["5x5"], padding="border")
    add("mean", inp, out, "mean", f["3x3"], operation="mean")
    add("vmax", inp, out, "vmax", f["3x3"], operation="max")
    add("vmin", inp, out, "vmin", f["3x3"], operation="min")
    add("sq", inp, out, "sq", f["3x3"], psp="w * pre.r * pre.r")
    add("late", inp, out, "late", f["3x3"], delays=3.0)
    add("sub", inp, half, "sub", f["3x3"])
    add("depth", inp3, flat, "depth", f["depth"])
    add("planes", inp3, planes, "planes", f["3x3"], keep_last_dimension=True)
    add("bank", inp, bank, "bank", f["bank"], method="connect_filters")
    net.compile(silent=True)
    x = rng.uniform(-1, 1, size=(12, 10))
    x3 = rng.uniform(-1, 1, size=(6, 8, 3))
    inp.baseline, inp3.baseline = x, x3
    net.simulate(2)
    return dict(net=net, inp=inp, inp3=inp3, out=out, half=half, flat=flat, planes=planes,
                bank=bank, f=f, x=x, x3=x3, projs=projs)


def _windows(x, h):
    """(positions..., taps) of the rates under a centred filter, NaN outside."""
    centre = [k // 2 if k % 2 else k // 2 - 1 for k in h.shape]
    pad = [(c, k - 1 - c) for c, k in zip(centre, h.shape)]
    padded = np.pad(x, pad, constant_values=np.nan)
    view = np.lib.stride_tricks.sliding_window_view(padded, h.shape)
    return view.reshape(x.shape + (-1,))


def test_sum_matches_scipy_correlate(conv):
    out, x, f = conv["out"], conv["x"], conv["f"]
    np.testing.assert_allclose(out.v_plain, _correlate(x, f["3x3"]), **TOL)
    np.testing.assert_allclose(out.v_even, _correlate(x, f["4x2"]), **TOL)
    np.testing.assert_allclose(out.v_border, _correlate(x, f["5x5"], mode="nearest"), **TOL)


def test_mean_divides_by_filter_size(conv):
    out, x, f = conv["out"], conv["x"], conv["f"]
    np.testing.assert_allclose(out.v_mean, _correlate(x, f["3x3"]) / 9.0, **TOL)


def test_max_min_skip_taps_outside(conv):
    out, x, h = conv["out"], conv["x"], conv["f"]["3x3"]
    products = _windows(x, h) * h.reshape(-1)
    np.testing.assert_allclose(out.v_vmax, np.nanmax(products, axis=-1), **TOL)
    np.testing.assert_allclose(out.v_vmin, np.nanmin(products, axis=-1), **TOL)


def test_custom_psp(conv):
    out, x, f = conv["out"], conv["x"], conv["f"]
    np.testing.assert_allclose(out.v_sq, _correlate(x * x, f["3x3"]), **TOL)


def test_uniform_delay(conv):
    net, out, x, f = conv["net"], conv["out"], conv["x"], conv["f"]
    net.reset()                       # populations back to their initial values
    conv["inp"].baseline, conv["inp3"].baseline = x, conv["x3"]
    net.simulate(2)
    np.testing.assert_allclose(out.v_late, 0.0, **TOL)
    net.simulate(2)
    np.testing.assert_allclose(out.v_late, _correlate(x, f["3x3"]), **TOL)


def test_subsampling_by_geometry(conv):
    x, h = conv["x"], conv["f"]["3x3"]
    # post (i, j) centred on pre (2 i, 2 j): a 12x10 -> 6x5 grid, step 2, offset (2-1)//2
    np.testing.assert_allclose(conv["half"].v_sub, _correlate(x, h)[0::2, 0::2], **TOL)


def test_kernel_spanning_the_last_axis(conv):
    x3, h = conv["x3"], conv["f"]["depth"]
    # (6, 8, 3) * (3, 3, 3) -> (6, 8): the depth axis is summed whole (centre 1 of 3)
    full = ndi.correlate(x3, h, mode="constant", cval=0.0)
    np.testing.assert_allclose(conv["flat"].v_depth, full[:, :, 1], **TOL)


def test_keep_last_dimension_convolves_each_plane(conv):
    x3, h = conv["x3"], conv["f"]["3x3"]
    expected = np.stack([_correlate(x3[:, :, c], h) for c in range(3)], axis=-1)
    np.testing.assert_allclose(conv["planes"].v_planes, expected, **TOL)


def test_bank_of_filters_one_plane_per_filter(conv):
    x, bank = conv["x"], conv["f"]["bank"]
    expected = np.stack([_correlate(x, bank[k]) for k in range(4)], axis=-1)
    np.testing.assert_allclose(conv["bank"].v_bank, expected, **TOL)


def test_storage_is_filter_sized_not_dense(conv):
    projs = conv["projs"]
    proj = projs["plain"]
    assert proj.nb_synapses <= 9 * 12 * 10          # k taps per output, not 120 x 120
    assert proj.size == 120 and proj.post_ranks == list(range(120))
    # linear sums run on the shared-filter kernel (interior runs + a border CSR); a psp
    # or a max/min is computed synapse by synapse
    for name in ("plain", "even", "border", "mean", "late", "sub", "depth", "planes", "bank"):
        assert projs[name].storage == "filter", name
    for name in ("vmax", "vmin", "sq"):
        assert projs[name].storage == "csr", name
    data = proj.kernel_data
    interior = 10 * 8                                 # neurons with every tap inside
    assert data.ints["n_runs"] == 10                  # one run per interior image row
    assert data.arrays["row_ptr"][-1] == proj.nb_synapses - 9 * interior


def test_threads_give_identical_sums():
    """Runs write disjoint outputs in a fixed order: 1 and 2 threads agree bit for bit."""
    x = np.random.default_rng(2).uniform(-1, 1, size=(720, 48))   # enough work for 2 threads
    h = np.random.default_rng(3).normal(size=(5, 5))
    results = []
    for threads in (1, 2):
        net = neurogen.Network(seed=1, num_threads=threads)
        inp = net.create(geometry=x.shape, neuron=INPUT)
        out = net.create(geometry=x.shape, neuron=_sink("exc"))
        net.connect(Convolution(inp, out, "exc")).connect_filter(h, padding="border")
        net.compile(silent=True)
        inp.baseline = x
        net.simulate(2)
        results.append(out.v_exc)
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_allclose(results[0], _correlate(x, h, mode="nearest"), **TOL)


def test_new_filter_takes_effect_and_reset_restores(conv):
    net, out, x, f = conv["net"], conv["out"], conv["x"], conv["f"]
    proj = conv["projs"]["plain"]
    np.testing.assert_array_equal(proj.weights, f["3x3"])
    proj.weights = 2.0 * f["3x3"]
    net.simulate(1)
    np.testing.assert_allclose(out.v_plain, 2.0 * _correlate(x, f["3x3"]), **TOL)
    net.reset(projections=True, synapses=True)
    np.testing.assert_array_equal(proj.get("weights"), f["3x3"])
    conv["inp"].baseline, conv["inp3"].baseline = x, conv["x3"]
    net.simulate(2)
    np.testing.assert_allclose(out.v_plain, _correlate(x, f["3x3"]), **TOL)


@pytest.fixture(scope="module")
def pooled():
    net = neurogen.Network(seed=3)
    inp = net.create(geometry=(8, 6, 5), neuron=INPUT)
    grid = net.create(geometry=(4, 3, 5), neuron=_sink("pmax", "pmin", "pmean", "psq"))
    column = net.create(geometry=(8, 6), neuron=_sink("depth"))
    for op, target in (("max", "pmax"), ("min", "pmin"), ("mean", "pmean")):
        net.connect(Pooling(inp, grid, target, operation=op)).connect_pooling()
    net.connect(Pooling(inp, grid, "psq", operation="max", psp="pre.r * pre.r")).pooling(
        extent=(2, 2, 1))
    depth = net.connect(Pooling(inp, column, "depth", operation="mean"))
    depth.pooling(extent=(1, 1, 5), delays=2.0)
    net.compile(silent=True)
    x = np.random.default_rng(11).uniform(-1, 1, size=(8, 6, 5))
    inp.baseline = x
    net.simulate(3)
    return dict(net=net, inp=inp, grid=grid, column=column, x=x)


def test_pooling_over_2x2_windows(pooled):
    x, grid = pooled["x"], pooled["grid"]
    blocks = x.reshape(4, 2, 3, 2, 5).transpose(0, 2, 4, 1, 3).reshape(4, 3, 5, 4)
    np.testing.assert_allclose(grid.v_pmax, blocks.max(axis=-1), **TOL)
    np.testing.assert_allclose(grid.v_pmin, blocks.min(axis=-1), **TOL)
    np.testing.assert_allclose(grid.v_pmean, blocks.mean(axis=-1), **TOL)
    np.testing.assert_allclose(grid.v_psq, (blocks ** 2).max(axis=-1), **TOL)


def test_pooling_a_whole_axis_with_delay(pooled):
    net, x, column = pooled["net"], pooled["x"], pooled["column"]
    np.testing.assert_allclose(column.v_depth, x.mean(axis=-1), **TOL)
    net.reset()
    pooled["inp"].baseline = x
    net.simulate(2)     # rates set during step 0 arrive 2 steps later: at step 2
    np.testing.assert_allclose(column.v_depth, 0.0, **TOL)
    net.simulate(1)
    np.testing.assert_allclose(column.v_depth, x.mean(axis=-1), **TOL)


def test_network_state_round_trips_through_the_filter(conv, tmp_path):
    """net.save/load store one weight per synapse; loading gives the filter back."""
    net, proj, f = conv["net"], conv["projs"]["bank"], conv["f"]
    net.save(tmp_path / "state.npz")
    proj.weights = 0.0
    net.load(tmp_path / "state.npz")
    np.testing.assert_array_equal(proj.weights, f["bank"])
    flat = proj.flat_weights().copy()
    flat[0] += 1.0                      # no longer one shared filter
    with pytest.raises(NetworkError, match="share one filter"):
        proj.weights = flat
    with pytest.raises(NetworkError, match="save proj.weights"):
        proj.save_connectivity(tmp_path / "conn.npz")


def test_single_precision():
    """precision='float': the filter table and sums in float, within float rounding."""
    x = np.random.default_rng(4).uniform(-1, 1, size=(20, 16))
    h = np.random.default_rng(5).normal(size=(3, 3))
    net = neurogen.Network(seed=1, precision="float")
    inp = net.create(geometry=x.shape, neuron=INPUT)
    out = net.create(geometry=x.shape, neuron=_sink("exc"))
    proj = net.connect(Convolution(inp, out, "exc"))
    proj.connect_filter(h)
    net.compile(silent=True)
    assert proj.storage == "filter" and proj.slot_weights.dtype == np.float32
    inp.baseline = x
    net.simulate(2)
    np.testing.assert_allclose(out.v_exc, _correlate(x, h), rtol=0, atol=1e-5)


def test_copy_and_transpose_are_named_not_missing():
    with pytest.raises(NeurogenError, match="Copy .*not available yet"):
        from neurogen.extensions.convolution import Copy  # noqa: F401
    with pytest.raises(ImportError, match="Transpose"):
        from neurogen.extensions.convolution import Transpose  # noqa: F401


def test_errors_name_the_problem(net):
    inp = net.create(geometry=(6, 6), neuron=INPUT)
    out = net.create(geometry=(4, 4), neuron=_sink("exc"))
    with pytest.raises(ConnectivityError, match="multiple"):
        Convolution(inp, out, "exc").connect_filter(np.ones((3, 3)))
    with pytest.raises(ConnectivityError, match="connect_filters"):
        Convolution(inp, inp, "exc").connect_filter(np.ones((2, 3, 3)))
    with pytest.raises(ConnectivityError, match="padding"):
        Convolution(inp, inp, "exc").connect_filter(np.ones((3, 3)), padding=1.5)
    with pytest.raises(ConnectivityError, match="subsampling"):
        Convolution(inp, inp, "exc").connect_filter(np.ones((3, 3)), subsampling=[[0, 0]])
    with pytest.raises(ConnectivityError, match="one neuron per filter"):
        Convolution(inp, inp, "exc").connect_filters(np.ones((3, 3, 3)))
    with pytest.raises(NetworkError, match="operation"):
        Convolution(inp, inp, "exc", operation="median")
    with pytest.raises(NetworkError, match="operation"):
        Pooling(inp, out, "exc", operation="sum")
    with pytest.raises(ConnectivityError, match="PopulationView"):
        Convolution(inp[0:3], inp, "exc")
    with pytest.raises(ConnectivityError, match="one number"):
        Convolution(inp, inp, "exc").connect_filter(np.ones((3, 3)), delays=[1.0, 2.0])
