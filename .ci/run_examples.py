"""Run every example once, as a user runs it, in whatever environment calls this script.

CI calls it from a venv holding only the core install (``pip install .``), so an example
that needs a package the core install lacks fails here, not on a newcomer's first try.
Long examples get small sizes; every figure goes to a temporary folder. The viewer
examples need the ``viewer`` extra and a display: they run only with ``--viewer``
(CI runs them in the test venv under Xvfb).

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

#: (script, arguments; ``{out}`` is a fresh folder). Sizes are small where the default
#: run takes minutes; the code paths are the default run's.
CORE = [
    ("examples/neural_field/NeuralField.py", ["300", "--out", "{out}"]),
    ("examples/neural_field/NeuralFieldCython.py", ["200"]),
    ("examples/convolution/feature_map.py", ["--size", "48", "--out", "{out}/fm.png"]),
    ("examples/cann/cann1d_bump.py", ["--out", "{out}"]),
    ("examples/cann/cann1d_tracking.py", ["--num", "128", "--fps", "5", "--out", "{out}"]),
    ("examples/cann/cann2d_tracking.py", ["--length", "12", "--fps", "5", "--out", "{out}"]),
    ("examples/cann/cann1d_fixed_points.py", ["--num", "128", "--out", "{out}"]),
    ("examples/coop_coding/activity.py", ["--n2d", "40", "--out", "{out}"]),
    ("examples/coop_coding/response_times.py",
     ["--n1d", "60", "--n2d", "40", "--no-seed-check", "1", "--out", "{out}"]),
    ("examples/coop_coding/sfa.py", ["--n", "60", "--out", "{out}"]),
    ("examples/hopfield/hopfield_train.py", ["--crop", "16", "--out", "{out}"]),
    ("examples/rnn_decision/train_and_analyse.py",
     ["--iterations", "20", "--hidden", "16", "--candidates", "8", "--retrain",
      "--weights", "{out}/w.npz", "--out", "{out}"]),
]
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
