"""The runtime state: every buffer of a network, by typed key, from creation on.

A network's :class:`State` (``net.state``, created with the network, so that attributes
can be read and set before ``compile()``) allocates and holds every NumPy array the
simulation reads or writes. The keys are the plan's slot descriptors
(:mod:`neurogen.codegen.slots`), so the runtime binds a pointer slot by looking it up:

================================  ========================================================
key                               array
================================  ========================================================
``PopAttribute(pop, name)``       a population attribute, flat (``[copy][neuron]``)
``TimedRates(pop)``               a TimedArray's rates, (entries, size)
``ProjWeights(proj)``             a projection's weights: the dense (post, pre) matrix or
                                  one per synapse (from ``compile()`` on)
``SynAttribute(proj, name)``      a synapse-model attribute (from ``compile()`` on)
``KernelTable(proj, name)``       a storage kernel's table (CSR indices, FFT spectrum…)
``SynDelays(proj)``               per-synapse delays in steps
``PopSum``, ``PopReduction``,     weighted sums, global operations, delay rings (made by
``DelayRing``, ``RuleBuffer``     the runtime when it binds); structural-rule buffers
``MonitorAddresses``,             the monitor table
``MonitorFields``
:class:`Record` ``(monitor,       one monitor's records of one variable, (capacity, width)
name)``
================================  ========================================================

Model objects are views on it: a population's attributes (``pop.r``, ``view()``,
``buffer()``), a projection's weights (its connectivity holds the State's array) and
synapse attributes, a monitor's records and a TimedArray's rates read and write the
arrays here. Whatever changes an array's size or type — the precision fixed by
``compile()``, ``setup(batch=B)``, synapses created or pruned, a monitor that needs room,
a population moving to another network — replaces it here (arrays are replaced, never
resized in place: a reference taken earlier, such as ``pop.view('r')``, stays valid until
then), and the :class:`~neurogen.runtime.simulator.Simulator` re-binds its tables from
here. Allocations that may be large check the free memory first (:meth:`allocate_all`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..validation import check_memory

_CTYPES = {"int": np.int32, "bool": np.bool_}


@dataclass(frozen=True)
class Record:
    """The records of variable ``name`` of monitor ``monitor`` (its index in the
    network); not a slot of the plan (the monitor table holds its address)."""
    monitor: int
    name: str


class State:
    """Every buffer of one network, by typed key (see the module's documentation)."""

    def __init__(self, net):
        self.net = net
        self._arrays: dict = {}

    # -- lookup ---------------------------------------------------------------------------
    def __contains__(self, key) -> bool:
        return key in self._arrays

    def __getitem__(self, key) -> np.ndarray:
        return self._arrays[key]

    def get(self, key, default=None):
        return self._arrays.get(key, default)

    def keys(self, *kinds) -> list:
        """The keys held, those of the given types only where types are given."""
        return [k for k in self._arrays if not kinds or isinstance(k, kinds)]

    def dtype(self, ctype: str):
        """The NumPy type of an attribute of C type ``ctype`` in this network."""
        return _CTYPES.get(ctype, self.net.real_dtype)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._arrays.values())

    # -- allocation -----------------------------------------------------------------------
    def allocate(self, key, shape, dtype, fill=0) -> np.ndarray:
        """A new array for ``key`` (replacing any), filled with ``fill``."""
        array = self._arrays[key] = np.full(shape, fill, dtype=dtype)
        return array

    def allocate_all(self, items, what: str, advice: str = "") -> list:
        """Several arrays ``(key, shape, dtype, fill)`` at once, after checking that they
        fit in the free memory (``what`` names them in the refusal)."""
        items = list(items)
        check_memory(what, sum(int(np.prod(shape)) * np.dtype(dtype).itemsize
                               for _, shape, dtype, _ in items), advice)
        return [self.allocate(*item) for item in items]

    def ensure(self, key, shape, dtype) -> np.ndarray:
        """The array of ``key``, allocated (zeros) when there is none yet."""
        array = self._arrays.get(key)
        return array if array is not None else self.allocate(key, shape, dtype)

    def adopt(self, key, array, dtype=None) -> np.ndarray:
        """``array`` becomes the buffer of ``key`` (replacing any): kept as it is when
        contiguous and of ``dtype``, else converted once. Returns the buffer."""
        array = self._arrays[key] = np.ascontiguousarray(array, dtype=dtype)
        return array

    def retype(self, key, dtype) -> np.ndarray:
        """The buffer of ``key`` converted to ``dtype`` (a new array where it differs)."""
        array = self._arrays[key]
        return array if array.dtype == dtype else self.adopt(key, array, dtype)

    def release(self, key):
        """Forget the buffer of ``key``; returns it (``None`` when there was none)."""
        return self._arrays.pop(key, None)

    # -- a population moving between networks ---------------------------------------------
    def take(self, pop_id: int) -> dict:
        """Remove and return the buffers of population ``pop_id``, by key."""
        return {key: self._arrays.pop(key) for key in
                [k for k in self._arrays if getattr(k, "pop", None) == pop_id]}

    def hand_over(self, pop_id: int, other: "State", new_id: int):
        """The buffers of population ``pop_id`` move to ``other`` under ``new_id``
        (``net.create(TimedArray(...))``: a population made in the call moves there)."""
        for key, array in self.take(pop_id).items():
            other.adopt(dataclasses.replace(key, pop=new_id), array)
