"""Headless batch runs of model scripts: the library behind ``neurogen run`` and
``neurogen sweep``.

A *model script* is an ordinary Python file that builds a network (classic API or an
explicit :class:`~neurogen.Network`) and may call ``compile()``. It is executed with
``__name__ == "__neurogen__"``, so anything under ``if __name__ == "__main__":`` (plots,
interactive loops) is skipped. The state the script leaves (attribute values, including
those set after ``compile()``) is the starting state of every run. A script may define
``analyse(net, records) -> dict`` returning scalars; they are stored with the results
and, for a sweep, as columns of ``index.csv``.

A sweep compiles once: parameters and seeds are runtime data, so every run resets the
same compiled network (``net.reset()``), restores the starting state, sets its
parameters and seed and simulates. Parallel runs use worker processes (``jobs``) or a
Dask distributed cluster (``scheduler``); each worker loads the script once and gets the
binary from the build cache.

Modules: :mod:`.options` (``--set``/``--seeds``/``--record``), :mod:`.script` (loading a
model script), :mod:`.run` (one run), :mod:`.worker` (what a sweep worker does),
:mod:`.parallel` (process pool, Dask), :mod:`.index` (``index.csv``), :mod:`.sweep`;
:mod:`.copies` runs ``Network.parallel_run()`` (copies of a Network subclass, in worker
processes or on Dask).
"""
from .errors import SweepError, one_line
from .index import INDEX, SweepIndex
from .options import parse_record, parse_seeds, parse_set, parse_sets, parse_value
from .run import RunSpec, run_once
from .script import Model, load_model
from .sweep import SweepSummary, run_sweep, summary_json, sweep_specs
from .worker import SweepConfig, execute

__all__ = ["SweepError", "INDEX", "Model", "RunSpec", "SweepConfig", "SweepIndex",
           "SweepSummary", "execute", "load_model", "one_line", "parse_record",
           "parse_seeds", "parse_set", "parse_sets", "parse_value", "run_once",
           "run_sweep", "summary_json", "sweep_specs"]
