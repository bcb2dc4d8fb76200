"""The backend interface: everything that differs between CPU and GPU code lives behind it.

A backend owns its expression printer, its templates (children of the shared step
skeleton ``templates/step.j2``), the storage kernels it provides, how its sources are
compiled and linked, whether a machine can run them, and how data moves between the
runtime's NumPy buffers and the code. The planner, the renderer, the toolchain and the
runtime ask the backend; none of them tests a backend's name.
"""
from __future__ import annotations

from ..codegen.printer import NeurogenPrinter


class Backend:
    name = ""
    printer = NeurogenPrinter
    template = ""                  # the translation unit's template
    wrapper_template = "wrapper.pyx.j2"
    source = ""                    # file name of the translation unit
    storage: tuple = ()            # storage kernels with a template block here
    mirrors_buffers = False        # device copies: the code needs every buffer's byte size
    checked_steps = False          # step() goes through the checked run() path
    flags_nonfinite = False        # the step flags NaN/infinity (else: checked per chunk)
    chunk_seconds = 0.05           # simulate() hands back to Python this often (Ctrl-C…)
    batches = False                # has the batched-network blocks (batch=B > 1)
    axonal_spikes = True           # runs axon_spike / pre_axon_spike
    decodes_spikes = True          # runs DecodingProjection
    structural_rules = False       # runs synapses' creating/pruning rules in the step
    takes_compiler_flags = False   # compile(compiler_flags=...) reach its compiler
    trains = False                 # renders the training kernels (neurogen.training)
    no_training = "its training kernels are not written"   # why not, when it does not

    # -- code -------------------------------------------------------------------------------
    def provides(self, kernel: str) -> bool:
        return kernel in self.storage

    def storage_template(self, kernel: str) -> str:
        return f"storage/{self.name}/{kernel}.j2"

    # -- toolchain --------------------------------------------------------------------------
    def fingerprint(self, tc) -> str:
        """What, besides the sources, decides the binary (part of the cache key)."""
        raise NotImplementedError

    def commands(self, tc, module: str) -> tuple[list, list, list]:
        """(compile command of the translation unit → network.o, link command before the
        objects, link arguments after them: libraries)."""
        raise NotImplementedError

    def template_flags(self, tc) -> dict:
        """Toolchain features the templates branch on (part of the sources, so of the key)."""
        return {}

    # -- running ----------------------------------------------------------------------------
    def threads(self, requested: int, tc) -> int:
        return 1

    def unavailable(self) -> str | None:
        """Why networks cannot run on this backend here (None when they can); cheap, no
        build. Used to skip tests and by ``neurogen info``."""
        from ..errors import BackendUnavailable
        from ..toolchain.compiler import toolchain
        try:
            toolchain()
        except BackendUnavailable as exc:
            return str(exc)
        return None

    def check_device(self, module):
        """Raise :class:`~neurogen.errors.BackendUnavailable` when the module cannot run."""

    def error(self, module) -> str:
        """Why a run returned -1."""
        return "the generated code reported an error"
