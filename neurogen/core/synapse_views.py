"""Views of a projection's synapses, as ANNarchy gives them: ``proj.dendrite(i)`` (the
synapses of one postsynaptic neuron) and ``dendrite[k]`` / ``dendrite.synapse(pre)``
(one synapse).

A view holds no data: it reads and writes the projection's weights and synapse-model
buffers through the CSR row of its neuron, so what it shows is always current.
"""
from __future__ import annotations

import numpy as np

from ..errors import NetworkError
from .structural import change_dendrite

class Dendrite:
    """The synapses of one postsynaptic neuron: ``pre_ranks``, ``w``, ``size`` and the
    synapse model's attributes, readable and writable."""

    def __init__(self, proj, post_rank: int):
        object.__setattr__(self, "proj", proj)
        object.__setattr__(self, "post_rank", post_rank)

    @property
    def csr_slice(self) -> slice:
        """Where the dendrite's synapses lie in the projection's synapse (CSR) order."""
        ptr = self.proj.connectivity.row_ptr
        return slice(int(ptr[self.post_rank]), int(ptr[self.post_rank + 1]))

    @property
    def size(self) -> int:
        sl = self.csr_slice
        return sl.stop - sl.start

    @property
    def pre_ranks(self) -> list:
        return self.proj.connectivity.cols[self.csr_slice].tolist()

    @property
    def rank(self) -> int:
        return self.post_rank

    def get(self, name: str):
        return getattr(self, name)

    def set(self, values: dict):
        for name, value in values.items():
            setattr(self, name, value)

    def synapse(self, pre) -> "Synapse":
        """The synapse coming from presynaptic neuron ``pre`` (a rank)."""
        ranks = self.pre_ranks
        if pre not in ranks:
            raise NetworkError(f"projection '{self.proj.name}': neuron {self.post_rank} of "
                               f"'{self.proj.post.name}' receives no synapse from {pre}")
        return Synapse(self, ranks.index(pre))

    def __getitem__(self, index: int) -> "Synapse":
        """The ``index``-th synapse of the dendrite (ANNarchy's ``dendrite[k]``)."""
        if not -self.size <= index < self.size:
            raise NetworkError(f"projection '{self.proj.name}': dendrite {self.post_rank} "
                               f"has {self.size} synapses, no synapse {index}")
        return Synapse(self, index % self.size)

    def __iter__(self):
        return (Synapse(self, k) for k in range(self.size))

    def __len__(self):
        return self.size

    def __getattr__(self, name):
        proj = self.__dict__["proj"]
        if name == "w":
            return proj.flat_weights()[self.csr_slice].copy()
        if name == "delay":
            return float(proj.delays) if proj.uniform_delay else proj.delays[self.csr_slice].tolist()
        attr = proj.synapse_state.declaration(name)
        buffer = proj.synapse_state.buffer(name)
        if attr.locality == "global":
            return buffer[0].item()
        if attr.locality == "postsynaptic":
            return buffer[self.post_rank].item()
        return buffer[self.csr_slice].tolist()      # a list, as ANNarchy's dendrites give

    def __setattr__(self, name, value):
        proj = self.proj
        if name == "w":
            flat = proj.flat_weights()
            flat[self.csr_slice] = value
            proj.w = flat
            return
        attr = proj.synapse_state.declaration(name)
        buffer = proj.synapse_state.buffer(name)
        index = {"global": 0, "postsynaptic": self.post_rank}.get(attr.locality, self.csr_slice)
        buffer[index] = value

    # -- structural plasticity (net.config(structural_plasticity=True)) -------------------
    def create_synapse(self, rank: int, w: float = 0.0, delay: float = 0):
        self.create_synapses([rank], [w], [delay])

    def create_synapses(self, ranks, weights=None, delays=None):
        change_dendrite(self.proj, self.post_rank, create=ranks,
                        weights=0.0 if weights is None else weights, delays=delays)

    def prune_synapse(self, rank: int):
        self.prune_synapses([rank])

    def prune_synapses(self, ranks):
        change_dendrite(self.proj, self.post_rank, prune=ranks)

    def __repr__(self):
        return f"Dendrite({self.proj.name!r}, post_rank={self.post_rank}, size={self.size})"


class Synapse:
    """One synapse of a dendrite: ``proj.dendrite(i)[k].w = 0.5`` reads and writes its
    weight and per-synapse variables."""

    def __init__(self, dendrite: Dendrite, index: int):
        object.__setattr__(self, "dendrite", dendrite)
        object.__setattr__(self, "index", index)

    @property
    def pre_rank(self) -> int:
        return self.dendrite.pre_ranks[self.index]

    @property
    def post_rank(self) -> int:
        return self.dendrite.post_rank

    def __getattr__(self, name):
        dendrite = self.__dict__["dendrite"]
        values = getattr(dendrite, name)
        return values if np.ndim(values) == 0 else values[self.__dict__["index"]]

    def __setattr__(self, name, value):
        dendrite = self.dendrite
        proj = dendrite.proj
        if name != "w" and proj.synapse_state.declaration(name).locality != "local":
            raise NetworkError(f"projection '{proj.name}': '{name}' is not per synapse; set "
                               "it on the dendrite or the projection")
        values = np.array(getattr(dendrite, name), dtype=float)
        values[self.index] = value
        setattr(dendrite, name, values)

    def __repr__(self):
        return f"Synapse({self.pre_rank} -> {self.post_rank} of {self.dendrite.proj.name!r})"
