"""Kernel plan → sources, through the backend's jinja2 templates in ``templates/``.

Every backend's translation unit extends the one step skeleton ``step.j2`` (the order
of a step) and fills its blocks; storage kernels add their own template block
(``storage/<backend>/<kernel>.j2``). Templates hold loops, pragmas and launches only:
every expression comes from the printer, every comment from the sanitiser.
``StrictUndefined`` turns a template/plan mismatch into an error at render time instead
of silently generating wrong code.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path

import jinja2

from .._version import __version__
from ..errors import NeurogenError
from . import slots as S
from .batch import BLAS_MIN_MACS
from .plan import Plan
from .sanitize import comment

ENTRY = "ng_run"
PARALLEL_THRESHOLD = 262144   # below this much work per loop, waking threads costs more than they give
MAX_FUSED_THREADS = 256      # a fused step's threads (their spike counts sit on the stack)


def template_dir() -> Path:
    """The installed templates (package data), or the source tree's when not installed."""
    try:
        path = Path(str(importlib.resources.files("neurogen.templates")))
        if (path / "step.j2").exists():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "templates"


def environment() -> jinja2.Environment:
    """The one jinja2 environment of generated code (simulation and training kernels):
    loader root ``templates/``, ``StrictUndefined``, the ``comment`` filter."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir())),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["comment"] = comment
    return env


def context(plan: Plan) -> dict:
    """What every template sees."""
    return dict(nptr=len(plan.slots.ptrs), nint=len(plan.slots.ints),
                nreal=len(plan.slots.reals), nbytes_slots=plan.nbytes_slots,
                version=__version__, entry=ENTRY, real=plan.real,
                parallel_threshold=PARALLEL_THRESHOLD, max_fused_threads=MAX_FUSED_THREADS,
                pointers=plan.pointers,
                sizes=plan.sizes, reals=plan.reals, projections=plan.projections,
                populations=plan.populations, rings=plan.rings,
                batched=plan.batched, batch_strides=plan.batch_strides,
                parallel_copies=plan.parallel_copies, blas=plan.blas,
                blas_min_macs=BLAS_MIN_MACS,
                rules_fired=plan.rules_fired, rules_refill=plan.rules_refill,
                storage_blocks=sorted({p["block"] for p in plan.projections}),
                INT_STEP=S.INT_STEP, INT_THREADS=S.INT_THREADS, INT_NMON=S.INT_NMON,
                INT_SEED=S.INT_SEED, INT_STOP_MODE=S.INT_STOP_MODE, REAL_DT=S.REAL_DT,
                INT_CHECK_FINITE=S.INT_CHECK_FINITE, INT_NONFINITE=S.INT_NONFINITE,
                PTR_MON_ADDR=S.PTR_MON_ADDR, PTR_MON_INT=S.PTR_MON_INT,
                NMONF=len(S.MONITOR_FIELDS))


def render(plan: Plan, backend, flags: dict | None = None) -> tuple[str, str]:
    """The translation unit and the Cython wrapper of ``plan`` for ``backend``; ``flags``
    are the toolchain features the templates branch on (``backend.template_flags``)."""
    env = environment()
    values = {**context(plan), **(flags or {})}
    try:
        code = env.get_template(backend.template).render(values)
        pyx = env.get_template(backend.wrapper_template).render(values)
    except jinja2.TemplateError as exc:
        raise NeurogenError(f"internal error while generating code: {exc}") from None
    return code, pyx
