"""``: trainable`` in a neuron's parameters: a parse-level flag recorded in the IR,
refused on variables and synapses (unknown flags keep their did-you-mean), picked up by
the trainer with or without ``trainable=[...]``, and no part of the simulation (its
OpenMP sources are byte-identical with and without the flag)."""
import numpy as np
import pytest

from neurogen import Neuron, Synapse, backends
from neurogen.codegen.plan import build_plan
from neurogen.codegen.render import render
from neurogen.core.freeze import freeze
from neurogen.errors import FlagError
from neurogen.training import Trainer, TrainingError

from trainutil import data, small_network

EQUATION = "tau * dr/dt + r = sum(in) + sum(rec) + b : min=0.0"
FLAGGED = Neuron(parameters="tau = 5.0 : population, trainable\n b = 0.0 : trainable",
                 equations=EQUATION, name="Flagged")
PLAIN = Neuron(parameters="tau = 5.0 : population\n b = 0.0", equations=EQUATION,
               name="Flagged")


def test_the_flag_is_recorded_in_the_ir():
    attrs = {a.name: a for a in FLAGGED.parse().attributes}
    assert attrs["tau"].trainable and attrs["b"].trainable and not attrs["r"].trainable
    assert attrs["tau"].locality == "global"
    assert not any(a.trainable for a in PLAIN.parse().attributes)


@pytest.mark.parametrize("parameters, equations, message", [
    ("b = 0.0 : trainabel", "r = b", "unknown flag 'trainabel'; did you mean 'trainable'"),
    ("b = 0.0", "r = b : trainable", "'r' is a variable .*only parameters can be trainable"),
    ("b = 0.0", "tau * dr/dt = b : init=0.1, trainable", "'r' is a variable"),
    ("b = 0.0 : trainable=yes", "r = b", "flag 'trainable' takes no value")])
def test_misplaced_flags_are_refused(parameters, equations, message):
    with pytest.raises(FlagError, match=message):
        Neuron(parameters=parameters, equations=equations).parse()


def test_a_synapse_parameter_cannot_be_trainable():
    post = PLAIN.parse()
    with pytest.raises(FlagError, match="'eta' is a synapse parameter"):
        Synapse(parameters="eta = 0.1 : trainable", equations="dw/dt = eta").parse(
            post, post, {}, "explicit")


def _openmp_sources(net):
    backend = backends.get("openmp")
    return render(build_plan(freeze(net, net.backend), backend), backend)


def test_simulate_ignores_the_flag():
    flagged, plain = small_network(FLAGGED)[0], small_network(PLAIN)[0]
    assert _openmp_sources(flagged) == _openmp_sources(plain)
    for net in (flagged, plain):
        net.compile()
        net.simulate(5)
    assert np.array_equal(flagged.populations[1].r, plain.populations[1].r)


def test_the_trainer_trains_flagged_parameters():
    x, y = data()
    net, inp, _, out, projs = small_network(FLAGGED)
    flagged = Trainer(net, inp, out, loss="mse")               # the flags alone
    assert set(flagged.model.views) == {"pop.tau", "pop.b"}
    net, inp, _, out, projs = small_network(FLAGGED)
    both = Trainer(net, inp, out, [projs[0]], loss="mse")      # in addition to the list
    assert set(both.model.views) == {"w_in", "pop.tau", "pop.b"}
    net, inp, _, out, projs = small_network(PLAIN)
    listed = Trainer(net, inp, out, [projs[0], "pop.tau", "pop.b"], loss="mse")
    loss, grads = both.gradient(x, y)
    loss_l, grads_l = listed.gradient(x, y)
    assert loss == loss_l
    for name, value in grads.items():
        assert np.array_equal(value, grads_l[name])
    net, inp, _, out, _ = small_network(PLAIN)
    with pytest.raises(TrainingError, match="nothing to train.*: trainable"):
        Trainer(net, inp, out, loss="mse")


def test_annarchy5_parameter_takes_trainable():
    """``Parameter(..., trainable=True)`` (dict syntax) is the ``: trainable`` flag."""
    from neurogen import Parameter
    from neurogen.errors import ModelError
    neuron = Neuron(parameters=dict(tau=Parameter(5.0, "global", trainable=True),
                                    b=Parameter(0.0), c=0.5),
                    equations=EQUATION + " + c")
    attrs = {a.name: a for a in neuron.parse().attributes}
    assert attrs["tau"].trainable and attrs["tau"].locality == "global"
    assert not attrs["b"].trainable and not attrs["c"].trainable
    with pytest.raises(ModelError, match="trainable must be True or False, got 'yes'"):
        Neuron(parameters=dict(b=Parameter(0.0, trainable="yes")), equations="r = b")
