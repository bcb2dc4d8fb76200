"""Shared fixtures: a private build cache per test session and a fresh network per test."""
import os
import tempfile

import pytest

_CACHE = tempfile.mkdtemp(prefix="neurogen-test-cache-")
os.environ.setdefault("NEUROGEN_CACHE_DIR", _CACHE)

import neurogen  # noqa: E402  (after the cache location is set)


@pytest.fixture
def net():
    """A new network with a fixed seed, also installed as the default one."""
    return neurogen.clear(seed=1234)
