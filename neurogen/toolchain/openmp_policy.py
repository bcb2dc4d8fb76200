"""The OpenMP wait policy of a generated module, set while it loads and nowhere else.

GNU libgomp reads ``GOMP_SPINCOUNT`` once, when the library is first loaded into the
process. A step has several parallel loops: a thread asleep at a barrier takes ~50 us to
wake (two threads ran three times slower than one with ``OMP_WAIT_POLICY=PASSIVE``),
while spinning for ever burns a core while Python runs between steps. So the variable is
set for the moment the first generated module (and with it libgomp) is loaded, then
removed again: ``import neurogen`` and ``compile()`` leave the user's environment as they
found it. A user's own ``OMP_WAIT_POLICY`` or ``GOMP_SPINCOUNT`` wins; where libgomp was
already loaded by another library, its policy stays whatever that load chose.
"""
from __future__ import annotations

import contextlib
import os

#: Spins at a barrier before sleeping (~10-30 us on current cores); libgomp's own default
#: is 300 000 (with OMP_WAIT_POLICY unset).
SPIN_COUNT = "30000"


@contextlib.contextmanager
def wait_policy():
    """Set ``GOMP_SPINCOUNT`` for the duration of a module load, unless the user chose."""
    if "OMP_WAIT_POLICY" in os.environ or "GOMP_SPINCOUNT" in os.environ:
        yield
        return
    os.environ["GOMP_SPINCOUNT"] = SPIN_COUNT
    try:
        yield
    finally:
        os.environ.pop("GOMP_SPINCOUNT", None)
