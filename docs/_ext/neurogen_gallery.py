"""The example gallery's hooks: sphinx-gallery runs every script of ``examples/`` while the
docs build (``docs/conf.py`` names these functions), in the environment that builds the
docs, so an example that fails, or needs a package the core install lacks, fails the build.

* :data:`ARGS`: the command-line arguments each example gets in the docs build (small sizes
  where the default run takes minutes; the code paths are the default run's);
* :func:`reset_argv` gives them, and a fresh output folder per example;
* :func:`scrape_outputs` puts every figure an example writes (PNG, GIF) on its page;
* :data:`FIGURES`: the figures the README and the user guide show (``docs/figures/``),
  by the example that draws them; :func:`export_figures` copies them there, made small,
  when the build is asked to (``-D neurogen_figures=update``), and otherwise checks that
  each is still drawn.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIGURE_DIR = ROOT / "docs" / "figures"

#: Arguments per example, relative to ``examples/`` (``{out}``: the example's output
#: folder). ``quick``: the docs build in CI (about 3 minutes in all; the sizes CI ran the
#: examples with before the gallery existed); ``full``: the sizes of the figures the docs
#: show (``-D neurogen_gallery_sizes=full``, with ``-D neurogen_figures=update``).
ARGS = {
    "neural_field/NeuralField.py": {"quick": ["300", "--out", "{out}"],
                                    "full": ["--out", "{out}"]},
    "neural_field/NeuralFieldCython.py": {"quick": ["200"], "full": []},
    "convolution/feature_map.py": {"quick": ["--size", "48", "--out", "{out}/feature_map.png"],
                                   "full": ["--out", "{out}/feature_map.png"]},
    "cann/cann1d_bump.py": {"quick": ["--out", "{out}"], "full": ["--out", "{out}"]},
    "cann/cann1d_tracking.py": {"quick": ["--num", "128", "--fps", "5", "--out", "{out}"],
                                "full": ["--fps", "10", "--out", "{out}"]},
    "cann/cann2d_tracking.py": {"quick": ["--length", "12", "--fps", "5", "--out", "{out}"],
                                "full": ["--out", "{out}"]},
    "cann/cann1d_fixed_points.py": {"quick": ["--num", "128", "--out", "{out}"],
                                    "full": ["--out", "{out}"]},
    "coop_coding/activity.py": {"quick": ["--n2d", "40", "--out", "{out}"],
                                "full": ["--out", "{out}"]},
    "coop_coding/response_times.py": {
        "quick": ["--n1d", "60", "--n2d", "40", "--no-seed-check", "1", "--out", "{out}"],
        "full": ["--out", "{out}"]},
    "coop_coding/sfa.py": {"quick": ["--n", "60", "--out", "{out}"],
                           "full": ["--out", "{out}"]},
    "hopfield/hopfield_train.py": {"quick": ["--crop", "16", "--out", "{out}"],
                                   "full": ["--out", "{out}"]},
    "rnn_decision/train_and_analyse.py": {
        "quick": ["--iterations", "20", "--hidden", "16", "--candidates", "8", "--retrain",
                  "--weights", "{out}/w.npz", "--out", "{out}"],
        "full": ["--retrain", "--weights", "{out}/w.npz", "--out", "{out}"]},
    "spiking/coba.py": {"quick": ["--neurons", "1000", "--duration", "300", "--out", "{out}"],
                        "full": ["--out", "{out}"]},
    "spiking/izhikevich.py": {"quick": ["--duration", "500", "--out", "{out}"],
                              "full": ["--out", "{out}"]},
    "spiking/stdp_window.py": {"quick": ["--range", "30", "--spacing", "1.0", "--out", "{out}"],
                               "full": ["--out", "{out}"]},
}

#: Shown in the gallery but not run by the docs build: they need the ``viewer`` extra and
#: a display (CI runs them under Xvfb: ``.ci/run_examples.py --viewer``).
NOT_RUN = ("neural_field/NeuralFieldViz.py", "neural_field/Viz.py", "viewer_screenshots.py")

#: The figures ``docs/figures/`` holds for the README and the user guide, by the example
#: whose run draws them (its output folder holds a file of the same name).
FIGURES = {
    "neural_field/NeuralField.py": ["neural_field.png"],
    "cann/cann1d_bump.py": ["cann1d_bump.png"],
    "cann/cann1d_tracking.py": ["cann1d_tracking.gif", "cann1d_tracking.png",
                                "cann1d_activity.png"],
    "cann/cann1d_fixed_points.py": ["cann1d_fixed_points_pca.png",
                                    "cann1d_fixed_points_eigenvalues.png",
                                    "cann1d_fixed_points_profiles.png"],
    "coop_coding/response_times.py": ["response_times.png"],
    "coop_coding/activity.py": ["activity_1d.png"],
    "coop_coding/sfa.py": ["sfa.png"],
    "hopfield/hopfield_train.py": ["hopfield_recall.png"],
    "spiking/coba.py": ["coba.png"],
    "spiking/izhikevich.py": ["izhikevich.png"],
    "spiking/stdp_window.py": ["stdp_window.png"],
}

IMAGE_SUFFIXES = (".png", ".gif", ".jpg", ".svg")

SIZES = {"value": "quick"}          # set from the config value ``neurogen_gallery_sizes``
_state: dict = {"outputs": None, "seen": set()}


def outputs() -> Path:
    """The output folders of this build's examples (one per example), in a temporary
    folder made on first use and removed when the build ends."""
    if _state["outputs"] is None:
        _state["outputs"] = Path(tempfile.mkdtemp(prefix="neurogen-gallery-"))
    return _state["outputs"]


def not_run_pattern() -> str:
    """sphinx-gallery's ``filename_pattern``: every example but :data:`NOT_RUN`."""
    import re
    names = "|".join(re.escape("/" + name) for name in NOT_RUN)
    return rf"^(?!.*({names})$)"


def relative(src_file) -> str:
    return Path(src_file).resolve().relative_to(EXAMPLES).as_posix()


def output_folder(src_file) -> Path:
    return outputs() / relative(src_file).removesuffix(".py")


def arguments(example: str, sizes: str, out) -> list:
    """The command-line arguments of ``example`` (relative to ``examples/``) for a run
    writing into ``out``: the same table serves the gallery and ``.ci/run_examples.py``."""
    if example not in ARGS:
        raise KeyError(f"examples/{example} has no entry in docs/_ext/neurogen_gallery.py's "
                       f"ARGS: give it the arguments of a short run (or list it in NOT_RUN)")
    return [a.format(out=out) for a in ARGS[example][sizes]]


def reset_argv(gallery_conf, script_vars):
    """The example's arguments (sphinx-gallery sets ``sys.argv[1:]`` to them).

    The examples are scripts that find their own folder from ``__file__`` (their default
    output folder, ``BubbleWorld.pyx``) and describe their options with ``__doc__``, as
    scripts run with ``python`` do; sphinx-gallery leaves ``__file__`` out of the
    namespace it runs them in and blanks ``__doc__``, so both are set here."""
    import ast
    src = Path(script_vars["src_file"])
    script_vars["example_globals"]["__file__"] = str(src)
    script_vars["example_globals"]["__doc__"] = ast.get_docstring(ast.parse(src.read_text()))
    out = output_folder(src)
    out.mkdir(parents=True, exist_ok=True)
    return arguments(relative(src), SIZES["value"], out)


def reset_neurogen(gallery_conf, fname):
    """Each example starts from an empty default network, as in its own process. The pages
    show what the example prints, not neurogen's compile progress (stderr lines that
    depend on the state of the build cache): ``NEUROGEN_QUIET`` as the CLI sets it."""
    import logging

    import neurogen
    os.environ["NEUROGEN_QUIET"] = "1"
    logging.getLogger("neurogen").setLevel(logging.WARNING)
    neurogen.clear()


def scrape_outputs(block, block_vars, gallery_conf):
    """sphinx-gallery image scraper: the figures the example wrote into its output folder
    (PNG first, then animations), copied to the gallery's images, in name order."""
    from sphinx_gallery.scrapers import figure_rst
    out = output_folder(block_vars["src_file"])
    new = sorted((p for p in out.rglob("*") if p.suffix in IMAGE_SUFFIXES and p not in _state["seen"]),
                 key=lambda p: (p.suffix == ".gif", p.name))
    _state["seen"].update(new)
    images = []
    for path, target in zip(new, block_vars["image_path_iterator"]):
        target = Path(target).with_suffix(path.suffix)
        shutil.copyfile(path, target)
        images.append(str(target))
    return figure_rst(images, gallery_conf["src_dir"])


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


def export_figures(outputs: Path, into: Path | None, examples=None) -> tuple[list, list]:
    """For each figure of :data:`FIGURES` (of ``examples``, default all): check that its
    example drew it under ``outputs/<example>/``; with ``into``, copy it there made small.
    Returns (written paths, missing 'example: name' strings)."""
    written, missing = [], []
    for example, names in FIGURES.items():
        if examples is not None and example not in examples:
            continue
        for name in names:
            src = outputs / example.removesuffix(".py") / name
            if not src.is_file():
                missing.append(f"examples/{example}: {name}")
                continue
            if into is not None:
                into.mkdir(parents=True, exist_ok=True)
                dst = into / name
                (shrink_gif if name.endswith(".gif") else shrink_png)(src, dst)
                written.append(dst)
    return written, missing


def build_finished(app, exception):
    """After a build that ran the examples: every figure the docs show was drawn (a
    warning names the one that was not); ``-D neurogen_figures=update`` writes them into
    ``docs/figures/``."""
    folder = _state["outputs"]
    if folder is None:              # no example ran (plot_gallery=0, or all cached)
        return
    try:
        if exception is None:
            _check_and_export(app, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _state["outputs"] = None


def _check_and_export(app, folder: Path):
    from sphinx.util import logging
    logger = logging.getLogger("neurogen_gallery")
    ran = {relative(p) for p in EXAMPLES.rglob("*.py") if output_folder(p).is_dir()}
    update = app.config.neurogen_figures == "update"
    written, missing = export_figures(folder, FIGURE_DIR if update else None,
                                      examples=ran)
    for item in missing:
        logger.warning(f"{item} is shown by the docs (docs/figures/) but the example no "
                       f"longer draws it")
    for path in written:
        logger.info(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KiB")


def setup(app):
    app.add_config_value("neurogen_figures", "check", "env", types=[str])
    app.add_config_value("neurogen_gallery_sizes", "quick", "env", types=[str])

    def sizes(app, config):
        if config.neurogen_gallery_sizes not in ("quick", "full"):
            raise ValueError("neurogen_gallery_sizes is 'quick' or 'full'")
        SIZES["value"] = config.neurogen_gallery_sizes
    app.connect("config-inited", sizes)
    app.connect("build-finished", build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
