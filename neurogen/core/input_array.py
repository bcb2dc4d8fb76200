"""InputArray: a population whose rates are set from Python (``inp.r = values``), as
ANNarchy's ``InputArray``; the simulation only reads them."""
from __future__ import annotations

from ..errors import NetworkError
from .neuron import Neuron
from .population import Population

_INPUT = Neuron(parameters="r = 0.0", name="InputArray")


class InputArray(Population):
    """``InputArray(geometry=(10, 10))``; ``net.create(InputArray(geometry=10))``."""

    _movable = True

    def __init__(self, geometry=None, name: str | None = None, dtype=float, net=None):
        if dtype not in (float, "float", "double"):
            raise NetworkError(f"InputArray: rates are real numbers (dtype=float), got "
                               f"{dtype!r}")
        super().__init__(geometry, _INPUT, name=name, net=net)
