"""Running the cooperative-coding experiments: the shared model base (state restored
before each experiment), a recorder that hands the history over block by block, and
the measured results."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...core.monitor import Monitor
from ..base import NetworkModel

_MAX_BLOCK_VALUES = 4_000_000      # monitor values fetched at a time (bounds memory)


@dataclass
class StepResponse:
    """What :meth:`EILagNetwork1D.step_response` measured. ``t[i] = (i + 1) dt`` is the
    time of sample ``i`` (after step ``i``); ``loss[i] = mean |x - target|``."""
    t: np.ndarray
    loss: np.ndarray
    target: np.ndarray
    final: np.ndarray
    response_time: float | np.ndarray
    analytic: float
    p_thr: float
    states: np.ndarray | None = None          # every ``record_every``-th state
    state_times: np.ndarray | None = None
    total: np.ndarray = field(default_factory=lambda: np.zeros(0))   # sum of x per sample


@dataclass
class PulseResponse:
    """What :meth:`SFANetwork1D.pulse_experiment` measured (traces at neuron ``j0``;
    sample ``i`` is the state after step ``i``, at ``t[i] = (i + 1) dt``)."""
    t: np.ndarray
    x_j0: np.ndarray
    u_j0: np.ndarray
    r_in_j0: np.ndarray
    loss: np.ndarray
    profile_off: np.ndarray                    # x after the last step with the input on
    target: np.ndarray
    response_time: float                       # after the pulse ends (the seed's t_resp)
    response_time_on: float                    # after the pulse starts, same rule
    n_on: int
    n_off: int


class Recorder:
    """Runs ``n`` steps, handing the recorded variables to ``consume(block, start)`` a
    block at a time, so long runs of large populations never hold the whole history."""

    def __init__(self, model, variables):
        self.model, self.variables = model, list(variables)
        self.monitor = None

    def run(self, n_steps: int, consume):
        model = self.model
        if not model.net.compiled:
            model.net.compile()
        if self.monitor is None:
            self.monitor = Monitor(model.pop, self.variables, start=False, net=model.net)
        block = max(1, min(int(n_steps), _MAX_BLOCK_VALUES // (model.pop.size
                                                               * len(self.variables))))
        self.monitor.start()
        try:
            done = 0
            while done < n_steps:
                k = min(block, n_steps - done)
                model.net.simulate(k * model.net.dt)
                consume(self.monitor.get(self.variables, reshape=False), done)
                done += k
        finally:
            self.monitor.pause()


class CoopModel(NetworkModel):
    """What the E/I-lag and SFA networks add to :class:`NetworkModel`: the input
    ``I_ext`` and a restart from the compile-time state before each experiment."""

    @property
    def I_ext(self) -> np.ndarray:
        return self.pop.I_ext

    def _restore(self):
        """Back to time 0 and the compile-time state (delay buffers refilled with it); the
        runtime parameters are written again (``reset`` restores compile-time values)."""
        if self.net.compiled:
            self.net.reset()
        for name, value in self._parameters().items():
            setattr(self.pop, name, value)
