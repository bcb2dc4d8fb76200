"""Rate-coded and spiking populations in one network (ANNarchy's hybrids).

``CurrentInjection`` sets each step the conductance ``g_target`` of a spiking neuron
from the rate ``r`` of the rate-coded neuron of the same rank: a one-to-one projection
of weight 1 whose weighted sum is added to the conductance after the spikes arrived
(any rate-coded projection onto a spiking population adds its weighted sum so).
``DecodingProjection`` turns spikes into a rate-coded ``sum(target)``
(:mod:`neurogen.storage.spikes`' event kernel, its decoding block)."""
from __future__ import annotations

from ..errors import NetworkError
from .projection import Projection


class CurrentInjection(Projection):
    """``CurrentInjection(pre, post, target)`` then ``connect_current()``: pre rate-coded,
    post spiking, both of the same size; no synapse model, no delay."""

    def __init__(self, pre, post, target: str, name: str | None = None, net=None):
        where = "CurrentInjection"       # checked before it joins the network
        pre_pop, post_pop = (getattr(p, "population", p) for p in (pre, post))
        if getattr(pre_pop, "ir", None) is None or pre_pop.ir.is_spiking:
            raise NetworkError(f"{where}: the presynaptic population must be rate-coded")
        if getattr(post_pop, "ir", None) is None or not post_pop.ir.is_spiking:
            raise NetworkError(f"{where}: the postsynaptic population must be spiking")
        if len(pre) != len(post):
            raise NetworkError(f"{where}: the pre- and postsynaptic populations must have "
                               f"the same size ({len(pre)} and {len(post)})")
        if net is None:         # net.connect(CurrentInjection(inp, pop, 'exc')): pre's network
            net = pre_pop.net
        super().__init__(pre, post, target, name=name, net=net)

    def connect_current(self):
        """Rank i's rate into rank i's conductance (``one_to_one(weights=1.0)``)."""
        return self.connect_one_to_one(weights=1.0)


class DecodingProjection(Projection):
    """``DecodingProjection(pre, post, target, window=0.0)``: spikes of a spiking
    population decoded into the rate-coded weighted sum ``sum(target)``: per postsynaptic
    neuron, the weights of its synapses whose presynaptic neuron spiked, averaged over
    the last ``window`` ms (default: one step), in Hz, divided by its number of synapses
    (ANNarchy's formula; delays are ignored, as there)."""

    decodes = True

    def __init__(self, pre, post, target: str, window: float = 0.0, name: str | None = None,
                 net=None):
        from ..validation import number
        pre_pop, post_pop = (getattr(p, "population", p) for p in (pre, post))
        if getattr(pre_pop, "ir", None) is None or not pre_pop.ir.is_spiking:
            raise NetworkError("DecodingProjection: the presynaptic population must be "
                               "spiking")
        if getattr(post_pop, "ir", None) is None or post_pop.ir.is_spiking:
            raise NetworkError("DecodingProjection: the postsynaptic population must be "
                               "rate-coded")
        window = number("DecodingProjection", "window (ms)", window, non_negative=True)
        super().__init__(pre, post, target, name=name,
                         net=net if net is not None else pre_pop.net)
        self.window = window or self.net.dt

    @property
    def window_steps(self) -> int:
        """The window in steps (at least one), as ANNarchy: int(window / dt)."""
        return max(1, int(self.window / self.net.dt))
