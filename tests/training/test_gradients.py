"""Generated gradients of every supported construct against central finite differences
(double precision, relative error <= 1e-6 per trained value)."""
import pytest

from neurogen import Neuron
from neurogen.training import TrainingError

from trainutil import data, finite_difference_check, mse_trainer, small_network

CONSTRUCTS = {
    "relu assignment (pos)": Neuron(
        parameters="tau = 10.0 : population\nb = 0.1",
        equations="r = pos(r * (1 - dt/tau) + dt/tau * (sum(in) + sum(rec) + b))"),
    "tanh ODE, explicit": Neuron(
        parameters="tau = 5.0 : population\nb = 0.1",
        equations="tau * dr/dt = -r + tanh(sum(in) + sum(rec) + b)"),
    "sigmoid (functions=)": Neuron(
        parameters="b = 0.1\ng = 1.5 : population",
        equations="r = sigmoid(g * (sum(in) + sum(rec)) + b)",
        functions="sigmoid(x) = 1 / (1 + exp(-x))"),
    "exp": Neuron(parameters="b = 0.1\ntau = 4.0 : population",
                  equations="tau * dr/dt = -r + 0.5 * exp(-(sum(in) + sum(rec) + b)^2)"),
    "clip": Neuron(parameters="b = 0.1",
                   equations="r = clip(0.8 * r + sum(in) + sum(rec) + b, -0.6, 0.6)"),
    "min/max flags": Neuron(parameters="tau = 3.0 : population\nb = 0.2",
                            equations="tau * dr/dt = -r + sum(in) + sum(rec) + b : min=0.0, max=0.7"),
    "max/min functions": Neuron(parameters="b = 0.1",
                                equations="r = max(sum(in) + b, 0.1 * (sum(in) + b)) + min(sum(rec), 0.3)"),
    "abs": Neuron(parameters="b = 0.1", equations="r = 0.5 * r + 0.3 * abs(sum(in) + sum(rec) + b)"),
    "two variables, midpoint": Neuron(
        parameters="tau = 4.0 : population\nb = 0.1",
        equations="tau * dv/dt = -v + sum(in) + sum(rec) + b : midpoint\nr = tanh(v)"),
    "rk4": Neuron(parameters="tau = 6.0 : population\nb = 0.1",
                  equations="tau * dv/dt = -v + tanh(sum(in) + sum(rec) + b) : rk4\nr = v"),
    "coupled ODEs": Neuron(
        parameters="tau = 5.0 : population\ntau_a = 8.0 : population\nb = 0.1",
        equations="tau * dv/dt = -v + sum(in) + sum(rec) - a + b\n"
                  "tau_a * da/dt = -a + 0.5 * r\nr = tanh(v)"),
    "exponential and implicit methods": Neuron(
        parameters="tau = 5.0 : population\nb = 0.1",
        equations="tau * dv/dt = -v + sum(in) + b : exponential\n"
                  "tau * du/dt = -u + tanh(sum(rec) + v) : implicit\nr = u + 0.5 * v"),
}


@pytest.mark.parametrize("name", list(CONSTRUCTS))
def test_gradient_matches_finite_differences(name):
    neuron = CONSTRUCTS[name]
    net, inp, pop, out, projs = small_network(neuron)
    params = [a.name for a in pop.ir.attributes if a.kind == "parameter"]
    trainer = mse_trainer(net, inp, out, projs + [f"pop.{p}" for p in params] + ["out.c"])
    x, y = data()
    assert finite_difference_check(trainer, x, y) <= 1e-6


def test_cross_entropy_with_mask_matches_finite_differences():
    import numpy as np
    net, inp, pop, out, projs = small_network(CONSTRUCTS["tanh ODE, explicit"], n_out=3)
    from neurogen.training import Trainer
    trainer = Trainer(net, inp, out, projs + ["pop.b"], loss="cross_entropy")
    x, _ = data(n_out=3)
    labels = np.random.default_rng(1).integers(0, 3, size=x.shape[:2])
    mask = (np.arange(x.shape[0])[:, None] >= 3) * np.ones(x.shape[:2])
    loss_all, grads = trainer.gradient(x, labels, mask)
    h = 1e-6
    view = trainer.model.views["w_in"]
    fd = np.zeros(view.shape)
    for idx in np.ndindex(view.shape):
        keep = view[idx]
        view[idx] = keep + h
        up = trainer.loss_fn(trainer.model.forward(x), labels, mask)[0]
        view[idx] = keep - h
        down = trainer.loss_fn(trainer.model.forward(x), labels, mask)[0]
        view[idx] = keep
        fd[idx] = (up - down) / (2 * h)
    assert np.linalg.norm(grads["w_in"] - fd) / np.linalg.norm(fd) <= 1e-6


def test_constants_enter_as_values():
    neuron = Neuron(parameters="b = 0.1", equations="r = tanh(gain * (sum(in) + sum(rec)) + b)")
    net, inp, pop, out, projs = small_network(neuron, constants={"gain": 1.7})
    trainer = mse_trainer(net, inp, out, projs + ["pop.b"])
    x, y = data()
    assert finite_difference_check(trainer, x, y) <= 1e-6
    before = trainer.evaluate(x, y)[0]
    net.constants["gain"].set(0.5)          # runtime data: a new trainer, same kernel
    again = mse_trainer(net, inp, out, projs + ["pop.b"])
    assert again.model.build_info["key"] == trainer.model.build_info["key"]
    assert again.evaluate(x, y)[0] != before


REFUSED = {
    "random draw": ("r = tanh(sum(in) + Normal(0.0, 1.0))", "random"),
    "conditional": ("r = ite(sum(in) > 0, sum(in), 0.0)", "conditional"),
    "heaviside": ("r = heaviside(sum(in))", "conditional"),
    "global operation": ("r = sum(in) - mean(r)", "global operation"),
    "modulo": ("r = modulo(sum(in), 2.0)", "modulo"),
    "floor": ("r = floor(sum(in))", "floor"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_non_differentiable_constructs_are_refused(name):
    equation, word = REFUSED[name]
    net, inp, pop, out, projs = small_network(Neuron(equations=equation), recurrent=False)
    with pytest.raises(TrainingError) as info:
        mse_trainer(net, inp, out, projs)
    assert word in str(info.value) and equation.split("=")[1].strip()[:8] in str(info.value)


def test_learning_rules_and_delays_are_refused():
    from neurogen import Synapse, Uniform
    neuron = Neuron(equations="r = tanh(sum(in))")
    net, inp, pop, out, projs = small_network(neuron, recurrent=False)
    hebb = Synapse(parameters="eta = 0.01 : projection", equations="dw/dt = eta * pre.r * post.r")
    extra = net.connect(pop, out, "ro", synapse=hebb, name="hebb").all_to_all(weights=0.1)
    with pytest.raises(TrainingError, match="learning rules"):
        mse_trainer(net, inp, out, projs)
    del extra
    net, inp, pop, out, projs = small_network(neuron, recurrent=False)
    net.connect(inp, pop, "in", name="slow").all_to_all(weights=Uniform(0, 1), delays=3.0)
    with pytest.raises(TrainingError, match="delays"):
        mse_trainer(net, inp, out, projs)


def test_unknown_trainable_names_get_a_hint():
    net, inp, pop, out, projs = small_network(Neuron(parameters="bias = 0.0",
                                                     equations="r = tanh(sum(in) + bias)"),
                                              recurrent=False)
    with pytest.raises(TrainingError, match="did you mean 'bias'"):
        mse_trainer(net, inp, out, ["pop.bais"])
    with pytest.raises(TrainingError, match="did you mean 'w_out'"):
        mse_trainer(net, inp, out, ["w_ot"])
    with pytest.raises(TrainingError, match="nothing to train"):
        mse_trainer(net, inp, out, [])


def test_clamped_rates_outside_the_inputs_are_refused():
    from neurogen.models import InputNeuron
    net, inp, pop, out, projs = small_network(Neuron(equations="r = tanh(sum(in))"),
                                              recurrent=False)
    other = net.create(2, InputNeuron, name="other")
    net.connect(other, pop, "in", name="w_other").all_to_all(weights=0.5)
    with pytest.raises(TrainingError, match="'other': 'r' is a parameter"):
        mse_trainer(net, inp, out, projs)
