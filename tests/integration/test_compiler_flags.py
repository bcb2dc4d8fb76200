"""compile(compiler_flags=..., compiler=...) and ANNarchy's other compile() keywords; the
dense product's vector paths (same sums for any flags and thread count)."""
import json
import shutil

import numpy as np
import pytest

import neurogen as ng
from neurogen import backends
from neurogen.errors import (BackendUnavailable, CompilerFlagError, InvalidValueError,
                             NetworkError, UnknownKeywordError)
from neurogen.toolchain.compiler import KERNEL_FLAGS
from neurogen.toolchain.flags import parse_compiler_flags
from netutil import make_network

SOURCE = ng.Neuron(parameters="baseline = 0.0", equations="r = baseline")
SINK = ng.Neuron(equations="tau * dr/dt + r = tanh(sum(exc))", parameters="tau = 5.0")


def dense_network(rows=23, cols=37, seed=0, **config):
    """A source driving a sink through a dense random matrix (rows not a multiple of 4:
    the four-row blocks and the rows left over both run)."""
    net = make_network(**config)
    src = ng.Population(cols, SOURCE, net=net)
    sink = ng.Population(rows, SINK, net=net)
    W = np.random.default_rng(seed).normal(size=(rows, cols))
    ng.Projection(src, sink, "exc", net=net).connect_from_matrix(W, storage_format="dense")
    return net, src, sink, W


def run(net, src, sink, steps=5):
    rng = np.random.default_rng(7)
    out = []
    for _ in range(steps):
        src.baseline = rng.normal(size=src.size)
        net.step()
        out.append(np.array(sink.r, dtype=np.float64))
    return np.array(out)


@pytest.mark.parametrize("text, flags", [
    ("-march=native -O2", ("-march=native", "-O2")),
    ("  -O3   -mavx2 -mfma -funroll-loops -g ", ("-O3", "-mavx2", "-mfma", "-funroll-loops", "-g")),
    (["-mtune=skylake", "-mavx512f -mprefer-vector-width=512"],
     ("-mtune=skylake", "-mavx512f", "-mprefer-vector-width=512")),
    ("-O -Og", ("-O", "-Og")), ("default", ()), ("", ()), (None, ()),
])
def test_accepted_flags(text, flags):
    assert parse_compiler_flags(text) == flags


@pytest.mark.parametrize("text, bad", [
    ("-O2 -o /tmp/evil.so", "-o"), ("-I/tmp", "-I/tmp"), ("-L/usr/lib -lfoo", "-L/usr/lib"),
    ("-fplugin=/tmp/p.so", "-fplugin=/tmp/p.so"), ("@/tmp/args", "@/tmp/args"),
    ("-DNDEBUG", "-DNDEBUG"), ("-march=native;rm", "-march=native;rm"),
    ("-march=$(id)", "-march=$(id)"), ("-std=c++20", "-std=c++20"), ("-O4", "-O4"),
    ("-march=native -include/etc/passwd", "-include/etc/passwd"),
])
def test_refused_flags_name_the_flag(text, bad):
    with pytest.raises(CompilerFlagError, match="not accepted") as exc:
        parse_compiler_flags(text)
    assert exc.value.flag == bad and repr(bad) in str(exc.value)


@pytest.mark.parametrize("flag", ["-ffast-math", "-Ofast", "-ffinite-math-only",
                                  "-funsafe-math-optimizations", "-ffp-contract=fast"])
def test_flags_breaking_ieee_arithmetic_are_refused_with_the_reason(flag):
    with pytest.raises(CompilerFlagError, match="refused") as exc:
        parse_compiler_flags(f"-O2 {flag}")
    assert exc.value.flag == flag
    assert "NaN" in str(exc.value) or "fused multiply-add" in str(exc.value)


def test_flags_must_be_text():
    with pytest.raises(CompilerFlagError, match="must be a string"):
        parse_compiler_flags(3)


def test_flags_change_the_key_reach_the_compiler_and_are_in_build_info():
    keys = {}
    for flags in ("", "-march=native", "-march=native -O2", "-march=native"):
        net, *_ = dense_network()
        net.compile(silent=True, compiler_flags=flags)
        assert net.build_info["compiler_flags"] == flags
        assert net.build_info["kernel_flags"].endswith(flags)
        kernel_cmd = " ".join(backends.get("openmp").commands(net.toolchain, "m")[0])
        assert " ".join((*KERNEL_FLAGS, *flags.split())) in kernel_cmd
        if flags in keys:
            assert net.build_info["cached"] and net.build_info["key"] == keys[flags]
        keys[flags] = net.build_info["key"]
    assert len(set(keys.values())) == 3


def test_native_build_gives_the_default_results():
    """-march=native (AVX-512 or AVX2 code everywhere) against the default build: the same
    trajectories within 1e-12 relative (neurogen builds with -ffp-contract=off)."""
    results = {}
    for flags in ("", "-march=native -O2"):
        net, src, sink, W = dense_network()
        net.compile(silent=True, compiler_flags=flags)
        results[flags] = run(net, src, sink)
    np.testing.assert_allclose(results["-march=native -O2"], results[""], rtol=1e-12, atol=0)


@pytest.mark.parametrize("precision", ["double", "float"])
def test_dense_product_against_numpy_and_across_threads(precision):
    """sum(exc) of a dense projection against NumPy (weights rounded to the precision,
    the sum in double), and bit-identical for 1 and 2 threads. Rows 0-23 go through the
    eight-row vector kernel, rows 24-29 through ng_dot: row 29 repeats row 0, and must give
    the same sum bit for bit."""
    sums = {}
    for threads in (1, 2):
        net = make_network(num_threads=threads, precision=precision)
        src = ng.Population(61, SOURCE, net=net)
        sink = ng.Population(30, ng.Neuron(equations="r = sum(exc)"), net=net)
        W = np.random.default_rng(1).normal(size=(30, 61))
        W[29] = W[0]
        proj = ng.Projection(src, sink, "exc", net=net)
        proj.connect_from_matrix(W, storage_format="dense")
        net.compile(silent=True)
        x = np.random.default_rng(2).normal(size=61)
        src.baseline = x
        net.step()
        net.step()
        sums[threads] = np.array(sink.r)
        dtype = net.real_dtype
        expected = W.astype(dtype).astype(np.float64) @ x.astype(dtype).astype(np.float64)
        rtol = 1e-12 if precision == "double" else 2 ** -23
        np.testing.assert_allclose(sums[threads], expected, rtol=rtol, atol=1e-12)
    assert np.array_equal(sums[1], sums[2])
    assert sums[1][29] == sums[1][0]


def test_float_weights_are_summed_in_double():
    """precision='float': float32 weights, but the row is summed in double. Lane 0 of the
    row adds 2**24, then ones (each lost to float32 rounding), then -2**24: a float sum
    gives 0, the double sum gives the number of ones exactly."""
    ones, cols = 40, 8 * 42
    row = np.zeros(cols)
    row[0], row[8 * 41] = 2.0 ** 24, -(2.0 ** 24)
    row[8:8 * (ones + 1):8] = 1.0
    net = make_network(precision="float")
    src = ng.Population(cols, SOURCE, net=net)
    sink = ng.Population(11, ng.Neuron(equations="r = sum(exc)"), net=net)
    proj = ng.Projection(src, sink, "exc", net=net)     # the vector kernel, and ng_dot
    proj.connect_from_matrix(np.tile(row, (11, 1)), storage_format="dense")
    net.compile(silent=True)
    assert proj.weight_buffer().dtype == np.float32
    src.baseline = np.ones(cols)
    net.step()
    net.step()
    assert np.array_equal(sink.r, np.full(11, float(ones), dtype=np.float32))


# -- ANNarchy's other compile() keywords ----------------------------------------------------
def test_compiler_keyword_picks_the_compiler():
    gxx = shutil.which("g++")
    if gxx is None:
        pytest.skip("g++ not installed")
    net, *_ = dense_network()
    net.compile(silent=True, compiler="g++")
    assert net.build_info["compiler"] == gxx
    net, *_ = dense_network()
    with pytest.raises(BackendUnavailable, match="no-such-cxx"):
        net.compile(silent=True, compiler="no-such-cxx")
    with pytest.raises(InvalidValueError, match="compiler must be a string"):
        net.compile(silent=True, compiler=3)


def test_annarchy_json_gives_the_default_compiler_and_flags(tmp_path):
    config = tmp_path / "annarchy.json"
    config.write_text(json.dumps({"openmp": {"compiler": "g++", "flags": "-march=native -O2"},
                                  "cuda": {"compiler": "nvcc", "device": 0}}))
    net, *_ = dense_network()
    net.compile(silent=True, annarchy_json=str(config))
    assert net.build_info["compiler_flags"] == "-march=native -O2"
    net, *_ = dense_network()     # compile()'s own flags win over the file's
    net.compile(silent=True, annarchy_json=str(config), compiler_flags="-O1")
    assert net.build_info["compiler_flags"] == "-O1"
    config.write_text(json.dumps({"openmp": {"flags": "-O2 -o /tmp/x"}}))
    with pytest.raises(CompilerFlagError, match="'-o'"):
        dense_network()[0].compile(silent=True, annarchy_json=str(config))
    config.write_text(json.dumps({"openmp": {"flag": "-O2"}}))
    with pytest.raises(InvalidValueError, match="did you mean 'flags'"):
        dense_network()[0].compile(silent=True, annarchy_json=str(config))
    with pytest.raises(InvalidValueError, match="cannot be read"):
        dense_network()[0].compile(silent=True, annarchy_json=str(tmp_path / "none.json"))


def test_debug_build_compiles_without_optimisation():
    net, src, sink, _ = dense_network()
    net.compile(silent=True, debug_build=True)
    assert net.build_info["kernel_flags"].endswith("-O0 -g")
    assert np.all(np.isfinite(run(net, src, sink, steps=2)))


def test_populations_and_projections_must_be_the_whole_network():
    net, src, sink, _ = dense_network()
    with pytest.raises(NetworkError, match="populations= must be None or every population"):
        net.compile(silent=True, populations=[src])
    with pytest.raises(NetworkError, match="projections="):
        net.compile(silent=True, projections=[])
    net.compile(silent=True, populations=[sink, src], projections=list(net.projections))
    assert net.compiled


@pytest.mark.parametrize("keyword, value, error, match", [
    ("add_sources", "extra.cpp", NetworkError, "does not link user C\\+\\+ sources"),
    ("extra_libs", "-lopencv_core", NetworkError, "does not link"),
    ("profile_enabled", True, NetworkError, "measure_time"),
    ("trace_calls", "both", NetworkError, "no profiling build"),
    ("cuda_config", {"device": 1}, InvalidValueError, "CUDA_VISIBLE_DEVICES"),
    ("cuda_config", {"pop0": {"num_threads": 64}}, InvalidValueError, "cuda_config"),
    ("compiler_flag", "-O2", UnknownKeywordError, "did you mean 'compiler_flags'"),
])
def test_unsupported_keywords_are_refused(keyword, value, error, match):
    net, *_ = dense_network()
    with pytest.raises(error, match=match):
        net.compile(silent=True, **{keyword: value})
    assert not net.compiled


def test_annarchy_defaults_are_accepted_and_classic_compile_takes_net_id(tmp_path):
    net, *_ = dense_network()
    ng.compile(directory=str(tmp_path / "annarchy"), clean=False, populations=None, projections=None,
               compiler="default", compiler_flags="default", add_sources="", extra_libs="",
               cuda_config={"device": 0}, annarchy_json="", silent=True, debug_build=False,
               profile_enabled=False, net_id=net.id)
    assert net.compiled and net.build_info["compiler_flags"] == ""


def test_native_means_this_cpu_in_the_key():
    """-march=native is resolved to the CPU's target options: a cache shared with another
    machine must not hand it this CPU's binary."""
    import dataclasses
    from neurogen.toolchain.compiler import toolchain
    tc = toolchain().with_flags(("-march=native",))
    assert tc.native and "native(unresolved)" not in tc.native
    assert toolchain().with_flags(("-O2",)).native == ""
    other_cpu = dataclasses.replace(tc, native=tc.native + " -mno-avx512f")
    assert other_cpu.fingerprint() != tc.fingerprint()


def test_flags_are_refused_on_the_cuda_backend():
    """nvcc's flags are fixed: refused before anything is built (no GPU needed)."""
    net = make_network(paradigm="cuda")
    ng.Population(4, SOURCE, net=net)
    with pytest.raises(CompilerFlagError, match="'cuda' backend"):
        net.compile(silent=True, compiler_flags="-O2")


def test_a_second_compile_cannot_change_the_flags():
    net, *_ = dense_network()
    net.compile(silent=True, compiler_flags="-O2")
    net.compile(silent=True)                              # nothing to do, as in ANNarchy
    net.compile(silent=True, compiler_flags="-O2")        # the same options: nothing to do
    with pytest.raises(NetworkError, match="already compiled.*'-O2'"):
        net.compile(silent=True, compiler_flags="-O3")
