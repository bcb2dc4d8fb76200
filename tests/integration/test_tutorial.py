"""The neural-field tutorial script end to end, headless, as a user runs it."""
import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "neural_field" / "NeuralField.py"


def test_tutorial_script_runs_and_the_bump_follows_the_bubble(tmp_path):
    """Headless (no display, no MPLBACKEND): numbers printed and the figure saved."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    result = subprocess.run([sys.executable, str(EXAMPLE), "1000", "--out", "figs"],
                            cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    match = re.search(r"mean distance bump-bubble ([0-9.]+) neurons", result.stdout)
    assert match, result.stdout
    assert float(match.group(1)) < 3.0
    assert "from neurogen import *" in EXAMPLE.read_text()
    png = tmp_path / "figs" / "neural_field.png"
    assert f"figure saved to {Path('figs') / 'neural_field.png'}" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
