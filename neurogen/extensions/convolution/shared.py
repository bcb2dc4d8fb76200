"""The base of projections whose synapses share a small set of weights (a filter).

The filter is kept as given; the generated code gets a CSR pattern of filter-size
fan-in whose weights are ``filter.flat[tap] * scale``. Writing ``weights`` (or ``w``)
gathers the new filter into the same runtime buffer, so it takes effect at the next step.
"""
from __future__ import annotations

import numpy as np

from ...errors import ConnectivityError, NetworkError
from ...core import connectors
from ...core.projection import Projection
from ...core.synapse import Synapse

OPERATIONS = ("sum", "max", "min", "mean")
DEFAULT_PSP = ("pre.r * w", "w * pre.r")


def _network_of(pre, post, net):
    if net is not None:
        return net
    for pop in (pre, post):
        if hasattr(pop, "net"):
            return pop.net
    return None


class SharedProjection(Projection):
    """A projection computing ``operation`` over ``psp`` for each postsynaptic neuron's
    filter taps. Subclasses build the taps (``_connect_taps``)."""

    _kind = "shared projection"

    def __init__(self, pre, post, target, psp, operation, name=None, net=None):
        from ...core.view import PopulationView
        label = f"{type(self).__name__}"
        if operation not in OPERATIONS:
            raise NetworkError(f"{label}: operation must be one of "
                               f"{', '.join(map(repr, OPERATIONS))}, got {operation!r}")
        if isinstance(pre, PopulationView) or isinstance(post, PopulationView):
            raise ConnectivityError(f"{label}: works on whole populations (their geometry), "
                                    "not on PopulationViews")
        if not isinstance(psp, str) or not psp.strip():
            raise NetworkError(f"{label}: psp must be an expression string such as "
                               f"'pre.r * w', got {psp!r}")
        super().__init__(pre, post, target, synapse=None, name=name,
                         net=_network_of(pre, post, net))
        self.psp, self.operation = psp.strip(), operation
        self._filter = None            # the shared weights, as given
        self._initial_filter = None    # restored by reset(synapses=True)
        self._tap = None               # filter entry of each synapse (CSR order)
        self._scale = 1.0
        # the filter storage's protocol (neurogen.storage.filter)
        self.filter_layout = None      # where the taps fall
        self.synapse_slots = None      # (filter, tap) slot of each synapse (CSR order)

    # -- building -------------------------------------------------------------------------
    def _install(self, weights, layout, delays, linear_default: bool, filter_size: int):
        """Set the synapse model (only when the psp or the operation needs one), the CSR
        pattern and the delays. ``mean`` divides by ``filter_size`` (ANNarchy's choice:
        taps outside the population count), folded into the weights when linear."""
        if np.ndim(delays) != 0 or hasattr(delays, "get_values"):
            raise ConnectivityError(f"{type(self).__name__} '{self.name}': delays must be one "
                                    f"number for all synapses, got {delays!r}")
        scale = 1.0 / filter_size if self.operation == "mean" and linear_default else 1.0
        if not linear_default:
            psp, op = self.psp, self.operation
            if op == "mean":
                psp, op = f"({psp}) / {float(filter_size)!r}", "sum"
            synapse = Synapse(psp=psp, operation=op, name=f"{type(self).__name__} operation")
            object.__setattr__(self, "synapse", synapse)
            object.__setattr__(self, "synapse_ir", synapse.parse(
                self.pre.ir, self.post.ir, self.net.constant_values(),
                self.net.options.method))
        row_ptr, cols, slot = layout.csr()
        self._filter = np.array(weights, dtype=np.float64)
        self._initial_filter = self._filter.copy()
        self.filter_layout, self.synapse_slots, self._scale = layout, slot, scale
        self._tap = layout.entry[slot]          # the filter entry of each synapse

        def make():
            return connectors.Connectivity(
                self.pre.size, self.post.size, row_ptr=row_ptr, cols=cols,
                weights=self._initial_filter.reshape(-1)[self._tap] * scale)
        filtered = linear_default and self.net.backend.provides("filter")
        return self._connected(make, float(delays), "filter" if filtered else "csr")

    def slot_values(self) -> np.ndarray:
        """The weight of each (filter, tap) slot: what the filter kernel reads."""
        return self._filter.reshape(-1)[self.filter_layout.entry] * self._scale

    @property
    def slot_weights(self) -> np.ndarray | None:
        """The filter kernel's table of slot weights (what the generated code reads), once
        compiled with ``storage='filter'``; else None."""
        return self.kernel_data.arrays["slot_w"] if self.storage == "filter" else None

    # -- the shared weights ---------------------------------------------------------------------
    @property
    def weights(self) -> np.ndarray:
        """The filter (or bank of filters), shape as given to the connector."""
        self.require_connected()
        return self._filter.copy()

    @weights.setter
    def weights(self, value):
        """A new filter (its shape, or one number); or one value per synapse (a saved
        state), which must repeat the shared values."""
        self.require_connected()
        value = np.asarray(value, dtype=np.float64)
        if value.ndim == 1 and value.size == self.nb_synapses \
                and value.shape != self._filter.shape:
            value = self._filter_from_synapses(value)
        if value.shape != self._filter.shape and value.ndim != 0:
            raise NetworkError(f"{type(self).__name__} '{self.name}': the filter has shape "
                               f"{self._filter.shape}, got {value.shape}")
        self._filter[...] = value
        flat = self._filter.reshape(-1)[self._tap] * self._scale
        self.connectivity.write_weights(flat)     # into the runtime state's buffer
        if self.slot_weights is not None:
            self.slot_weights[...] = self.slot_values()

    w = weights

    def _filter_from_synapses(self, flat: np.ndarray) -> np.ndarray:
        candidate = self._filter.copy().reshape(-1)
        candidate[self._tap] = flat / self._scale
        if not np.allclose(candidate[self._tap] * self._scale, flat, rtol=1e-12, atol=0):
            raise NetworkError(f"{type(self).__name__} '{self.name}': its synapses share one "
                               "filter; per-synapse weights that differ for the same filter "
                               "entry cannot be set")
        return candidate.reshape(self._filter.shape)

    def save_connectivity(self, filename):
        raise NetworkError(f"{type(self).__name__} '{self.name}': the synapses are given by "
                           "the filter and the geometry; save proj.weights instead")

    def connect_from_file(self, filename, **_):
        raise NetworkError(f"{type(self).__name__} '{self.name}': connect with "
                           "connect_filter()/connect_filters()/connect_pooling()")

    def get(self, name):
        if name in ("w", "weights"):
            return self.weights
        parent = getattr(super(), "get", None)
        return parent(name) if parent is not None else getattr(self, name)

    def reset(self, synapses: bool = False):
        if synapses and self._filter is not None:
            self.weights = self._initial_filter

    def receptive_fields(self, *_, **__):
        raise NetworkError(f"{type(self).__name__} '{self.name}': the synapses share one "
                           "filter; read it with .weights")
