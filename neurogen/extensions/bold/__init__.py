"""ANNarchy's BOLD extension (``ANNarchy.extensions.bold``): the BOLD signal of
populations, rate-coded or spiking (their ``r`` from ``compute_firing_rate()``, or any
variable), computed by a balloon model fed with their mean activity.

* :class:`BoldMonitor` (ANNarchy 5's ``net.boldmonitor(...)``) and
  :class:`BoldMonitorFromSlices` (``net.boldmonitor_from_slices(...)``): create the BOLD
  model's population, the projections of the mean input and a monitor; ``start()``,
  ``stop()``, ``get(variable)``;
* :class:`BoldModel`: a rate-coded neuron declaring its ``inputs`` (weighted sums) and
  its ``output`` (the recorded signal);
* the predefined models :class:`balloon_RN` (default), :class:`balloon_RL`,
  :class:`balloon_CN`, :class:`balloon_CL` (Stephan et al., 2007),
  :class:`balloon_maith2021` and :class:`balloon_two_inputs` (Maith et al., 2021, 2022).

``NormProjection`` (a spiking projection) is not available. See the user guide page
*BOLD signals* for the equations and the differences from ANNarchy.
"""
from .model import BoldModel
from .monitor import BoldMonitor, BoldMonitorFromSlices
from .predefined import (balloon_CL, balloon_CN, balloon_maith2021, balloon_RL, balloon_RN,
                         balloon_two_inputs)

__all__ = ["BoldMonitor", "BoldMonitorFromSlices", "BoldModel", "balloon_maith2021",
           "balloon_CN", "balloon_CL", "balloon_RN", "balloon_RL", "balloon_two_inputs"]

_NOT_YET = {"NormProjection": "a spiking projection whose conductance increments are "
                              "normalised by the number of afferent synapses"}


def __getattr__(name):
    """ANNarchy's other names of this module are named, not silently missing."""
    if name in _NOT_YET:
        from ..optional import NotAvailableError
        raise NotAvailableError(f"neurogen.extensions.bold.{name} ({_NOT_YET[name]}) is not "
                                "available yet; BoldMonitor, BoldMonitorFromSlices, BoldModel "
                                "and the balloon models are")
    raise AttributeError(f"module 'neurogen.extensions.bold' has no attribute {name!r}")
