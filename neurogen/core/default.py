"""The default network of the classic API (``from neurogen import *``).

Populations, projections, constants and monitors created without ``net=`` join it. It
lives here, apart from :mod:`neurogen.core.network`, so that those modules do not import
the network module (which imports them): ``network.py`` registers how to make a network.
"""
from __future__ import annotations

_default = None
_factory = None


def register(factory):
    """Called once by :mod:`neurogen.core.network` with the ``Network`` class."""
    global _factory
    _factory = factory


def default_network():
    global _default
    if _default is None:
        _default = _factory()
    return _default


def set_default(net):
    global _default
    _default = net
    return net
