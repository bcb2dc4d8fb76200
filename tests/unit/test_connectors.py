"""Connectors against independent constructions that follow ANNarchy's definitions
literally (loops over post and pre neurons, single-precision distances)."""
import numpy as np
import pytest

from neurogen.core import connectors


def coords(rank, geometry):
    """ANNarchy's normalised coordinates: a 1-D rank / (size - 1) in double; 2-D and 3-D
    x / (size_axis - 1) stored in a C float (0 on an axis of size 1)."""
    if len(geometry) == 1:
        return [rank / float(geometry[0] - 1)]
    c = np.unravel_index(rank, geometry)
    return [float(np.float32(ci / float(g - 1))) if g > 1 else 0.0
            for ci, g in zip(c, geometry)]


def f32(x):
    return float(np.float32(x))


def reference(pre_geo, post_geo, weight_of, keep, allow_self):
    """Loops over post and pre like ANNarchy's Connector.pyx; the distance is a C float
    accumulated axis by axis from double-precision squared differences."""
    pre_n, post_n = int(np.prod(pre_geo)), int(np.prod(post_geo))
    matrix = np.full((post_n, pre_n), np.nan)
    for post in range(post_n):
        pc = coords(post, post_geo)
        for pre in range(pre_n):
            if not allow_self and pre == post:
                continue
            qc = coords(pre, pre_geo)
            d = 0.0
            for a, b in zip(qc, pc):
                d = f32(d + (a - b) ** 2)
            value = f32(weight_of(d))
            if keep(value):
                matrix[post, pre] = value
    return matrix


def gauss(d, amp, sigma):
    return f32(amp) * np.exp(-d / (2.0 * f32(f32(sigma) * f32(sigma))))


def as_matrix(conn):
    return conn.dense(fill=np.nan)


@pytest.mark.parametrize("geometry", [(7,), (5, 6), (3, 4, 2)])
def test_dog_matches_annarchy_definition(geometry):
    ap, sp_, an, sn, limit = 0.2, 0.1, 0.1, 0.7, 0.01
    conn = connectors.dog(geometry, geometry, ap, sp_, an, sn, limit, allow_self=False)
    ref = reference(geometry, geometry, lambda d: gauss(d, ap, sp_) - gauss(d, an, sn),
                    lambda v: abs(v) > limit * abs(f32(f32(ap) - f32(an))), allow_self=False)
    np.testing.assert_array_equal(as_matrix(conn), ref)     # bit for bit (NaN = no synapse)


def test_gaussian_between_different_geometries_and_self_connections():
    conn = connectors.gaussian((4, 4), (8, 8), 1.5, 0.3, 0.01, allow_self=True)
    ref = reference((4, 4), (8, 8), lambda d: gauss(d, 1.5, 0.3),
                    lambda v: v > 0.01 * 1.5, allow_self=True)
    np.testing.assert_array_equal(as_matrix(conn), ref)


def test_gaussian_limit_drops_far_synapses():
    conn = connectors.gaussian((20,), (20,), 1.0, 0.05, 0.5, allow_self=False)
    m = as_matrix(conn)
    assert np.all(np.isnan(np.diag(m)))
    assert np.nanmin(m) > 0.5 and conn.nb_synapses < 20 * 19


def test_one_to_one_and_all_to_all():
    rng = np.random.default_rng(0)
    conn = connectors.one_to_one(5, 5, 2.0, rng)
    np.testing.assert_array_equal(conn.dense(), 2.0 * np.eye(5))
    conn = connectors.all_to_all(3, 4, 0.5, allow_self=False, rng=rng)
    expected = np.full((4, 3), 0.5)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_array_equal(conn.dense(), expected)
    assert conn.nb_synapses == 12 - 3


def test_from_matrix_none_and_nan_mean_no_synapse():
    m = [[1.0, None], [0.0, 2.0]]
    conn = connectors.from_matrix(m, pre_size=2, post_size=2, pre_post=False)
    assert conn.nb_synapses == 3
    np.testing.assert_array_equal(conn.dense(), [[1.0, 0.0], [0.0, 2.0]])
    conn = connectors.from_matrix(np.array([[1.0, np.nan, 3.0]]), 1, 3, pre_post=True)
    assert conn.nb_synapses == 2 and list(conn.cols) == [0, 0]
