"""Projections stored as kernels in training: ``fft`` and ``separable`` (an offset kernel,
``W[i, j] = t[i - j]``) run as fixed taps, forward and transposed (the correlation with
the kernel), without a (post, pre) matrix; the convolution extension's ``filter`` runs
on its CSR arrays. Their gradients equal those of the same weights stored ``dense``
(1e-10) and central finite differences; training their weights is refused."""
import numpy as np
import pytest

from neurogen import Network, Neuron, Uniform
from neurogen.extensions.convolution import Convolution
from neurogen.models import InputNeuron
from neurogen.training import Trainer, TrainingError

from trainutil import Readout, finite_difference_check

Field = Neuron(parameters="tau = 10.0 : population\n b = 0.0",
               equations="tau * dr/dt + r = sum(exc) + sum(inh) + b : min=0.0, max=1.0",
               name="Field")


def skewed_dog(dx, dy=None):
    """A difference of Gaussians moved off centre: not symmetric, so W^T != W."""
    dy = np.zeros_like(dx) if dy is None else dy
    d2 = ((dx - 1.5) / 11) ** 2 + ((dy + 0.5) / 11) ** 2
    return 0.6 * np.exp(-d2 / 0.01) - 0.3 * np.exp(-d2 / 0.49)


def neural_field(storage, geometry=(12, 12), periodic=False, seed=1):
    """The tutorial's field (a DoG lateral projection on the grid) with a trainable
    one-to-one input (CSR) and readout (dense)."""
    net = Network(dt=1.0, seed=seed)
    inp = net.create(geometry, InputNeuron, name="inp")
    field = net.create(geometry, Field, name="field")
    out = net.create(3, Readout, name="out")
    field.b = Uniform(0.1, 0.3)
    ff = net.connect(inp, field, "exc", name="ff").connect_one_to_one(weights=Uniform(0.5, 1.5))
    lat = net.connect(field, field, "inh", name="lat").connect_from_offset_function(
        skewed_dog, periodic=periodic, storage_format=storage)
    ro = net.connect(field, out, "ro", name="ro").all_to_all(weights=Uniform(-0.2, 0.2))
    return net, inp, out, [ff, ro, "field.b"]


def _data(size, steps=8, batch=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(size=(steps, batch, size)), rng.normal(size=(steps, batch, 3))


def _gradients(storage, data, **options):
    net, inp, out, trainable = neural_field(storage, **options)
    trainer = Trainer(net, inp, out, trainable, loss="mse")
    assert trainer.problem.ir.projections[1].storage == storage
    return trainer, trainer.gradient(*data)


@pytest.mark.parametrize("storage,geometry,periodic", [
    ("fft", (12, 12), False), ("separable", (12, 12), False), ("fft", (5, 7), False),
    ("fft", (16,), True)])
def test_kernel_storage_gradients_equal_the_dense_ones(storage, geometry, periodic):
    data = _data(int(np.prod(geometry)))
    dense, (loss_d, grads_d) = _gradients("dense", data, geometry=geometry, periodic=periodic)
    trainer, (loss, grads) = _gradients(storage, data, geometry=geometry, periodic=periodic)
    # the taps are the dense matrix, and no (post, pre) buffer is made for them
    assert np.array_equal(trainer.problem.dense_weights(1), dense.problem.values.weights[1])
    assert ("weights_t", 1) not in trainer.model.buffers
    assert trainer.model.fixed[("weights", 1)].ndim == 1
    assert abs(loss - loss_d) <= 1e-12 * abs(loss_d)
    for name, value in grads.items():
        assert np.linalg.norm(value - grads_d[name]) <= 1e-10 * np.linalg.norm(grads_d[name])
    trainer.model.fixed[("weights", 1)][...] = 0.0      # the lateral projection matters
    assert abs(trainer.gradient(*data)[0] - loss) > 1e-6


def test_fft_field_against_finite_differences():
    net, inp, out, trainable = neural_field("fft", geometry=(4, 5))
    trainer = Trainer(net, inp, out, trainable, loss="mse")
    assert finite_difference_check(trainer, *_data(inp.size, steps=6)) < 1e-8


@pytest.mark.parametrize("storage", ["fft", "separable"])
def test_training_a_kernel_is_refused(storage):
    net, inp, out, trainable = neural_field(storage, geometry=(4, 4))
    with pytest.raises(TrainingError, match=f"stored as '{storage}'.*one offset kernel"):
        Trainer(net, inp, out, trainable + ["lat"], loss="mse")


FILTER = np.array([[0.1, -0.4, 0.2], [0.5, 0.3, -0.2], [0.0, 0.25, -0.1]])


def _convolution_net(matrix=None):
    """inp -(Convolution, or ``matrix`` stored dense)-> feat -> out."""
    net = Network(dt=1.0, seed=4)
    inp = net.create((6, 7), InputNeuron, name="inp")
    feat = net.create((6, 7), Field, name="feat")
    out = net.create(3, Readout, name="out")
    feat.b = 0.2
    if matrix is None:
        conv = net.connect(Convolution(inp, feat, "exc", name="conv")).connect_filter(FILTER)
    else:
        conv = net.connect(inp, feat, "exc", name="conv").connect_from_matrix(
            matrix, storage_format="dense")
    ro = net.connect(feat, out, "ro", name="ro").all_to_all(weights=Uniform(-0.3, 0.3))
    return net, inp, out, conv, [ro, "feat.b"]


def test_convolution_filter_runs_fixed_on_its_csr_arrays():
    net, inp, out, conv, trainable = _convolution_net()
    trainer = Trainer(net, inp, out, trainable, loss="mse")
    assert trainer.problem.ir.projections[0].storage == "filter"
    assert 0 in trainer.problem.values.csr
    with pytest.raises(TrainingError, match="shares its filter"):
        Trainer(net, inp, out, trainable + [conv], loss="mse")
    data = _data(inp.size)
    loss, grads = trainer.gradient(*data)
    net_d, inp_d, out_d, _, trainable_d = _convolution_net(conv.connectivity_matrix(np.nan))
    loss_d, grads_d = Trainer(net_d, inp_d, out_d, trainable_d, loss="mse").gradient(*data)
    assert abs(loss - loss_d) <= 1e-12 * abs(loss_d)
    for name, value in grads.items():
        assert np.linalg.norm(value - grads_d[name]) <= 1e-10 * np.linalg.norm(grads_d[name])
    assert finite_difference_check(trainer, *_data(inp.size, steps=5)) < 1e-8
