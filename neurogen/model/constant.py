"""Network-wide named constants, usable in equations by name and in Python as floats."""
from __future__ import annotations


class Constant(float):
    """``Constant('tau', 10.0)``: a float for Python, a named value for equations.

    Its value is runtime data: ``tau.set(20.0)`` changes it without recompiling.
    """

    def __new__(cls, name: str, value: float, net=None):
        from ..validation import constant_name, number
        obj = super().__new__(cls, number(f"Constant {name!r}", "value", value))
        obj.name = constant_name(name)
        obj.value = float(value)
        if net is None:
            from .network import default_network
            net = default_network()
        obj._net = net
        net._add_constant(obj)
        return obj

    def set(self, value: float):
        from ..validation import number
        self.value = number(f"Constant {self.name!r}", "value", value)
        self._net._constant_changed(self)

    def __repr__(self):
        return f"Constant({self.name!r}, {self.value!r})"
