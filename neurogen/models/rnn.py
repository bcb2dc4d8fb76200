"""The continuous-time rate RNN of Yang & Wang (2020), as equation strings.

``tau dr/dt = -r + relu(W_rec r + W_in x + b)`` discretised with Euler's method and
written, as in the paper's code, as the update
``r <- relu(r (1 - dt/tau) + dt/tau (sum(in) + sum(rec) + b))``; the readout is linear,
``out = W_out r + b_out``. Weights start He/Kaiming-normal (standard deviation
``sqrt(2 / fan_in)``, as the Kaiming-normal initializers of the seed's BrainPy port),
biases uniform in ``+/- 1/sqrt(hidden)``; ``weight_scale`` multiplies the variance.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.neuron import Neuron
from ..core.random import Normal, Uniform

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
             tau: float = 100.0, weight_scale: float = 2.0) -> RateRNN:
    """Build the RNN in ``net`` (populations 'inp', 'rnn', 'out')."""
    inp = net.create(num_input, InputNeuron, name="inp")
    rnn = net.create(num_hidden, RateRNNNeuron, name="rnn")
    out = net.create(num_output, ReadoutNeuron, name="out")
    rnn.tau = tau
    bound = num_hidden ** -0.5
    rnn.b = Uniform(-bound, bound)
    out.b = Uniform(-bound, bound)

    def he(fan_in):
        return Normal(0.0, (weight_scale / fan_in) ** 0.5)

    w_in = net.connect(inp, rnn, "in", name="w_in").all_to_all(weights=he(num_input))
    w_rec = net.connect(rnn, rnn, "rec", name="w_rec").all_to_all(
        weights=he(num_hidden), allow_self_connections=True)
    w_out = net.connect(rnn, out, "ro", name="w_out").all_to_all(weights=he(num_hidden))
    return RateRNN(net, inp, rnn, out, w_in, w_rec, w_out)
