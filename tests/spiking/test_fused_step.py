"""The fused step of a spiking population on several threads (codegen/spiking.py: fuse):
each thread receives the spikes onto its own neurons, updates them and lists their
spikes in one parallel region. Checked bit for bit against one thread (which runs the
unfused step), with uniform and per-synapse delays, projections between populations in
both directions, a Poisson input, compute_firing_rate and a conductance monitor (which
makes a step fall back to the unfused order), on two and three threads (uneven ranges)."""
import numpy as np
import pytest

import neurogen as ng
from neurogen.codegen import render
from neurogen.runtime import watch
from netutil import coba_neuron

COBA = coba_neuron(refractory=2.0)


def _run(threads, tmp_path, monitor_g=False):
    net = ng.Network(dt=0.1, seed=11, num_threads=threads)
    a = net.create(701, COBA)
    b = net.create(503, COBA)
    noise = net.create(ng.PoissonPopulation(97, rates=40.0))
    for pop in (a, b):
        pop.v = ng.Uniform(-60.0, -50.0)
    net.connect(a[:560], a, "exc").fixed_probability(0.05, weights=0.6)
    net.connect(a[560:], a, "inh").fixed_probability(0.05, weights=0.3,
                                                    delays=ng.Uniform(0.1, 2.0))
    net.connect(a, b, "exc").fixed_probability(0.04, weights=0.5, delays=1.5)
    net.connect(b, a, "inh").fixed_probability(0.03, weights=0.1)
    net.connect(noise, b, "exc").fixed_probability(0.2, weights=0.8)
    a.compute_firing_rate(5.0)
    spikes = net.monitor(a, "spike"), net.monitor(b, "spike")
    g = net.monitor(b, "g_exc", start=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "PARALLEL_THRESHOLD", 1)     # fused from the first neuron
        patch.setattr(watch.ThreadChooser, "next", lambda self: (self.options[0], False))
        net.compile(silent=True, directory=str(tmp_path / f"t{threads}"))
        net.simulate(40.0)
        if monitor_g:                # these steps record g between arrival and update
            g.start()
        net.simulate(20.0)
    code = (tmp_path / f"t{threads}" / "network.cpp").read_text()
    return code, {"spikes": [m.get("spike") for m in spikes], "v": [a.v.copy(), b.v.copy()],
                  "g": [a.g_exc.copy(), a.g_inh.copy(), b.g_exc.copy()], "r": a.r.copy(),
                  "recorded": g.get("g_exc") if monitor_g else None}


@pytest.mark.parametrize("monitor_g", [False, True])
def test_fused_step_gives_the_bits_of_one_thread(tmp_path, monitor_g):
    code, one = _run(1, tmp_path, monitor_g)
    assert "if (fuse0)" in code and "if (fuse1)" in code     # both populations fused
    assert sum(len(t) for t in one["spikes"][1].values()) > 200   # b fires
    assert one["r"].max() > 0.0
    for threads in (2, 3):
        _, many = _run(threads, tmp_path, monitor_g)
        assert many["spikes"] == one["spikes"], threads
        for key in ("v", "g"):
            for x, y in zip(one[key], many[key]):
                np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(one["r"], many["r"])
        if monitor_g:
            np.testing.assert_array_equal(one["recorded"], many["recorded"])


def test_a_projection_that_writes_more_than_its_conductance_is_not_fused(tmp_path):
    """An STDP-like pre_spike writes the weight: the population keeps the unfused step."""
    net = ng.Network(dt=0.1, seed=1)
    a = net.create(50, COBA)
    net.connect(a, a, "exc", synapse=ng.Synapse(
        parameters="tau = 10.0", equations="tau * dx/dt = -x : event-driven",
        pre_spike="g_target += w\nx += 1.0")).fixed_probability(0.1, weights=0.1)
    net.compile(silent=True, directory=str(tmp_path))
    assert "fuse0" not in (tmp_path / "network.cpp").read_text()
