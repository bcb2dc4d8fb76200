"""The wheel carries what users compile against and the console script."""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_the_pxd_and_the_neurogen_command(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                    "-w", str(tmp_path)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("neurogen-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert "neurogen/inputs/cnetwork.pxd" in names
    assert "neurogen/inputs/__init__.py" in names and "neurogen/cli.py" in names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert "[console_scripts]" in text and "neurogen = neurogen.cli:main" in text
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    requires = archive.read(metadata).decode()
    assert "Requires-Dist: click" in requires
    assert "Requires-Dist: matplotlib" in requires    # the examples draw their figures
    # the packages split by responsibility ship whole
    assert {"neurogen/sweeps/sweep.py", "neurogen/models/coop/eilag.py",
            "neurogen/models/base.py", "neurogen/analysis/measures.py"} <= set(names)
