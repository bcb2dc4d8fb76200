"""The BLAS the generated kernels call: SciPy's (``scipy.linalg.cython_blas``).

SciPy exports its Fortran ``dgemm``/``sgemm`` as C function pointers (the capsules of
``cython_blas.__pyx_capi__``); a kernel receives the pointer when it is loaded, so no
kernel links a BLAS and the cache key does not depend on one. The products must not
depend on a thread count: OpenBLAS (what SciPy's wheels bundle) runs on as many threads
as it likes, so :meth:`Blas.one_thread` pins it to the calling thread around each kernel
call (``openblas_set_num_threads_local``, else the global setter, restored after). A
BLAS whose threads cannot be pinned is not used (the built-in loops run instead), nor
any BLAS when ``NEUROGEN_BLAS=0``.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Blas:
    name: str            # what `neurogen info` prints
    dgemm: int           # addresses of cython_blas's dgemm/sgemm (Fortran conventions)
    sgemm: int
    set_local: object = None      # openblas_set_num_threads_local (returns the previous)
    _set: object = None           # openblas_set_num_threads / _get_num_threads
    _get: object = None

    def gemm(self, precision: str) -> int:
        return self.sgemm if precision == "float" else self.dgemm

    @contextlib.contextmanager
    def one_thread(self):
        """BLAS on the calling thread only while the block runs (same operation order,
        so the same bits, whatever the machine's or the user's thread settings)."""
        if self.set_local is not None:
            before = self.set_local(1)
            try:
                yield
            finally:
                self.set_local(before)
        else:
            before = self._get()
            self._set(1)
            try:
                yield
            finally:
                self._set(before)


def _capsule_address(capsule) -> int:
    api = ctypes.pythonapi
    api.PyCapsule_GetName.restype = ctypes.c_char_p
    api.PyCapsule_GetName.argtypes = [ctypes.py_object]
    api.PyCapsule_GetPointer.restype = ctypes.c_void_p
    api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    return api.PyCapsule_GetPointer(capsule, api.PyCapsule_GetName(capsule))


def _loaded_openblas() -> list:
    """Paths of the OpenBLAS libraries this process has loaded (Linux: /proc/self/maps),
    SciPy's own first (NumPy's wheels bundle another, ILP64, OpenBLAS)."""
    import scipy
    paths = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and "openblas" in fields[5].lower():
                    paths.add(fields[5].strip())
    except OSError:
        pass
    home = os.path.dirname(os.path.dirname(os.path.abspath(scipy.__file__)))
    scipys = (os.path.join(home, "scipy"), os.path.join(home, "scipy.libs"))
    return sorted(paths, key=lambda p: (not p.startswith(scipys), "64_" in p, p))


def _thread_control(lib):
    """(set_local, set, get) of an OpenBLAS library, whichever it exports (SciPy's
    wheels prefix the global ones with ``scipy_``)."""
    def find(*names):
        for name in names:
            try:
                fn = getattr(lib, name)
            except AttributeError:
                continue
            fn.restype = ctypes.c_int
            return fn
        return None
    local = find("openblas_set_num_threads_local")
    setter = find("openblas_set_num_threads", "scipy_openblas_set_num_threads")
    getter = find("openblas_get_num_threads", "scipy_openblas_get_num_threads")
    config = find("openblas_get_config", "scipy_openblas_get_config")
    if config is not None:
        config.restype = ctypes.c_char_p
    return local, setter, getter, config


@functools.lru_cache(maxsize=None)
def scipy_blas() -> tuple[Blas | None, str]:
    """(the BLAS, '') or (None, why not): probed once per process."""
    if os.environ.get("NEUROGEN_BLAS", "1") == "0":
        return None, "NEUROGEN_BLAS=0"
    try:
        from scipy.linalg import cython_blas
        capi = cython_blas.__pyx_capi__
        dgemm, sgemm = _capsule_address(capi["dgemm"]), _capsule_address(capi["sgemm"])
    except (ImportError, AttributeError, KeyError, ValueError) as exc:
        return None, f"scipy.linalg.cython_blas has no gemm ({exc})"
    for path in _loaded_openblas():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        local, setter, getter, config = _thread_control(lib)
        if local is None and (setter is None or getter is None):
            continue
        version = config().decode(errors="replace").split(" DYNAMIC")[0] if config else "OpenBLAS"
        return Blas(f"SciPy's BLAS ({version}, {os.path.basename(path)}; one thread)",
                    dgemm, sgemm, local, setter, getter), ""
    return None, "SciPy's BLAS is not an OpenBLAS whose threads can be pinned"


def describe() -> str:
    """One line for ``neurogen info``: what the dense products of training run on."""
    blas, why = scipy_blas()
    return blas.name if blas else f"built-in loops ({why})"
