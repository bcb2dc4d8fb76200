"""The ``neurogen`` command: headless runs, parameter sweeps, and the build cache.

    neurogen run MODEL.py --duration 1000 --record focus.r --out results.npz
    neurogen sweep MODEL.py --set focus.tau=5,10,20 --seeds 0-9 --jobs 2 \\
        --duration 1000 --record focus.r --out DIR
    neurogen info
    neurogen cache clean

Errors (a missing file, an unknown population or attribute, a malformed option, a run
that raises) are printed as one line on stderr, with exit status 2.
"""
from __future__ import annotations

import json
import os
import platform
import sys

import click

from . import backends, sweeps
from ._version import __version__
from .errors import NeurogenError
from .io import FORMATS, check_format, format_for, write_results


def _fail(message: str):
    raise sweeps.SweepError(message)


def _common(func):
    """Options shared by ``run`` and ``sweep``."""
    options = [
        click.option("--duration", "-d", type=float, required=True,
                     help="Simulated time per run, in ms."),
        click.option("--record", "-r", "records", multiple=True, metavar="POP.ATTR",
                     help="Record an attribute (repeatable), e.g. focus.r. POP is a "
                          "population name or the script's variable name."),
        click.option("--period", type=float, default=None,
                     help="Recording period in ms (default: every step)."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="Result file format (default: from --out's suffix, else npz)."),
        click.option("--threads", type=int, default=None,
                     help="OpenMP threads per run (default: the script's setting)."),
        click.option("--paradigm", type=click.Choice(list(backends.NAMES)), default=None,
                     help="Backend: openmp (CPU) or cuda (NVIDIA GPU); default: the "
                          "script's."),
        click.option("--network", default=None, metavar="NAME",
                     help="The script's variable holding the Network, if it has several."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="neurogen")
def cli():
    """neurogen: rate-coded neural networks from equation strings, compiled and cached."""


@cli.command()
@click.argument("model", type=click.Path(dir_okay=False))
@_common
@click.option("--set", "sets", multiple=True, metavar="POP.ATTR=VALUE",
              help="Set a parameter before running (repeatable), e.g. focus.tau=5.")
@click.option("--seed", type=int, default=None, help="Random seed (default: the script's).")
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="Result file (.npz or .h5). Needed with --record.")
def run(model, duration, records, period, fmt, threads, paradigm, network, quiet, sets, seed,
        out):
    """Run MODEL.py headless: the script builds the network, neurogen compiles it,
    simulates DURATION ms and writes the recorded attributes to OUT."""
    if records and out is None:
        _fail("--record needs --out FILE")
    if seed is not None and seed < 0:
        _fail(f"--seed must not be negative, got {seed}")
    params = sweeps.parse_sets(sets, multiple=False)
    for spec in records:
        sweeps.parse_record(spec)
    fmt = format_for(out, fmt) if out else None
    if fmt:
        check_format(fmt)
    loaded = sweeps.load_model(model, network=network, threads=threads, paradigm=paradigm)
    spec = sweeps.RunSpec(tuple((k, v[0]) for k, v in params.items()), seed)
    nsteps = int(round(duration / loaded.net.dt))
    if quiet or nsteps == 0 or not sys.stderr.isatty():
        arrays, info = sweeps.run_once(loaded, spec, duration, records, period)
    else:
        with click.progressbar(length=nsteps, label=f"{loaded.name}", file=sys.stderr,
                               show_pos=True, width=30) as bar:
            arrays, info = sweeps.run_once(loaded, spec, duration, records, period,
                                          progress=bar.update)
    if out:
        write_results(out, arrays, info, fmt)
    rate = info["steps"] / info["simulate_s"] if info["simulate_s"] > 0 else float("inf")
    shapes = ", ".join(f"{k} {tuple(v.shape)}" for k, v in arrays.items())
    compiled = f"compile {loaded.compile_s:.2f} s ({loaded.build})" \
        if loaded.build != "loaded" else "compiled by the script"
    analysis = "".join(f", {k}={v:.6g}" for k, v in info["analysis"].items())
    click.echo(f"{loaded.name}: {info['steps']} steps ({duration:g} ms) in "
               f"{info['simulate_s']:.3f} s ({rate:.0f} steps/s), {compiled}, seed "
               f"{info['seed']}{analysis}" + (f"; {shapes} -> {out}" if out else ""))


@cli.command()
@click.argument("model", type=click.Path(dir_okay=False))
@_common
@click.option("--set", "sets", multiple=True, metavar="POP.ATTR=V1,V2,...",
              help="A parameter and its values (repeatable); the sweep runs the "
                   "cartesian product of all --set values and seeds.")
@click.option("--seeds", default=None, metavar="LIST",
              help="Seeds, e.g. 0-9 or 1,5,7 (default: one run with the script's seed).")
@click.option("--jobs", "-j", type=int, default=1, help="Parallel worker processes.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask distributed cluster, e.g. tcp://host:8786.")
@click.option("--connect-timeout", type=float, default=20.0, show_default=True,
              help="Seconds to wait for the Dask scheduler.")
@click.option("--out", "-o", type=click.Path(file_okay=False), required=True,
              help="Output folder: one result file per run and index.csv.")
def sweep(model, duration, records, period, fmt, threads, paradigm, network, quiet, sets, seeds,
          jobs, scheduler, connect_timeout, out):
    """Run MODEL.py for every combination of --set values and --seeds, compiling once.
    Finished runs (status ok in OUT/index.csv) are skipped: re-run to resume."""
    if jobs < 1:
        _fail(f"--jobs must be at least 1, got {jobs}")
    if duration < 0:
        _fail(f"--duration must not be negative, got {duration}")
    params = sweeps.parse_sets(sets, multiple=True)
    seed_list = sweeps.parse_seeds(seeds)
    for spec in records:
        sweeps.parse_record(spec)
    fmt = fmt or "npz"
    check_format(fmt)
    # Load and compile here first: validates every name and fills the build cache, so
    # the workers load the binary instead of compiling it.
    loaded = sweeps.load_model(model, network=network, threads=threads, paradigm=paradigm)
    for target in params:
        loaded.attribute(target)
    for spec in records:
        loaded.attribute(spec)
    config = sweeps.SweepConfig(model=model, duration=duration, records=tuple(records),
                               fmt=fmt, period=period, network=network, threads=threads,
                               paradigm=paradigm)
    total = len(sweeps.sweep_specs(params, seed_list))
    if quiet or not sys.stderr.isatty():
        summary = sweeps.run_sweep(config, params, seed_list, out, jobs=jobs,
                                  scheduler=scheduler, model=loaded,
                                  connect_timeout=connect_timeout)
    else:
        with click.progressbar(length=total, label=f"sweep {loaded.name}", file=sys.stderr,
                               show_pos=True, width=30) as bar:
            summary = sweeps.run_sweep(config, params, seed_list, out, jobs=jobs,
                                      scheduler=scheduler, model=loaded,
                                      connect_timeout=connect_timeout,
                                      on_result=lambda row: bar.update(1))
            bar.update(summary.skipped)
    for damaged in summary.damaged:
        click.echo(f"neurogen: warning: damaged result file redone: {damaged}", err=True)
    where = f"dask {scheduler}" if scheduler else \
        f"{min(jobs, max(1, total - summary.skipped))} process(es)"
    click.echo(f"sweep {loaded.name}: {summary.total} runs, {summary.ok} ok, "
               f"{summary.failed} failed, {summary.skipped} already done; "
               f"{summary.wall_s:.2f} s on {where}; index {summary.index}")
    if summary.failed:
        _fail(f"{summary.failed} of {summary.total - summary.skipped} runs failed, first: "
              f"{summary.errors[0]} (see {summary.index})")


def _versions() -> dict:
    from importlib import metadata
    result = {}
    for name in ("numpy", "sympy", "cython", "jinja2", "click", "h5py", "distributed",
                 "pyqtgraph", "PyOpenGL", "PySide6-Essentials"):
        try:
            result[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            result[name] = None
    return result


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def info(as_json):
    """Versions, compiler, OpenMP and the build cache."""
    from .toolchain import cache
    from .toolchain.compiler import toolchain
    data = {"neurogen": __version__, "python": platform.python_version(),
            "platform": platform.platform(), "packages": _versions()}
    try:
        tc = toolchain()
        data.update(compiler=tc.compiler, compiler_version=tc.version, openmp=tc.openmp,
                    fft=tc.fft_library, kernel_flags=" ".join(tc.kernel_flags))
    except NeurogenError as exc:
        data.update(compiler=None, compiler_version=sweeps.one_line(exc), openmp=False,
                    fft=None, kernel_flags=None)
    from .toolchain.blas import describe
    data["blas"] = describe()
    data["cache"] = cache.info()
    if as_json:
        click.echo(json.dumps(data))
        return
    packages = ", ".join(f"{k} {v}" for k, v in data["packages"].items() if v)
    missing = ", ".join(k for k, v in data["packages"].items() if not v)
    c = data["cache"]
    click.echo(f"neurogen {data['neurogen']} (python {data['python']}, {data['platform']})")
    click.echo(f"packages: {packages}" + (f" (not installed: {missing})" if missing else ""))
    click.echo(f"compiler: {data['compiler'] or 'none'} ({data['compiler_version']})")
    click.echo(f"openmp: {'yes' if data['openmp'] else 'no'}")
    if data["kernel_flags"]:
        click.echo(f"kernel flags: {data['kernel_flags']} (compile(compiler_flags=...) adds "
                   "to them; a network's build_info says which it used)")
    click.echo(f"fft storage: {data['fft'] or 'none (no compiler)'}")
    click.echo(f"blas (dense products: training, batched simulation): {data['blas']}")
    click.echo(f"cache: {c['path']} ({c['entries']} entries, {c['bytes'] / 1e6:.1f} MB)")


@cli.group()
def cache():
    """The build cache ($NEUROGEN_CACHE_DIR, else ~/.cache/neurogen)."""


@cache.command("clean")
def cache_clean():
    """Remove every compiled network from the cache."""
    from .toolchain import cache as build_cache
    before = build_cache.info()
    removed = build_cache.clear()
    click.echo(f"removed {removed} entries ({before['bytes'] / 1e6:.1f} MB) from "
               f"{before['path']}")


@cache.command("info")
def cache_info():
    """Where the cache is and how big."""
    from .toolchain import cache as build_cache
    c = build_cache.info()
    click.echo(f"{c['path']}: {c['entries']} entries, {c['bytes'] / 1e6:.1f} MB")
    if c["temporary"]:
        click.echo(f"temporary build folders: {c['temporary']}, of which {c['stale']} "
                   f"({c['stale_bytes'] / 1e6:.1f} MB) left by killed builds (removed by "
                   "the next build or `neurogen cache clean`)")


def main(argv=None) -> int:
    """Console entry point: one-line errors and exit status 2 for bad input; no compile
    progress among the results (``NEUROGEN_QUIET``, also for the worker processes)."""
    from .console import QUIET_ENV
    previous = os.environ.get(QUIET_ENV)
    os.environ.setdefault(QUIET_ENV, "1")
    try:
        return _main(argv)
    finally:
        if previous is None:
            os.environ.pop(QUIET_ENV, None)


def _main(argv) -> int:
    try:
        cli.main(args=argv, prog_name="neurogen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("neurogen: interrupted", err=True)
        return 130
    except click.exceptions.UsageError as exc:
        if type(exc).__name__.startswith("NoArgsIsHelp") and exc.ctx is not None:
            click.echo(exc.ctx.get_help())
            return 0
        hint = f" (neurogen {exc.ctx.command_path.split(' ', 1)[-1]} --help)" \
            if exc.ctx and " " in exc.ctx.command_path else " (neurogen --help)"
        click.echo(f"neurogen: error: {sweeps.one_line(exc)}{hint}", err=True)
        return 2
    except click.exceptions.ClickException as exc:
        click.echo(f"neurogen: error: {sweeps.one_line(exc)}", err=True)
        return 2
    except NeurogenError as exc:
        click.echo(f"neurogen: error: {sweeps.one_line(exc)}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("neurogen: interrupted", err=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
