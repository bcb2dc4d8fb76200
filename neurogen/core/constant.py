"""Network-wide named constants, usable in equations by name and in Python as floats."""
from __future__ import annotations

from ..errors import NetworkError
from ..parser.attributes import RESERVED
from .default import default_network

#: constants created without a network (module level): every Network created later has them
GLOBAL_CONSTANTS: dict = {}


def check_name(name) -> str:
    """A constant is named like a parameter: an identifier, not reserved, no leading '_'."""
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_") \
            or name in RESERVED:
        raise NetworkError(
            f"Constant: {name!r} is not a valid constant name; name it like a parameter "
            "(letters, digits and '_', not starting with a digit or '_', and none of "
            f"{', '.join(sorted(RESERVED))})")
    return name


class Constant(float):
    """``Constant('tau', 10.0)``: a float for Python, a named value for equations.

    Its value is runtime data: ``tau.set(20.0)`` changes it without recompiling, in every
    network that uses it. Created without ``net=``, it belongs to the default network
    and to every network created afterwards (as ANNarchy's module-level constants).
    """

    def __new__(cls, name: str, value: float, net=None):
        from ..validation import constant_name, number
        constant_name(check_name(name))
        obj = super().__new__(cls, number(f"Constant {name!r}", "value", value))
        obj.name = name
        obj.value = float(value)
        obj.networks = []
        if net is None:
            GLOBAL_CONSTANTS[name] = obj
            net = default_network()
            if net.compiled:          # later networks get it; the compiled one cannot
                return obj
        obj.attach(net)
        return obj

    def attach(self, net):
        """Make this constant known to ``net`` (its value becomes runtime data there)."""
        if not any(n is net for n in self.networks):
            self.networks.append(net)
        net.register(self)

    def set(self, value: float):
        from ..validation import number
        self.value = number(f"Constant {self.name!r}", "value", value)
        for net in self.networks:
            if net.runtime is not None:       # the value is runtime data
                net.runtime.bind()

    def __repr__(self):
        return f"Constant({self.name!r}, {self.value!r})"
