"""Networks the CUDA tests build on both backends: the tutorial's neural field, the CANN
with a tracking input, and a network with every other feature the kernels cover
(learning, uniform and per-synapse delays, a custom psp, global operations, a stop
condition). Each returns ``(network, objects to read back)``."""
import numpy as np

import neurogen as ng
from neurogen.models import CANN1D
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


MODELS = {"neural_field": neural_field, "cann": cann, "kitchen_sink": kitchen_sink}
