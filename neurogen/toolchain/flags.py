"""The C++ flags a user may add to a build: ``compile(compiler_flags="-march=native -O2")``
(ANNarchy's keyword).

The flags reach the compiler's command line, so each one must match a short list of
optimisation and target options; anything else (output or include paths, plugins,
``@file``, macros) is refused. Flags that give up IEEE semantics are refused too: they
would silently break the NaN/infinity check and the bit-identical results across thread
counts and storage kernels that neurogen promises.
"""
from __future__ import annotations

import functools
import re
import subprocess

from ..errors import CompilerFlagError

_NAME = r"[A-Za-z0-9][A-Za-z0-9_.+-]*"

#: (pattern, what it is): every flag must match one of these in full
ALLOWED = (
    (r"-O[0-3sg]?", "optimisation level (-O0 to -O3, -Os, -Og)"),
    (rf"-march={_NAME}", "target architecture (e.g. -march=native)"),
    (rf"-mtune={_NAME}", "tuning"),
    (rf"-mcpu={_NAME}", "target CPU (ARM, POWER)"),
    (r"-m(no-)?(avx[0-9a-z]*|fma|sse[0-9.]*[a-z]*|ssse3|f16c|bmi2?|popcnt|lzcnt|neon)",
     "instruction-set extension (e.g. -mavx2 -mfma)"),
    (r"-mprefer-vector-width=(128|256|512)", "preferred vector width"),
    (r"-f(no-)?(unroll-loops|unroll-all-loops|omit-frame-pointer|tree-vectorize|peel-loops)",
     "loop/frame optimisation"),
    (r"-g[0-3]?", "debug information"),
)

#: refused with a reason: they change the arithmetic neurogen's guarantees rest on
_IEEE = ("with it the compiler may assume there are no NaNs or infinities and reorder "
         "sums, which breaks neurogen's NaN/infinity check and the bit-identical results "
         "across thread counts and storage kernels")
REFUSED = (
    (r"-Ofast", "-Ofast turns on -ffast-math: " + _IEEE),
    (r"-f(fast-math|unsafe-math-optimizations|associative-math|reciprocal-math|"
     r"finite-math-only|no-signed-zeros|no-trapping-math|cx-limited-range)",
     "it relaxes IEEE arithmetic: " + _IEEE),
    (r"-ffp-contract=.*", "neurogen builds with -ffp-contract=off, so that results do not "
                          "depend on the instruction set (fused multiply-add)"),
)


def parse_compiler_flags(value, owner: str = "compile()") -> tuple[str, ...]:
    """The flags in ``value`` (a string of flags separated by spaces, or a list of them;
    ``None``, ``""`` and ANNarchy's ``"default"`` mean none), each checked."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "default")):
        return ()
    if isinstance(value, str):
        tokens = value.split()
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        tokens = [t for v in value for t in v.split()]
    else:
        raise CompilerFlagError(f"{owner}: compiler_flags must be a string such as "
                                f"'-march=native -O2' (or a list of flags), got {value!r}")
    for flag in tokens:
        for pattern, reason in REFUSED:
            if re.fullmatch(pattern, flag):
                raise CompilerFlagError(f"{owner}: compiler flag {flag!r} is refused: {reason}",
                                        flag=flag)
        if not any(re.fullmatch(pattern, flag) for pattern, _ in ALLOWED):
            raise CompilerFlagError(
                f"{owner}: compiler flag {flag!r} is not accepted. compiler_flags may hold "
                + "; ".join(what for _, what in ALLOWED)
                + " (e.g. '-march=native -O2'); neurogen sets the other options itself",
                flag=flag)
    return tuple(tokens)


@functools.lru_cache(maxsize=None)
def resolve_native(compiler: str, flags: tuple[str, ...]) -> str:
    """What ``=native`` in ``flags`` means to ``compiler`` on this CPU (the target options
    the driver expands it to), for the cache key: a cache shared between machines must
    not hand one CPU's binary to another. Empty when no flag says native."""
    if not any(f.endswith("=native") for f in flags):
        return ""
    try:
        out = subprocess.run([compiler, *flags, "-###", "-x", "c++", "-c", "-", "-o",
                              "/dev/null"], input="", capture_output=True, text=True,
                             timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired):
        return "native(unresolved)"
    target = [t.strip('"') for t in out.split()
              if t.strip('"').startswith(("-m", "-target-cpu", "-target-feature", "+", "l1-",
                                          "l2-"))]
    return " ".join(target) or "native(unresolved)"
