"""Fixtures of the CUDA tests: ``nvcc`` (compile-only tests need the CUDA compiler, CI
has it) and ``cuda_device`` (the ``gpu``-marked tests run where a GPU is present, e.g. on
the lent device machine: ``python -m pytest -m gpu tests/cuda``)."""
import pytest

from neurogen.errors import BackendUnavailable


@pytest.fixture(scope="session")
def nvcc():
    from neurogen.backends.cuda import cuda_toolchain
    try:
        return cuda_toolchain()
    except BackendUnavailable as exc:
        pytest.skip(f"no CUDA compiler: {exc}")


@pytest.fixture(scope="session")
def cuda_device(nvcc):
    """Skips (with the driver's reason) unless a CUDA device can run kernels."""
    import neurogen as ng
    net = ng.Network(paradigm="cuda")
    net.create(1, ng.Neuron(equations="r = 1.0"))
    net.compile()
    count, reason = net.runtime.module.cuda_devices()
    if count < 1:
        pytest.skip(f"no CUDA device: {reason}")
    return count
