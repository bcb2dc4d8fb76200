"""``cross_entropy``'s value and derivative against a direct NumPy softmax (few units:
reduced unit by unit; many: by NumPy's reductions), with and without a mask."""
import numpy as np
import pytest

from neurogen.training.losses import cross_entropy


def reference(outputs, labels, weight):
    y = outputs.astype(np.float64)
    p = np.exp(y - y.max(2, keepdims=True))
    p /= p.sum(2, keepdims=True)
    nll = -np.log(np.take_along_axis(p, labels[..., None], 2))[..., 0]
    d = p.copy()
    np.put_along_axis(d, labels[..., None], np.take_along_axis(d, labels[..., None], 2) - 1, 2)
    return (nll * weight).sum() / weight.sum(), d * (weight / weight.sum())[..., None]


@pytest.mark.parametrize("units", [1, 3, 17, 40])
@pytest.mark.parametrize("masked", [False, True])
def test_cross_entropy_matches_numpy_softmax(units, masked):
    rng = np.random.default_rng(units)
    outputs = (rng.standard_normal((20, 5, units)) * 4).astype(np.float32)
    labels = rng.integers(0, units, (20, 5))
    mask = rng.random((20, 5)) if masked else None
    loss, grad = cross_entropy(outputs, labels, mask)
    ref_loss, ref_grad = reference(outputs, labels, mask if masked else np.ones((20, 5)))
    assert grad.shape == outputs.shape
    assert abs(loss - ref_loss) <= 1e-13 * max(1.0, abs(ref_loss))
    assert np.abs(grad - ref_grad).max() <= 1e-15
