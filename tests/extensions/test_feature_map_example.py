"""examples/convolution/feature_map.py computes what SciPy says (rectified edge maps,
2x2 max-pooling)."""
import importlib.util
from pathlib import Path

import numpy as np
import scipy.ndimage as ndi

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "convolution" / "feature_map.py"


def _load():
    spec = importlib.util.spec_from_file_location("feature_map", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_feature_map_matches_scipy():
    fm = _load()
    net, retina, features, pooled = fm.build(32)
    image = fm.synthetic_image(32)
    expected = np.stack([np.maximum(ndi.correlate(image, h, mode="constant"), 0.0)
                         for h in fm.edge_filters()], axis=-1)
    np.testing.assert_allclose(features.r, expected, rtol=0, atol=1e-12)
    blocks = expected.reshape(16, 2, 16, 2, 4).max(axis=(1, 3))
    np.testing.assert_allclose(pooled.r, blocks, rtol=0, atol=1e-12)
    assert net.projections[0].storage == "filter"
