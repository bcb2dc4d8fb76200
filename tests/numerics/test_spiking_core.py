"""Spiking networks (ANNarchy's semantics): neuron update, refractoriness, spike
propagation and its timing, plastic synapses, inputs, monitors, threads. Each result is
checked against an independent NumPy computation, a closed form, or the values ANNarchy
5.0.4.1 itself produced for the same script (quoted where used)."""
import math

import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import NetworkError, NeurogenError, ParseError
from netutil import coba_neuron

LIF = dict(parameters="tau = 20.0 : population\nv_th = -50.0 : population\n"
                      "v_r = -60.0 : population\nI = 0.0",
           equations="tau * dv/dt = -60.0 - v + I + g_exc - g_inh : init=-60.0",
           spike="v > v_th", reset="v = v_r")


def _lif_numpy(I, steps, dt, refractory):
    """Explicit Euler, refractory neurons keep v (ANNarchy: every variable but g_*),
    spike test after the update, reset at once; spike at n: frozen n+1 .. n+R."""
    v = np.full(I.size, -60.0)
    left = np.zeros(I.size, dtype=int)
    spikes = [[] for _ in I]
    R = int(refractory / dt)
    for step in range(steps):
        refr = left > 0
        v = np.where(refr, v, v + dt * ((-60.0 - v + I) / 20.0))
        left = np.where(refr, left - 1, 0)
        spiking = ~refr & (v > -50.0)
        v = np.where(spiking, -60.0, v)
        left = np.where(spiking, R, left)
        for i in np.flatnonzero(spiking):
            spikes[i].append(step)
    return v, spikes


def test_lif_spikes_and_potentials_match_numpy():
    net = ng.Network(dt=0.1)
    pop = net.create(6, ng.Neuron(**LIF, refractory=2.0))
    mon = net.monitor(pop, ["spike", "v"])
    net.compile(silent=True)
    current = np.array([0.0, 10.5, 12.0, 20.0, 35.0, 80.0])
    pop.I = current
    net.simulate(100.0)
    v, spikes = _lif_numpy(current, 1000, 0.1, 2.0)
    assert mon.get("spike", keep=True) == dict(enumerate(spikes))
    np.testing.assert_allclose(pop.v, v, rtol=1e-12)
    assert sum(map(len, spikes)) > 30 and spikes[0] == [] and len(spikes[1]) == 1
    recorded = mon.get("v")
    assert recorded.shape == (1000, 6)
    np.testing.assert_allclose(recorded[-1], v, rtol=1e-12)
    assert pop.refractory.tolist() == [2.0] * 6


def test_spikes_arrive_one_step_later_or_after_the_delay():
    """ANNarchy 5.0.4.1, same script: a spike at step 9 is in g_exc at step 10 (no delay)
    and at step 9 + 20 (2 ms at dt = 0.1); g_exc is recorded once the spikes arrived and
    then reset (no equation of its own)."""
    net = ng.Network(dt=0.1)
    pre = net.create(ng.SpikeSourceArray(spike_times=[[0.9]]))
    post = net.create(2, ng.Neuron(equations="v = g_exc", spike="v > 100.0"))
    net.connect(pre, post[0:1], "exc").one_to_one(weights=1.0)
    net.connect(pre, post[1:2], "exc").all_to_all(weights=3.0, delays=2.0)
    mon = net.monitor(post, ["g_exc", "v"])
    net.compile(silent=True)
    net.simulate(4.0)
    g, v = mon.get("g_exc"), mon.get("v")
    expected = np.zeros((40, 2))
    expected[10, 0], expected[29, 1] = 1.0, 3.0
    np.testing.assert_array_equal(g, expected)
    np.testing.assert_array_equal(v, expected)
    assert post.g_exc.tolist() == [0.0, 0.0]


STDP = ng.Synapse(
    parameters="tau_plus = 10.0 : projection\ntau_minus = 10.0 : projection\n"
               "A_plus = 0.1 : projection\nA_minus = 0.1 : projection\n"
               "w_min = 0.0 : projection\nw_max = 1.0 : projection",
    equations="tau_plus * dx/dt = -x : event-driven\ntau_minus * dy/dt = -y : event-driven",
    pre_spike="g_target += w\nx += A_plus * w_max\nw = clip(w + y, w_min, w_max)",
    post_spike="y -= A_minus * w_max\nw = clip(w + x, w_min, w_max)")


def _stdp_network():
    net = ng.Network(dt=0.1)
    pre = net.create(ng.SpikeSourceArray(spike_times=[[0.9, 4.9]]))
    post = net.create(1, ng.Neuron(equations="v = g_exc",
                                   spike="t > 2.85 and t < 2.95"))    # step 29
    proj = net.connect(pre, post, "exc", synapse=STDP)
    proj.one_to_one(weights=0.5)
    net.compile(silent=True)
    return net, proj


def test_stdp_follows_the_closed_form_and_annarchy():
    """Pre spikes at steps 9 and 49 (processed at 10 and 50), post at 29. ANNarchy 5.0.4.1
    gave x = 0.082696, w = 0.582696 after step 29 and x = 0.167706, y = -0.081873,
    w = 0.500823 after step 50: a presynaptic event decays to the step before it is
    processed, a postsynaptic one to its own step."""
    net, proj = _stdp_network()
    net.simulate(3.0)                     # steps 0..29
    x29 = 0.1 * math.exp(-(29 - 10) * 0.1 / 10)
    assert abs(proj.x[0][0] - x29) < 1e-12 and abs(proj.y[0][0] + 0.1) < 1e-12
    assert abs(proj.w[0][0] - (0.5 + x29)) < 1e-12
    net.simulate(2.1)                     # steps 30..50
    y50 = -0.1 * math.exp(-(49 - 29) * 0.1 / 10)
    x50 = x29 * math.exp(-(49 - 29) * 0.1 / 10) + 0.1
    assert abs(proj.x[0][0] - x50) < 1e-12 and abs(proj.y[0][0] - y50) < 1e-12
    assert abs(proj.w[0][0] - (0.5 + x29 + y50)) < 1e-12
    for got, annarchy in ((proj.x[0][0], 0.167706), (proj.y[0][0], -0.081873),
                          (proj.w[0][0], 0.500823)):
        assert abs(got - annarchy) < 5e-7


def test_disable_learning_keeps_the_weights_and_still_transmits():
    net, proj = _stdp_network()
    mon = net.monitor(net.populations[1], "g_exc")
    proj.disable_learning()
    net.simulate(6.0)
    assert proj.w[0][0] == 0.5
    g = mon.get("g_exc")
    assert g[10, 0] == 0.5 and g[50, 0] == 0.5 and g.sum() == 1.0
    assert proj.x[0][0] > 0.1        # the traces still follow the spikes


def _coba(seed, threads, N=600):
    net = ng.Network(dt=0.1, seed=seed, num_threads=threads)
    pop = net.create(N, coba_neuron())
    pop.v = ng.Normal(-55.0, 5.0)
    net.connect(pop[:N * 4 // 5], pop, "exc").fixed_probability(0.05, weights=0.6)
    net.connect(pop[N * 4 // 5:], pop, "inh").fixed_probability(0.05, weights=6.7,
                                                                delays=ng.Uniform(0.1, 2.0))
    mon = net.monitor(pop, "spike")
    net.compile(silent=True)
    net.simulate(100.0)
    return mon.get("spike"), pop.v.copy(), pop.g_exc.copy()


def test_threads_and_seeds_give_the_same_spikes_bit_for_bit():
    one, two = _coba(3, 1), _coba(3, 2)
    assert one[0] == two[0] and sum(map(len, one[0].values())) > 100
    np.testing.assert_array_equal(one[1], two[1])
    np.testing.assert_array_equal(one[2], two[2])
    assert _coba(4, 1)[0] != one[0]


def test_poisson_population_rate_and_reproducibility():
    def run(seed):
        net = ng.Network(dt=0.1, seed=seed)
        pop = net.create(ng.PoissonPopulation(2000, rates=np.linspace(10.0, 30.0, 2000)))
        mon = net.monitor(pop, "spike")
        net.compile(silent=True)
        net.simulate(500.0)
        return mon, mon.get("spike", keep=True)
    mon, spikes = run(7)
    counts = np.array([len(spikes[i]) for i in range(2000)])
    expected = np.linspace(10.0, 30.0, 2000) * 0.5
    # Poisson counts: the total within 4 standard deviations
    assert abs(counts.sum() - expected.sum()) < 4 * math.sqrt(expected.sum())
    assert abs(mon.mean_fr() - counts.sum() / 2000 / 0.5) < 1e-9
    assert run(7)[1] == spikes and run(8)[1] != spikes


def test_poisson_population_driven_by_a_rate_coded_target():
    """ANNarchy's hybrid PoissonPopulation(target='exc'): its rates are the weighted sum
    of the rate-coded projections onto 'exc' (here a TimedArray through one_to_one and
    a constant population through all_to_all), read at each step."""
    net = ng.Network(dt=1.0, seed=3)
    schedule = np.full((2, 400), 10.0)
    schedule[0, :200], schedule[1, 200:] = 100.0, 100.0
    timed = net.create(ng.TimedArray(rates=schedule, schedule=100.0))
    bias = net.create(2, ng.Neuron(parameters="r0 = 5.0", equations="r = r0"))
    pop = net.create(ng.PoissonPopulation(400, target="exc"))
    net.connect(timed, pop, "exc").one_to_one(weights=1.0)
    net.connect(bias, pop, "exc").all_to_all(weights=2.0)
    mon = net.monitor(pop, "spike")
    net.compile(silent=True)
    net.simulate(1000.0)
    np.testing.assert_array_equal(pop.rates, schedule[1] + 20.0)
    spikes = mon.get("spike")
    counts = np.array([len(spikes[i]) for i in range(400)])
    # 100 ms of row 0 then 900 ms of row 1, plus 20 Hz: Poisson totals within 4 sigma
    expected = (schedule[0] * 0.1 + schedule[1] * 0.9 + 20.0)
    for half in (slice(0, 200), slice(200, 400)):
        assert abs(counts[half].sum() - expected[half].sum()) < \
            4 * math.sqrt(expected[half].sum())
    with pytest.raises(NetworkError, match="rates= or target=, not both"):
        ng.PoissonPopulation(3, rates=5.0, target="exc")
    with pytest.raises(NetworkError, match="target's name"):
        ng.PoissonPopulation(3, target="e x")


def test_simulate_until_reads_population_wide_values_of_a_spiking_population():
    """The stop condition is checked after the population's block: it reads k from its
    buffer (the loops' hoisted copies are out of scope there); explicit Euler of
    tau dv/dt = 1 - v stops at the first step where v / k > 0.05."""
    net = ng.Network(dt=0.1)
    pop = net.create(5, ng.Neuron(parameters="tau = 10.0 : population\nk = 4.0 : population",
                                  equations="tau * dv/dt = 1 - v", spike="v > 2.0",
                                  reset="v = 0.0"), stop_condition="v / k > 0.05")
    net.compile(silent=True)
    stopped = net.simulate_until(100.0, pop)
    v, steps = 0.0, 0
    while not v / 4.0 > 0.05:
        v, steps = v + 0.1 * (1.0 - v) / 10.0, steps + 1
    assert net.get_current_step() == steps
    assert stopped == pytest.approx(steps * 0.1)
    np.testing.assert_allclose(pop.v, v, rtol=1e-12)


def test_spike_source_array_times_and_reset():
    net = ng.Network(dt=0.1)
    src = net.create(ng.SpikeSourceArray(spike_times=[[1.0, 2.0, 5.05], [0.0, 0.25, 0.35]]))
    mon = net.monitor(src, "spike")
    net.compile(silent=True)
    net.simulate(10.0)
    # ANNarchy 5.0.4.1 gives these steps: round(0.25 / 0.1) = 2, round(0.35 / 0.1) = 3
    assert mon.get("spike") == {0: [10, 20, 50], 1: [0, 2, 3]}
    src.reset()
    net.simulate(3.0)
    assert mon.get("spike") == {0: [110, 120], 1: [100, 102, 103]}
    assert src.spike_times[0] == [1.0, 2.0, 5.0]


def test_refractory_period_from_a_parameter_and_per_neuron():
    net = ng.Network(dt=0.1)
    neuron = ng.Neuron(parameters="tau_ref = 1.0\nI = 30.0", equations="dv/dt = I : init=0.0",
                       spike="v > 1.0", reset="v = 0.0", refractory="tau_ref")
    pop = net.create(2, neuron)
    mon = net.monitor(pop, "spike")
    net.compile(silent=True)
    pop.tau_ref = [0.0, 1.0]
    net.simulate(3.0)
    spikes = mon.get("spike")
    # v grows 3 per step: spikes at step 0 and every step; with 10 frozen steps, every 11
    assert spikes[0] == list(range(30)) and spikes[1] == [0, 11, 22]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(spike="1.0"), ParseError, "condition"),
    (dict(spike="v > 0", reset="vv = 0"), ParseError, "did you mean 'v'"),
    (dict(spike="v > 0", refractory=-1.0), ParseError, ">= 0"),
    (dict(spike="v > 0", refractory="tau_r"), ParseError, "names no parameter"),
    (dict(reset="v = 0"), NeurogenError, "needs spike="),
])
def test_bad_spiking_neurons_are_named(kwargs, error, match):
    neuron = ng.Neuron(equations="dv/dt = 1.0", **kwargs)
    with pytest.raises(error, match=match):
        ng.Network().create(1, neuron)


def test_refractory_shorter_than_a_step_is_refused_at_compile():
    net = ng.Network(dt=0.1)
    net.create(1, ng.Neuron(equations="dv/dt = 1.0", spike="v > 1", refractory=0.05))
    with pytest.raises(NetworkError, match="at least\\s+one step"):
        net.compile(silent=True)


def test_bad_spiking_synapses_are_named(tmp_path):
    """Each bad synapse is named by compile() (as ANNarchy: a synapse is analysed in
    its projection's context when the network compiles)."""
    bad = [("rate", ng.Synapse(pre_spike="g_target += w"), NeurogenError, "rate-coded"),
           ("spiking", ng.Synapse(parameters="tau = 1.0", pre_spike="tau = 2.0"), ParseError,
            "'tau' is a parameter"),
           ("spiking", ng.Synapse(equations="dx/dt = -x * x : event-driven",
                                  pre_spike="x += 1"), ParseError, "relax linearly")]
    for kind, synapse, error, match in bad:
        net = ng.Network()
        pops = {"rate": net.create(2, ng.Neuron(parameters="r = 1.0")),
                "spiking": net.create(2, ng.Neuron(equations="dv/dt = 1.0 + g_exc",
                                                   spike="v > 1"))}
        net.connect(pops[kind], pops[kind], "exc", synapse=synapse).connect_all_to_all(1.0)
        with pytest.raises(error, match=match):
            net.compile(directory=str(tmp_path))
    with pytest.raises(NetworkError, match="DecodingProjection"):
        net.connect(pops["spiking"], pops["rate"], "exc")


def test_current_injection_sets_the_conductance_from_the_rates():
    """g_exc of spiking neuron i receives r of rate neuron i of the step before (as
    every weighted sum), then the auto-reset clears it."""
    net = ng.Network(dt=0.1)
    inp = net.create(3, ng.Neuron(equations="r = t + rank_offset",
                                  parameters="rank_offset = 0.0"))
    inp.rank_offset = [0.0, 10.0, 20.0]
    out = net.create(3, ng.Neuron(equations="v = g_exc", spike="v > 1000.0"))
    with pytest.raises(NetworkError, match="same size"):
        ng.CurrentInjection(inp, out[0:2], "exc")
    with pytest.raises(NetworkError, match="must be spiking"):
        ng.CurrentInjection(inp, inp, "exc")
    net.connect(ng.CurrentInjection(inp, out, "exc")).connect_current()
    mon = net.monitor(out, "v")
    net.compile(silent=True)
    net.simulate(1.0)
    t = np.arange(10) * 0.1
    expected = np.where(t[:, None] > 0, (t[:, None] - 0.1) + [0.0, 10.0, 20.0], 0.0)
    np.testing.assert_allclose(mon.get("v"), expected, rtol=1e-12, atol=1e-12)


def test_compute_firing_rate_counts_the_spikes_of_the_window():
    """r = spikes of the last `window` ms (current step included) * 1000 / window, as
    ANNarchy's queue of spike times; recomputed here from the recorded spikes."""
    net = ng.Network(dt=0.1, seed=2)
    pop = net.create(ng.PoissonPopulation(50, rates=80.0))
    mon = net.monitor(pop, ["spike", "r"])
    net.compile(silent=True)
    net.simulate(5.0)                       # before: r stays 0
    pop.compute_firing_rate(window=2.0)     # 20 steps, counting from step 50
    net.simulate(10.0)
    spikes, r = mon.get("spike"), mon.get("r")
    assert not r[:50].any()
    counts = np.zeros((100, 50))          # steps 50 .. 149
    for i, steps in spikes.items():
        for s in steps:
            if s >= 50:
                counts[s - 50:s - 50 + 20, i] += 1    # in the window of steps s .. s + 19
    np.testing.assert_allclose(r[50:], counts * 1000.0 / 2.0, rtol=1e-12)
    assert r[50:].max() >= 1000.0


def test_decoding_projection_averages_the_spikes_of_the_window():
    """ANNarchy's formula, recomputed from the recorded spikes: at step n, the spikes of
    steps n - W .. n - 1 (one step to arrive), mean over W steps, in Hz, divided by the
    number of synapses of the neuron."""
    net = ng.Network(dt=0.1, seed=3)
    pop1 = net.create(ng.PoissonPopulation(200, rates=100.0))
    pop2 = net.create(1, ng.Neuron(equations="r = sum(exc)"))
    with pytest.raises(NetworkError, match="rate-coded"):
        ng.DecodingProjection(pop1, pop1, "exc")
    net.connect(ng.DecodingProjection(pop1, pop2, "exc", window=2.0)).all_to_all(0.5)
    rate, spikes = net.monitor(pop2, "r"), net.monitor(pop1, "spike")
    net.compile(silent=True)
    net.simulate(30.0)
    counts = np.zeros(300)
    for steps in spikes.get("spike").values():
        np.add.at(counts, steps, 1.0)
    expected = [0.5 * counts[max(0, n - 20):n].sum() / 20 * 1000 / 0.1 / 200 for n in range(300)]
    np.testing.assert_allclose(rate.get("r").ravel(), expected, rtol=1e-12, atol=1e-12)


def test_continuous_psp_of_a_spiking_synapse_adds_every_step():
    """psp= on a spiking synapse: no events, g_target += sum(psp) each step, from the
    presynaptic values of the step before (ANNarchy's continuous transmission)."""
    net = ng.Network(dt=0.1, seed=3)
    pre = net.create(3, ng.Neuron(equations="v = Uniform(0,1)", spike="v > 0.9"))
    post = net.create(2, ng.Neuron(equations="dv/dt = -v + g_exc", spike="v > 100"))
    W = np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]])
    net.connect(pre, post, "exc", synapse=ng.Synapse(psp="w * pre.v")).from_matrix(W)
    g, v = net.monitor(post, "g_exc"), net.monitor(pre, "v")
    net.compile(silent=True)
    net.simulate(2.0)
    v = v.get("v")
    np.testing.assert_allclose(g.get("g_exc"), np.vstack([np.zeros(2), v[:-1] @ W.T]),
                               rtol=1e-13)
    with pytest.raises(NeurogenError, match="cannot be combined"):
        ng.Synapse(psp="w", pre_spike="g_target += w").parse(pre.ir, post.ir, {}, "explicit")


def test_many_spikes_are_propagated_on_threads_bit_for_bit():
    """Enough synapses per step that two threads split the postsynaptic neurons (the
    first chunk of a run uses the requested threads); the conductances equal the NumPy
    sums of the spiking neurons' weights, whatever the thread count."""
    W = np.random.default_rng(0).uniform(0.0, 1.0, (1500, 300))

    def run(threads):
        net = ng.Network(dt=0.1, num_threads=threads)
        src = net.create(ng.SpikeSourceArray(spike_times=[[0.1 * (k % 3)] for k in range(300)]))
        post = net.create(1500, ng.Neuron(equations="v = g_exc", spike="v > 1e9"))
        net.connect(src, post, "exc").from_matrix(W)
        mon = net.monitor(post, "g_exc")
        net.compile(silent=True)
        net.simulate(0.4)
        return mon.get("g_exc")
    one, two = run(1), run(2)
    np.testing.assert_array_equal(one, two)
    for step in (1, 2, 3):               # spikes of step s - 1 arrive at step s
        spiking = np.arange(300) % 3 == step - 1
        np.testing.assert_allclose(one[step], W[:, spiking].sum(axis=1), rtol=1e-12)


def test_weights_written_after_compile_are_the_ones_transmitted():
    """Fixed weights are read from a copy in presynaptic order: every way of writing
    ``w`` from Python (whole projection, a dendrite, one synapse, load) reaches it."""
    rng = np.random.default_rng(3)
    W = rng.uniform(0.5, 1.0, (40, 30)) * (rng.random((40, 30)) < 0.3)
    net = ng.Network(dt=0.1)
    src = net.create(ng.SpikeSourceArray(spike_times=[[0.0, 0.2, 0.4, 0.6]] * 30))
    post = net.create(40, ng.Neuron(equations="v = g_exc", spike="v > 1e9"))
    proj = net.connect(src, post, "exc")
    proj.from_matrix(W)
    mon = net.monitor(post, "g_exc")
    net.compile(silent=True)
    net.simulate(0.2)                      # spikes at step 0 arrive at step 1
    W2 = np.where(W > 0, rng.uniform(2.0, 3.0, W.shape), 0.0)
    proj.w = W2
    net.simulate(0.2)                      # step 3: the spikes of step 2, new weights
    dendrite = proj.dendrite(int(np.flatnonzero(W[:, 0])[0]))
    dendrite.w = np.full(dendrite.size, 7.0)
    dendrite[0].w = 9.0
    W3 = W2.copy()
    W3[dendrite.post_rank, dendrite.pre_ranks] = 7.0
    W3[dendrite.post_rank, dendrite.pre_ranks[0]] = 9.0
    net.simulate(0.2)                      # step 5
    g = mon.get("g_exc")
    np.testing.assert_allclose(g[1], W.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(g[3], W2.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(g[5], W3.sum(axis=1), rtol=1e-12)


def test_spike_monitors_record_every_spike_and_restart_their_window():
    """As ANNarchy 5.0.4.1: a period does not thin spikes out; get() that empties the
    monitor starts the statistics' window again; times() are steps."""
    net = ng.Network(dt=0.1, seed=1)
    pop = net.create(ng.PoissonPopulation(100, rates=100.0))
    every, thinned = net.monitor(pop, "spike"), net.monitor(pop, "spike", period=1.0)
    net.compile(silent=True)
    net.simulate(100.0)
    assert every.get("spike") == thinned.get("spike")
    net.simulate(100.0)
    spikes = every.get("spike", keep=True)
    count = sum(map(len, spikes.values()))
    assert abs(every.mean_fr(spikes) - count / 100 / 0.1) < 1e-9     # 1000 steps, not 2000
    assert every.population_rate(spikes).shape == (1001,)
    assert every.times() == {"spike": {"start": [0], "stop": [2000]}}


def test_refractory_spares_every_g_variable_and_accepts_unless_refractory():
    """ANNarchy freezes every variable not named g_* while refractory (measured:
    g_foo 1..10, v 0 from the spike at step 2 to step 7); unless_refractory states it."""
    net = ng.Network(dt=0.1)
    pop = net.create(1, ng.Neuron(equations="dv/dt = 10.0 : init=0.0, unless_refractory\n"
                                            "dg_foo/dt = 10\nx = sin(2 * pi * t)",
                                  spike="v > 2.5", reset="v = 0.0", refractory=0.5))
    mon = net.monitor(pop, ["g_foo", "v"])
    net.compile(silent=True)
    net.simulate(1.0)
    np.testing.assert_allclose(mon.get("g_foo").ravel(), np.arange(1.0, 11.0), rtol=1e-12)
    np.testing.assert_allclose(mon.get("v").ravel(), [1, 2, 0, 0, 0, 0, 0, 0, 1, 2],
                               atol=1e-12)
    with pytest.raises(NeurogenError, match="spiking neurons"):
        ng.Network().create(1, ng.Neuron(equations="r = 1.0 : unless_refractory"))


def test_monitoring_a_variable_of_a_synapse_that_does_not_compile_names_the_synapse():
    """The synapse's own error (kept for compile(), as ANNarchy) rather than 'no attribute'."""
    net = ng.Network()
    src = net.create(ng.PoissonPopulation(3, rates=10.0))
    dst = net.create(2, coba_neuron())
    proj = net.connect(src, dst, "exc", synapse=ng.Synapse(
        equations="dg/dt = -g", pre_spike="x += w", psp="g"))
    proj.all_to_all(0.1)
    with pytest.raises(NeurogenError, match="psp= .* cannot be combined with pre_spike="):
        net.monitor(proj, "g")
