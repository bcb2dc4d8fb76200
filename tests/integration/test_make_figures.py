"""docs/make_figures.py: the docs' figures come from running the examples."""
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "make_figures.py"


def test_figures_come_from_the_examples_and_stay_small(tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), "hopfield", "cann1d_bump",
                             "--into", str(tmp_path)], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cann1d_bump.png",
                                                          "hopfield_recall.png"]
    for path in tmp_path.iterdir():
        assert f"{path}: " in result.stdout
        with Image.open(path) as image:
            assert image.format == "PNG" and image.mode == "P"   # palette: small
            assert 300 < image.width < 1200 and 300 < image.height < 1200
        assert path.stat().st_size < 60_000


def test_every_figure_the_docs_show_is_made_by_the_script():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import make_figures
    finally:
        sys.path.remove(str(SCRIPT.parent))
    made = {name for _, _, names in make_figures.EXAMPLES for name in names}
    shown = set()
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for line in page.read_text().splitlines():
            if "](" in line and "figures/" in line:
                shown.add(line.split("figures/")[1].split(")")[0])
    assert shown and shown <= made, shown - made
    assert made <= {p.name for p in (ROOT / "docs" / "figures").iterdir()}
