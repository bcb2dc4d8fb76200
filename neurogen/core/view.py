"""Population views: a subset of a population's neurons (``pop[2, :]``, ``pop[:10]``,
``pop.neuron(3)``, ``view1 + view2``), usable wherever a population is, for reading and
writing attributes, as the source or target of projections, and in monitors."""
from __future__ import annotations

import numpy as np

from ..errors import NetworkError, ShapeError, UnknownAttributeError
from ..ir import GLOBAL
from ..validation import array_for, did_you_mean


class PopulationView:
    """Neurons ``ranks`` of ``population``, in the given order."""

    def __init__(self, population, ranks):
        ranks = np.asarray(ranks, dtype=np.int64).reshape(-1)
        if ranks.size and (ranks.min() < 0 or ranks.max() >= population.size):
            raise NetworkError(f"view of '{population.name}': ranks outside [0, "
                               f"{population.size})")
        object.__setattr__(self, "population", population)
        object.__setattr__(self, "ranks", ranks)

    # the same surface as a Population, where it makes sense
    @property
    def size(self) -> int:
        return int(self.ranks.size)

    @property
    def geometry(self) -> tuple:
        return (self.size,)

    @property
    def net(self):
        return self.population.net

    @property
    def name(self) -> str:
        return f"{self.population.name}[view of {self.size}]"

    @property
    def attributes(self):
        return self.population.attributes

    def __len__(self):
        return self.size

    def get(self, name: str):
        pop = self.population
        if pop.ir.attribute(name).locality == GLOBAL:
            return pop.get(name)
        if pop.is_batched(name):     # (B, len(view))
            return pop.buffer(name).reshape(pop.net.batch, pop.size)[:, self.ranks]
        return pop.buffer(name)[self.ranks].copy()

    def set(self, values: dict):
        for name, value in values.items():
            self._write(name, value)

    def _write(self, name: str, value):
        pop = self.population
        buffer = pop.buffer(name)
        if pop.ir.attribute(name).locality == GLOBAL:
            raise NetworkError(f"'{name}' is population-wide: set it on '{pop.name}' itself")
        if hasattr(value, "get_values"):    # drawn anew at each setting
            rng = pop.net.generator_for(("view", pop.id, name), fresh=True)
            value = value.get_values(self.size, rng)
        value = array_for(f"view of '{pop.name}'", name, value, buffer.dtype)
        if pop.is_batched(name) and self.size == 1 and value.shape == (pop.net.batch,):
            value = value.reshape(pop.net.batch, 1)     # one neuron, a value per copy
        if pop.is_batched(name) and value.shape == (pop.net.batch, self.size):
            buffer.reshape(pop.net.batch, pop.size)[:, self.ranks] = value
            return
        if pop.is_batched(name):     # one value set for every copy
            if value.size not in (1, self.size):
                raise ShapeError(f"view of '{pop.name}': cannot assign shape {value.shape} to "
                                 f"'{name}' of {self.size} neurons in {pop.net.batch} copies")
            pos = (slice(None), self.ranks)
            pop.buffer(name).reshape(pop.net.batch, pop.size)[pos] = \
                value.reshape(1, -1) if value.size > 1 else value.reshape(())
            return
        if value.size not in (1, self.size):
            raise ShapeError(f"view of '{pop.name}': cannot assign {value.size} values to "
                             f"'{name}' of {self.size} neurons")
        buffer[self.ranks] = value.reshape(-1) if value.size > 1 else value.reshape(())

    def __getattr__(self, name):
        pop = self.__dict__["population"]
        if name in pop.attributes:
            return self.get(name)
        raise AttributeError(f"view of '{pop.name}' has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name in self.population.attributes:
            self._write(name, value)
        else:
            raise UnknownAttributeError(f"cannot set '{name}' on a view of "
                                        f"'{self.population.name}'" +
                                        did_you_mean(name, self.population.attributes))

    def __add__(self, other):
        if not isinstance(other, PopulationView) or other.population is not self.population:
            raise NetworkError("only views of the same population can be added")
        return PopulationView(self.population, np.concatenate([self.ranks, other.ranks]))

    def sum(self, target: str) -> np.ndarray:
        return self.population.sum(target)[..., self.ranks]

    def __repr__(self):
        return f"PopulationView({self.population.name!r}, ranks={self.ranks.tolist()})"


class IndividualNeuron(PopulationView):
    """One neuron: attributes read as numbers."""

    def __init__(self, population, rank: int):
        super().__init__(population, [rank])

    @property
    def rank(self) -> int:
        return int(self.ranks[0])

    def get(self, name: str):
        value = super().get(name)
        if np.isscalar(value) or self.population.ir.attribute(name).locality == GLOBAL:
            return value
        return value[:, 0].copy() if value.ndim == 2 else value[0].item()


def view_ranks(population, key) -> np.ndarray:
    """Ranks selected by ``pop[key]`` (integers, slices, coordinates), in row-major order."""
    index = np.arange(population.size).reshape(population.geometry)
    try:
        selected = index[key]
    except IndexError:
        raise NetworkError(f"population '{population.name}': {key!r} lies outside the "
                           f"geometry {population.geometry}") from None
    return np.asarray(selected).reshape(-1)
