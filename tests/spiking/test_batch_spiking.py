"""Batched spiking networks (``Network(..., batch=B)``): B independent trials in one binary.

Definition tested here, as for rate-coded batches (tests/numerics/test_batch.py): copy
``b`` of a batched run with seed ``s`` is the single run with seed ``s + b`` and copy
``b``'s initial state, bit for bit (spike times and membrane potentials); weights,
connectivity, delays and population-wide parameters are shared."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import NetworkError, NeurogenError
from neurogen.ir import LAST_SPIKE, SPIKED

COBA = ng.Neuron(
    parameters="El = -60.0 : population\nVt = -50.0 : population\ntau = 20.0 : population\n"
               "I = 11.0",
    equations="tau * dv/dt = El - v + g_exc * (0.0 - v) + g_inh * (-80.0 - v) + I + g_cur"
              " + Normal(0.0, 4.0) : init=-60.0\n"
              "5.0 * dg_exc/dt = -g_exc\n10.0 * dg_inh/dt = -g_inh",
    spike="v > Vt", reset="v = El", refractory=2.0)
NE, NI, STEPS = 120, 30, 400


def matrix(post, pre, p, w, seed):
    """A fixed random connectivity (post, pre), NaN where no synapse: the same for the
    batched network and the single runs (fixed_probability would draw it from each
    network's own seed)."""
    rng = np.random.default_rng(seed)
    return np.where(rng.random((post, pre)) < p, w, np.nan)


def network(batch, seed, threads=1):
    """A COBA-like E/I network in a hybrid one: a noisy rate-coded drive makes a
    PoissonPopulation(target=) spike, which excites E through a 1 ms delay; a
    SpikeSourceArray; E -> E with a 0.5 ms delay, E -> I with per-synapse delays (0.1 to
    2 ms), I -> E, I with a custom pre_spike
    (g_target only); a psp= synapse E -> I; the drive into I's g_cur (CurrentInjection);
    E decoded into a rate-coded readout (DecodingProjection); I's firing rate
    (compute_firing_rate); refractory neurons."""
    net = ng.Network(dt=0.1, seed=seed, batch=batch, num_threads=threads)
    drive = net.create(NI, ng.Neuron(parameters="base = 0.0",
                                     equations="r = pos(base + Uniform(-20.0, 20.0))"))
    poisson = net.create(ng.PoissonPopulation(NI, target="exc"))
    source = net.create(ng.SpikeSourceArray([[1.0, 5.0, 9.0], [2.0, 6.0]]))
    exc = net.create(NE, COBA, name="E")
    inh = net.create(NI, COBA, name="I")
    readout = net.create(4, ng.Neuron(equations="5.0 * dr/dt + r = sum(exc)"))
    net.connect(drive, poisson, "exc").connect_one_to_one(weights=1.0)
    net.connect(poisson, exc, "exc").connect_from_matrix(matrix(NE, NI, 0.3, 0.4, 1),
                                                         delays=1.0)
    net.connect(source, exc, "exc").connect_all_to_all(weights=2.0)
    inhibition = ng.Synapse(pre_spike="g_target += 2.0 * w")
    for k, post in enumerate((exc, inh)):
        weights = matrix(post.size, NE, 0.1, 0.3, 2 + k)
        delays = 0.5 if post is exc else \
            0.1 * np.random.default_rng(8).integers(1, 21, np.count_nonzero(~np.isnan(weights)))
        net.connect(exc, post, "exc").connect_from_matrix(weights, delays=delays)
        net.connect(inh, post, "inh", synapse=inhibition).connect_from_matrix(
            matrix(post.size, NI, 0.2, 0.5, 4 + k))
    inh.compute_firing_rate(2.0)
    net.connect(exc, inh, "inh", synapse=ng.Synapse(psp="w * (pre.v + 60.0)")) \
        .connect_from_matrix(matrix(NI, NE, 0.1, 0.005, 6))
    net.connect(ng.CurrentInjection(drive, inh, "cur")).connect_current()
    net.connect(ng.DecodingProjection(exc, readout, "exc", window=2.0)) \
        .connect_from_matrix(matrix(4, NE, 0.5, 1.0, 7))
    mon = net.monitor(exc, ["spike", "v", "g_exc"])
    rates = net.monitor(readout, "r"), net.monitor(inh, "r")   # decoded, firing rate
    net.compile(silent=True)
    return net, drive, exc, mon, rates


def initial(batch):
    """Each copy's initial potentials of E and baselines of the drive."""
    rng = np.random.default_rng(1)
    return rng.uniform(-60.0, -50.0, (batch, NE)), rng.uniform(20.0, 60.0, (batch, NI))


def run(batch, seed, threads=1, values=None):
    net, drive, exc, mon, rates = network(batch, seed, threads)
    exc.v, drive.base = initial(batch) if values is None else values
    net.simulate(STEPS * 0.1)
    return net, exc, mon, rates


def test_batched_copies_equal_single_runs():
    B, seed = 3, 7
    net, exc, mon, rates = run(B, seed)
    spikes, v, g = mon.get("spike"), mon.get("v"), mon.get("g_exc")
    r, fr = (m.get("r") for m in rates)
    assert isinstance(spikes, list) and len(spikes) == B
    assert v.shape == g.shape == (STEPS, B, NE) and r.shape == (STEPS, B, 4)
    assert fr.shape == (STEPS, B, NI)
    assert exc.v.shape == exc.get(SPIKED).shape == exc.get(LAST_SPIKE).shape == (B, NE)
    assert len(exc.spike) == B and all(isinstance(ranks, list) for ranks in exc.spike)
    for b in range(B):
        net1, exc1, mon1, rates1 = run(1, seed + b, values=[x[b] for x in initial(B)])
        assert spikes[b] == mon1.get("spike")
        np.testing.assert_array_equal(v[:, b], mon1.get("v"))
        np.testing.assert_array_equal(g[:, b], mon1.get("g_exc"))
        np.testing.assert_array_equal(r[:, b], rates1[0].get("r"))
        np.testing.assert_array_equal(fr[:, b], rates1[1].get("r"))
        np.testing.assert_array_equal(exc.v[b], exc1.v)
        assert exc.spike[b] == exc1.spike
    counts = [sum(map(len, s.values())) for s in spikes]
    assert min(counts) > 50 and spikes[0] != spikes[1]    # active, and the copies differ
    assert r[-1].min() > 0 and fr[-1].max() > 0


def test_batched_spikes_bit_identical_across_threads():
    runs = []
    for threads in (1, 2):
        net, exc, mon, rates = run(3, 5, threads=threads)
        runs.append((mon.get("spike"), mon.get("v")))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_spike_statistics_of_a_batch_take_one_copy():
    net, exc, mon, rates = run(2, 3)
    with pytest.raises(NeurogenError, match=r"get\('spike', keep=True\)\[b\]"):
        mon.mean_fr()
    spikes = mon.get("spike", keep=True)
    assert mon.mean_fr(spikes[1]) == pytest.approx(
        sum(map(len, spikes[1].values())) / NE / (STEPS * 1e-4))


def _refused(synapse=None, stop=None, structural=False):
    net = ng.Network(dt=0.1, batch=2)
    net.config(structural_plasticity=structural)
    pop = net.create(10, COBA, stop_condition=stop)
    net.connect(pop, pop, "exc", synapse=synapse).connect_all_to_all(weights=0.1)
    net.compile(silent=True)


@pytest.mark.parametrize("kwargs, match", [
    (dict(synapse=ng.models.STDP), r"writes 'w', 'x', 'y' at spikes"),
    (dict(synapse=ng.models.STP), r"writes 'u', 'x' at spikes"),
    (dict(synapse=ng.Synapse(post_spike="w += 0.01")), r"writes 'w' at spikes"),
    (dict(synapse=ng.Synapse(parameters="tau = 10.0", equations="tau * dw/dt = -w")),
     "synapse equations"),
    (dict(synapse=ng.Synapse(pruning="w < 0.0"), structural=True), "creating/pruning"),
    (dict(stop="v > -50.0"), "simulate_until"),
])
def test_what_a_batch_cannot_share_is_refused_by_name(kwargs, match):
    with pytest.raises(NetworkError, match=match):
        _refused(**kwargs)
