"""Input environments written in Cython.

Two styles, both shown in ``examples/neural_field/BubbleWorld.pyx``:

- **Tutorial style** (ANNarchy's): a ``cdef class`` computes the inputs with NumPy, sets
  ``pop.baseline = data`` and calls ``func()`` (``neurogen.step``) each step. It works as
  written, compiled by ``pyximport`` or by :func:`load_pyx`.
- **C level**: the environment ``cimport``\\ s ``neurogen.inputs.cnetwork``, writes into
  the population's live buffer (``real_buffer(pop, "baseline")``) and advances the
  network with ``cnetwork_step(&c, net)``, a direct call of the compiled kernel's C
  entry: no Python call per step.

:func:`load_pyx` compiles a ``.pyx`` (C++, ``-O3``) into neurogen's build cache, keyed on
its source, the ``.pxd`` files it may use and the toolchain, and imports it; no pyximport
and no ``setup.py`` needed. :func:`get_include` is the folder to give Cython (or
pyximport's ``.pyxbld``) so that ``cimport neurogen.inputs.cnetwork`` resolves.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import numpy as np

from .._version import __version__
from ..errors import NetworkError, NeurogenError

__all__ = ["InputError", "load_pyx", "get_include", "c_interface", "buffer_address"]

_PYX_FLAGS = ("-O3", "-std=c++17", "-fPIC", "-shared", "-fno-math-errno", "-w",
              "-DNPY_NO_DEPRECATED_API=NPY_1_7_API_VERSION")


class InputError(NeurogenError):
    """An input environment that cannot be compiled, loaded or bound to a network."""


def get_include() -> str:
    """The folder that contains the ``neurogen`` package (with its ``.pxd`` files)."""
    return str(Path(__file__).resolve().parents[2])


# -- the C interface ------------------------------------------------------------------------
def _network(net):
    if net is None:
        from ..core.network import default_network
        net = default_network()
    if not getattr(net, "compiled", False) or getattr(net, "runtime", None) is None:
        raise InputError("the network is not compiled: call compile() before binding an "
                         "input environment")
    return net


def c_interface(net=None) -> tuple:
    """``(run, P, I, R)``: the address of the compiled kernel's C entry
    ``int64_t run(void** P, int64_t* I, double* R, int64_t nsteps)`` and of its tables.
    One step is ``run(P, I, R, 1)``; it returns the steps done, 0 when a monitor buffer
    must grow first (then call ``net.step()``). Refused for a network with structural
    plasticity rules (the synapses they choose are edited by ``net.step()``, in Python)
    or with a scheduled input (TimedPoissonPopulation...: entries applied in Python)."""
    net = _network(net)
    if net.runtime.rules is not None:
        raise InputError("the network compiles creating/pruning rules, whose synapse "
                         "edits only net.step()/simulate() apply: step it with net.step()")
    scheduled = [p.name for p in net.populations if hasattr(p, "next_change")]
    if scheduled:
        raise InputError(f"population '{scheduled[0]}' follows a schedule, whose entries "
                         "only net.step()/simulate() apply: step it with net.step()")
    return tuple(int(a) for a in net.runtime.kernel.entry_address)


def buffer_address(pop, name: str, dtype: str = "float64") -> int:
    """Address of the live buffer of ``pop.name`` (``pop.size`` contiguous values, or one
    for a population-wide attribute; in a network of batch B > 1, B such blocks, copy
    after copy, except for shared population-wide parameters), checked against ``dtype``."""
    if not hasattr(pop, "view") or not hasattr(pop, "attributes"):
        raise InputError(f"expected a Population, got {type(pop).__name__}")
    if name not in pop.attributes:
        raise InputError(f"population '{pop.name}' has no attribute '{name}' "
                         f"(attributes: {', '.join(pop.attributes)})")
    _network(pop.net)
    array = pop.view(name)
    if array.dtype != np.dtype(dtype):
        raise InputError(f"population '{pop.name}': '{name}' is stored as {array.dtype}, "
                         f"not {dtype}" + (" (use float_buffer for precision='float')"
                                           if array.dtype == np.float32 else ""))
    if not array.flags.c_contiguous:
        raise NetworkError(f"internal error: '{name}' of '{pop.name}' is not contiguous")
    return int(array.__array_interface__["data"][0])


# -- compiling a .pyx -----------------------------------------------------------------------
@contextlib.contextmanager
def _as_input_error(what: str = ""):
    """The builder's BuildError as this module's InputError: ``what: first error`` for a
    Cython or compiler failure, the BuildError's own text otherwise (an unwritable cache)."""
    from ..errors import BuildError
    try:
        yield
    except BuildError as exc:
        raise InputError(f"{what}: {exc.first_error}" if what else str(exc)) from None


def _dependencies(pyx: Path) -> list:
    """Sources whose change must rebuild the module: the ``.pyx``, ``.pxd``/``.pxi`` files
    next to it and neurogen's own ``.pxd`` files."""
    files = [pyx] + sorted(p for p in pyx.parent.iterdir()
                           if p.suffix in (".pxd", ".pxi") and p.is_file())
    files += sorted(Path(__file__).parent.glob("*.pxd"))
    return files


def load_pyx(path, include_dirs=(), force: bool = False):
    """Compile ``path`` (a Cython ``.pyx``) through neurogen's build cache and import it.

    The module keeps the file's name (``BubbleWorld.pyx`` → ``BubbleWorld``); NumPy's and
    neurogen's headers/``.pxd`` files are on the include path. Compiled once per source
    and toolchain; ``force=True`` rebuilds. Errors are :class:`InputError`.
    """
    from ..toolchain import builder, cache
    from ..toolchain.compiler import toolchain
    pyx = Path(path).resolve()
    if not pyx.is_file():
        raise InputError(f"no such Cython file: {path}")
    name = pyx.stem
    if not name.isidentifier():
        raise InputError(f"{pyx.name}: a module name must be a Python identifier")
    tc = toolchain()
    include = [str(pyx.parent), get_include(), np.get_include(), *map(str, include_dirs)]
    parts = ["pyx", __version__, name, tc.fingerprint(), np.get_include(), sys.version,
             " ".join(_PYX_FLAGS), *map(str, include_dirs)]
    for dep in _dependencies(pyx):
        parts += [dep.name, dep.read_text()]
    key = cache.cache_key(*parts)

    def make(tmp: Path):
        cpp = tmp / f"{name}.cpp"
        with _as_input_error(f"Cython cannot compile {pyx.name}"):
            builder.cythonize(pyx, cpp, include)
        cmd = [tc.compiler, *_PYX_FLAGS, *(["-fopenmp"] if tc.openmp else []),
               f"-I{tc.python_include}", *(f"-I{d}" for d in include), str(cpp),
               "-o", f"{name}{tc.ext_suffix}"]
        with _as_input_error(f"the C++ compiler failed on {pyx.name}"):
            builder.run(cmd, tmp, tmp)
        cpp.unlink()

    def failure(reason: str):
        return InputError(f"{pyx.name} compiled but cannot be imported: {reason}")

    with _as_input_error():
        module, target, built = builder.cached_module(key, name, tc.ext_suffix, make,
                                                      failure, force=force)
    module.__neurogen_build__ = {"key": key, "cached": not built, "path": str(target)}
    return module
