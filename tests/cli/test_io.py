"""Result files: atomic replacement, formats, round trips."""
import re

import numpy as np
import pytest

import neurogen.io as nio
from neurogen.errors import NeurogenError

from cli_helpers import need


def test_npz_round_trip_and_meta(tmp_path):
    arrays = {"focus.r": np.arange(12.0).reshape(3, 2, 2), "inp.r": np.ones((3, 4))}
    nio.write_results(tmp_path / "a.npz", arrays, {"seed": np.int64(3), "params": {"x": 1.5}})
    back, meta = nio.read_results(tmp_path / "a.npz")
    assert sorted(back) == ["focus.r", "inp.r"]
    np.testing.assert_array_equal(back["focus.r"], arrays["focus.r"])
    assert meta == {"seed": 3, "params": {"x": 1.5}}


def test_h5_round_trip(tmp_path):
    need("h5py")
    arrays = {"focus.r": np.random.default_rng(0).random((5, 3, 3))}
    nio.write_results(tmp_path / "a.h5", arrays, {"seed": 1})
    back, meta = nio.read_results(tmp_path / "a.h5")
    np.testing.assert_array_equal(back["focus.r"], arrays["focus.r"])
    assert meta == {"seed": 1}


def test_a_failing_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "r.npz"
    nio.write_results(path, {"x": np.zeros(10)}, {"version": 1})

    def broken_savez(handle, **arrays):
        handle.write(b"PK\x03\x04 half a zip file")   # a partial write, then a crash
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nio.np, "savez", broken_savez)
    with pytest.raises(nio.ResultFileError, match="No space left on device"):
        nio.write_results(path, {"x": np.ones(10)}, {"version": 2})
    monkeypatch.undo()
    back, meta = nio.read_results(path)
    assert meta == {"version": 1} and back["x"].sum() == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.npz"]


def test_interrupt_during_write_cleans_up(tmp_path, monkeypatch):
    def interrupted(handle, **arrays):
        handle.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(nio.np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        nio.write_results(tmp_path / "r.npz", {"x": np.ones(3)})
    assert list(tmp_path.iterdir()) == []


def test_files_get_the_umask_permissions_not_private_temp_ones(tmp_path):
    import os
    old = os.umask(0o022)
    try:
        path = nio.write_results(tmp_path / "r.npz", {"x": np.ones(3)})
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_format_errors_are_neurogen_errors(tmp_path):
    with pytest.raises(NeurogenError, match="unknown result format 'csv'"):
        nio.write_results(tmp_path / "a.csv", {"x": np.ones(2)}, fmt="csv")
    with pytest.raises(NeurogenError, match="reserved"):
        nio.write_results(tmp_path / "a.npz", {nio.META_KEY: np.ones(2)})
    with pytest.raises(NeurogenError, match="no result file"):
        nio.read_results(tmp_path / "missing.npz")
    assert nio.format_for("x.hdf5") == "h5" and nio.format_for("x.bin") == "npz"


def test_missing_h5py_is_reported_before_any_work(tmp_path, monkeypatch, capsys):
    import sys
    from cli_helpers import cli, field_script
    monkeypatch.setitem(sys.modules, "h5py", None)   # makes `import h5py` fail
    with pytest.raises(nio.ResultFileError, match="the h5 format needs h5py"):
        nio.write_results(tmp_path / "a.h5", {"x": np.ones(2)})
    script = field_script(tmp_path, extra="raise SystemExit('the script must not run')")
    status, _, stderr = cli("run", script, "-d", 5, "-r", "focus.r", "-o", tmp_path / "r.h5",
                            capsys=capsys)
    assert status == 2 and stderr.strip() == (
        "neurogen: error: the h5 format needs h5py: pip install h5py "
        "(or pip install 'neurogen[hdf5]')")


@pytest.mark.parametrize("fmt", ["npz", "h5"])
@pytest.mark.parametrize("keep", [0, 10, 0.5, -30])
def test_truncated_result_file_is_a_neurogen_error_naming_it(tmp_path, fmt, keep):
    if fmt == "h5":
        need("h5py")
    path = nio.write_results(tmp_path / f"run.{fmt}", {"x": np.arange(20000.0)}, {"a": 1})
    data = path.read_bytes()
    cut = int(keep * len(data)) if isinstance(keep, float) else keep % len(data)
    path.write_bytes(data[:cut])            # as `truncate -s` would leave it
    with pytest.raises(nio.ResultFileError,
                       match=rf"{re.escape(str(path))} is not a complete {fmt} result "
                             rf"file \(truncated or corrupt"):
        nio.read_results(path)
    with pytest.raises(NeurogenError):
        nio.verify_results(path)


def test_corrupt_npz_fails_its_checksum(tmp_path):
    path = nio.write_results(tmp_path / "run.npz", {"x": np.arange(20000.0)})
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF            # same length, one damaged byte
    path.write_bytes(bytes(data))
    with pytest.raises(nio.ResultFileError, match="Bad CRC-32"):
        nio.read_results(path)


def test_a_plain_npy_is_not_a_result_file(tmp_path):
    path = tmp_path / "x.npz"
    with open(path, "wb") as handle:
        np.save(handle, np.ones(3))
    with pytest.raises(nio.ResultFileError, match="single .npy array"):
        nio.read_results(path)
