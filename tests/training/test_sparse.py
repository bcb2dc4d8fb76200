"""Sparse connectivity in training. The seed RNN with a recurrent
``connect_fixed_probability(0.5)``: stored as CSR it trains on its CSR arrays (one weight
per synapse), and its gradients equal those of the same synapses stored dense (a masked
matrix) and central finite differences; absent synapses have no weight to get, through
an optimizer step and apply(). A dense matrix with absent synapses keeps them at 0 even
when a full matrix is set. A 2000-neuron recurrent projection at p = 0.05 trains without
a (post, pre) matrix."""
import tracemalloc

import numpy as np
import pytest

from neurogen import Network, Normal, Uniform
from neurogen.models import InputNeuron
from neurogen.models.rnn import RateRNNNeuron, ReadoutNeuron
from neurogen.tasks import PerceptualDecisionMaking
from neurogen.training import Adam, Trainer

H = 1e-6     # step of the fourth-order central difference: truncation ~H^4, rounding ~1e-16/H;
             # small, so that no ReLU kink falls within +-2H of a unit's input
TOL = 1e-8   # relative error, norm-wise over the existing synapses (measured: 1.6e-10)


def sparse_rnn(hidden=12, seed=2, p=0.5, storage="auto"):
    net = Network(dt=100.0, seed=seed)
    inp = net.create(3, InputNeuron, name="inp")
    rnn = net.create(hidden, RateRNNNeuron, name="rnn")
    out = net.create(3, ReadoutNeuron, name="out")
    rnn.tau, rnn.b, out.b = 100.0, Uniform(-0.3, 0.3), Uniform(-0.3, 0.3)
    w_in = net.connect(inp, rnn, "in", name="w_in").all_to_all(weights=Normal(0.0, 0.8))
    w_rec = net.connect(rnn, rnn, "rec", name="w_rec").connect_fixed_probability(
        p, weights=Normal(0.0, 0.6), allow_self_connections=True, storage_format=storage)
    w_out = net.connect(rnn, out, "ro", name="w_out").all_to_all(weights=Normal(0.0, 0.4))
    return net, inp, out, w_rec, [w_in, w_rec, w_out, (rnn, "b"), (out, "b")]


def _data(batch=4, steps=30):
    return PerceptualDecisionMaking(dt=100, seed=3).dataset(batch, steps, seed=3)()


def test_csr_gradients_equal_the_masked_dense_ones():
    xs, ys = _data()
    grads, losses = {}, {}
    for storage in ("csr", "dense"):
        net, inp, out, w_rec, trainable = sparse_rnn(hidden=32, storage=storage)
        trainer = Trainer(net, inp, out, trainable)
        assert trainer.problem.ir.projections[1].storage == storage
        losses[storage], grads[storage] = trainer.gradient(xs, ys)
        if storage == "csr":
            conn = w_rec.connectivity
            rows, cols = conn.rows, conn.cols
            assert grads["csr"]["w_rec"].shape == (w_rec.nb_synapses,)
            assert "WT1" not in trainer.model.source and "M1" not in trainer.model.source
    assert abs(losses["csr"] - losses["dense"]) <= 1e-12 * abs(losses["dense"])
    dense = dict(grads["dense"], w_rec=grads["dense"]["w_rec"][rows, cols])
    for name, value in grads["csr"].items():
        assert np.linalg.norm(value - dense[name]) <= 1e-12 * np.linalg.norm(dense[name]), name


def test_csr_recurrent_weights_against_finite_differences():
    net, inp, out, w_rec, trainable = sparse_rnn(storage="csr")
    present = ~np.isnan(w_rec.connectivity_matrix(np.nan))
    assert 0.3 < present.mean() < 0.7
    trainer = Trainer(net, inp, out, trainable, optimizer=Adam(lr=1e-2))
    xs, ys = _data()
    _, grads = trainer.gradient(xs, ys)
    view = trainer.model.views["w_rec"]          # one weight per synapse
    assert view.shape == (w_rec.nb_synapses,)
    fd = np.zeros(view.size)
    for n in range(view.size):
        keep = view[n]
        f = []
        for k in (-2, -1, 1, 2):
            view[n] = keep + k * H
            f.append(trainer.evaluate(xs, ys)[0])
        view[n] = keep
        fd[n] = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * H)
    assert np.linalg.norm(fd) > 1e-6
    assert np.linalg.norm(grads["w_rec"] - fd) <= TOL * np.linalg.norm(fd)
    before = trainer.values()["w_rec"]
    trainer.train_step(xs, ys)
    after = trainer.values()["w_rec"]
    moved = grads["w_rec"] != 0.0      # a silent (relu) unit's row: no gradient
    assert moved.sum() >= 10 and np.all(after[moved] != before[moved])
    nb = w_rec.nb_synapses
    trainer.apply()
    assert w_rec.nb_synapses == nb
    written = w_rec.connectivity_matrix(np.nan)
    assert np.array_equal(~np.isnan(written), present)
    conn = w_rec.connectivity
    assert np.array_equal(written[conn.rows, conn.cols], after)


def test_masked_dense_keeps_absent_synapses_at_zero():
    net, inp, out, w_rec, trainable = sparse_rnn(storage="dense")
    present = ~np.isnan(w_rec.connectivity_matrix(np.nan))
    trainer = Trainer(net, inp, out, trainable, optimizer=Adam(lr=1e-2))
    xs, ys = _data()
    _, grads = trainer.gradient(xs, ys)
    assert np.all(grads["w_rec"][~present] == 0.0)
    trainer.model.set_values({"w_rec": np.ones(present.shape)})   # a full matrix
    assert np.all(trainer.values()["w_rec"][~present] == 0.0)
    assert np.all(trainer.values()["w_rec"][present] == 1.0)
    trainer.train_step(xs, ys)
    assert np.all(trainer.values()["w_rec"][~present] == 0.0)
    trainer.apply()
    assert np.array_equal(~np.isnan(w_rec.connectivity_matrix(np.nan)), present)


def test_large_sparse_projection_trains_without_a_dense_matrix():
    n = 2000
    net, inp, out, w_rec, trainable = sparse_rnn(hidden=n, p=0.05)
    assert 0.04 < w_rec.nb_synapses / n ** 2 < 0.06
    xs, ys = _data(batch=2, steps=10)
    dense_bytes = n * n * 8
    Trainer(net, inp, out, trainable)   # builds the kernel (the compilers' memory is not ours)
    tracemalloc.start()
    try:
        trainer = Trainer(net, inp, out, trainable, optimizer=Adam(lr=1e-3))
        # auto picks CSR or its SELL layout; training reads both as one weight per synapse
        assert trainer.problem.ir.projections[1].storage in ("csr", "sell")
        before = trainer.values()["w_rec"]
        trainer.train_step(xs, ys)
        trainer.apply()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    model = trainer.model
    arrays = [model.theta, *model.buffers.values(), *model.fixed.values()]
    assert max(a.size for a in arrays) < n * n // 4
    # less than one (post, pre) matrix (the masked path held six); measured 20 MB: about
    # 100 bytes a synapse (weights, gradient, Adam's state, the two indices, copies)
    assert peak < dense_bytes, f"peak {peak / 1e6:.1f} MB"
    assert np.array_equal(w_rec.connectivity.weights, trainer.values()["w_rec"])
    assert not np.array_equal(before, trainer.values()["w_rec"])


def test_csr_in_float32_is_close_to_double():
    xs, ys = _data()
    grads = {}
    for precision in ("double", "float"):
        net, inp, out, w_rec, trainable = sparse_rnn(hidden=16, storage="csr")
        trainer = Trainer(net, inp, out, trainable, precision=precision)
        grads[precision] = trainer.gradient(xs, ys)[1]
    for name, value in grads["double"].items():
        err = np.linalg.norm(grads["float"][name] - value) / np.linalg.norm(value)
        assert err < 1e-4, (name, err)
