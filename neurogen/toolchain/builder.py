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
from .openmp_policy import wait_policy
from .compiler import WRAPPER_FLAGS, toolchain


def first_error(output: str) -> str:
    """The line that says what went wrong: a compiler's ``error`` line, else Cython's
    ``file.pyx:line:col: message``, else the first line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    for pattern in (r"\berror\b", r"\.pyx:\d+:\d+: "):
        for line in lines:
            if re.search(pattern, line):
                return line
    return lines[0] if lines else "(no output)"


def run(cmd: list[str], where: Path, keep: Path):
    """Run a compiler command; a failure is a BuildError with its first error line."""
    result = subprocess.run(cmd, cwd=where, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError("the C++ compiler failed on the generated code",
                         first_error=first_error(result.stderr + result.stdout),
                         sources=str(keep))


def _keep_failed(tmp: Path, key: str) -> Path:
    failed = cache.cache_dir() / "failed" / key[:16]
    shutil.rmtree(failed, ignore_errors=True)
    failed.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(tmp, failed)
    return failed


def cythonize(pyx: Path, out: Path | None = None, include=()):
    """``pyx`` → C++ (``out``, default next to it); a failure is a BuildError with
    Cython's first error (Cython prints its errors, and raises on a few)."""
    from Cython.Compiler.Main import CompilationOptions, compile as cython_compile, \
        default_options
    options = CompilationOptions(default_options, cplus=True, language_level=3,
                                 include_path=list(include),
                                 output_file=str(out or pyx.with_suffix(".cpp")))
    stderr, stdout = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
            failed = cython_compile(str(pyx), options).num_errors > 0
    except Exception as exc:   # noqa: BLE001 (Cython raises on some errors)
        failed = True
        stderr.write(str(exc))
    if failed:
        raise BuildError("Cython failed on the generated wrapper",
                         first_error=first_error(stderr.getvalue() + stdout.getvalue()),
                         sources=str(pyx.parent))


def _compile(tmp: Path, module: str, key: str, tc, backend) -> Path:
    """Build ``module`` in ``tmp`` with the backend's commands; returns the shared object."""
    try:
        cythonize(tmp / f"{module}.pyx")
        kernel, link, libraries = backend.commands(tc, module)
        wrapper = [tc.compiler, *WRAPPER_FLAGS, f"-I{tc.python_include}", "-c",
                   f"{module}.cpp", "-o", "wrapper.o"]
        with ThreadPoolExecutor(max_workers=2) as pool:
            for job in [pool.submit(run, cmd, tmp, tmp) for cmd in (kernel, wrapper)]:
                job.result()
        target = f"{module}{tc.ext_suffix}"
        run([*link, "network.o", "wrapper.o", "-o", target, *libraries], tmp, tmp)
    except BuildError as exc:
        kept = _keep_failed(tmp, key)
        raise BuildError(str(exc).split("\n")[0], first_error=exc.first_error,
                         sources=str(kept)) from None
    return tmp / target


def load(path: Path, module: str, failure):
    """Import the extension module ``module`` from ``path`` (the one already imported
    from there, if any). An ImportError, the entry having passed its manifest check, is
    ``failure(reason)``, the reason saying which entry to remove."""
    loaded = sys.modules.get(module)
    if loaded is not None and getattr(loaded, "__file__", None) == str(path):
        return loaded
    loader = importlib.machinery.ExtensionFileLoader(module, str(path))
    spec = importlib.util.spec_from_file_location(module, str(path), loader=loader)
    try:
        with wait_policy():    # libgomp reads its spin count when it is first loaded
            mod = importlib.util.module_from_spec(spec)   # dlopen happens here
        loader.exec_module(mod)
    except ImportError as exc:
        raise failure(f"{exc}\n  its cache entry {path.parent} matches its manifest; if "
                      "it is damaged nonetheless, remove that folder (`neurogen cache "
                      "clean` removes the whole cache) and try again") from None
    sys.modules[module] = mod
    return mod


def cached_module(key: str, module: str, suffix: str, make, failure,
                  force: bool = False):
    """The extension module ``module`` of cache entry ``key``: under the key's lock, the
    entry is checked against its manifest and, when absent, damaged or ``force``, built
    by ``make(tmp)`` in a staging folder and published; then it is loaded (still under
    the lock: no other process can replace it in between).
    Returns ``(module, path of the shared object, whether it was built)``."""
    with cache.locked(key):
        built = force or not cache.intact(key, module + suffix)
        if built:
            tmp = cache.staging(key)
            try:
                make(tmp)
                cache.publish(tmp, key)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        path = cache.entry(key) / (module + suffix)
        return load(path, module, failure), path, built


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
    if clean and module in sys.modules:   # checked before building, not after
        raise BuildError("clean=True cannot rebuild a module already loaded in this "
                         "process; restart Python")

    def make(tmp: Path):
        (tmp / source).write_text(cpp)
        (tmp / f"{module}.pyx").write_text(pyx)
        _compile(tmp, module, key, tc, backend)
        for leftover in tmp.glob("*.o"):
            leftover.unlink()

    def failure(reason: str):
        return BackendUnavailable(f"the compiled network could not be loaded: {reason}")

    mod, path, built = cached_module(key, module, tc.ext_suffix, make, failure, force=clean)
    return mod, {"key": key, "cached": not built, "path": str(path), "compiler": tc.compiler,
                 "compiler_flags": " ".join(tc.user_flags),
                 "kernel_flags": " ".join(tc.kernel_flags), "fft_library": tc.fft_library}
