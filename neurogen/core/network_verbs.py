"""Network methods whose work belongs to packages above the core (ANNarchy 5's
``net.parallel_run`` in :mod:`neurogen.sweeps`, ``net.boldmonitor`` in the BOLD
extension): the method of :class:`~neurogen.core.network.Network` calls what the package
provided when ``neurogen`` was imported, so the core imports nothing above it."""
from __future__ import annotations

from ..errors import NetworkError

_PROVIDED: dict = {}


def provide(name: str, function):
    """Called by ``neurogen/__init__.py``: ``function(net, ...)`` does ``net.name(...)``."""
    _PROVIDED[name] = function


def provided(name: str):
    try:
        return _PROVIDED[name]
    except KeyError:
        raise NetworkError(f"Network.{name}() is not available: import neurogen (the "
                           "package provides it)") from None
