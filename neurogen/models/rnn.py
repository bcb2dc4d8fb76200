"""The continuous-time rate RNN of Yang & Wang (2020), as equation strings.

``tau dr/dt = -r + relu(W_rec r + W_in x + b)`` discretised with Euler's method and
written, as in the paper's code, as the update
``r <- relu(r (1 - dt/tau) + dt/tau (sum(in) + sum(rec) + b))``; the readout is linear,
``out = W_out r + b_out``.

Initialisation (the seed's, by default): every weight matrix is drawn from a normal
distribution of mean 0 and variance ``weight_scale / fan_in`` with ``weight_scale=1``,
i.e. standard deviation ``1/sqrt(fan_in)``, truncated at two standard deviations of the
underlying normal and rescaled so that the variance stays ``weight_scale / fan_in``
(:class:`TruncatedNormal`, BrainPy's ``distribution='truncated_normal'``) (``fan_in`` = 3 for ``w_in``, ``hidden`` for
``w_rec`` and ``w_out``). That is what the seed's BrainPy port uses,
``bp.init.KaimingNormal(scale=1.)`` (BrainPy's Kaiming initializers take ``scale`` as
the variance numerator: ``std = sqrt(scale / fan_in)``). It is *not* PyTorch's
``kaiming_normal_`` default (gain ``sqrt(2)`` for relu, variance ``2 / fan_in``):
``weight_scale=2.0`` gives that one. Biases are uniform in ``+/- 1/sqrt(hidden)`` as the
seed's ``rng.uniform(-bound, bound)``. With variance 2/fan_in the trained network's
recurrent gain is larger and its slow points collapse onto one stable fixed point
rather than a line (issue 24).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.neuron import Neuron
from ..core.random import RandomDistribution, Uniform

#: standard deviation of a standard normal truncated to [-2, 2]
_TRUNCATED_STD = 0.87962566103423978


class TruncatedNormal(RandomDistribution):
    """Normal of mean 0 truncated to ``[-2, 2]`` standard deviations of the underlying
    normal, scaled so that the drawn values have standard deviation ``std`` (BrainPy's
    ``VarianceScaling(distribution='truncated_normal')``: draws outside are redrawn)."""

    def __init__(self, std: float, rng=None):
        self.std, self.rng = float(std), rng

    def _draw(self, rng, shape):
        x = rng.standard_normal(shape)
        bad = np.abs(x) > 2
        while bad.any():
            x[bad] = rng.standard_normal(int(bad.sum()))
            bad = np.abs(x) > 2
        return x * (self.std / _TRUNCATED_STD)


#: an input population: its ``r`` is set from data (a parameter: no equation changes it)
InputNeuron = Neuron(parameters="r = 0.0", name="InputNeuron",
                     description="clamped input: r is set from outside")

RateRNNNeuron = Neuron(
    parameters="tau = 100.0 : population\nb = 0.0",
    equations="r = pos(r * (1 - dt/tau) + dt/tau * (sum(in) + sum(rec) + b))",
    name="RateRNNNeuron", description="Euler-discretised rate unit with relu (Yang & Wang 2020)")

ReadoutNeuron = Neuron(parameters="b = 0.0", equations="r = sum(ro) + b",
                       name="ReadoutNeuron", description="linear readout")


@dataclass
class RateRNN:
    """Populations and projections of :func:`rate_rnn`; ``trainable`` lists what the
    seed trains (every weight and bias)."""
    net: object
    inp: object
    rnn: object
    out: object
    w_in: object
    w_rec: object
    w_out: object

    @property
    def trainable(self) -> list:
        return [self.w_in, self.w_rec, self.w_out, (self.rnn, "b"), (self.out, "b")]


def rate_rnn(net, num_input: int = 3, num_hidden: int = 64, num_output: int = 3,
             tau: float = 100.0, weight_scale: float = 1.0) -> RateRNN:
    """Build the RNN in ``net`` (populations 'inp', 'rnn', 'out'); weights normal with
    variance ``weight_scale / fan_in`` (1: the seed's ``KaimingNormal(scale=1.)``)."""
    inp = net.create(num_input, InputNeuron, name="inp")
    rnn = net.create(num_hidden, RateRNNNeuron, name="rnn")
    out = net.create(num_output, ReadoutNeuron, name="out")
    rnn.tau = tau
    bound = num_hidden ** -0.5
    rnn.b = Uniform(-bound, bound)
    out.b = Uniform(-bound, bound)

    def he(fan_in):
        return TruncatedNormal((weight_scale / fan_in) ** 0.5)

    w_in = net.connect(inp, rnn, "in", name="w_in").all_to_all(weights=he(num_input))
    w_rec = net.connect(rnn, rnn, "rec", name="w_rec").all_to_all(
        weights=he(num_hidden), allow_self_connections=True)
    w_out = net.connect(rnn, out, "ro", name="w_out").all_to_all(weights=he(num_hidden))
    return RateRNN(net, inp, rnn, out, w_in, w_rec, w_out)
