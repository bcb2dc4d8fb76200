"""rate_rnn's initialisation: the seed's BrainPy KaimingNormal(scale=1.) (variance
1/fan_in, normal truncated at 2 standard deviations and rescaled)."""
import numpy as np
import pytest

from neurogen import Network
from neurogen.models import rate_rnn
from neurogen.models.rnn import TruncatedNormal


def test_truncated_normal_has_the_asked_std_and_bound():
    x = TruncatedNormal(0.5).get_values(200_000, np.random.default_rng(0))
    assert x.std() == pytest.approx(0.5, rel=0.01)          # 200k draws: ~0.2% error
    assert np.abs(x).max() <= 2 * 0.5 / 0.87962566103423978 + 1e-12
    assert abs(x.mean()) < 0.005


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_weights_have_variance_scale_over_fan_in(scale):
    net = Network(dt=100.0, seed=1)
    m = rate_rnn(net, 3, 256, 3, weight_scale=scale)
    w_rec = np.asarray(m.w_rec.w, dtype=float)
    w_in = np.asarray(m.w_in.w, dtype=float)
    assert w_rec.shape == (256, 256)
    # 65 536 draws: relative error of the std ~0.3%; 768 draws for w_in: ~3%
    assert w_rec.std() == pytest.approx(np.sqrt(scale / 256), rel=0.02)
    assert w_in.std() == pytest.approx(np.sqrt(scale / 3), rel=0.1)
    b = np.asarray(m.rnn.b, dtype=float)
    assert np.abs(b).max() <= 1 / 16


def test_default_is_the_seeds_variance():
    import inspect
    assert inspect.signature(rate_rnn).parameters["weight_scale"].default == 1.0
