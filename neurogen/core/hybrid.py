"""Rate-coded and spiking populations in one network: ``CurrentInjection`` (ANNarchy's)
sets each step the conductance ``g_target`` of a spiking neuron from the rate ``r`` of
the rate-coded neuron of the same rank: a one-to-one projection of weight 1 whose
weighted sum is added to the conductance after the spikes arrived (any rate-coded
projection onto a spiking population adds its weighted sum so)."""
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
