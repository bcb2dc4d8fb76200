"""The seed RNN with a sparse recurrent projection (connect_fixed_probability(0.5)):
gradients of the synapses that exist against central finite differences; synapses that
do not exist get no gradient and stay absent through an optimizer step and apply()."""
import numpy as np

from neurogen import Network, Normal, Uniform
from neurogen.models import InputNeuron
from neurogen.models.rnn import RateRNNNeuron, ReadoutNeuron
from neurogen.tasks import PerceptualDecisionMaking
from neurogen.training import Adam, Trainer

H = 1e-4     # step of the fourth-order central difference: truncation ~H^4, rounding ~1e-16/H
TOL = 1e-8   # relative error, norm-wise over the existing synapses (measured: 3e-12)


def sparse_rnn(hidden=12, seed=2):
    net = Network(dt=100.0, seed=seed)
    inp = net.create(3, InputNeuron, name="inp")
    rnn = net.create(hidden, RateRNNNeuron, name="rnn")
    out = net.create(3, ReadoutNeuron, name="out")
    rnn.tau, rnn.b, out.b = 100.0, Uniform(-0.3, 0.3), Uniform(-0.3, 0.3)
    w_in = net.connect(inp, rnn, "in", name="w_in").all_to_all(weights=Normal(0.0, 0.8))
    w_rec = net.connect(rnn, rnn, "rec", name="w_rec").connect_fixed_probability(
        0.5, weights=Normal(0.0, 0.6), allow_self_connections=True)
    w_out = net.connect(rnn, out, "ro", name="w_out").all_to_all(weights=Normal(0.0, 0.4))
    return net, inp, out, w_rec, [w_in, w_rec, w_out, (rnn, "b"), (out, "b")]


def test_sparse_recurrent_weights():
    net, inp, out, w_rec, trainable = sparse_rnn()
    assert not w_rec.connectivity.is_dense          # CSR: the training graph gets a mask
    present = w_rec.connectivity_matrix(np.nan)
    present = ~np.isnan(present)
    assert 0.3 < present.mean() < 0.7
    trainer = Trainer(net, inp, out, trainable, optimizer=Adam(lr=1e-2))
    xs, ys = PerceptualDecisionMaking(dt=100, seed=3).dataset(4, 30, seed=3)()
    _, grads = trainer.gradient(xs, ys)
    view = trainer.model.views["w_rec"]
    assert np.all(grads["w_rec"][~present] == 0.0)
    assert np.all(view[~present] == 0.0)
    rows, cols = np.nonzero(present)
    fd = np.zeros(rows.size)
    for n, idx in enumerate(zip(rows, cols)):
        keep = view[idx]
        f = []
        for k in (-2, -1, 1, 2):
            view[idx] = keep + k * H
            f.append(trainer.evaluate(xs, ys)[0])
        view[idx] = keep
        fd[n] = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * H)
    mine = grads["w_rec"][rows, cols]
    assert np.linalg.norm(fd) > 1e-6
    assert np.linalg.norm(mine - fd) <= TOL * np.linalg.norm(fd)
    before = trainer.values()["w_rec"]
    trainer.train_step(xs, ys)
    after = trainer.values()["w_rec"]
    assert np.all(after[~present] == 0.0)
    moved = present & (grads["w_rec"] != 0.0)      # a silent (relu) unit's row: no gradient
    assert moved.sum() >= 10 and np.all(after[moved] != before[moved])
    nb = w_rec.nb_synapses
    trainer.apply()
    assert w_rec.nb_synapses == nb
    written = w_rec.connectivity_matrix(np.nan)
    assert np.array_equal(~np.isnan(written), present)
    assert np.allclose(written[present], after[present], rtol=0, atol=0)
