"""Classic rate-coded learning rules, written as equation strings (ANNarchy's
definitions): plain Hebbian learning, Oja's normalised rule and the BCM rule with a
sliding threshold (IBCM)."""
from ..model.synapse import Synapse

Hebb = Synapse(
    name="Hebb",
    description="Hebbian learning: dw/dt = eta * pre.r * post.r",
    parameters="eta = 0.01 : projection",
    equations="dw/dt = eta * pre.r * post.r : min=0.0, explicit",
)

Oja = Synapse(
    name="Oja",
    description="Oja's rule: Hebbian growth with a decay that keeps the weights bounded",
    parameters="eta = 0.01 : projection\nalpha = 1.0 : projection",
    equations="dw/dt = eta * (pre.r * post.r - alpha * post.r^2 * w) : min=0.0, explicit",
)

IBCM = Synapse(
    name="IBCM",
    description="BCM rule with a sliding threshold theta that tracks post.r^2",
    parameters="eta = 0.01 : projection\ntau = 2000.0 : projection",
    equations="""
        tau * dtheta/dt + theta = post.r^2 : postsynaptic, exponential
        dw/dt = eta * post.r * (post.r - theta) * pre.r : min=0.0, explicit
    """,
)
