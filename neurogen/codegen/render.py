"""Kernel plan → C++ and Cython sources through the jinja2 templates in ``templates/``.

Templates hold the skeleton only (loops, pragmas, entry table); every expression comes
from the printer. ``StrictUndefined`` turns a template/plan mismatch into an error at
render time instead of silently generating wrong code.
"""
from __future__ import annotations

import importlib.resources
from pathlib import Path

import jinja2

from .._version import __version__
from ..build.builder import MODULE_PLACEHOLDER
from ..errors import NeurogenError
from . import plan as p

ENTRY = "ng_run"
PARALLEL_THRESHOLD = 262144   # below this much work per loop, waking threads costs more than they give


def template_dir() -> Path:
    """The installed templates (package data), or the source tree's when not installed."""
    try:
        path = Path(str(importlib.resources.files("neurogen.templates")))
        if (path / "network.cpp.j2").exists():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "templates"


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir())),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render(plan: p.Plan) -> tuple[str, str]:
    """Returns the C++ (or CUDA) translation unit and the Cython wrapper (module name left as a
    placeholder, see :func:`neurogen.build.builder.build`)."""
    env = _environment()
    cuda = plan.backend == "cuda"
    context = dict(cuda=cuda, nptr=len(plan.slots.ptrs), nint=len(plan.slots.ints),
                   nreal=len(plan.slots.reals), nbytes_slots=plan.nbytes_slots,
                   version=__version__, entry=ENTRY, real=plan.real,
                   parallel_threshold=PARALLEL_THRESHOLD, pointers=plan.pointers,
                   sizes=plan.sizes, reals=plan.reals, projections=plan.projections,
                   populations=plan.populations, rings=plan.rings,
                   INT_STEP=p.INT_STEP, INT_THREADS=p.INT_THREADS, INT_NMON=p.INT_NMON,
                   INT_SEED=p.INT_SEED, INT_STOP_MODE=p.INT_STOP_MODE, REAL_DT=p.REAL_DT, PTR_MON_ADDR=p.PTR_MON_ADDR,
                   PTR_MON_INT=p.PTR_MON_INT, NMONF=len(p.MONITOR_FIELDS),
                   module=MODULE_PLACEHOLDER)
    try:
        cpp = env.get_template("cuda/network.cu.j2" if cuda else "network.cpp.j2") \
            .render(context)
        pyx = env.get_template("wrapper.pyx.j2").render(context)
    except jinja2.TemplateError as exc:
        raise NeurogenError(f"internal error while generating code: {exc}") from None
    return cpp, pyx
