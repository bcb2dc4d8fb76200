"""bench/sweep.py runs and prints one JSON line (no timing is asserted)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sweep_benchmark_prints_one_json_line():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "sweep.py"), "6", "20"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["benchmark"] == "sweep" and result["runs"] == 20
    assert result["ok"] == 40 and result["compiled_during_sweeps"] == 0
    assert result["serial_s"] > 0 and result["jobs2_s"] > 0
