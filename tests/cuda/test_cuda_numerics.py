"""CUDA against the OpenMP backend on the same networks and seeds (``gpu`` marker: runs
where a CUDA device is present, skipped with the driver's reason elsewhere).

Tolerances: 1e-12 (double) and 1e-5 (float), relative to the largest value. The uniform
random draws are bit-identical (same Philox streams); normal draws go through the
device's log/cos and may differ in the last bits; reductions run in a different (but
fixed) order."""
import numpy as np
import pytest

from cuda_models import MODELS, SPIKING

pytestmark = pytest.mark.gpu


def run(name, paradigm, precision, steps=200):
    net, parts = MODELS[name](paradigm, precision=precision)
    net.compile()
    for _ in range(4):                     # several calls: state must persist between them
        net.simulate(steps / 4 * net.dt)
    out = {f"{p.name}.{v}": np.asarray(getattr(p, v), dtype=float)
           for p in parts["pops"] for v in parts["vars"] if v in p.attributes}
    for var, values in parts["monitor"].get().items():
        out[f"monitor.{var}"] = np.asarray(values, dtype=float)
    return out


@pytest.mark.parametrize("precision, tol", [("double", 1e-12), ("float", 1e-5)])
@pytest.mark.parametrize("name", list(MODELS))
def test_cuda_matches_openmp(cuda_device, name, precision, tol):
    cpu, gpu = run(name, "openmp", precision), run(name, "cuda", precision)
    assert cpu.keys() == gpu.keys()
    for key in cpu:
        scale = max(1.0, float(np.abs(cpu[key]).max()))
        assert np.abs(cpu[key] - gpu[key]).max() <= tol * scale, key


def test_python_writes_between_calls_reach_the_device(cuda_device):
    net, parts = MODELS["neural_field"]("cuda")
    net.compile()
    inp = parts["pops"][0]
    net.simulate(5.0)
    inp.baseline = 0.0
    net.simulate(1.0)
    assert inp.r.max() <= 0.5 + 1e-12          # only the noise is left


def test_spiking_cuda_matches_openmp(cuda_device):
    """The spiking network (delays, Poisson and spike-array inputs, STDP, firing rate):
    the same spikes step by step over 20 ms, the potentials, conductances and weights
    within 1e-9 (the device's exp/log may differ from the host's in the last bit, and a
    difference at a threshold crossing would change a spike: over this horizon none
    does)."""
    runs = {}
    for paradigm in ("openmp", "cuda"):
        net, parts = SPIKING["spiking"](paradigm)
        net.compile()
        for _ in range(4):
            net.simulate(5.0)
        pop = parts["pops"][0]
        runs[paradigm] = {"spike": parts["monitor"].get("spike"),
                          "v": parts["monitor"].get("v"), "g": parts["monitor"].get("g_exc"),
                          "r": pop.r.copy(), "w": np.concatenate(net.projections[2].w)}
    cpu, gpu = runs["openmp"], runs["cuda"]
    assert cpu["spike"] == gpu["spike"] and sum(map(len, cpu["spike"].values())) > 50
    for key in ("v", "g", "r", "w"):
        np.testing.assert_allclose(gpu[key], cpu[key], rtol=0, atol=1e-9, err_msg=key)
