"""``neurogen info``, ``neurogen cache clean`` and the console script."""
import json
from importlib import metadata

from cli_helpers import cli_process, field_script


def test_info_reports_compiler_openmp_and_cache(tmp_path):
    cache = tmp_path / "cache"
    env = {"NEUROGEN_CACHE_DIR": str(cache)}
    result = cli_process("info", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    import neurogen
    assert data["neurogen"] == neurogen.__version__
    assert data["compiler"] and "openmp" in data
    from neurogen.toolchain.compiler import KERNEL_FLAGS
    assert data["kernel_flags"] == " ".join(KERNEL_FLAGS)
    assert data["packages"]["numpy"] and data["packages"]["click"]
    assert data["cache"] == {"path": str(cache), "entries": 0, "bytes": 0, "temporary": 0,
                             "stale": 0, "stale_bytes": 0}
    text = cli_process("info", env=env)
    assert text.returncode == 0
    assert f"cache: {cache} (0 entries, 0.0 MB)" in text.stdout
    assert f"kernel flags: {data['kernel_flags']} (compile(compiler_flags=...)" in text.stdout
    assert text.stdout.startswith(f"neurogen {neurogen.__version__}")


def test_info_says_which_fft_the_builds_use(tmp_path):
    from neurogen.toolchain.compiler import toolchain
    env = {"NEUROGEN_CACHE_DIR": str(tmp_path / "cache")}
    data = json.loads(cli_process("info", "--json", env=env).stdout)
    assert data["fft"] == toolchain().fft_library
    assert f"fft storage: {data['fft']}" in cli_process("info", env=env).stdout
    without = json.loads(cli_process("info", "--json", env={**env, "NEUROGEN_FFTW": "0"}).stdout)
    assert without["fft"] == "built-in mixed radix (2, 3, 4, 5)"


def test_info_says_which_blas_training_uses(tmp_path):
    from neurogen.toolchain.blas import describe
    env = {"NEUROGEN_CACHE_DIR": str(tmp_path / "cache")}
    data = json.loads(cli_process("info", "--json", env=env).stdout)
    assert data["blas"] == describe()
    assert f"blas (dense products: training, batched simulation): {data['blas']}" in cli_process(
        "info", env=env).stdout
    without = json.loads(cli_process("info", "--json", env={**env, "NEUROGEN_BLAS": "0"}).stdout)
    assert without["blas"] == "built-in loops (NEUROGEN_BLAS=0)"


def test_cache_clean_removes_compiled_networks(tmp_path):
    cache = tmp_path / "cache"
    env = {"NEUROGEN_CACHE_DIR": str(cache)}
    script = field_script(tmp_path)
    built = cli_process("run", script, "-d", 5, env=env)
    assert built.returncode == 0, built.stderr
    assert "(built)" in built.stdout
    again = cli_process("run", script, "-d", 5, env=env)
    assert "(cached)" in again.stdout
    before = json.loads(cli_process("info", "--json", env=env).stdout)["cache"]
    assert before["entries"] == 1 and before["bytes"] > 100_000
    cleaned = cli_process("cache", "clean", env=env)
    assert cleaned.returncode == 0
    assert cleaned.stdout.startswith("removed ") and str(cache) in cleaned.stdout
    after = json.loads(cli_process("info", "--json", env=env).stdout)["cache"]
    assert after["entries"] == 0 and after["bytes"] == 0
    rebuilt = cli_process("run", script, "-d", 5, env=env)
    assert "(built)" in rebuilt.stdout


def test_console_script_is_declared():
    scripts = {ep.name: ep.value for ep in metadata.entry_points(group="console_scripts")}
    assert scripts.get("neurogen") == "neurogen.cli:main"


def test_unknown_command_is_one_line():
    result = cli_process("frobnicate")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "neurogen: error: No such command 'frobnicate'. (neurogen --help)"]
