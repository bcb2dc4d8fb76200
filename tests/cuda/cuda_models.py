"""Networks the CUDA tests build on both backends: the tutorial's neural field, the CANN
with a tracking input, a network with every other feature the kernels cover
(learning, uniform and per-synapse delays, a custom psp, global operations, a stop
condition), and a spiking network (SPIKING). Each returns ``(network, objects to read
back)``."""
import numpy as np

import neurogen as ng
from neurogen.models import CANN1D
from netutil import coba_neuron
from neurogen.tasks import SmoothTracking1D


def neural_field(paradigm, n=20, seed=7, precision="double"):
    net = ng.Network(dt=1.0, seed=seed, paradigm=paradigm, precision=precision)
    inp_neuron = ng.Neuron(parameters="baseline = 0.0",
                           equations="r = baseline + Uniform(-0.5, 0.5) : min=0.0")
    field_neuron = ng.Neuron(parameters="tau = 10.0 : population",
                             equations="tau * dr/dt + r = sum(exc) + sum(inh) "
                                       "+ Normal(0.0, 0.01) : min=0.0, max=1.0")
    inp = net.create((n, n), inp_neuron, name="input")
    focus = net.create((n, n), field_neuron, name="focus")
    net.connect(inp, focus, "exc").connect_one_to_one(1.0)
    net.connect(focus, focus, "inh").connect_dog(0.2, 0.1, 0.1, 0.7)
    x, y = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    inp.baseline = np.exp(-((x - n / 2) ** 2 + (y - n / 3) ** 2) / 8.0)
    monitor = net.monitor(focus, "r", period=5.0)
    return net, {"pops": [inp, focus], "monitor": monitor, "vars": ["r"]}


def cann(paradigm, num=128, seed=3, precision="double"):
    net = ng.Network(dt=0.1, seed=seed, paradigm=paradigm, precision=precision)
    model = CANN1D(num=num, k=8.1, a=0.5, A=10.0, net=net)
    task = SmoothTracking1D(model, Iext=(0.0, 1.0, -1.0), duration=(5.0, 5.0),
                            time_step=0.1)
    task.attach()
    monitor = net.monitor(model.pop, "u", period=1.0)
    return net, {"pops": [model.pop], "monitor": monitor, "vars": ["u", "r"],
                 "model": model, "task": task}


LEARNING = ng.Synapse(parameters="eta = 0.01 : projection",
                      equations="dw/dt = eta * pre.r * (post.r - 0.1) : min=-1.0, max=1.0")
MAXPSP = ng.Synapse(psp="w * pre.r * pre.r", operation="max")


def kitchen_sink(paradigm, seed=11, precision="double"):
    net = ng.Network(dt=0.5, seed=seed, paradigm=paradigm, precision=precision)
    src = net.create(30, ng.Neuron(parameters="f = 0.05",
                                   equations="r = 0.5 + 0.5 * sin(6.283185307179586 * f * t) "
                                             "+ Uniform(0.0, 0.1)"), name="src")
    hidden = net.create(25, ng.Neuron(
        parameters="tau = 5.0 : population\nthreshold = 2.0 : population",
        equations="tau * dv/dt = -v + sum(exc) + sum(slow) - 0.5 * sum(gate) - mean(r) "
                  ": method=rk4\nr = if v > 0 then v^2 / (1 + total(v^2)) else 0.0\n"
                  "rmax = max(r) : population"),
        name="hidden", stop_condition="v > threshold : any")
    rng = np.random.default_rng(seed)
    net.connect(src, hidden, "exc", synapse=LEARNING).connect_fixed_probability(
        0.4, ng.Uniform(0.0, 0.3))
    net.connect(src, hidden, "slow").connect_from_matrix(
        rng.uniform(0.0, 0.05, (25, 30)), delays=3.0)
    net.connect(hidden, hidden, "gate", synapse=MAXPSP).connect_fixed_number_pre(
        5, 0.5, delays=ng.DiscreteUniform(1, 4))
    monitor = net.monitor(hidden, ["v", "r"])
    return net, {"pops": [src, hidden], "monitor": monitor, "vars": ["r", "v"]}


STDP = ng.Synapse(
    parameters="tau_plus = 20.0 : projection\ntau_minus = 20.0 : projection\n"
               "A_plus = 0.01 : projection\nA_minus = 0.0105 : projection",
    equations="tau_plus * dx/dt = -x : event-driven\ntau_minus * dy/dt = -y : event-driven",
    pre_spike="g_target += w\nx += A_plus\nw = clip(w - y, 0.0, 1.0)",
    post_spike="y += A_minus\nw = clip(w + x, 0.0, 1.0)")


def spiking(paradigm, seed=5, precision="double"):
    """COBA-like neurons with uniform and per-synapse delays, Poisson and spike-array
    inputs, STDP (event-driven traces, post_spike) and compute_firing_rate."""
    net = ng.Network(dt=0.1, seed=seed, paradigm=paradigm, precision=precision)
    pop = net.create(300, coba_neuron(current="15.0", refractory=2.0), name="pop")
    pop.v = ng.Uniform(-60.0, -50.0)
    noise = net.create(ng.PoissonPopulation(50, rates=30.0), name="noise")
    cue = net.create(ng.SpikeSourceArray([[1.0 + 2.0 * k, 30.0] for k in range(20)]), name="cue")
    net.connect(pop[:240], pop, "exc").connect_fixed_probability(0.05, 0.5)
    net.connect(pop[240:], pop, "inh").connect_fixed_probability(
        0.05, 2.0, delays=ng.DiscreteUniform(0.1, 2.0))
    net.connect(noise, pop, "exc", synapse=STDP).connect_fixed_probability(
        0.2, ng.Uniform(0.2, 0.6), delays=1.5)
    net.connect(cue, pop[:100], "exc").connect_all_to_all(0.3)
    pop.compute_firing_rate(10.0)
    monitor = net.monitor(pop, ["spike", "v", "g_exc"])
    return net, {"pops": [pop], "monitor": monitor, "vars": ["v", "g_exc", "g_inh", "r"]}


MODELS = {"neural_field": neural_field, "cann": cann, "kitchen_sink": kitchen_sink}
SPIKING = {"spiking": spiking}
