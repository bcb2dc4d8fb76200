"""List the public names that have no entry in the built API reference (none expected).

Run after an HTML build; it reads the build's ``objects.inv`` (the inventory Sphinx
writes of every documented object):

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python docs/check_reference.py docs/_build/html

Public names: ``__all__`` of each module of :data:`PUBLIC` (the names defined in the
module, without a leading underscore, where it has no ``__all__``), and every command of
the ``neurogen`` command line. A name re-exported by two modules is covered by one entry
of the same object (e.g. ``neurogen.Hebb`` by ``neurogen.models.Hebb``). Exit status 1
when a name is missing.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import zlib
from pathlib import Path

#: The modules whose public names the reference must cover (docs/api/ has their pages).
PUBLIC = [
    "neurogen", "neurogen.models", "neurogen.models.coop", "neurogen.tasks",
    "neurogen.analysis", "neurogen.analysis.plot", "neurogen.training",
    "neurogen.extensions.bold", "neurogen.extensions.convolution", "neurogen.extensions.image",
    "neurogen.extensions.logger", "neurogen.inputs", "neurogen.io", "neurogen.viz",
]
CLI = "neurogen.cli:cli"
CLI_PAGE = "api/cli.html"


def read_inventory(path: Path) -> dict:
    """{(domain:role, name)} of a Sphinx ``objects.inv`` (version 2)."""
    raw = path.read_bytes()
    header_end = 0
    for _ in range(4):                      # four comment lines, then zlib data
        header_end = raw.index(b"\n", header_end) + 1
    entries = {}
    for line in zlib.decompress(raw[header_end:]).decode().splitlines():
        name, rest = line.split(" ", 1)
        role = rest.split(" ", 1)[0]
        entries.setdefault(role, set()).add(name)
    return entries


def public_names(module_name: str) -> list:
    module = importlib.import_module(module_name)
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [name for name, value in vars(module).items()
            if not name.startswith("_") and not inspect.ismodule(value)
            and getattr(value, "__module__", None) == module_name]


def resolve(dotted: str):
    """The object a documented dotted name refers to, or None."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def missing_names(inventory: dict) -> list:
    python = set().union(*(names for role, names in inventory.items()
                           if role.startswith("py:")))
    modules = inventory.get("py:module", set())
    documented_ids = {id(obj) for obj in map(resolve, python)
                      if inspect.isclass(obj) or inspect.isroutine(obj)}
    missing = []
    for module_name in PUBLIC:
        module = importlib.import_module(module_name)
        for name in public_names(module_name):
            dotted = f"{module_name}.{name}"
            obj = getattr(module, name, None)
            if dotted in python or dotted in modules:
                continue
            if inspect.ismodule(obj) and obj.__name__ in modules:
                continue
            if (inspect.isclass(obj) or inspect.isroutine(obj)) and id(obj) in documented_ids:
                continue
            missing.append(dotted)
    return missing


def missing_commands(html: Path) -> list:
    """Commands of the ``neurogen`` group whose usage line (``neurogen cache clean
    [OPTIONS]``, written by sphinx-click) is not on the reference's command page."""
    import html as html_module
    import re

    import click
    module_name, attr = CLI.split(":")
    group = getattr(importlib.import_module(module_name), attr)
    page = html_module.unescape(re.sub(r"<[^>]+>", "", (html / CLI_PAGE).read_text()))
    missing = []

    def walk(command, path):
        if f"{path} [OPTIONS]" not in page:
            missing.append(path)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}")
    walk(group, "neurogen")
    return missing


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the HTML build folder (holds objects.inv)")
    args = parser.parse_args(argv)
    inventory = read_inventory(args.html / "objects.inv")
    missing = missing_names(inventory) + [f"command: {c}" for c in missing_commands(args.html)]
    for name in missing:
        print(f"no reference entry: {name}")
    counted = sum(len(public_names(m)) for m in PUBLIC)
    print(f"{counted} public names in {len(PUBLIC)} modules and the neurogen command: "
          f"{len(missing)} without a reference entry")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
