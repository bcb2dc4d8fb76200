"""A batched network (``Network(batch=B)``): which buffers are per copy, and which
weighted sums of every copy are one product on the BLAS."""
from __future__ import annotations

from ..ir import GLOBAL
from ..ir.network import NetworkIR
from . import slots as S

BATCHED_KERNELS = ("dense", "csr")   # storage kernels with a batch-wide weighted-sum block
#: batched dense sums of at least this many multiply-adds (copies x post x pre) are one
#: dgemm (blas_sum); below, the loop (as fast under ~1 000; bench/batched_dense.py)
BLAS_MIN_MACS = 1 << 12


def copy_width(attribute, size: str) -> str | None:
    """Elements per copy of a population attribute in a batched network: per-neuron
    attributes and population-wide *variables* are per copy; population-wide parameters
    are shared (None)."""
    if attribute.locality != GLOBAL:
        return size
    return "1" if attribute.kind == "variable" else None


def batch_strides(network: NetworkIR, table: S.SlotTable, pointers: list) -> dict:
    """Per-copy buffers of a batched network: C name -> elements between two copies.
    Weights, kernel tables, synapse attributes, delays, replayed rates and spike times
    are shared."""
    strides = {}
    for name, _, index, _ in pointers:
        slot = table.ptrs[index]
        if isinstance(slot, (S.PopAttribute, S.PopSum, S.DelayRing)):
            size = f"p{slot.pop}_size"
            if isinstance(slot, S.PopSum):
                strides[name] = size
                continue
            attr = network.populations[slot.pop].neuron.attribute(slot.name)
            width = copy_width(attr, size) if isinstance(slot, S.PopAttribute) else \
                (size if attr.locality != GLOBAL else "1")
            if isinstance(slot, S.DelayRing):
                width = f"ring{slot.pop}_depth * {width}"
            if width is not None:
                strides[name] = width
        elif isinstance(slot, S.PopReduction):
            strides[name] = "1"
        elif isinstance(slot, (S.SpikeRing, S.SpikeCounts, S.SourceCursor)):
            # spikes: per copy, the ring (depth x size, no head: slot step % depth), the
            # counts per step, a SpikeSourceArray's cursors (its times are shared)
            strides[name] = {S.SpikeRing: f"spk{slot.pop}_depth * p{slot.pop}_size",
                             S.SpikeCounts: f"spk{slot.pop}_depth",
                             S.SourceCursor: f"p{slot.pop}_size"}[type(slot)]
        elif isinstance(slot, S.AxonSpikes):     # per copy: its count, then its ranks
            strides[name] = f"p{slot.pop}_size + 1"
        elif isinstance(slot, S.DecodeHistory):
            post = network.projections[slot.proj].post
            strides[name] = f"dec{slot.proj}_window * p{post}_size"
    return strides


def blas_sum(entry: dict, backend, precision: str) -> bool:
    """B copies of a dense ``W @ r`` as one product on the BLAS: OpenMP, double precision
    (sgemm would accumulate in float, the loop does in double), plain sums."""
    return bool(entry["batched"]) and entry["storage"] == "dense" and \
        backend.name == "openmp" and precision != "float" and entry["operation"] == "sum"
