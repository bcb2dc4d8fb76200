"""Helpers shared by test modules (imported by name; conftest.py files are not)."""
import neurogen


def make_network(**config):
    """A fresh default network with a fixed seed unless one is given."""
    return neurogen.clear(**{"seed": 1234, **config})
