"""A projection's synapse-model attributes (``proj.eta``, ``proj.get('tau')``...): names
checked against the model, values kept until compile and then written into the runtime
buffers the generated code reads (buffers of the network's runtime state, keys
``SynAttribute(proj, name)``).

``w`` is not among them: the weights belong to the storage
(:mod:`neurogen.core.projection_storage`). The values live in a component of the
projection, :class:`SynapseState` (``proj.synapse_state``); the other functions here are
bound as the projection's methods by :mod:`neurogen.core.projection`.
"""
from __future__ import annotations

import numpy as np

from ..codegen.slots import SynAttribute
from ..errors import NetworkError, UnknownAttributeError
from ..ir import GLOBAL, POSTSYNAPTIC
from ..validation import array_for, did_you_mean

_CTYPES = {"int": np.int32, "bool": np.bool_}


class SynapseState:
    """The values of a projection's synapse-model attributes, a component of the
    projection (``proj.synapse_state``): ``given``, the values set before compile (checked
    and kept, applied when the buffers are allocated), and from compile on a view on the
    runtime state's buffer of each attribute (:attr:`buffers`, ``None`` before). ``w`` is
    not among them."""

    def __init__(self, proj):
        self.proj = proj
        self.given: dict = {}
        self.allocated = False

    def _names(self) -> list:
        ir = self.proj.synapse_ir
        return [a.name for a in (ir.attributes if ir is not None else ()) if a.name != "w"]

    def allocate(self, dtype):
        """At compile: buffers of the synapse model's attributes, with values set before."""
        proj = self.proj
        for name in self._names():
            a = proj.synapse_ir.attribute(name)
            n = {GLOBAL: 1, POSTSYNAPTIC: proj.post.size}.get(a.locality, proj.nb_synapses)
            proj.net.state.allocate(SynAttribute(proj.id, name), n,
                                    _CTYPES.get(a.ctype, dtype), a.init)
        self.allocated = True
        for name, value in self.given.items():
            self.set(name, value)

    @property
    def buffers(self) -> dict | None:
        """The live runtime buffer of each attribute, by name; ``None`` before compile."""
        if not self.allocated:
            return None
        return {name: self.buffer(name) for name in self._names()}

    def replace(self, name: str, array: np.ndarray):
        """A new buffer for attribute ``name`` (synapses created or pruned)."""
        self.proj.net.state.adopt(SynAttribute(self.proj.id, name), array)

    def buffer(self, name: str) -> np.ndarray:
        """The live runtime buffer of attribute ``name`` (``AttributeError`` before
        compile)."""
        if not self.allocated:
            raise AttributeError(f"projection '{self.proj.name}': '{name}' has no runtime "
                                 "buffer before compile()")
        return self.proj.net.state[SynAttribute(self.proj.id, name)]

    def declaration(self, name):
        """The model's declaration of attribute ``name``; an unknown name is refused."""
        proj = self.proj
        ir = proj.synapse_ir
        if ir is None or name == "w" or name not in ir.names:
            raise UnknownAttributeError(f"projection '{proj.__dict__.get('name', '?')}' "
                                        f"has no attribute '{name}'" + did_you_mean(
                                            name, ["w", *(ir.names if ir else ())]))
        return ir.attribute(name)

    def set(self, name, value):
        """One value, one per postsynaptic neuron or synapse, or a random distribution;
        before compile the value is checked and kept."""
        proj = self.proj
        attr = self.declaration(name)
        owner = f"projection '{proj.name}'"
        if not self.allocated:            # before compile: applied at allocation
            if not hasattr(value, "get_values"):
                array_for(owner, name, value, _CTYPES.get(attr.ctype, np.float64))
            self.given[name] = value
            return
        buffer = self.buffer(name)
        if hasattr(value, "get_values"):    # drawn anew at each setting
            rng = proj.net.generator_for(("synapse", proj.id, name), fresh=True)
            value = value.get_values(buffer.size, rng)
        elif np.ndim(value) and attr.locality == "local" and len(value) == proj.size \
                and np.ndim(value[0]):
            value = np.concatenate([array_for(owner, name, v, float).reshape(-1)
                                    for v in value])
        value = array_for(owner, name, value, buffer.dtype)
        if value.size not in (1, buffer.size):
            raise NetworkError(f"projection '{proj.name}': '{name}' takes one value or "
                               f"{buffer.size}, got {value.size}")
        buffer[...] = value.reshape(-1) if value.size > 1 else value.reshape(())

    def get(self, name):
        """A global attribute as a number, a postsynaptic one per dendrite, a local one as
        one array per dendrite (as ANNarchy)."""
        proj = self.proj
        attr = self.declaration(name)
        if not self.allocated:
            return self.given.get(name, attr.init)
        buffer = self.buffer(name)
        if attr.locality == "global":
            return buffer[0].item()
        if attr.locality == "postsynaptic":
            return buffer[proj.post_ranks].copy()
        ptr = proj.connectivity.row_ptr
        return [buffer[ptr[i]:ptr[i + 1]].copy() for i in proj.post_ranks]


def model_names(proj) -> set:
    """``w`` and the synapse model's names (suggested first for a misspelt attribute)."""
    ir = proj.__dict__.get("synapse_ir")
    return {"w", *(ir.names if ir is not None else ())}


def is_model_attribute(proj, name: str) -> bool:
    """Whether ``proj.<name> = value`` sets a synapse-model attribute."""
    ir = proj.__dict__.get("synapse_ir")
    return ir is not None and name != "w" and name in ir.names


def lookup(proj, name):
    """``proj.<name>`` for a name Python did not find: a function of the synapse model,
    else an attribute's value."""
    synapse = proj.__dict__.get("synapse")
    function = synapse.python_function(name) if synapse is not None else None
    if function is not None:
        return function
    return proj.synapse_state.get(name)


def get(proj, name: str):
    """An attribute by name (``proj.get('w')``, ``proj.get('eta')``), as ``proj.<name>``."""
    if name == "w":
        return proj.w
    return proj.synapse_state.get(name)


def set_many(proj, values: dict):
    """Several attributes at once: ``proj.set({'eta': 0.1, 'w': 0.5})``."""
    for name, value in values.items():
        if name == "w":
            proj.w = value
        else:
            proj.synapse_state.set(name, value)


def parameters(proj) -> list[str]:
    """Names of the synapse model's parameters."""
    ir = proj.synapse_ir
    return [a.name for a in ir.attributes if a.kind == "parameter"] if ir else []


def variables(proj) -> list[str]:
    """Names of the synapse model's variables, ``w`` included (as ANNarchy)."""
    ir = proj.synapse_ir
    names = [a.name for a in ir.attributes if a.kind == "variable"] if ir else []
    return names if "w" in names or "w" in proj.parameters else names + ["w"]


def attributes(proj) -> list[str]:
    """Names of the synapse model's parameters and variables (``w`` included)."""
    return proj.parameters + proj.variables
