"""ANNarchy's axonal spikes (``Neuron(axon_spike=, axon_reset=)``, ``Synapse(pre_axon_spike=)``):
emitted by neurons not refractory whose values after the reset satisfy ``axon_spike`` and
not ``spike``; they reach, one step later and undelayed, the projections whose synapse
has ``pre_axon_spike`` (docs/spiking.md, 'Axonal spikes')."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.codegen import render
from neurogen.errors import NeurogenError

# ANNarchy 5.0.4.1's measured output (dt = 1 ms, 40 steps), one presynaptic neuron
# (dv/dt = 1, spike v > 10, reset v = 6, axon_spike v > 4) into g_exc (pre_spike =
# pre_axon_spike = "g_target += w"), g_inh (pre_axon_spike "g_target += 10*w") and g_nmda
# (default synapse), w = 1; produced by the script axon.py of issue 22:
#   python axon.py ann REFRACTORY_MS DELAY_MS      (cases 0 0, 3 0 and 0 2)
# Keys: (refractory ms, delay of the g_exc projection ms).
ANNARCHY = {
    (0, 0): dict(
        v=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10] + [6, 7, 8, 9, 10] * 6,
        spike=[10, 15, 20, 25, 30, 35],
        ge=[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1] + [2, 1, 1, 1, 1] * 5 + [2, 1, 1, 1],
        gi=[0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10] + [11, 10, 10, 10, 10] * 5
        + [11, 10, 10, 10],
        gn=[0] * 11 + [1, 0, 0, 0, 0] * 5 + [1, 0, 0, 0]),
    (3, 0): dict(
        v=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10] + [6, 6, 6, 6, 7, 8, 9, 10] * 3 + [6, 6, 6, 6, 7, 8],
        spike=[10, 18, 26, 34],
        ge=[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1] + [2, 0, 0, 0, 1, 1, 1, 1] * 3 + [2, 0, 0, 0, 1],
        gi=[0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10] + [11, 0, 0, 0, 10, 10, 10, 10] * 3
        + [11, 0, 0, 0, 10],
        gn=[0] * 11 + [1, 0, 0, 0, 0, 0, 0, 0] * 3 + [1, 0, 0, 0, 0]),
    (0, 2): dict(
        v=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10] + [6, 7, 8, 9, 10] * 6,
        spike=[10, 15, 20, 25, 30, 35],
        ge=[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1] + [2, 1, 1, 1, 1] * 5 + [2, 1, 1],
        gi=[0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10] + [11, 10, 10, 10, 10] * 5
        + [11, 10, 10, 10],
        gn=[0] * 11 + [1, 0, 0, 0, 0] * 5 + [1, 0, 0, 0]),
}
CASES = list(ANNARCHY)
POST = ng.Neuron(equations="dx/dt = 0.0\nge = g_exc\ngi = g_inh\ngn = g_nmda", spike="x > 1.0")
SAME = ng.Synapse(pre_spike="g_target += w", pre_axon_spike="g_target += w")
DIFF = ng.Synapse(pre_spike="g_target += w", pre_axon_spike="g_target += 10*w")


N_RANDOM = 150


def build(seed, threads=1, batch=1):
    """One network, one compile (every loop and every spike propagation on the threads
    where there are several: the threshold lowered), simulated 40 steps:

    - ANNarchy's script, its three cases side by side (one neuron each);
    - a neuron whose axon_reset lowers v by 0.5 and counts its axonal spikes;
    - two neurons as ANNarchy's into one target through delays of 2 and 3 ms;
    - a noisy recurrent population with axonal spikes: axonal transmission by the
      generic path (reads pre.v), and by the weight-only path through a 2 ms delay
      (which axonal spikes do not wait for).
    """
    pre_type = ng.Neuron(parameters="I = 1.0\ntref = 0.0", equations="dv/dt = I : init = 0.0",
                         spike="v > 10.0", reset="v = 6.0", axon_spike="v > 4.0",
                         refractory="tref")
    reset_type = ng.Neuron(equations="dv/dt = 1.0\ndn/dt = 0.0", spike="v > 10.0",
                           reset="v = 6.0", axon_spike="v > 4.0",
                           axon_reset="v -= 0.5\nn += 1")
    noisy = ng.Neuron(parameters="tau = 5.0 : population\nI = 1.5",
                      equations="tau * dv/dt = -v + I + g_exc - g_inh + Normal(0.0, 0.3)",
                      spike="v > 1.0", reset="v = 0.0", axon_spike="v > 0.9",
                      axon_reset="v -= 0.005", refractory=1.0)
    net = ng.Network(dt=1.0, seed=seed, num_threads=threads, batch=batch)
    pre, post = net.create(3, pre_type), net.create(3, POST)
    pre.tref = [float(refr) for refr, _ in CASES]
    for k, (_, delay) in enumerate(CASES):
        net.connect(pre[k:k + 1], post[k:k + 1], "exc", synapse=SAME).connect_one_to_one(
            1.0, delays=float(delay))
    net.connect(pre, post, "inh", synapse=DIFF).connect_one_to_one(1.0)
    net.connect(pre, post, "nmda").connect_one_to_one(1.0)
    other, other_post = net.create(1, reset_type), net.create(1, POST)
    net.connect(other, other_post, "exc", synapse=SAME).connect_one_to_one(1.0)
    pair, target = net.create(2, pre_type), net.create(1, POST)
    net.connect(pair, target, "exc", synapse=SAME).connect_from_matrix(
        np.array([[1.0, 1.0]]), delays=np.array([[2.0, 3.0]]))       # per-synapse delays
    pop = net.create(N_RANDOM, noisy)
    rng = np.random.default_rng(3)
    matrix = [np.where(rng.random((N_RANDOM, N_RANDOM)) < 0.3, w, np.nan)
              for w in (0.02, 0.005)]
    net.connect(pop, pop, "exc", synapse=ng.Synapse(
        pre_spike="g_target += w", pre_axon_spike="g_target += 0.5 * w * pre.v")) \
        .connect_from_matrix(matrix[0])
    net.connect(pop, pop, "inh", synapse=ng.Synapse(pre_axon_spike="g_target += w")) \
        .connect_from_matrix(matrix[1], delays=2.0)
    mons = [net.monitor(pre, ["v", "spike"]), net.monitor(post, ["ge", "gi", "gn"]),
            net.monitor(other, ["v", "n", "spike"]), net.monitor(other_post, "ge"),
            net.monitor(pop, ["spike", "v", "g_inh"]), net.monitor(target, "ge")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "PARALLEL_THRESHOLD", 1)
        net.compile(silent=True)
    v0 = np.random.default_rng(4).uniform(0.0, 1.0, N_RANDOM)   # every copy starts there
    pop.v = np.tile(v0, (batch, 1)) if batch > 1 else v0
    net.simulate(40.0)
    return [m.get() for m in mons]


@pytest.fixture(scope="module")
def series():
    return build(5)


@pytest.mark.parametrize("case", CASES)
def test_annarchy_series(series, case):
    pre, post = series[0], series[1]
    k, want = CASES.index(case), ANNARCHY[case]
    assert pre["v"][:, k].tolist() == want["v"]
    assert pre["spike"].get(k, []) == want["spike"]
    for name in ("ge", "gi", "gn"):
        assert post[name][:, k].tolist() == want[name], name


def test_axon_reset(series):
    """By hand: v rises by 1 per step; from step 4 (v = 5 > 4) each step emits an axonal
    spike, whose reset takes 0.5 back, until v exceeds 10 before the reset (step 15:
    10.5); the spike resets v to 6, which emits an axonal spike too (5.5); from there
    v gains 0.5 per step and spikes every 9 steps. n counts the axonal spikes; g_exc of
    the target gets, one step later, 1 per spike and 1 per axonal spike."""
    v = [1.0, 2.0, 3.0, 4.0] + [4.5 + 0.5 * k for k in range(11)]        # steps 0..14
    for _ in range(3):
        v += [5.5 + 0.5 * k for k in range(9)]                              # after a spike
    v = v[:40]
    spikes = [15, 24, 33]
    axonal = np.arange(40) >= 4
    got, post = series[2], series[3]
    assert got["v"][:, 0].tolist() == v
    assert got["spike"] == {0: spikes}
    assert got["n"][:, 0].tolist() == np.cumsum(axonal).tolist()
    arrived = np.zeros(40)
    arrived[1:] = axonal[:-1].astype(int) + np.isin(np.arange(39), spikes)
    assert post["ge"][:, 0].tolist() == arrived.tolist()


def test_per_synapse_delays_do_not_delay_axonal_spikes(series):
    """Two neurons as in ANNarchy's case (0, 0): axonal spikes at every step from 4,
    spikes at 10, 15, ...; the target gets both axonal spikes one step later, the spikes
    2 and 3 steps later."""
    step, spikes = np.arange(40), np.arange(10, 40, 5)
    want = 2 * (step >= 5) + np.isin(step - 2, spikes) + np.isin(step - 3, spikes)
    assert series[5]["ge"][:, 0].tolist() == want.astype(float).tolist()


def test_threads_and_batch_bit_identical(series):
    """1 and 2 threads give the same bits; copy b of a batch is the single run with
    seed + b."""
    one, two = series[4], build(5, threads=2)[4]
    assert one["spike"] == two["spike"] and sum(map(len, one["spike"].values())) > 100
    np.testing.assert_array_equal(one["v"], two["v"])
    np.testing.assert_array_equal(one["g_inh"], two["g_inh"])
    # spikes of step 0 reach g_inh at step 2: what arrives at step 1 is axonal
    assert one["g_inh"][1].max() > 0 and one["g_inh"][0].max() == 0
    batch = build(5, threads=2, batch=2)
    for b, single in enumerate((series, build(6))):
        for got, want in zip(batch, single):
            for name in want:
                if name == "spike":
                    assert got[name][b] == want[name]
                else:
                    np.testing.assert_array_equal(got[name][:, b], want[name])
    assert batch[4]["spike"][0] != batch[4]["spike"][1]


@pytest.mark.parametrize("kwargs, match", [
    (dict(pre_axon_spike="w += 1.0"), r"pre_axon_spike line 1: pre_axon_spike only "
                                      r"increments the conductance: 'g_target \+= expr'"),
    (dict(pre_axon_spike="g_target = w"), r"only increments the conductance"),
    (dict(pre_axon_spike="g_target += w : min = 0.0"), r"take no flags"),
    (dict(pre_axon_spike="g_target += w", post_spike="w += 0.1"),
     r"cannot be combined with post_spike="),
    (dict(parameters="tau = 5.0", equations="tau * dx/dt = -x : event-driven",
          pre_spike="g_target += w\nx += 1.0", pre_axon_spike="g_target += x"),
     r"reads the event-driven variable 'x'"),
    (dict(pre_axon_spike="g_target += q"), r"unknown name 'q'"),
])
def test_synapse_refusals(kwargs, match):
    neuron = ng.Neuron(equations="dv/dt = 1.0", spike="v > 1.0", axon_spike="v > 0.5")
    synapse = ng.Synapse(name="Ax", **kwargs)
    with pytest.raises(NeurogenError, match=match) as info:
        synapse.parse(neuron.parse(), neuron.parse(), {}, "explicit")
    assert "Ax" in str(info.value)


@pytest.mark.parametrize("kwargs, match", [
    (dict(axon_spike="vv > 1.0"), r"axon_spike line 1: unknown name 'vv'; did you mean 'v'"),
    (dict(axon_spike="1.0"), r"axon_spike line 1: the axon_spike condition must be a "
                             r"condition"),
    (dict(axon_spike="v > 1.0\nv > 2.0"), r"the axon_spike condition is one line"),
    (dict(axon_spike="v > 1.0", axon_reset="u = 0.0"),
     r"axon_reset line 1: axon_reset of an unknown variable 'u'"),
    (dict(axon_reset="v = 0.0"), r"give axon_spike= \(their condition\) too"),
])
def test_neuron_refusals(kwargs, match):
    neuron = ng.Neuron(name="Ax", equations="dv/dt = 1.0", spike="v > 2.0", **kwargs)
    with pytest.raises(NeurogenError, match=match) as info:
        neuron.parse()
    assert "Ax" in str(info.value)


def test_axonal_spikes_are_not_recordable():
    net = ng.Network()
    pop = net.create(2, ng.Neuron(name="Ax", equations="dv/dt = 1.0", spike="v > 2.0",
                                  axon_spike="v > 1.0"))
    with pytest.raises(NeurogenError, match="axonal spikes of .* are not recordable"):
        net.monitor(pop, "axon_spike")
