"""Plan and render without a compiler: golden snippets on tiny network IRs, the storage
strategies, the backend interface and the cache key's basis (the rendered sources)."""
import numpy as np
import pytest

import neurogen as ng
from neurogen import backends, storage
from neurogen.codegen import slots as S
from neurogen.codegen.plan import build_plan
from neurogen.codegen.render import render
from neurogen.codegen.sanitize import comment
from neurogen.errors import NetworkError, NeurogenError
from neurogen.ir.network import (DELAY_NONE, DELAY_SYNAPSE, NetworkIR, PopulationIR,
                                 ProjectionIR, StopIR)
from neurogen.core.freeze import freeze
from neurogen.parser.neuron import parse_neuron, parse_synapse
from netutil import make_network

SRC = parse_neuron("", "r = Uniform(0.0, 1.0)", None, "Src", {})
FIELD = parse_neuron("tau = 10.0 : population", "tau * dr/dt + r = sum(exc) : min=0.0",
                     None, "Field", {})


def tiny(storage_name="dense", delay=DELAY_NONE, synapse=None, stop=None):
    """Input (4 neurons) -> field (2x2), one projection, straight as an IR."""
    return NetworkIR(populations=(PopulationIR(0, (4,), SRC),
                                  PopulationIR(1, (2, 2), FIELD, stop=stop)),
                     projections=(ProjectionIR(0, 0, 1, 0, delay, synapse, storage_name),),
                     monitors=(), constants=(), precision="double")


def sources(ir, paradigm="openmp"):
    backend = backends.get(paradigm)
    return render(build_plan(ir, backend), backend)[0]


def test_plan_has_typed_slots_in_order():
    plan = build_plan(tiny(), backends.get("openmp"))
    assert plan.slots.ptrs == [S.MonitorAddresses(), S.MonitorFields(),
                               S.PopAttribute(0, "r"), S.PopAttribute(1, "tau"),
                               S.PopAttribute(1, "r"), S.PopSum(1, "exc"), S.ProjWeights(0)]
    assert plan.slots.ints == [S.Step(), S.Threads(), S.MonitorCount(), S.Seed(),
                               S.StopMode(), S.CheckFinite(), S.NonFinite(), S.PopSize(0),
                               S.PopSize(1)]
    assert plan.slots.reals == [S.Dt()]


def test_openmp_golden_snippets():
    code = sources(tiny())
    for line in ["ng_dot_rows8(row, p0_size, pre, p0_size, d);",
                 "for (int r = 0; r < 8; ++r) p1_s0[i + r] += (real)d[r];",
                 "p1_s0[i + r] += (real)ng_dot(row + r * p0_size, pre, p0_size);",
                 "const double _rnd0 = (0.0) + ((1.0) - (0.0)) * ng_uniform(seed, 0ULL, step, i);",
                 "p1_a1[i] = _p1t0*dt + p1_a1[i];",
                 "p1_a1[i] = p1_a1[i] < 0.0 ? 0.0 : p1_a1[i];",   # a select: vectorises
                 # a per-neuron loop: a function of __restrict pointers, on the threads
                 # where the work is large enough
                 "ng_p1_loop0(const int64_t i0, const int64_t i1, real* __restrict p1_a0, "
                 "real* __restrict p1_a1, real* __restrict p1_s0, const double dt) {",
                 "if (nthreads > 1 && n * 3 * 8 >= ",
                 "const int bad = ng_p1_loop0(i0, i1, p1_a0, p1_a1, p1_s0, dt);",
                 "const int bad = ng_p1_loop0(0, n, p1_a0, p1_a1, p1_s0, dt);",
                 "nonfinite |= check_finite & bad;",
                 # the new values are checked in the loop, while in registers
                 "nonfinite |= ng_bits(p1_a1[i]);",
                 "if (nonfinite && !I[6]) I[6] = 1 + 1;",
                 "if (I[6]) return s + 1;   // a NaN/infinity: Python names it"]:
        assert line in code, line
    assert "ng_fft" not in code          # only the kernels in use bring their support code


def test_cuda_golden_snippets():
    code = sources(tiny(), "cuda")
    for line in ["__global__ void ng_sum0(const Ctx c) {",
                 "acc += (double)w0[i * p0_size + j] * (double)pre[j];",
                 "if (p1_size > 0) ng_sum0<<<blocks_for(p1_size * 32), NG_BLOCK>>>(c);",
                 "p1_a1[i] = _p1t0*dt + p1_a1[i];"]:
        assert line in code, line
    plan = build_plan(tiny(), backends.get("cuda"))
    assert plan.nbytes_slots[2:] == [plan.slots.ints.index(S.BufferBytes(k))
                                     for k in range(2, len(plan.slots.ptrs))]


def test_csr_with_synapse_delays_reads_the_ring_once():
    syn = parse_synapse("", "", None, "w * pre.r * pre.r", "max", "Syn", {}, SRC, FIELD)
    code = sources(tiny("csr", DELAY_SYNAPSE, syn))
    assert code.count("std::max<int64_t>((int64_t)delays0[k], (int64_t)1)") == 1
    assert "const double v = (double)(pow(pre_r, 2)*w0[k]);" in code
    assert "acc = std::max(acc, v);" in code


def test_stop_condition_is_printed_from_the_ir():
    import sympy as sp
    code = sources(tiny(stop=StopIR(sp.Symbol("r") > 0.5, "any")))
    assert "const bool c = (p1_a1[i] > 0.5);" in code


def test_rendering_is_deterministic_and_reads_only_the_ir():
    ir = tiny()
    assert sources(ir) == sources(ir)
    with pytest.raises(Exception):
        ir.projections[0].storage = "csr"      # frozen


def test_a_kernel_the_backend_lacks_never_reaches_its_templates():
    with pytest.raises(NeurogenError, match="does not provide it"):
        build_plan(tiny("fft"), backends.get("cuda"))


def test_cuda_refuses_fft_clearly():
    net = make_network(paradigm="cuda")
    a = ng.Population(8, ng.Neuron(parameters="r = 1.0"), net=net)
    b = ng.Population(8, ng.Neuron(equations="r = sum(exc)"), net=net)
    ng.Projection(a, b, "exc", net=net).connect_all_to_all(0.5, storage_format="fft")
    with pytest.raises(NetworkError, match="'fft' is not available on the 'cuda' backend"):
        freeze(net, net.backend)


def _net(tau="10.0", drive="I", n=8):
    net = make_network()
    ng.Population(n, ng.Neuron(parameters=f"tau = {tau}\nI = 1.0",
                               equations=f"tau * dr/dt + r = {drive} : init=0.3"), net=net)
    return net


def test_sources_depend_on_structure_not_values():
    """The cache key is the rendered sources: values and sizes leave them unchanged."""
    def code(net):
        return sources(freeze(net, net.backend))
    assert code(_net()) == code(_net(tau="99.0", n=50)) != code(_net(drive="2 * I"))


@pytest.mark.parametrize("density, expected", [(1.0, "dense"), (0.5, "dense"),
                                               (0.05, "sell")])
def test_auto_picks_the_cheapest_applicable_kernel(density, expected):
    net = make_network()
    a = ng.Population(40, ng.Neuron(parameters="r = 1.0"), net=net)
    b = ng.Population(40, ng.Neuron(equations="r = sum(exc)"), net=net)
    mask = np.random.default_rng(0).random((40, 40)) < density
    proj = ng.Projection(a, b, "exc", net=net)
    proj.connect_from_matrix(np.where(mask, 0.5, None))
    assert storage.select(proj, net.backend) == expected
    assert proj.connectivity.is_dense == (density >= 0.25)    # nothing converted


def test_named_kernel_that_does_not_apply_is_refused():
    net = make_network()
    a = ng.Population(4, ng.Neuron(parameters="r = 1.0"), net=net)
    b = ng.Population(4, ng.Neuron(equations="r = sum(exc)"), net=net)
    learn = ng.Synapse(equations="dw/dt = pre.r")
    ng.Projection(a, b, "exc", synapse=learn, net=net).connect_all_to_all(
        0.5, storage_format="fft")
    with pytest.raises(NetworkError, match="'fft' computes .* no synapse model"):
        freeze(net, net.backend)


def test_annarchy_dense_name_with_a_synapse_model_runs_synapse_by_synapse():
    """ANNarchy's storage names never change results: 'dense' with a learning rule is
    computed by the CSR kernel (the dense one cannot), not refused."""
    net = make_network()
    a = ng.Population(4, ng.Neuron(parameters="r = 1.0"), net=net)
    b = ng.Population(4, ng.Neuron(equations="r = sum(exc)"), net=net)
    learn = ng.Synapse(equations="dw/dt = pre.r")
    proj = ng.Projection(a, b, "exc", synapse=learn, net=net)
    proj.connect_all_to_all(0.5, storage_format="dense")
    assert storage.select(proj, net.backend) == "csr"


def test_every_backend_names_its_kernels_and_templates():
    from neurogen.codegen.render import template_dir
    for backend in backends.BACKENDS.values():
        assert backend.provides("dense") and backend.provides("csr")
        for name in backend.storage:
            assert (template_dir() / backend.storage_template(name)).exists()
    assert not backends.get("cuda").provides("fft")
    assert backends.canonical("omp") == "openmp"
    with pytest.raises(NetworkError, match="unknown paradigm"):
        backends.canonical("opencl")


def test_comment_sanitiser_keeps_a_safe_alphabet():
    assert comment('a\nb */ c\\ "d" {e}; f-1.5_x') == "a b c d e f-1.5_x"
    assert comment("\u2028\r\x00") == ""
