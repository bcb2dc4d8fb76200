"""``neurogen sweep``: cartesian products of parameters and seeds, compiled once,
resumable, in parallel processes or on a Dask cluster."""
import csv
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from neurogen.io import TEMP_PREFIX, read_results

from cli_helpers import cli, cli_process, field_script, need


def index_rows(folder):
    with open(folder / "index.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def records(folder, name="focus.r"):
    return {row["run"]: read_results(folder / row["file"])[0][name]
            for row in index_rows(folder) if row["status"] == "ok"}


def test_sweep_writes_one_file_per_run_and_an_index(field, tmp_path, capsys):
    out = tmp_path / "sweep"
    status, stdout, _ = cli("sweep", field, "--set", "focus.tau=5,10", "--seeds", "0-1",
                            "--duration", 30, "--record", "focus.r", "--out", out,
                            capsys=capsys)
    assert status == 0
    rows = index_rows(out)
    assert [r["run"] for r in rows] == ["focus.tau=5_seed=0", "focus.tau=5_seed=1",
                                        "focus.tau=10_seed=0", "focus.tau=10_seed=1"]
    assert all(r["status"] == "ok" and r["error"] == "" for r in rows)
    assert [r["focus.tau"] for r in rows] == ["5", "5", "10", "10"]
    assert [r["seed"] for r in rows] == ["0", "1", "0", "1"]
    assert all(float(r["runtime_s"]) > 0 for r in rows)
    # one compiled network for the whole sweep: only the first run may report a build
    assert [r["compile"] for r in rows][1:] == ["reused"] * 3
    for row in rows:
        arrays, meta = read_results(out / row["file"])
        assert arrays["focus.r"].shape == (30, 8, 8)
        assert meta["params"] == {"focus.tau": int(row["focus.tau"])}
        assert meta["seed"] == int(row["seed"])
    assert "4 runs, 4 ok, 0 failed" in stdout

    # Reusing the compiled network between runs leaks no state: each run equals a
    # fresh `neurogen run` with the same parameter and seed.
    single = tmp_path / "single.npz"
    assert cli("run", field, "-d", 30, "-r", "focus.r", "--set", "focus.tau=10",
               "--seed", 1, "-o", single)[0] == 0
    np.testing.assert_array_equal(read_results(single)[0]["focus.r"],
                                  records(out)["focus.tau=10_seed=1"])
    data = records(out)
    assert not np.array_equal(data["focus.tau=5_seed=0"], data["focus.tau=5_seed=1"])
    assert not np.array_equal(data["focus.tau=5_seed=0"], data["focus.tau=10_seed=0"])


def test_rerun_skips_finished_runs_and_redoes_missing_ones(field, tmp_path, capsys):
    out = tmp_path / "sweep"
    args = ["sweep", field, "--set", "focus.tau=5,10", "--seeds", "3", "-d", 20,
            "-r", "focus.r", "-o", out]
    assert cli(*args)[0] == 0
    files = {p.name: p.stat().st_mtime_ns for p in out.glob("*.npz")}
    assert len(files) == 2
    capsys.readouterr()
    status, stdout, _ = cli(*args, capsys=capsys)
    assert status == 0 and "0 ok, 0 failed, 2 already done" in stdout
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.npz")} == files

    (out / "focus.tau=10_seed=3.npz").unlink()
    status, stdout, _ = cli(*args, "--seeds", "3-4", capsys=capsys)  # last --seeds wins
    assert status == 0 and "4 runs, 3 ok, 0 failed, 1 already done" in stdout
    assert (out / "focus.tau=5_seed=3.npz").stat().st_mtime_ns == files["focus.tau=5_seed=3.npz"]
    assert len(index_rows(out)) == 4


def test_failed_run_is_marked_and_the_sweep_goes_on(tmp_path, capsys):
    script = field_script(tmp_path, extra='''
        def analyse(net, records):
            if focus.tau > 15:
                raise ValueError("tau too slow for this test")
            return {"peak": float(records["focus.r"].max())}
    ''')
    out = tmp_path / "sweep"
    status, stdout, stderr = cli("sweep", script, "--set", "focus.tau=5,20,10", "-d", 20,
                                 "-r", "focus.r", "-o", out, capsys=capsys)
    assert status == 2
    assert stderr.strip().splitlines() == [
        f"neurogen: error: 1 of 3 runs failed, first: focus.tau=20: field.py line 20: "
        f"ValueError: tau too slow for this test (see {out / 'index.csv'})"]
    rows = {r["run"]: r for r in index_rows(out)}
    assert rows["focus.tau=20"]["status"] == "failed"
    assert "tau too slow" in rows["focus.tau=20"]["error"]
    assert rows["focus.tau=20"]["file"] == ""
    assert rows["focus.tau=5"]["status"] == rows["focus.tau=10"]["status"] == "ok"
    assert float(rows["focus.tau=10"]["peak"]) > 0
    assert sorted(p.name for p in out.glob("*.npz")) == ["focus.tau=10.npz", "focus.tau=5.npz"]


@pytest.mark.parametrize("args, expected", [
    (["--set", "focus.tau=5,,10"], "empty value"),
    (["--set", "focus.tau=5,5"], "a value is repeated"),
    (["--set", "focus.tau=5", "--set", "focus.tau=6"], "given twice"),
    (["--set", "tau=5"], "malformed --set 'tau=5'"),
    (["--set", "nowhere.tau=5"], "no population 'nowhere'"),
    (["--seeds", "5-2"], "empty range"),
    (["--seeds", "a-b"], "malformed --seeds"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["-r", "focus.v"], "no attribute 'v'"),
])
def test_bad_sweep_input(field, tmp_path, capsys, args, expected):
    out = tmp_path / "sweep"
    status, _, stderr = cli("sweep", field, "-d", 10, "-o", out, *args, capsys=capsys)
    assert status == 2
    assert len(stderr.strip().splitlines()) == 1 and expected in stderr, stderr
    assert not (out / "index.csv").exists()


HEBB = """
from neurogen import *
clear(seed=3)
pre = Population(10, Neuron(parameters="I = 0.0", equations="r = pos(I + Uniform(0, 1))"),
                 name="pre")
post = Population(5, Neuron(parameters="g = 1.0", equations="r = g * sum(exc)"), name="post")
Hebb = Synapse(parameters="eta = 0.01 : projection",
               equations="dw/dt = eta * pre.r * post.r : min=0.0, max=2.0")
proj = Projection(pre, post, "exc", synapse=Hebb)
proj.connect_all_to_all(weights=0.1)

def analyse(net, records):
    return {"wsum": float(sum(np.sum(w) for w in proj.w))}
"""


def test_learned_weights_do_not_leak_into_the_next_run(tmp_path, capsys):
    script = tmp_path / "hebb.py"
    script.write_text(HEBB)
    out = tmp_path / "sweep"
    assert cli("sweep", script, "-d", 50, "--set", "post.g=1,2", "--seeds", "0-1",
               "-r", "post.r", "-o", out)[0] == 0
    rows = {r["run"]: r for r in index_rows(out)}
    assert float(rows["post.g=1_seed=0"]["wsum"]) > 5 * 0.1 * 10   # the weights did grow
    capsys.readouterr()
    status, stdout, _ = cli("run", script, "-d", 50, "--set", "post.g=2", "--seed", 1,
                            "-r", "post.r", "-o", tmp_path / "single.npz", capsys=capsys)
    assert status == 0
    single, meta = read_results(tmp_path / "single.npz")
    assert meta["analysis"]["wsum"] == float(rows["post.g=2_seed=1"]["wsum"])
    np.testing.assert_array_equal(single["post.r"], records(out, "post.r")["post.g=2_seed=1"])


def test_two_processes_give_the_serial_results(field, tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    common = ["--set", "focus.tau=4,8", "--seeds", "0-2", "-d", 25, "-r", "focus.r"]
    assert cli("sweep", field, *common, "-o", serial)[0] == 0
    result = cli_process("sweep", field, *common, "--jobs", 2, "-o", parallel)
    assert result.returncode == 0, result.stderr
    assert "6 runs, 6 ok" in result.stdout and "2 process(es)" in result.stdout
    a, b = records(serial), records(parallel)
    assert sorted(a) == sorted(b) and len(a) == 6
    for run in a:
        np.testing.assert_array_equal(a[run], b[run])
    # each worker loads the binary from the cache (no compiler run), then reuses it
    assert sorted(r["compile"] for r in index_rows(parallel)).count("built") == 0


def test_dask_local_cluster_runs_the_same_sweep(field, tmp_path):
    distributed = need("distributed")
    serial, remote = tmp_path / "serial", tmp_path / "dask"
    common = ["--set", "focus.tau=4,8", "--seeds", "1-2", "-d", 25, "-r", "focus.r"]
    assert cli("sweep", field, *common, "-o", serial)[0] == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        result = cli_process("sweep", field, *common, "--scheduler",
                             cluster.scheduler_address, "-o", remote, timeout=300)
        with distributed.Client(cluster) as client:
            workers = len(client.scheduler_info()["workers"])
    assert result.returncode == 0, result.stderr
    assert f"dask {cluster.scheduler_address}" in result.stdout
    assert workers == 2
    a, b = records(serial), records(remote)
    assert sorted(a) == sorted(b) and len(a) == 4
    for run in a:
        np.testing.assert_array_equal(a[run], b[run])


def test_unreachable_scheduler_is_a_one_line_error(field, tmp_path, capsys):
    need("distributed")
    status, _, stderr = cli("sweep", field, "-d", 5, "-o", tmp_path / "s", "--scheduler",
                            "tcp://127.0.0.1:9", "--connect-timeout", 1, capsys=capsys)
    assert status == 2
    assert len(stderr.strip().splitlines()) == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in stderr


def test_killed_sweep_leaves_only_complete_files_and_resumes(tmp_path):
    script = field_script(tmp_path)
    out = tmp_path / "sweep"
    args = [sys.executable, "-m", "neurogen", "sweep", str(script), "--set",
            "focus.tau=" + ",".join(str(t) for t in range(2, 26)), "-d", "3000",
            "-r", "focus.r", "-r", "inp.r", "-o", str(out)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob("*.npz")) and time.monotonic() < deadline \
                and proc.poll() is None:
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done = list(out.glob("*.npz"))
    assert done, "the sweep wrote no result before being killed"
    for path in done:   # whatever the moment of the kill, every visible file is whole
        arrays, meta = read_results(path)
        assert arrays["focus.r"].shape == (3000, 8, 8) and meta["steps"] == 3000
    # killed between a result file and its index row, the index may not exist yet
    ok_before = [r for r in index_rows(out) if r["status"] == "ok"] \
        if (out / "index.csv").exists() else []
    assert len(ok_before) < 24, "the sweep ended before it could be interrupted"
    assert {r["file"] for r in ok_before} <= {p.name for p in done}
    result = cli_process(*args[3:])
    assert result.returncode == 0, result.stderr
    assert f"{len(ok_before)} already done" in result.stdout
    rows = index_rows(out)
    assert len(rows) == 24 and all(r["status"] == "ok" for r in rows)
    assert not list(out.glob(TEMP_PREFIX + "*"))


def test_resume_redoes_a_hand_truncated_result(field, tmp_path, capsys):
    out = tmp_path / "sweep"
    args = ("sweep", field, "--set", "focus.tau=5,10,20", "-d", 20, "-r", "focus.r",
            "-o", out)
    assert cli(*args, capsys=capsys)[0] == 0
    before = records(out)
    damaged = out / "focus.tau=10.npz"
    damaged.write_bytes(damaged.read_bytes()[:200])       # e.g. a full disk, or by hand
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.npz") if p != damaged}
    status, stdout, stderr = cli(*args, capsys=capsys)
    assert status == 0
    assert "3 runs, 1 ok, 0 failed, 2 already done" in stdout
    assert "damaged result file redone" in stderr and str(damaged) in stderr
    after = records(out)
    np.testing.assert_array_equal(after["focus.tau=10"], before["focus.tau=10"])
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.npz")
            if p != damaged} == mtimes                      # the sound ones were kept
    assert cli(*args, capsys=capsys)[1].count("3 already done") == 1
