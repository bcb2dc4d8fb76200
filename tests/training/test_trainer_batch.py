"""The batch is ``Network(batch=B)``'s: a training step's trials are the network's B
copies (the same gradients as a batch=1 network given those trials), data of another
batch are refused for B > 1 and accepted for B = 1, ``Trainer.dataset`` defaults to B,
values that differ between copies are refused, ``apply()`` writes every copy."""
import numpy as np
import pytest

from neurogen import Network, Neuron
from neurogen.models import InputNeuron
from neurogen.tasks import PerceptualDecisionMaking
from neurogen.training import Trainer, TrainingError

from trainutil import Readout, data

Cell = Neuron(parameters="tau = 4.0 : population\n b = 0.1 : trainable",
              equations="tau * dr/dt + r = sum(in) + sum(rec) + b", name="Cell")


def network(batch, n_in=2, n=3, n_out=2):
    rng = np.random.default_rng(5)
    net = Network(dt=1.0, seed=1, batch=batch)
    inp = net.create(n_in, InputNeuron, name="inp")
    pop = net.create(n, Cell, name="pop")
    out = net.create(n_out, Readout, name="out")
    w_in = net.connect(inp, pop, "in", name="w_in").connect_from_matrix(
        rng.uniform(-1, 1, (n, n_in)))
    net.connect(pop, pop, "rec", name="w_rec").connect_from_matrix(
        rng.uniform(-0.5, 0.5, (n, n)))
    net.connect(pop, out, "ro", name="w_out").connect_from_matrix(
        rng.uniform(-1, 1, (n_out, n)))
    out.c = 0.05
    return net, inp, pop, out, w_in


def test_the_trials_of_a_step_are_the_network_copies():
    x, y = data(batch=4)
    results = []
    for batch in (4, 1):
        net, inp, _, out, w_in = network(batch)
        trainer = Trainer(net, inp, out, [w_in], loss="mse")
        assert trainer.batch == batch
        results.append(trainer.gradient(x, y))
    (loss, grads), (loss_1, grads_1) = results
    assert loss == loss_1
    for name, value in grads.items():
        assert np.array_equal(value, grads_1[name])


def test_another_batch_is_accepted_for_batch_1_networks_only():
    net, inp, _, out, w_in = network(4)
    trainer = Trainer(net, inp, out, [w_in], loss="mse")
    with pytest.raises(TrainingError, match="runs batch=4 copies.*give 4 trials, not 3"):
        trainer.gradient(*data(batch=3))
    net, inp, _, out, w_in = network(1)
    trainer = Trainer(net, inp, out, [w_in], loss="mse")
    for batch in (3, 5):
        trainer.gradient(*data(batch=batch))


def test_the_dataset_defaults_to_the_network_batch():
    task = PerceptualDecisionMaking(dt=100, seed=0)
    net, inp, _, _, w_in = network(4, n_in=3, n_out=3)
    trainer = Trainer(net, inp, net.populations[2], [w_in])
    x, y = trainer.dataset(task, seq_len=20)()
    assert x.shape == (20, 4, 3) and y.shape == (20, 4)
    assert trainer.dataset(task, 10, batch_size=2)()[0].shape == (10, 2, 3)
    trainer.fit(trainer.dataset(task, 20), iterations=2, progress=False)


def test_values_that_differ_between_copies_are_refused_and_apply_writes_every_copy():
    net, inp, pop, out, w_in = network(4)
    pop.b = np.arange(12.0).reshape(4, 3)
    with pytest.raises(TrainingError, match="'b' differs between the network's 4 copies"):
        Trainer(net, inp, out, [w_in], loss="mse")
    pop.b = [0.1, 0.2, 0.3]
    trainer = Trainer(net, inp, out, [w_in], loss="mse")
    assert np.array_equal(trainer.values()["pop.b"], [0.1, 0.2, 0.3])
    trainer.model.set_values({"pop.b": np.array([1.0, 2.0, 3.0])})
    trainer.apply()
    assert np.array_equal(np.asarray(pop.b), np.tile([1.0, 2.0, 3.0], (4, 1)))
