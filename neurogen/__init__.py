"""neurogen: equation strings → sympy IR → generated C++/OpenMP, compiled and cached.

The classic ANNarchy-style API: ``from neurogen import *`` gives ``Neuron``,
``Population``, ``Projection``, ``Monitor``, ``Constant``, random distributions,
``setup``, ``compile``, ``simulate``, ``step``, ``reset``… acting on a default
:class:`Network` (and ``np``, as ANNarchy 4 did).
"""
import numpy as np  # (scripts written for ANNarchy 4 expect np from the star import)

from ._version import __version__
from .errors import (NeurogenError, ANNarchyException, ModelError, ParseError, UnknownNameError,
                     UnknownFunctionError, FlagError, ODEError, NetworkError, ShapeError,
                     ConnectivityError, BuildError, BackendUnavailable,
                     SimulationError)
from .core.constant import Constant
from .core.monitor import Monitor
from .core.network import Network, clear, default_network
from .core.neuron import Neuron
from .core.population import Population
from .core.projection import Projection
from .core.synapse import Synapse
from .core.timed_array import TimedArray
from .core.input_array import InputArray
from .core.spike_sources import PoissonPopulation, SpikeSourceArray
from .core.hybrid import CurrentInjection, DecodingProjection
from .core.scheduled_inputs import HomogeneousCorrelatedSpikeTrains, TimedPoissonPopulation
from .core.definitions import Creating, Parameter, Pruning, Variable
from .core.connectors import LILConnectivity
from .parser.user_functions import add_function
from . import models
from .models import (LeakyIntegrator, Hebb, Oja, IBCM,
                     list_standard_neurons, list_standard_synapses)
from .models.synapses import STDP, STP  # (spiking: refused when used)
from .models.neurons import (IF_curr_exp, IF_cond_exp, IF_curr_alpha,
                             IF_cond_alpha, Izhikevich, HH_cond_exp, GIF_curr,
                             GIF_curr_exp, EIF_cond_exp_isfa_ista,
                             EIF_cond_alpha_isfa_ista)
from .core.random import (DiscreteUniform, Exponential, LogNormal, Normal,
                           RandomDistribution, Uniform)
from .report import report
from .validation import reject_unknown as _reject_unknown



def setup(**options):
    """Configure the default network: ``dt``, ``seed``, ``num_threads``,
    ``precision`` ('double' | 'float'), ``method``, ``paradigm`` ('openmp' | 'cuda'),
    ``batch`` (B independent copies, before compile)."""
    default_network().setup(**options)


def compile(directory=None, clean=False, silent=False, net_id=None, **kwargs):  # noqa: A001 (ANNarchy name)
    """Generate, build (cached) and load the default network (or network ``net_id``);
    ANNarchy's other keywords (``compiler``, ``compiler_flags``…): see
    :meth:`Network.compile`."""
    _network(net_id).compile(directory=directory, clean=clean, silent=silent, **kwargs)


def simulate(duration, measure_time=False, **options):
    """Advance the default network by ``duration`` milliseconds (``report=``,
    ``report_period=``, ``progress_bar=``: see :meth:`Network.simulate`)."""
    default_network().simulate(duration, measure_time=measure_time, **options)


def step():
    """Advance the default network by one step."""
    default_network().step()


def reset(populations=True, projections=False, synapses=False, monitors=True):
    default_network().reset(populations, projections, synapses, monitors)


def disable_learning(projections=None, net_id=None):
    """Stop the synapse equations (all projections of the default network, or those listed)."""
    _network(net_id).disable_learning(projections)


def enable_learning(projections=None, period=None, offset=None, net_id=None):
    _network(net_id).enable_learning(projections, period, offset)


def get_time():
    return default_network().get_time()


def get_current_step():
    return default_network().get_current_step()


def set_time(t):
    default_network().set_time(t)


def _network(net_id):
    """The default network, or the network with ANNarchy's ``net_id``."""
    from .core.network import network_by_id
    return default_network() if net_id is None else network_by_id(net_id)


def save(filename, populations=True, projections=True, net_id=None, **unknown):
    """Save the state of the default network (or network ``net_id``)."""
    _reject_unknown("save()", unknown, ("filename", "populations", "projections", "net_id"))
    _network(net_id).save(filename, populations=populations, projections=projections)


def load(filename, populations=True, projections=True, pickle_encoding=None, net_id=None,
         **unknown):
    _reject_unknown("load()", unknown, ("filename", "populations", "projections",
                                        "pickle_encoding", "net_id"))
    _network(net_id).load(filename, populations=populations, projections=projections,
                          pickle_encoding=pickle_encoding)


def save_parameters(filename, net_id=None, **unknown):
    _reject_unknown("save_parameters()", unknown, ("filename", "net_id"))
    _network(net_id).save_parameters(filename)


def load_parameters(filename, global_only=True, verbose=False, net_id=None, **unknown):
    _reject_unknown("load_parameters()", unknown, ("filename", "global_only", "verbose",
                                                   "net_id"))
    return _network(net_id).load_parameters(filename, global_only=global_only,
                                            verbose=verbose)


def get_population(name):
    return default_network().get_population(name)


def get_projection(name):
    return default_network().get_projection(name)


def populations():
    return list(default_network().populations)


def projections():
    return list(default_network().projections)


def dt():
    """The default network's step (ms)."""
    return default_network().dt


__all__ = [
    "np", "Neuron", "Synapse", "Population", "TimedArray", "Projection", "Monitor", "Constant", "Network",
    "Uniform", "DiscreteUniform", "Normal", "LogNormal", "Exponential", "RandomDistribution",
    "setup", "compile", "simulate", "step", "reset", "clear", "get_time", "get_current_step",
    "set_time", "save", "load", "report", "save_parameters", "load_parameters", "get_population", "get_projection", "populations", "projections", "dt",
    "NeurogenError", "ModelError", "ParseError", "UnknownNameError", "UnknownFunctionError",
    "FlagError", "ODEError", "NetworkError", "ShapeError", "ConnectivityError", "BuildError",
    "BackendUnavailable", "SimulationError", "ANNarchyException", "InputArray", "PoissonPopulation", "SpikeSourceArray", "CurrentInjection", "DecodingProjection", "TimedPoissonPopulation",
    "HomogeneousCorrelatedSpikeTrains", "Parameter",
    "Variable", "Creating", "Pruning", "LILConnectivity", "add_function", "models",
    "LeakyIntegrator", "Hebb", "Oja",
    "STDP", "STP", "IF_curr_exp", "IF_cond_exp", "IF_curr_alpha", "IF_cond_alpha",
    "Izhikevich", "HH_cond_exp", "EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista",
    "GIF_curr", "GIF_curr_exp",
    "IBCM", "list_standard_neurons", "list_standard_synapses", "disable_learning",
    "enable_learning",
]

# Network methods provided by the packages above the core (core/network_verbs.py)
from .core import network_verbs as _network_verbs  # noqa: E402
from .extensions.bold import BoldMonitor as _BoldMonitor  # noqa: E402
from .extensions.bold import BoldMonitorFromSlices as _BoldMonitorFromSlices  # noqa: E402
from .sweeps.copies import parallel_run as _parallel_run  # noqa: E402

_network_verbs.provide("boldmonitor", _BoldMonitor)
_network_verbs.provide("boldmonitor_from_slices", _BoldMonitorFromSlices)
_network_verbs.provide("parallel_run", _parallel_run)
