"""``neurogen run``: a model script run headless, recorded into a result file."""
import runpy

import numpy as np
import pytest

import neurogen
from neurogen.io import TEMP_PREFIX, read_results

from cli_helpers import cli, cli_process, field_script, need


def test_run_records_what_the_script_defines(field, tmp_path, capsys):
    out = tmp_path / "results.npz"
    status, stdout, _ = cli("run", field, "--duration", 60, "--record", "focus.r",
                            "--record", "Input.r", "--out", out, capsys=capsys)
    assert status == 0
    arrays, meta = read_results(out)
    assert sorted(arrays) == ["Input.r", "focus.r"]
    assert arrays["focus.r"].shape == (60, 8, 8)
    assert meta["seed"] == 7 and meta["steps"] == 60 and meta["records"]["focus.r"] == "Focus.r"
    assert "60 steps" in stdout and str(out) in stdout
    assert not list(tmp_path.glob(TEMP_PREFIX + "*"))

    # The same network simulated directly through the library gives the same numbers.
    namespace = runpy.run_path(str(field), run_name="direct")
    focus = namespace["focus"]
    monitor = neurogen.Monitor(focus, "r")
    neurogen.compile()
    neurogen.simulate(60.0)
    np.testing.assert_array_equal(monitor.get("r", reshape=True), arrays["focus.r"])


def test_seed_and_set_change_the_run(field, tmp_path):
    def run(*extra):
        out = tmp_path / "r.npz"
        assert cli("run", field, "-d", 40, "-r", "focus.r", "-o", out, *extra)[0] == 0
        return read_results(out)

    a, meta_a = run("--seed", 3)
    b, _ = run("--seed", 3)
    c, _ = run("--seed", 4)
    d, meta_d = run("--seed", 3, "--set", "focus.tau=2.5")
    np.testing.assert_array_equal(a["focus.r"], b["focus.r"])
    assert not np.array_equal(a["focus.r"], c["focus.r"])
    assert not np.array_equal(a["focus.r"], d["focus.r"])
    assert meta_a["seed"] == 3 and meta_d["params"] == {"focus.tau": 2.5}


def test_h5_format_holds_the_same_data(field, tmp_path):
    need("h5py")
    assert cli("run", field, "-d", 30, "-r", "focus.r", "-o", tmp_path / "a.npz")[0] == 0
    assert cli("run", field, "-d", 30, "-r", "focus.r", "-o", tmp_path / "a.h5")[0] == 0
    assert cli("run", field, "-d", 30, "-r", "focus.r", "--format", "h5",
               "-o", tmp_path / "b.dat")[0] == 0
    npz, _ = read_results(tmp_path / "a.npz")
    h5, meta = read_results(tmp_path / "a.h5")
    dat, _ = read_results(tmp_path / "b.dat", "h5")
    np.testing.assert_array_equal(npz["focus.r"], h5["focus.r"])
    np.testing.assert_array_equal(npz["focus.r"], dat["focus.r"])
    assert meta["steps"] == 30
    with open(tmp_path / "a.h5", "rb") as handle:
        assert handle.read(8) == b"\x89HDF\r\n\x1a\n"


def test_analyse_hook_and_main_guard(tmp_path, capsys):
    script = field_script(tmp_path, extra='''
        def analyse(net, records):
            r = records["focus.r"][-1]
            return {"peak": float(r.max()), "steps": len(records["focus.r"])}

        if __name__ == "__main__":
            raise SystemExit("the CLI must not run this")
    ''')
    out = tmp_path / "r.npz"
    status, stdout, _ = cli("run", script, "-d", 25, "-r", "focus.r", "-o", out, capsys=capsys)
    assert status == 0
    arrays, meta = read_results(out)
    assert meta["analysis"]["steps"] == 25
    assert meta["analysis"]["peak"] == pytest.approx(arrays["focus.r"][-1].max())
    assert "peak=" in stdout


@pytest.mark.parametrize("args, expected", [
    (["missing.py", "-d", 10], "model script not found"),
    (["{field}", "-d", 10, "-r", "fcus.r", "-o", "x.npz"],
     "no population 'fcus' (populations: Input (inp), Focus (focus))"),
    (["{field}", "-d", 10, "-r", "focus.rate", "-o", "x.npz"], "no attribute 'rate'"),
    (["{field}", "-d", 10, "-r", "focusr", "-o", "x.npz"], "malformed --record"),
    (["{field}", "-d", 10, "--set", "focus.tau"], "malformed --set"),
    (["{field}", "-d", 10, "--set", "focus.tau=fast"], "'fast' is not a number"),
    (["{field}", "-d", 10, "--set", "focus.tau=1,2"], "one value per parameter"),
    (["{field}", "-d", 10, "--set", "focus.nope=1"], "no attribute 'nope'"),
    (["{field}", "-d", 10, "-r", "focus.r"], "--record needs --out"),
    (["{field}", "-d", -5], "must not be negative"),
    (["{field}"], "duration"),
    (["{field}", "-d", 10, "--format", "csv"], "csv"),
])
def test_bad_input_is_one_line_and_status_2(field, tmp_path, capsys, args, expected):
    args = [str(a).replace("{field}", str(field)) for a in args]
    status, stdout, stderr = cli("run", *args, capsys=capsys)
    assert status == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neurogen: error: "), stderr
    assert expected in lines[0]
    assert not (tmp_path / "x.npz").exists()


@pytest.mark.parametrize("extra, expected", [
    ("x = undefined_name + 1", "field.py line 17: NameError: name 'undefined_name'"),
    ("Population(4, Neuron(equations='r = tua'), name='bad')", "unknown name 'tua'"),
    ("def analyse(net, records):\n    return {'x': 1 / 0}",
     "ZeroDivisionError: division by zero"),
])
def test_script_errors_are_reported_with_their_line(tmp_path, capsys, extra, expected):
    script = field_script(tmp_path, extra=extra)
    status, _, stderr = cli("run", script, "-d", 10, capsys=capsys)
    assert status == 2
    assert len(stderr.strip().splitlines()) == 1 and expected in stderr, stderr


def test_real_process_exit_status_and_help(field, tmp_path):
    result = cli_process("run", field, "-d", 10, "-r", "focus.nothing", "-o", tmp_path / "x.npz")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "neurogen: error: population 'Focus' of field.py has no attribute 'nothing' "
        "(attributes: tau, r)"]
    helped = cli_process("run", "--help")
    assert helped.returncode == 0 and "--record" in helped.stdout
