"""Storage kernels: how a projection's weighted sum ``sum(target) = W r`` is stored and
computed. Each kernel is a strategy (:class:`~neurogen.storage.base.StorageKernel`):
when it applies to a projection, what it costs, which runtime tables it needs and which
template block computes it. ``storage_format="auto"`` picks the cheapest kernel that
applies and that the backend provides; a kernel asked for by name that does not apply,
or that the backend lacks, is refused with the reason. One name is read as ANNarchy
reads it: ``'dense'`` for a synapse model with per-synapse work (equations, psp or an
operation) is ANNarchy's dense *container*, computed synapse by synapse as the cost
model chooses (the dense kernel computes the plain weighted sum only); the choice is
logged on the ``neurogen`` logger and shown by ``Projection.storage``.
"""
from __future__ import annotations

from ..errors import NetworkError
from .base import KernelData, StorageKernel
from .csr import CSR
from .dense import Dense
from .fft import FFT
from .filter import Filter
from .sliced_ell import SELL
from .separable import Separable
from .spikes import SpikeEvents

#: every kernel by name, in the order ``auto`` breaks ties
KERNELS: dict[str, StorageKernel] = {k.name: k for k in (Dense(), CSR(), SELL(), FFT(),
                                                         Separable(), Filter(),
                                                         SpikeEvents())}
STORAGE_FORMATS = ("auto", *(k for k in KERNELS if k != SpikeEvents.name))
#: the storage formats a spiking projection may name: each is served by the event kernel
SPIKING_FORMATS = ("auto", "dense", "csr")


def kernel(name: str) -> StorageKernel:
    return KERNELS[name]


def kernel_first_pays(conn, backend=None) -> bool:
    """Whether a translation-invariant connectivity (a
    :class:`~neurogen.core.kernel_connectivity.KernelConnectivity`) is worth keeping as
    its kernel: some kernel that computes with it costs less than the dense product and
    than CSR (a kernel of a few taps: a few synapses per neuron). Over the kernels that
    ``backend`` provides, or, without one, over every kernel: whether a projection's
    weights are the kernel's (double precision) or the connector's own is decided that
    way, so that it does not depend on the backend (the same script gives the same
    numbers on CUDA and OpenMP)."""
    def cheapest(with_kernel: bool) -> float:
        return min((c for k in KERNELS.values()
                    if k.computes_with_offset_kernel == with_kernel
                    and (backend is None or backend.provides(k.name))
                    for c in (k.grid_cost(conn),) if c is not None), default=float("inf"))
    return cheapest(True) < cheapest(False)


def select(proj, backend) -> str:
    """The kernel for one projection (a model object, read through public accessors)."""
    wanted = proj.storage_format
    where = f"projection '{proj.name}'"
    continuous = proj.synapse_ir is not None and proj.synapse_ir.psp is not None
    if proj.pre.ir.is_spiking and not continuous:   # spikes: the event kernel, whatever the
        if wanted not in SPIKING_FORMATS:      # matrix format asked for (same numbers)
            raise NetworkError(f"{where}: storage_format='{wanted}' does not apply to a "
                               "spiking projection (choose 'auto', 'csr' or 'dense')")
        if not backend.provides(SpikeEvents.name):
            raise NetworkError(f"{where}: the '{backend.name}' backend does not propagate "
                               "spikes yet (use paradigm='openmp')")
        return SpikeEvents.name
    if wanted != "auto":
        chosen = KERNELS[wanted]
        if not backend.provides(chosen.name):
            raise NetworkError(
                f"{where}: storage_format='{chosen.name}' is not available on the "
                f"'{backend.name}' backend (it provides {', '.join(backend.storage)}); "
                "choose one of those or 'auto'")
        reason = chosen.refuse(proj)
        if reason is not None:
            raise NetworkError(f"{where}: storage_format='{chosen.name}' {reason}")
        return chosen.name
    candidates = [k for k in KERNELS.values() if backend.provides(k.name)
                  and k.offered_to_auto(proj) and k.refuse(proj) is None]
    if not candidates:
        raise NetworkError(f"{where}: no storage kernel of the '{backend.name}' backend "
                           "applies to this projection")
    return min(candidates, key=lambda k: k.cost(proj)).name


__all__ = ["KERNELS", "SPIKING_FORMATS", "STORAGE_FORMATS", "KernelData", "StorageKernel", "kernel",
           "kernel_first_pays", "select"]
