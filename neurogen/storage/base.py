"""The storage-kernel interface (one class per kernel, one instance shared)."""
from __future__ import annotations

import numpy as np

#: Fraction of existing synapses from which a connector keeps a dense matrix (and from
#: which CSR stops paying).
DENSE_THRESHOLD = 0.25


class KernelData:
    """A projection's runtime data for its kernel: arrays (pointer slots) and integers
    (int slots) by name, and a hook for new weights (``proj.w = ...``)."""

    watches_weights = False    # weights_changed() must see every new weight matrix

    def __init__(self, arrays: dict | None = None, ints: dict | None = None):
        self.arrays = arrays or {}
        self.ints = ints or {}

    def weights_changed(self, matrix: np.ndarray):
        """Called with the new dense (post, pre) weights before they are written; raise
        to refuse them. Kernels that read ``w`` directly need nothing."""

    def weights_written(self, weights: np.ndarray):
        """Called with the weights (one per synapse, CSR order) after ``proj.w = ...``
        wrote them: kernels keeping a copy of them in another order refresh it."""


class StorageKernel:
    """A way to compute ``sum(target) = W r`` for one projection.

    - ``refuse(proj)``: ``None`` when the kernel applies, else why not (a phrase that
      completes "storage_format='x' ...");
    - ``cost(proj)``: estimated work per step (arbitrary units shared by all kernels);
    - ``tables`` / ``sizes``: names and C types of its pointer slots, names of its int
      slots (the template block reads them as ``proj.tables[name]`` / ``proj.sizes[name]``);
    - ``layout(proj)``: the projection's connectivity in this kernel's layout (a new
      object where the layout differs; the projection's own is left as it is);
    - ``prepare(proj, conn)``: the :class:`KernelData` (runtime tables) for ``proj``
      with connectivity ``conn`` (default: ``layout(proj)``).

    Both are pure functions of the projection's IR and connectivity: they change no model
    object (``Projection.attach_storage`` stores what they return). A kernel reads a
    projection through its public attributes only; the ``filter`` kernel's protocol with
    the projections it serves is documented in :mod:`neurogen.storage.filter`;
    - its template block is ``templates/storage/<backend>/<name>.j2`` (macros
      ``support()`` and the backend's weighted-sum macro).
    """

    name = ""
    in_auto = True           # offered to storage_format='auto'
    tables: tuple = ()       # ((name, ctype), ...)
    sizes: tuple = ()        # (name, ...)
    per_synapse = False      # computes synapse by synapse (synapse models, delays)
    dense_layout = False     # keeps the weights as a dense (post, pre) matrix
    uses_weights = True      # the generated code reads the weight buffer
    scratch = False          # writes a work table while summing (copies cannot run at once)

    def refuse(self, proj) -> str | None:
        return None

    def offered_to_auto(self, proj) -> bool:
        """Whether ``storage_format='auto'`` may consider this kernel for ``proj``."""
        return self.in_auto

    def cost(self, proj) -> float:
        raise NotImplementedError

    computes_with_offset_kernel = False   # fft, separable: no matrix needed

    def grid_cost(self, conn) -> float | None:
        """The cost for a kernel-first connectivity (its ``geometry`` and offset
        ``kernel``), known before anything is built, or None where this kernel does not
        apply. Decides whether ``auto`` keeps a kernel
        (:func:`neurogen.storage.kernel_first_pays`)."""
        return None

    def layout(self, proj):
        """The connectivity in this kernel's layout (default: as it is)."""
        return proj.connectivity

    def prepare(self, proj, conn=None) -> KernelData:
        raise NotImplementedError


class OffsetKernelStorage(StorageKernel):
    """A kernel that computes with a translation-invariant projection's offset kernel
    (fft, separable): its own tables instead of ``w``, a scratch table, and offered to
    ``auto`` only for kernel-first connectivity."""

    dense_layout = True
    computes_with_offset_kernel = True
    uses_weights = False
    scratch = True

    def offered_to_auto(self, proj):
        """Only a kernel-first connectivity is known to be translation-invariant (the
        check on a matrix costs as much as a dense step or more)."""
        return given_kernel(proj) is not None and self.refuse(proj) is None

    def layout(self, proj):
        """A kernel-first connectivity stays as it is (no matrix), others become dense."""
        if given_kernel(proj) is not None:
            return proj.connectivity
        return proj.connectivity.to_dense()


def needs_synapse_loop(proj) -> str | None:
    """Why a projection must be computed synapse by synapse, or None."""
    if not proj.uniform_delay:
        return "per-synapse delays"
    if proj.net.options.structural_plasticity:
        return "structural plasticity (synapses created and pruned one by one)"
    if proj.synapse_ir is not None and not proj.synapse_ir.is_static:
        return "a synapse model (learning rule, psp or operation)"
    return None


def given_kernel(proj, conn=None):
    """The offset kernel of a kernel-first connectivity (``conn``, default the
    projection's) not yet made dense, or None."""
    conn = proj.connectivity if conn is None else conn
    if getattr(conn, "kernel", None) is None or conn.materialized:
        return None
    return conn.kernel
