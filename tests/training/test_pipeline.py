"""Training as a pass of the simulation's pipeline: the network's backend builds the
kernels, and a backend without training kernels is refused by name."""
import pytest

from neurogen import Network
from neurogen.models import rate_rnn
from neurogen.training import Trainer, TrainingError


def test_a_cuda_network_is_refused_with_a_reason():
    net = Network(dt=100.0, seed=0, paradigm="cuda")
    model = rate_rnn(net, 3, 4, 3)
    with pytest.raises(TrainingError, match="rendered for OpenMP only.*'cuda'"):
        Trainer(net, model.inp, model.out, model.trainable)


def test_kernels_are_built_by_the_networks_backend():
    net = Network(dt=100.0, seed=0)
    model = rate_rnn(net, 3, 4, 3)
    trainer = Trainer(net, model.inp, model.out, model.trainable)
    assert trainer.model.problem.backend is net.backend
    assert "ng_max" in trainer.model.source and "ng_modulo" in trainer.model.source


def test_the_refusal_is_the_backends_capability(monkeypatch):
    net = Network(dt=100.0, seed=0)
    model = rate_rnn(net, 3, 4, 3)
    monkeypatch.setattr(type(net.backend), "trains", False)
    monkeypatch.setattr(type(net.backend), "no_training", "no kernels here")
    with pytest.raises(TrainingError, match="no kernels here; this network's backend is "
                                            "'openmp'"):
        Trainer(net, model.inp, model.out, model.trainable)
