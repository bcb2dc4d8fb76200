"""ANNarchy's extensions that neurogen does not provide are named when imported."""
import pytest

from neurogen.errors import NeurogenError


def test_the_ann_to_snn_extension_is_named_as_not_available():
    """ANNarchy's ANN2SNN notebooks import it: a NeurogenError that names it, also an
    ImportError (so `try: import ... except ImportError` keeps working)."""
    with pytest.raises(ImportError, match="ann_to_snn_conversion .*not available"):
        from neurogen.extensions.ann_to_snn_conversion import ANNtoSNNConverter  # noqa: F401
    with pytest.raises(NeurogenError):
        import neurogen.extensions.ann_to_snn_conversion  # noqa: F401
