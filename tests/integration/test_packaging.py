"""The templates travel as package data: a wheel contains them and an installed copy
finds them from any folder."""
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_ships_the_templates(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)], check=True,
                   capture_output=True)
    (wheel,) = tmp_path.glob("neurogen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "neurogen/templates/network.cpp.j2" in names
    assert "neurogen/templates/wrapper.pyx.j2" in names
    assert "neurogen/inputs/cnetwork.pxd" in names     # cimport neurogen.inputs.cnetwork


def test_templates_are_found():
    from neurogen.codegen.render import template_dir
    assert (template_dir() / "network.cpp.j2").exists()


@pytest.mark.slow
def test_benchmark_prints_one_json_line():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "neural_field.py"), "--sizes",
                          "6", "--threads", "1", "2", "--steps", "20"],
                         capture_output=True, text=True, timeout=600, check=True)
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert [r["threads"] for r in result["results"]] == [1, 2]
    assert all(r["steps_per_s"] > 0 and r["cold_compile_s"] > 0 for r in result["results"])
