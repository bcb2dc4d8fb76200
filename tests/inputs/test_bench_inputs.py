"""bench/inputs.py runs and prints one JSON line (no timing is asserted)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_inputs_benchmark_prints_one_json_line():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "inputs.py"), "6"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])["N6"]
    for key in ("python_loop_us", "world_us", "cworld_us", "simulate_us"):
        assert row[key] > 0
    assert row["cworld_over_simulate"] > 0
