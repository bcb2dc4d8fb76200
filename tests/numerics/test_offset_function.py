"""connect_from_offset_function: weights from a function of the offset post - pre on one
grid, kept as the (2n - 1)-per-axis kernel (never the (N, N) matrix unless dense or CSR
storage is asked for); checked against matrices built independently in NumPy."""
import tracemalloc

import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import ConnectivityError
from neurogen.core.kernel_connectivity import KernelConnectivity, f32
from netutil import make_network

INPUT = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
FIELD = ng.Neuron(parameters="tau = 10.0 : population",
                  equations="tau * dr/dt + r = sum(exc) + sum(lat)")


def rotated(dx, dy):
    """An anisotropic Gaussian rotated by 30 degrees minus a wider one: not separable,
    not symmetric under dx -> -dx alone."""
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    u, v = c * dx + s * dy, -s * dx + c * dy
    return 0.3 * np.exp(-(u / 3.0) ** 2 - (v / 1.2) ** 2) - 0.05 * np.exp(-(dx ** 2 + dy ** 2) / 40.0)


def numpy_matrix(geometry, function, periodic=False, self_connections=True):
    """W[post, pre] = function(*(post - pre)), offsets wrapped into [-(n//2), (n-1)//2]
    when periodic: built pair by pair, independently of the kernel code."""
    idx = np.indices(geometry).reshape(len(geometry), -1).T
    d = (idx[:, None, :] - idx[None, :, :]).astype(float)
    if periodic:
        n = np.array(geometry)
        d = np.remainder(d + n // 2, n) - n // 2
    W = function(*np.moveaxis(d, -1, 0))
    if not self_connections:
        np.fill_diagonal(W, 0.0)
    return W


def field(geometry, function, storage, periodic=False, self_connections=False):
    net = make_network()
    inp = ng.Population(geometry, INPUT, net=net, name="inp")
    focus = ng.Population(geometry, FIELD, net=net, name="focus")
    ng.Projection(inp, focus, "exc", net=net).connect_one_to_one(1.0)
    lat = ng.Projection(focus, focus, "lat", net=net, name="lat")
    lat.connect_from_offset_function(function, storage_format=storage, periodic=periodic,
                                     allow_self_connections=self_connections)
    return net, inp, focus, lat


@pytest.mark.parametrize("storage", ["fft", "separable"])
@pytest.mark.parametrize("periodic", [False, True])
def test_the_gaussian_as_an_offset_function_is_connect_gaussian(storage, periodic):
    n, amp, sigma, limit = 14, 0.7, 0.15, 0.01
    width = f32(np.float32(sigma) * np.float32(sigma))

    def gaussian(dx, dy):          # connect_gaussian's formula on normalised offsets
        scale = n if periodic else n - 1
        w = f32(amp) * np.exp(-((dx / scale) ** 2 + (dy / scale) ** 2) / (2.0 * width))
        return np.where(w > limit * f32(amp), w, 0.0)

    runs = {}
    for how in ("gaussian", "function"):
        net = make_network()
        inp = ng.Population((n, n), INPUT, net=net, name="inp")
        focus = ng.Population((n, n), FIELD, net=net, name="focus")
        ng.Projection(inp, focus, "exc", net=net).connect_one_to_one(1.0)
        lat = ng.Projection(focus, focus, "lat", net=net, name="lat")
        if how == "gaussian":
            lat.connect_gaussian(amp, sigma, limit=limit, storage_format=storage,
                                 periodic=periodic)
        else:
            lat.connect_from_offset_function(gaussian, storage_format=storage,
                                             periodic=periodic)
        inp.baseline = np.random.default_rng(3).random((n, n))
        net.compile()
        net.simulate(5.0)
        assert lat.storage == storage and not lat.connectivity.materialized
        runs[how] = (lat.connectivity.kernel.copy(), lat.nb_synapses, focus.r.copy())
    kernel, count, rates = runs["gaussian"]
    assert np.array_equal(runs["function"][0], kernel)
    assert runs["function"][1] == count
    assert np.array_equal(runs["function"][2], rates)


@pytest.mark.parametrize("storage", ["fft", "dense", "separable", "csr"])
def test_non_separable_function_against_numpy_over_steps(storage):
    geometry, dt, tau, steps = (11, 9), 1.0, 10.0, 6
    net, inp, focus, lat = field(geometry, rotated, storage)
    W = numpy_matrix(geometry, rotated, self_connections=False)
    I = np.random.default_rng(5).random(geometry)
    inp.baseline = I
    inp.r = I                      # the one-to-one input reads it from the first step on
    net.compile()
    assert lat.storage == storage
    assert isinstance(lat.connectivity, KernelConnectivity) == (storage in ("fft", "separable"))
    r = np.zeros(W.shape[0])
    for _ in range(steps):         # explicit Euler, sums from the rates of the step before
        r = r + dt / tau * (W @ r + I.reshape(-1) - r)
    net.simulate(steps * dt)
    scale = np.abs(r).max()
    np.testing.assert_allclose(focus.r.reshape(-1), r, rtol=0, atol=1e-12 * scale)
    np.testing.assert_array_equal(lat.connectivity_matrix(), W)


def skewed(dx):
    """A 1-D kernel peaked off-centre (dx = 2) with a wide negative surround."""
    return 0.4 * np.exp(-(dx - 2.0) ** 2 / 8.0) - 0.08 * np.exp(-dx ** 2 / 50.0)


@pytest.mark.parametrize("storage", ["fft", "dense"])
@pytest.mark.parametrize("periodic", [False, True])
def test_1d_rings_and_lines_against_numpy_over_steps(storage, periodic):
    n, dt, tau, steps = 30, 1.0, 10.0, 6
    net, inp, focus, lat = field((n,), skewed, storage, periodic=periodic)
    W = numpy_matrix((n,), skewed, periodic=periodic, self_connections=False)
    I = np.random.default_rng(6).random(n)
    inp.baseline = I
    inp.r = I
    net.compile()
    assert lat.storage == storage
    r = np.zeros(n)
    for _ in range(steps):
        r = r + dt / tau * (W @ r + I - r)
    net.simulate(steps * dt)
    np.testing.assert_allclose(focus.r, r, rtol=0, atol=1e-12 * np.abs(r).max())


@pytest.mark.parametrize("geometry", [(5, 4), (4, 7), (8,), (7,)])
def test_periodic_offsets_wrap_to_the_minimal_image(geometry):
    calls = []

    def asymmetric(*d):           # never zero, different for every minimal offset
        calls.append([a.shape for a in d])
        return 100.0 + sum(10.0 ** k * a for k, a in enumerate(d))

    _, _, _, lat = field(geometry, asymmetric, "fft", periodic=True, self_connections=True)
    kernel_shape = tuple(2 * g - 1 for g in geometry)
    assert calls == [[kernel_shape] * len(geometry)]           # called once, O(N) values
    expected = numpy_matrix(geometry, asymmetric, periodic=True)
    np.testing.assert_array_equal(lat.connectivity_matrix(), expected)
    assert lat.nb_synapses == np.prod(geometry) ** 2


@pytest.mark.parametrize("geometry", [(9,), (6, 5)])
@pytest.mark.parametrize("periodic", [False, True])
def test_no_self_connections_removes_exactly_the_centre_tap(geometry, periodic):
    _, _, _, lat = field(geometry, lambda *d: np.full_like(d[0], 0.5), "fft",
                         periodic=periodic)
    n = int(np.prod(geometry))
    assert lat.nb_synapses == n * n - n
    W = lat.connectivity_matrix(fill=np.nan)
    assert np.all(np.isnan(np.diag(W))) and np.all(W[~np.eye(n, dtype=bool)] == 0.5)


def test_zero_means_no_synapse_and_1d_dense_matches_numpy():
    def window(dx):
        return np.where(np.abs(dx) <= 2, 1.0 + dx, 0.0)      # zero at dx = -1 too

    _, _, _, lat = field((10,), window, "dense", self_connections=True)
    W = numpy_matrix((10,), window)
    assert lat.nb_synapses == np.count_nonzero(W)
    np.testing.assert_array_equal(lat.connectivity_matrix(), W)


def test_network_api_and_annarchy_style_name():
    net = make_network()
    a = ng.Population((6, 6), FIELD, net=net)
    proj = net.connect(a, a, "lat").from_offset_function(rotated, storage_format="fft")
    assert isinstance(proj.connectivity, KernelConnectivity)
    np.testing.assert_array_equal(proj.connectivity_matrix(),
                                  numpy_matrix((6, 6), rotated, self_connections=False))


def test_a_128x128_grid_connects_as_a_kernel():
    """16 384 neurons: the (N, N) matrix would be 2 GiB; the kernel is 255 x 255."""
    n = 128
    net = make_network()
    a = ng.Population((n, n), FIELD, net=net, name="a")
    lat = ng.Projection(a, a, "lat", net=net, name="lat")
    tracemalloc.start()
    try:
        lat.connect_from_offset_function(rotated)                 # 'auto' storage
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    conn = lat.connectivity
    assert isinstance(conn, KernelConnectivity) and conn.kernel.shape == (255, 255)
    assert not conn.materialized and peak < 50e6
    assert lat.planned_storage() in ("fft", "separable")
    assert not conn.materialized


def test_a_128x128_kernel_computes_the_convolution():
    n = 128
    net = make_network()
    a = ng.Population((n, n), FIELD, net=net, name="a")
    lat = ng.Projection(a, a, "lat", net=net, name="lat")
    lat.connect_from_offset_function(rotated, storage_format="fft")
    net.compile()
    c = (40, 90)
    r = np.zeros((n, n))
    r[c] = 1.0
    a.r = r
    net.step()
    i, j = np.indices((n, n))
    expected = rotated(i - c[0], j - c[1])
    expected[c] = 0.0                                    # no self-connection
    np.testing.assert_allclose(a.sum("lat").reshape(n, n), expected, rtol=0, atol=1e-13)
    assert not lat.connectivity.materialized


# -- errors -------------------------------------------------------------------------------

def connect(function, pre_geometry=(6, 5), post_geometry=None, **kw):
    net = make_network()
    pre = ng.Population(pre_geometry, FIELD, net=net, name="pre")
    post = ng.Population(post_geometry, FIELD, net=net, name="post") if post_geometry \
        else pre
    proj = ng.Projection(pre, post, "lat", net=net, name="lat")
    return proj.connect_from_offset_function(function, **kw)


def test_a_raising_function_is_named_with_its_message():
    def broken(dx, dy):
        raise ValueError("sigma must be positive")

    with pytest.raises(ConnectivityError, match=r"projection 'lat'.*broken raised "
                       r"ValueError: sigma must be positive") as info:
        connect(broken)
    assert isinstance(info.value.__cause__, ValueError)
    with pytest.raises(ConnectivityError, match=r"<lambda> raised TypeError.*2 array"):
        connect(lambda dx: dx)                     # one argument on a 2-D grid


@pytest.mark.parametrize("function, message", [
    (lambda dx, dy: 1.0, r"shape \(11, 9\).*got shape \(\)"),
    (lambda dx, dy: dx[:-1], r"shape \(11, 9\).*got shape \(10, 9\)"),
    (lambda dx, dy: np.where((dx == 1) & (dy == -2), np.nan, 1.0),
     r"1 non-finite weight.*nan at offset \(1, -2\)"),
    (lambda dx, dy: 1.0 / np.where(dy == 2, 0.0, 1.0 + dx * 0), r"non-finite.*inf"),
    (lambda dx, dy: np.full(dx.shape, "w"), r"real numbers, got ndarray of dtype <U1"),
    (lambda dx, dy: dx + 1j, r"real numbers.*complex"),
    (lambda dx, dy: None, r"real numbers, got NoneType"),
    (42, r"must be callable.*got 42"),
])
def test_bad_results_are_refused(function, message):
    with pytest.raises(ConnectivityError, match=message):
        with np.errstate(divide="ignore"):
            connect(function)


def test_geometries_views_and_keywords():
    with pytest.raises(ConnectivityError, match=r"same grid.*'pre' \(6, 5\).*'post' \(5, 6\)"):
        connect(rotated, (6, 5), (5, 6))
    with pytest.raises(ConnectivityError, match=r"did you mean 'periodic'"):
        connect(rotated, periodc=True)
    net = make_network()
    a = ng.Population((6, 6), FIELD, net=net)
    with pytest.raises(ConnectivityError, match="views"):
        ng.Projection(a[0:3], a, "lat", net=net).connect_from_offset_function(rotated)
