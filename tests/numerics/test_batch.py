"""Batched networks (``Network(..., batch=B)``): B independent copies in one binary.

Definition tested here: copy ``b`` of a batched run with seed ``s`` is the single run
(batch=1) with seed ``s + b`` and copy ``b``'s state; parameters declared
``population`` and the weights are shared. The operations of one copy are those of the
single run in the same order, so the results are bit-identical, not only close.
"""
import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import NetworkError, ShapeError

N = 6
INPUT = ng.Neuron(parameters="baseline = 0.0",
                  equations="r = pos(baseline + Uniform(-0.5, 0.5))")
FIELD = ng.Neuron(parameters="tau = 10.0 : population",
                  equations="tau * dr/dt + r = sum(exc) + sum(inh) + Normal(0.0, 0.2)"
                            " : min=0.0, max=1.0")


def field(batch, seed, storage="dense", threads=1, n=N):
    """The neural field: one-to-one input with a uniform delay, a lateral DoG, noise."""
    net = ng.Network(seed=seed, batch=batch, num_threads=threads)
    inp = net.create((n, n), INPUT, name="Input")
    focus = net.create((n, n), FIELD, name="Focus")
    net.connect(inp, focus, "exc").connect_one_to_one(weights=1.0, delays=5.0)
    net.connect(focus, focus, "inh").connect_dog(
        amp_pos=0.2, sigma_pos=0.1, amp_neg=0.1, sigma_neg=0.7, storage_format=storage)
    mon = net.monitor(focus, ["r", "sum(inh)"])
    net.compile()
    return net, inp, focus, mon


def baselines(batch, n=N):
    return np.random.default_rng(3).random((batch, n, n))


@pytest.mark.parametrize("storage", ["dense", "csr"])
def test_batched_field_equals_separate_runs(storage):
    B, seed, steps = 3, 11, 40
    net, inp, focus, mon = field(B, seed, storage)
    assert net.projections[1].storage == storage
    inp.baseline = baselines(B)
    net.simulate(steps)
    rates, sums = mon.get("r"), mon.get("sum(inh)")
    assert rates.shape == (steps, B, N, N) and sums.shape == (steps, B, N, N)   # (steps, B, *geometry)
    assert focus.r.shape == (B, N, N) and focus.sum("inh").shape == (B, N * N)
    for b in range(B):
        net1, inp1, focus1, mon1 = field(1, seed + b, storage)
        inp1.baseline = baselines(B)[b]
        net1.simulate(steps)
        np.testing.assert_array_equal(rates[:, b], mon1.get("r"))
        np.testing.assert_array_equal(sums[:, b], mon1.get("sum(inh)"))
        np.testing.assert_array_equal(focus.r[b], focus1.r)
        np.testing.assert_array_equal(inp.r[b], inp1.r)
    assert not np.array_equal(rates[:, 0], rates[:, 1])   # copies really differ


def test_batched_field_bit_identical_across_threads():
    """N = 20, B = 2: the dense batched sum is large enough to run on two threads."""
    B, results = 2, []
    for threads in (1, 2):
        net, inp, focus, mon = field(B, 5, "dense", threads=threads, n=20)
        inp.baseline = baselines(B, 20)
        net.simulate(15)
        results.append(mon.get("r"))
    np.testing.assert_array_equal(results[0], results[1])


GLOBAL_OPS = ng.Neuron(
    parameters="g = 0.5 : population\n drive = 0.0",
    equations="m = mean(r) : population\n"
              "r = tanh(drive + g * (max(r) - m) + sum(exc)) + Uniform(-0.1, 0.1)")


def global_net(batch, seed, threads=1):
    net = ng.Network(seed=seed, batch=batch, num_threads=threads)
    pop = net.create(8, GLOBAL_OPS, name="pop")
    net.connect(pop, pop, "exc").connect_all_to_all(weights=0.05)
    mon = net.monitor(pop, ["r", "m"])
    net.compile()
    return net, pop, mon


def test_global_operations_are_per_copy():
    B, seed, steps = 3, 7, 25
    drive = np.random.default_rng(1).normal(size=(B, 8))
    net, pop, mon = global_net(B, seed)
    pop.drive = drive
    net.simulate(steps)
    r, m = mon.get("r"), mon.get("m")
    assert r.shape == (steps, B, 8) and m.shape == (steps, B)
    assert pop.m.shape == (B,) and pop.g == 0.5          # variable per copy, parameter shared
    for b in range(B):
        net1, pop1, mon1 = global_net(1, seed + b)
        pop1.drive = drive[b]
        net1.simulate(steps)
        np.testing.assert_array_equal(r[:, b], mon1.get("r"))
        np.testing.assert_array_equal(m[:, b], mon1.get("m"))
        # and against NumPy: m is the mean of r after the previous step
        np.testing.assert_allclose(m[1:, b], r[:-1, b].mean(axis=1), rtol=0, atol=1e-12)


def test_global_operations_bit_identical_across_threads():
    """Copies on two threads (the copy loop is parallel), reductions per copy."""
    results = []
    for threads in (1, 2):
        net, pop, mon = global_net(5, 3, threads)
        pop.drive = np.linspace(-1.0, 1.0, 5 * 8).reshape(5, 8)
        net.simulate(20)
        results.append((mon.get("r"), mon.get("m")))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_reads_and_writes_shapes():
    net, inp, focus, _ = field(4, 1)
    assert inp.baseline.shape == (4, N, N) and inp.view("baseline").shape == (4, N, N)
    assert focus.tau == 10.0                                 # shared parameter: a scalar
    inp.baseline = 0.25                                      # scalar: every copy
    assert np.all(inp.baseline == 0.25)
    one = np.arange(N * N, dtype=float).reshape(N, N)
    inp.baseline = one                                       # geometry: every copy alike
    assert all(np.array_equal(inp.baseline[b], one) for b in range(4))
    each = np.random.default_rng(0).random((4, N, N))
    inp.baseline = each                                      # (B, *geometry): per copy
    np.testing.assert_array_equal(inp.baseline, each)
    inp.baseline = each.reshape(4, N * N)
    np.testing.assert_array_equal(inp.baseline, each)
    with pytest.raises(ShapeError, match=r"batch 4"):
        inp.baseline = np.zeros((3, N, N))
    view = inp[0:2, 0]
    assert view.baseline.shape == (4, 2)
    np.testing.assert_array_equal(view.baseline, each[:, 0:2, 0])
    assert inp.neuron(1).baseline.shape == (4,)
    inp.neuron(1).baseline = [1.0, 2.0, 3.0, 4.0]          # one neuron, a value per copy
    np.testing.assert_array_equal(inp.baseline[:, 0, 1], [1.0, 2.0, 3.0, 4.0])
    view.baseline = [7.0, 8.0]                               # a view: every copy alike
    np.testing.assert_array_equal(inp.baseline[:, 0:2, 0], np.full((4, 2), [7.0, 8.0]))
    focus.tau = 5.0
    assert focus.tau == 5.0


def test_population_wide_variable_writes():
    net, pop, _ = global_net(3, 1)
    pop.m = [1.0, 2.0, 3.0]
    np.testing.assert_array_equal(pop.m, [1.0, 2.0, 3.0])
    with pytest.raises(ShapeError, match="one value per copy"):
        pop.m = [1.0, 2.0]


def test_batch_size_is_runtime_data():
    """A different B reuses the compiled binary (the size is a slot, not in the code)."""
    net2 = field(2, 1)[0]
    net3 = field(3, 1)[0]
    assert net3.build_info["cached"] and net3.build_info["key"] == net2.build_info["key"]


def test_setup_batch_before_compile_tiles_copy_zero():
    net = ng.Network(seed=1)
    pop = net.create(4, INPUT, name="inp")
    pop.baseline = [1.0, 2.0, 3.0, 4.0]
    net.setup(batch=2)
    assert net.batch == 2
    np.testing.assert_array_equal(pop.baseline, [[1, 2, 3, 4], [1, 2, 3, 4]])
    net.compile()
    with pytest.raises(NetworkError, match="batch cannot change after compile"):
        net.setup(batch=3)
    net.setup(batch=2)        # the same value is fine


@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_bad_batch_values(value):
    with pytest.raises(NetworkError, match="batch must be a positive integer"):
        ng.Network(batch=value)


def test_refused_features_name_them():
    net = ng.Network(batch=2)
    net.create(4, ng.Neuron(equations="r = 1.0"), name="stopper", stop_condition="r > 0.5")
    with pytest.raises(NetworkError, match="'stopper' has a stop_condition"):
        net.compile()
    net = ng.Network(batch=2)
    a = net.create(4, ng.Neuron(equations="r = 1.0"), name="a")
    hebb = ng.Synapse(parameters="eta = 0.1", equations="dw/dt = eta * pre.r * post.r")
    net.connect(a, a, "exc", synapse=hebb, name="learner").connect_all_to_all(0.1)
    with pytest.raises(NetworkError, match="'learner' has synapse equations"):
        net.compile()


def test_backend_without_batch_is_refused():
    net = ng.Network(batch=2, paradigm="cuda")
    net.create(4, ng.Neuron(equations="r = 1.0"), name="a")
    with pytest.raises(NetworkError, match="'cuda' backend does not run batched"):
        net.compile()


@pytest.mark.parametrize("storage", ["fft", "separable"])
def test_timed_array_and_fft_loop_over_copies(storage):
    """Kernels without a batch-wide block (fft, separable) run copy by copy; a
    TimedArray replays the same rates into every copy."""
    rates = np.random.default_rng(2).random((4, 4, 4))
    results = {}
    for batch in (1, 2):
        net = ng.Network(seed=9, batch=batch)
        src = net.create(ng.TimedArray(rates=rates, schedule=2.0), name="src")
        sink = net.create((4, 4), ng.Neuron(equations="r = sum(exc) + Uniform(0, 1)"),
                          name="sink")
        net.connect(src, sink, "exc").connect_dog(
            amp_pos=0.2, sigma_pos=0.3, amp_neg=0.1, sigma_neg=0.7, storage_format=storage)
        mon = net.monitor(sink, "r")
        net.compile()
        assert net.projections[0].storage == storage
        net.simulate(10)
        results[batch] = mon.get("r")
    assert results[2].shape == (10, 2, 4, 4)              # (steps, B, *geometry)
    np.testing.assert_array_equal(results[2][:, 0], results[1])
    assert not np.array_equal(results[2][:, 1], results[1])    # seed + 1: other noise


def test_timed_array_update_reaches_every_copy():
    net = ng.Network(seed=1, batch=3)
    src = net.create(ng.TimedArray(rates=np.zeros((2, 5))), name="src")
    net.compile()
    net.simulate(2)
    new = np.arange(10, dtype=float).reshape(2, 5)
    src.update(new)
    assert src.r.shape == (3, 5)
    np.testing.assert_array_equal(src.r, np.tile(new[1], (3, 1)))
    net.simulate(1)
    np.testing.assert_array_equal(src.r, np.tile(new[1], (3, 1)))


def test_analysis_refuses_a_batched_network():
    from neurogen.analysis import AnalysisError, SymbolicField
    net = ng.Network(batch=2)
    pop = net.create(3, ng.Neuron(parameters="tau = 10.0", equations="tau * dr/dt = -r"),
                     name="leaky")
    with pytest.raises(AnalysisError, match="batch=2"):
        SymbolicField(pop)


def test_batch_one_code_has_no_batch_construct():
    """batch=1 generates today's code (checked by hand against the code before batching
    existed); batch > 1 the copy loop and the batch-wide sum, B itself as a slot."""
    from neurogen.codegen.plan import build_plan
    from neurogen.codegen.render import render
    from neurogen.core.freeze import freeze
    sources = {}
    for batch in (1, 2, 5):
        net = ng.Network(seed=1, batch=batch)
        a = net.create(4, INPUT, name="a")
        net.connect(a, a, "exc").connect_all_to_all(0.1, delays=2.0)
        ir = freeze(net, net.backend)
        net.projections[0].attach_storage(ir.projections[0].storage, net.real_dtype)
        sources[batch] = render(build_plan(ir, net.backend), net.backend)[0]
    assert not any(s in sources[1] for s in ("ng_batch", "seed_all", "_B ", "every copy"))
    assert "for (int64_t b = 0; b < ng_batch; ++b)" in sources[2]
    assert "#pragma omp parallel for schedule(static) if (nthreads > 1)\n" \
           "        for (int64_t b = 0;" in sources[2]      # copies on the threads
    assert sources[2] == sources[5]


def test_save_and_load_keep_every_copy(tmp_path):
    net, inp, focus, _ = field(2, 1)
    each = np.random.default_rng(5).random((2, N, N))
    inp.baseline = each
    net.simulate(3)
    before = focus.r
    net.save(tmp_path / "state.npz")
    inp.baseline, focus.r = 0.0, 0.0
    net.load(tmp_path / "state.npz")
    np.testing.assert_array_equal(inp.baseline, each)
    np.testing.assert_array_equal(focus.r, before)


PRE = ng.Neuron(parameters="g = 1.0", equations="r = g * Uniform(0.0, 1.0)")
POST = ng.Neuron(equations="r = tanh(sum(exc))")
PSP = ng.Synapse(parameters="c = 0.5", psp="w * pre.r * (pre.g + c)")


def psp_net(batch, seed):
    """A synapse model (csr, computed synapse by synapse, in the copy loop) with
    per-synapse delays, whose psp reads the delayed per-copy parameter pre.g."""
    rng = np.random.default_rng(4)
    weights = rng.normal(size=(5, 6))
    delays = rng.integers(1, 4, size=(5, 6)).astype(float)
    net = ng.Network(seed=seed, batch=batch)
    pre = net.create(6, PRE, name="pre")
    post = net.create(5, POST, name="post")
    net.connect(pre, post, "exc", synapse=PSP).connect_from_matrix(weights, delays=delays)
    mon = net.monitor(post, ["r", "sum(exc)"])
    net.compile()
    return net, pre, mon


def test_synapse_model_with_synaptic_delays_per_copy():
    B, seed, steps = 3, 21, 12
    g = np.random.default_rng(6).random((B, 6)) + 0.5
    net, pre, mon = psp_net(B, seed)
    assert net.ir.projections[0].delay == "synapse" and net.projections[0].storage == "csr"
    pre.g = g
    net.simulate(steps)
    r, s = mon.get("r"), mon.get("sum(exc)")
    for b in range(B):
        net1, pre1, mon1 = psp_net(1, seed + b)
        pre1.g = g[b]
        net1.simulate(steps)
        np.testing.assert_array_equal(r[:, b], mon1.get("r"))
        np.testing.assert_array_equal(s[:, b], mon1.get("sum(exc)"))
    assert np.abs(s).max() > 0
