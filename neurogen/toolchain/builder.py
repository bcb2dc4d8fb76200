"""Sources → cached extension module: Cython for the wrapper, the backend's compiler for
the translation unit (both compiled in parallel), one shared object per cache key,
loaded under a unique name."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import io
import re
import shutil
import subprocess
import sys
import contextlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .._version import __version__
from ..errors import BackendUnavailable, BuildError
from . import cache
from .compiler import WRAPPER_FLAGS, toolchain


def _first_error(output: str) -> str:
    for line in output.splitlines():
        if re.search(r"\berror\b", line):
            return line.strip()
    lines = [ln for ln in output.splitlines() if ln.strip()]
    return lines[0].strip() if lines else "(no output)"


def _run(cmd: list[str], where: Path, keep: Path):
    result = subprocess.run(cmd, cwd=where, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError("the C++ compiler failed on the generated code",
                         first_error=_first_error(result.stderr + result.stdout),
                         sources=str(keep))


def _keep_failed(tmp: Path, key: str) -> Path:
    failed = cache.cache_dir() / "failed" / key[:16]
    shutil.rmtree(failed, ignore_errors=True)
    failed.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(tmp, failed)
    return failed


def _cythonize(pyx: Path):
    from Cython.Compiler.Main import CompilationOptions, compile as cython_compile, \
        default_options
    options = CompilationOptions(default_options, cplus=True, language_level=3,
                                 output_file=str(pyx.with_suffix(".cpp")))
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        result = cython_compile(str(pyx), options)
    if result.num_errors:
        raise BuildError("Cython failed on the generated wrapper",
                         first_error=_first_error(stderr.getvalue()), sources=str(pyx.parent))


def _compile(tmp: Path, module: str, key: str, tc, backend) -> Path:
    """Build ``module`` in ``tmp`` with the backend's commands; returns the shared object."""
    try:
        _cythonize(tmp / f"{module}.pyx")
        kernel, link, libraries = backend.commands(tc, module)
        wrapper = [tc.compiler, *WRAPPER_FLAGS, f"-I{tc.python_include}", "-c",
                   f"{module}.cpp", "-o", "wrapper.o"]
        with ThreadPoolExecutor(max_workers=2) as pool:
            for job in [pool.submit(_run, cmd, tmp, tmp) for cmd in (kernel, wrapper)]:
                job.result()
        target = f"{module}{tc.ext_suffix}"
        _run([*link, "network.o", "wrapper.o", "-o", target, *libraries], tmp, tmp)
    except BuildError as exc:
        kept = _keep_failed(tmp, key)
        raise BuildError(str(exc).split("\n")[0], first_error=exc.first_error,
                         sources=str(kept)) from None
    return tmp / target


def _load(path: Path, module: str):
    if module in sys.modules:
        return sys.modules[module]
    loader = importlib.machinery.ExtensionFileLoader(module, str(path))
    spec = importlib.util.spec_from_file_location(module, str(path), loader=loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    sys.modules[module] = mod
    return mod


def build(cpp: str, pyx: str, backend, directory: str | None = None, clean: bool = False,
          tc=None):
    """Compile (or fetch from the cache) the module for these sources.

    The cache key is the rendered sources plus the toolchain (compilers, flags, Python
    ABI, NumPy/Cython versions) and neurogen's version: equal sources are the definition
    of equal structure, whatever produced them. The module's name is derived from the key
    (the wrapper does not spell it: Cython takes it from the file name).
    ``tc``: the toolchain (default: this machine's, without user flags).
    Returns ``(module, info)`` where info says whether the cache was hit and the flags.
    """
    tc = tc or toolchain()
    source = backend.source
    key = cache.cache_key(__version__, backend.name, cpp, pyx, backend.fingerprint(tc))
    module = f"ng_{key[:24]}"
    if directory is not None:   # a copy of the generated sources, for the curious
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        (out / source).write_text(cpp)
        (out / f"{module}.pyx").write_text(pyx)
    so_name = f"{module}{tc.ext_suffix}"
    hit = True
    if clean and module in sys.modules:   # checked before building, not after
        raise BuildError("clean=True cannot rebuild a module already loaded in this "
                         "process; restart Python")
    with cache.locked(key):
        final = cache.entry(key) / so_name
        if clean or not final.exists():
            hit = False
            tmp = cache.staging(key)
            try:
                (tmp / source).write_text(cpp)
                (tmp / f"{module}.pyx").write_text(pyx)
                _compile(tmp, module, key, tc, backend)
                for leftover in tmp.glob("*.o"):
                    leftover.unlink()
                cache.publish(tmp, key)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    try:
        return _load(final, module), {"key": key, "cached": hit, "path": str(final),
                                      "compiler": tc.compiler,
                                      "compiler_flags": " ".join(tc.user_flags),
                                      "kernel_flags": " ".join(tc.kernel_flags),
                                      "fft_library": tc.fft_library}
    except ImportError as exc:
        raise BackendUnavailable(f"the compiled network could not be loaded: {exc}") from None
