"""Run the Python code blocks of the user-guide pages while the docs build.

Each page listed in ``snippet_pages`` (``docs/conf.py``) has its ```` ```python ```` blocks
run in order, in one namespace per page (a block may use the names of the blocks above
it), in a fresh Python process whose working folder is an empty temporary one; a block
that raises is a build warning naming the page and line, so ``sphinx -W`` fails when a
snippet no longer works (a renamed argument, a removed function).

A block preceded by an HTML comment (invisible on the rendered page and on GitHub) is
handled as the comment says:

* ``<!-- snippet: skip REASON -->``: shown, not run (it needs a GPU, a display, a file
  made by a shell command above...); the reason is logged;
* ``<!-- snippet: raises NAME -->``: must raise the exception class ``NAME`` (the pages'
  examples of error messages).

Other languages (``bash``, ``cython``, plain blocks of equations or output) are not run.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)
MARKER = re.compile(r"<!--\s*snippet:\s*(skip|raises)\b\s*(.*?)\s*-->", re.S)

# Runs in the child process: reads the blocks as JSON on stdin, writes one JSON line of
# results per block (a traceback for a block that failed).
RUNNER = r"""
import json, sys, traceback
blocks = json.load(sys.stdin)
namespace = {"__name__": "__main__"}
for block in blocks:
    result = {"ok": True}
    try:
        exec(compile(block["code"], block["where"], "exec"), namespace)
        if block["raises"]:
            result = {"ok": False, "error": f"expected {block['raises']}, nothing raised"}
    except BaseException as error:
        if block["raises"] and type(error).__name__ == block["raises"]:
            result = {"ok": True}
        else:
            frames = error.__traceback__.tb_next       # from the snippet's own line
            result = {"ok": False, "error": "".join(
                traceback.format_exception(type(error), error, frames))}
    print(json.dumps(result), flush=True)
    if not result["ok"]:
        break
"""


def _blocks(doctree):
    """(literal_block node, marker kind or None, marker argument) in document order."""
    pending = None
    for node in doctree.findall(lambda n: isinstance(n, (nodes.raw, nodes.literal_block))):
        if isinstance(node, nodes.raw):
            match = MARKER.search(node.astext())
            pending = (match.group(1), match.group(2)) if match else pending
            continue
        if node.get("language") == "python":
            kind, argument = pending or (None, "")
            yield node, kind, argument
        pending = None


def run_snippets(app, doctree):
    docname = app.env.docname
    if docname not in app.config.snippet_pages:
        return
    todo, skipped = [], 0
    for node, kind, argument in _blocks(doctree):
        if kind == "skip":
            skipped += 1
            logger.verbose(f"{docname}: a snippet not run ({argument})", location=node)
            continue
        todo.append((node, {"code": node.astext(), "raises": argument if kind else "",
                            "where": f"{docname}.md, line {node.line}"}))
    if not todo:
        return
    env = dict(os.environ, MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory(prefix="neurogen-snippets-") as folder:
        try:
            done = subprocess.run([sys.executable, "-c", RUNNER], cwd=folder, env=env,
                                  input=json.dumps([block for _, block in todo]),
                                  capture_output=True, text=True,
                                  timeout=app.config.snippet_timeout)
            results = [json.loads(line) for line in done.stdout.splitlines()
                       if line.startswith("{")]
        except subprocess.TimeoutExpired:
            logger.warning(f"{docname}: snippets still running after "
                           f"{app.config.snippet_timeout} s", type="snippet")
            return
    for (node, _), result in zip(todo, results):
        if not result["ok"]:
            logger.warning(f"snippet failed:\n{result['error']}", location=node,
                           type="snippet")
    if len(results) < len(todo) and all(r["ok"] for r in results):
        logger.warning(f"{docname}: the snippet process stopped (exit {done.returncode}):"
                       f"\n{done.stderr[-2000:]}", location=todo[len(results)][0],
                       type="snippet")
    logger.info(f"{docname}: {len(results)} snippet(s) run, {skipped} shown only")


def setup(app):
    app.add_config_value("snippet_pages", [], "env", types=[list])
    app.add_config_value("snippet_timeout", 600, "env", types=[int])
    app.connect("doctree-read", run_snippets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
