"""The CUDA backend without a GPU: the same plans render to CUDA and nvcc compiles them
(proves the generated device code is valid); running says clearly why it cannot."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import BackendUnavailable, NetworkError
from cuda_models import MODELS, SPIKING


@pytest.mark.parametrize("name", list(MODELS) + list(SPIKING))
def test_models_compile_with_nvcc(nvcc, name, tmp_path):
    net, _ = {**MODELS, **SPIKING}[name]("cuda")
    net.compile(directory=str(tmp_path))
    source = (tmp_path / "network.cu").read_text()
    assert "__global__" in source and "ng_run" in source
    assert net.build_info["path"].endswith(".so")
    # the same network on the CPU renders C++, not CUDA, under another cache key
    cpu, _ = {**MODELS, **SPIKING}[name]("openmp")
    cpu.compile()
    assert cpu.build_info["key"] != net.build_info["key"]


def test_compiled_cuda_network_is_cached(nvcc):
    keys = []
    for _ in range(2):
        net, _ = MODELS["neural_field"]("cuda")
        net.compile()
        keys.append((net.build_info["key"], net.build_info["cached"]))
    assert keys[0][0] == keys[1][0] and keys[1][1] is True


def test_simulate_without_gpu_raises_backend_unavailable(nvcc):
    net, _ = MODELS["neural_field"]("cuda")
    net.compile()
    count, reason = net.runtime.module.cuda_devices()
    if count > 0:
        pytest.skip("a CUDA device is present: the gpu tests cover running")
    with pytest.raises(BackendUnavailable, match="paradigm 'cuda'.*cannot run here"):
        net.simulate(1.0)
    with pytest.raises(BackendUnavailable):
        net.step()


def test_missing_nvcc_is_a_clear_error(monkeypatch):
    from neurogen.backends import cuda as toolchain
    toolchain.cuda_toolchain.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CUDA_HOME", raising=False)
    monkeypatch.delenv("CUDA_PATH", raising=False)
    monkeypatch.setattr(toolchain, "_find_nvcc", lambda: None)
    try:
        net = ng.Network(paradigm="cuda")
        net.create(3, ng.Neuron(equations="r = 1.0"))
        with pytest.raises(BackendUnavailable, match="nvcc"):
            net.compile()
    finally:
        toolchain.cuda_toolchain.cache_clear()


def test_paradigm_is_validated():
    with pytest.raises(NetworkError, match="unknown paradigm"):
        ng.Network(paradigm="opencl")
    net = ng.Network()
    net.create(2, ng.Neuron(equations="r = 1.0"))
    net.compile()
    with pytest.raises(NetworkError, match="cannot change after compile"):
        net.config(paradigm="cuda")


def test_cuda_printer_expands_small_powers():
    import sympy as sp
    from neurogen.backends import get
    from neurogen.codegen.printer import print_expr
    x = sp.Symbol("x")
    table = {x: "x[i]"}
    assert print_expr(x ** 3, table, printer=get("openmp").printer) == "pow(x[i], 3)"
    cuda = get("cuda").printer
    assert print_expr(x ** 3, table, printer=cuda) == "((x[i]) * (x[i]) * (x[i]))"
    assert print_expr(x ** 2.5, table, printer=cuda) == "pow(x[i], 2.5)"
    assert "expf" in print_expr(sp.exp(x), table, "float", printer=cuda)


def test_spiking_parts_cuda_lacks_are_refused_by_name():
    """Axonal spikes and DecodingProjection have no device kernels yet: refused at
    compile, naming the object, before any compiler runs."""
    net = ng.Network(paradigm="cuda")
    net.create(5, ng.Neuron(equations="dv/dt = 1.0", spike="v > 1.0", reset="v = 0.0",
                            axon_spike="v > 0.5"), name="axons")
    with pytest.raises(NetworkError, match="population 'axons': axon_spike .* 'cuda'"):
        net.compile()
    net = ng.Network(paradigm="cuda")
    src = net.create(ng.PoissonPopulation(5, rates=10.0))
    out = net.create(3, ng.Neuron(equations="r = sum(exc)"))
    ng.DecodingProjection(src, out, "exc", window=5.0, net=net, name="decoded") \
        .connect_all_to_all(1.0)
    with pytest.raises(NetworkError, match="projection 'decoded': a DecodingProjection"):
        net.compile()
