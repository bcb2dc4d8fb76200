import pytest

from cli_helpers import field_script


@pytest.fixture
def field(tmp_path):
    """The N = 8 neural field as a model script in a temporary folder."""
    return field_script(tmp_path)
