"""Regenerate the figures in ``docs/figures/`` by running the examples that draw them.

Each example runs as a user runs it (its own process, headless, neurogen from this
checkout), writing into a temporary folder; the figures the docs show are then copied
here, made small (PNGs reduced to a 256-colour palette, the GIF to 32 colours). So the
pictures in the docs are always what the examples produce.

    python docs/make_figures.py            # all of them (about 40 s on one core)
    python docs/make_figures.py hopfield   # only the examples whose name contains a word
    python docs/make_figures.py --into /tmp/figs    # somewhere else (to compare)
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
FIGURES = ROOT / "docs" / "figures"

#: (example, its arguments before ``--out DIR``, the files the docs show)
EXAMPLES = [
    ("examples/neural_field/NeuralField.py", [], ["neural_field.png"]),
    ("examples/cann/cann1d_bump.py", [], ["cann1d_bump.png"]),
    ("examples/cann/cann1d_tracking.py", ["--fps", "10"],
     ["cann1d_tracking.gif", "cann1d_tracking.png", "cann1d_activity.png"]),
    ("examples/cann/cann1d_fixed_points.py", [],
     ["cann1d_fixed_points_pca.png", "cann1d_fixed_points_eigenvalues.png",
      "cann1d_fixed_points_profiles.png"]),
    ("examples/coop_coding/response_times.py", [], ["response_times.png"]),
    ("examples/coop_coding/activity.py", [], ["activity_1d.png"]),
    ("examples/coop_coding/sfa.py", [], ["sfa.png"]),
    ("examples/hopfield/hopfield_train.py", [], ["hopfield_recall.png"]),
]


def shrink_png(src: Path, dst: Path):
    """A 256-colour palette PNG: a third of the size of matplotlib's RGBA output, with no
    visible change for line plots and colour maps."""
    from PIL import Image
    with Image.open(src) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                              dither=Image.Dither.NONE)
    small.save(dst, format="PNG", optimize=True)


def shrink_gif(src: Path, dst: Path, colours: int = 32):
    """One shared palette of ``colours`` (taken from frames across the animation) for
    every frame: the plots have few colours, and a shared palette compresses well."""
    from PIL import Image, ImageSequence
    with Image.open(src) as gif:
        duration = gif.info.get("duration", 100)
        frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(gif)]
    sample = frames[::max(1, len(frames) // 8)]
    width, height = sample[0].size
    strip = Image.new("RGB", (width * len(sample), height))
    for i, frame in enumerate(sample):
        strip.paste(frame, (i * width, 0))
    palette = strip.quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    small = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    small[0].save(dst, format="GIF", save_all=True, append_images=small[1:],
                  duration=duration, loop=0, optimize=True)


def run_example(script: str, args: list, out: Path):
    env = dict(os.environ, MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in [
                   os.environ.get("PYTHONPATH")] if p]))
    env.pop("DISPLAY", None)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / script), *args, "--out", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{script} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("only", nargs="*", help="words: run only the examples whose path "
                                                "contains one of them")
    parser.add_argument("--into", type=Path, default=FIGURES,
                        help="folder for the figures (default: docs/figures)")
    args = parser.parse_args(argv)
    chosen = [e for e in EXAMPLES if not args.only or any(w in e[0] for w in args.only)]
    if not chosen:
        sys.exit(f"no example matches {' '.join(args.only)}")
    args.into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="neurogen-figures-") as tmp:
        for script, extra, files in chosen:
            out = Path(tmp) / Path(script).stem
            seconds = run_example(script, extra, out)
            for name in files:
                src = out / name
                if not src.is_file():
                    sys.exit(f"{script} did not write {name}")
                dst = args.into / name
                (shrink_gif if name.endswith(".gif") else shrink_png)(src, dst)
                print(f"{dst}: {dst.stat().st_size / 1024:.0f} KiB "
                      f"(from {script}, {seconds:.1f} s)")


if __name__ == "__main__":
    main()
