"""The docs' figures come from the examples (docs/_ext/neurogen_gallery.py, used by the
docs build's gallery; docs/make_figures.py before it): each figure the README and the
pages show is drawn by an example, and exported small."""
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import neurogen_gallery as gallery  # noqa: E402

sys.path.insert(0, str(ROOT / ".ci"))
import run_examples  # noqa: E402


def run_example(example: str, outputs: Path):
    """Run ``examples/<example>`` as the docs build does (its quick arguments), in its own
    process, writing into ``outputs/<example without .py>/``."""
    out = outputs / example.removesuffix(".py")
    out.mkdir(parents=True)
    args = gallery.arguments(example, "quick", out)
    result = subprocess.run([sys.executable, str(gallery.EXAMPLES / example), *args],
                            cwd=out, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-3000:]


def test_figures_come_from_the_examples_and_stay_small(tmp_path):
    examples = ["hopfield/hopfield_train.py", "cann/cann1d_bump.py"]
    for example in examples:
        run_example(example, tmp_path / "outputs")
    written, missing = gallery.export_figures(tmp_path / "outputs", tmp_path / "figures",
                                              examples=examples)
    assert missing == []
    assert sorted(p.name for p in written) == ["cann1d_bump.png", "hopfield_recall.png"]
    for path in written:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.mode == "P"   # palette: small
            assert 300 < image.width < 1200 and 300 < image.height < 1200
        assert path.stat().st_size < 60_000


def test_a_figure_no_longer_drawn_is_reported(tmp_path):
    (tmp_path / "cann" / "cann1d_bump").mkdir(parents=True)
    written, missing = gallery.export_figures(tmp_path, tmp_path / "figures",
                                              examples=["cann/cann1d_bump.py"])
    assert written == [] and missing == ["examples/cann/cann1d_bump.py: cann1d_bump.png"]


def test_every_figure_the_docs_show_is_drawn_by_an_example():
    made = {name for names in gallery.FIGURES.values() for name in names}
    shown = set()
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for line in page.read_text().splitlines():
            if "](" in line and "figures/" in line:
                shown.add(line.split("figures/")[1].split(")")[0])
    assert shown and shown <= made, shown - made
    assert made <= {p.name for p in (ROOT / "docs" / "figures").iterdir()}


def test_every_example_runs_in_the_docs_build_or_with_the_viewer():
    scripts = {p.relative_to(gallery.EXAMPLES).as_posix()
               for p in gallery.EXAMPLES.rglob("*.py")
               if p.name != "_common.py" and "output" not in p.parts}
    assert set(gallery.ARGS) | set(gallery.NOT_RUN) == scripts
    assert not set(gallery.ARGS) & set(gallery.NOT_RUN)
    assert set(gallery.FIGURES) <= set(gallery.ARGS)
    assert all(set(sizes) == {"quick", "full"} for sizes in gallery.ARGS.values())
    # the viewer examples CI runs under Xvfb are the ones the gallery does not run
    viewer = {script.removeprefix("examples/") for script, _ in run_examples.VIEWER}
    assert viewer | {"neural_field/Viz.py"} == set(gallery.NOT_RUN)
    assert [s for s, _ in run_examples.CORE] == [f"examples/{e}" for e in gallery.ARGS]
