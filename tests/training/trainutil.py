"""Small networks for the training tests: inputs -> one population under test -> readout."""
import numpy as np

from neurogen import Constant, Network, Neuron, Uniform
from neurogen.models import InputNeuron
from neurogen.training import Trainer

Readout = Neuron(parameters="c = 0.0", equations="r = sum(ro) + c", name="Readout")


def small_network(neuron, n_in=2, n=3, n_out=2, seed=3, params=None, recurrent=True,
                  constants=None):
    """``inp -> pop (with recurrence) -> out``; returns (net, inp, pop, out, projections)."""
    net = Network(dt=1.0, seed=seed)
    for name, value in (constants or {}).items():
        Constant(name, value, net=net)
    inp = net.create(n_in, InputNeuron, name="inp")
    pop = net.create(n, neuron, name="pop")
    out = net.create(n_out, Readout, name="out")
    for name, value in (params or {}).items():
        setattr(pop, name, value)
    projs = [net.connect(inp, pop, "in", name="w_in").all_to_all(weights=Uniform(-1, 1))]
    if recurrent:
        projs.append(net.connect(pop, pop, "rec", name="w_rec").all_to_all(
            weights=Uniform(-0.5, 0.5), allow_self_connections=True))
    projs.append(net.connect(pop, out, "ro", name="w_out").all_to_all(weights=Uniform(-1, 1)))
    out.c = Uniform(-0.2, 0.2)
    return net, inp, pop, out, projs


def finite_difference_check(trainer, x, targets, h=1e-4):
    """Largest relative error (per trained value, norm-wise) between the generated
    gradient and fourth-order central differences of the loss (truncation ~h^4, so
    rounding, ~1e-16/h, dominates: ~1e-12)."""
    _, grads = trainer.gradient(x, targets)
    model = trainer.model
    worst = 0.0

    def loss_at(view, idx, value):
        view[idx] = value
        return trainer.evaluate(x, targets)[0]

    for name, view in model.views.items():
        fd = np.zeros(view.shape)
        for idx in np.ndindex(view.shape):
            keep = view[idx]
            f = [loss_at(view, idx, keep + k * h) for k in (-2, -1, 1, 2)]
            view[idx] = keep
            fd[idx] = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * h)
        err = np.linalg.norm(grads[name] - fd) / max(np.linalg.norm(fd), 1e-300)
        assert np.linalg.norm(fd) > 1e-8, f"{name}: the loss does not depend on it"
        worst = max(worst, err)
    return worst


def mse_trainer(net, inp, out, trainable, **kw):
    return Trainer(net, inp, out, trainable, loss="mse", **kw)


def data(n_in=2, n_out=2, steps=7, batch=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(steps, batch, n_in)), rng.normal(size=(steps, batch, n_out))


def two_variable_network():
    """``v`` relaxes to the weighted sums, ``r = tanh(v)``: a population whose state is
    (v, r); returns (trainer, inp, pop) with the input and recurrent weights trained."""
    net = Network(dt=1.0, seed=1)
    inp = net.create(2, InputNeuron, name="inp")
    pop = net.create(5, Neuron(parameters="tau = 4.0 : population",
                               equations="tau * dv/dt = -v + sum(in) + sum(rec)\n"
                                         "r = tanh(v)"), name="pop")
    out = net.create(2, Neuron(equations="r = sum(ro)"), name="out")
    a = net.connect(inp, pop, "in").all_to_all(weights=Uniform(-1, 1))
    b = net.connect(pop, pop, "rec").all_to_all(weights=Uniform(-1, 1),
                                                allow_self_connections=True)
    net.connect(pop, out, "ro").all_to_all(weights=1.0)
    return Trainer(net, inp, out, [a, b], loss="mse"), inp, pop

