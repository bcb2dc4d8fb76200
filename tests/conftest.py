"""Shared fixtures: a private build cache per test session and a fresh network per test."""
import os
import tempfile

import pytest

_CACHE = tempfile.mkdtemp(prefix="neurogen-test-cache-")
os.environ.setdefault("NEUROGEN_CACHE_DIR", _CACHE)

import neurogen  # noqa: E402  (after the cache location is set)
import neurogen.backends  # noqa: E402
from neurogen.core.network_options import using_paradigm  # noqa: E402


@pytest.fixture(params=neurogen.backends.NAMES)
def paradigm(request):
    """Runs a test once per backend: networks made without ``paradigm=`` use it (as the
    CLI's ``--paradigm`` does). Skips, with the reason, where a backend cannot run (no
    GPU here, say)."""
    reason = neurogen.backends.get(request.param).unavailable()
    if reason is not None:
        pytest.skip(f"paradigm '{request.param}' cannot run here: {reason}")
    with using_paradigm(request.param):
        yield request.param


@pytest.fixture
def net():
    """A new network with a fixed seed, also installed as the default one."""
    return neurogen.clear(seed=1234)


@pytest.fixture(autouse=True)
def _module_level_definitions():
    """Module-level ``Constant``s and ``add_function``s reach every later network (as in
    ANNarchy): restore them after each test so tests stay independent of their order."""
    from neurogen.core.constant import GLOBAL_CONSTANTS
    from neurogen.parser.user_functions import GLOBAL_FUNCTIONS
    saved = dict(GLOBAL_CONSTANTS), dict(GLOBAL_FUNCTIONS)
    yield
    for registry, before in zip((GLOBAL_CONSTANTS, GLOBAL_FUNCTIONS), saved):
        registry.clear()
        registry.update(before)
