"""Run every example once, as a user runs it, in whatever environment calls this script.

CI runs the core examples through the docs build (the gallery executes every script of
``examples/`` in a venv holding the core install and the ``docs`` extra) and the viewer
examples with this script: they need the ``viewer`` extra and a display (CI runs them in
the test venv under Xvfb). Without ``--viewer`` it runs the core examples as separate
processes with the sizes the docs build gives them (``docs/_ext/neurogen_gallery.py``'s
``ARGS``): the same check without Sphinx. Every figure goes to a temporary folder.

    python .ci/run_examples.py            # the core examples
    python .ci/run_examples.py --viewer   # the viewer examples (needs pyqtgraph, Xvfb)
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import neurogen_gallery  # noqa: E402  (the gallery's table of arguments)

#: (script, arguments; ``{out}`` is a fresh folder): the docs build's short runs.
CORE = [(f"examples/{example}", sizes["quick"])
        for example, sizes in neurogen_gallery.ARGS.items()]
VIEWER = [   # Viz.py is the tutorial's module, imported by NeuralFieldViz.py --python-world
    ("examples/neural_field/NeuralFieldViz.py", ["--xvfb", "3"]),
    ("examples/neural_field/NeuralFieldViz.py", ["--xvfb", "2", "--image", "--python-world"]),
    ("examples/viewer_screenshots.py", ["{out}"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewer", action="store_true", help="run the viewer examples")
    args = parser.parse_args()
    failed = []
    for script, arguments in (VIEWER if args.viewer else CORE):
        with tempfile.TemporaryDirectory() as out:
            argv = [a.format(out=out) for a in arguments]
            env = dict(os.environ, MPLBACKEND="Agg")
            start = time.perf_counter()
            result = subprocess.run([sys.executable, str(ROOT / script), *argv],
                                    cwd=out, env=env, capture_output=True, text=True)
            took = time.perf_counter() - start
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        print(f"{script}: {status} in {took:.1f} s", flush=True)
        if result.returncode != 0:
            failed.append(script)
            print((result.stdout + result.stderr)[-4000:], flush=True)
    if failed:
        print(f"{len(failed)} example(s) failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
