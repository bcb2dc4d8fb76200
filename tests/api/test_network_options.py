"""The network's options as a typed, frozen record (``net.options``), changed only
through ``setup()``/``config()``, which check every value before applying any."""
import dataclasses

import pytest

import neurogen as ng
from neurogen.core.network_options import NetworkOptions, using_paradigm
from neurogen.errors import InvalidValueError, NetworkError, UnknownKeywordError


def test_options_are_a_frozen_record_changed_by_setup():
    net = ng.Network(dt=0.5, seed=7, method="euler")
    assert isinstance(net.options, NetworkOptions)
    assert (net.options.dt, net.options.seed, net.options.method) == (0.5, 7, "euler")
    with pytest.raises(NetworkError, match=r"read-only: use net.setup\(dt=2"):
        net.options.dt = 2.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.options.seed = 1
    with pytest.raises(AttributeError):
        net.options = NetworkOptions()
    before = net.options
    net.config(dt=0.25, num_threads=2)                 # ANNarchy 5's name for setup()
    assert (net.dt, net.num_threads) == (0.25, 2)
    assert before.dt == 0.5                            # the old record is unchanged


def test_unknown_option_gets_a_did_you_mean():
    net = ng.Network()
    with pytest.raises(UnknownKeywordError, match="unknown setup option 'num_thread'; "
                                                  "did you mean 'num_threads'"):
        net.setup(num_thread=4)
    with pytest.raises(UnknownKeywordError, match="did you mean 'precision'"):
        ng.Network(precison="float")


@pytest.mark.parametrize("option, value, error, message", [
    ("dt", -1.0, InvalidValueError, "dt must be positive"),
    ("seed", 1.5, InvalidValueError, "seed must be an integer or None"),
    ("num_threads", 0, NetworkError, "num_threads must be at least 1"),
    ("precision", "half", NetworkError, "precision must be 'double' or 'float'"),
    ("method", "rk5", NetworkError, "unknown method 'rk5'"),
    ("paradigm", "opencl", NetworkError, "unknown paradigm 'opencl'"),
    ("step_rounding", "floor", NetworkError, "step_rounding must be 'ceil'"),
    ("check_finite", "yes", InvalidValueError, "check_finite must be True or False"),
    ("batch", 0, NetworkError, "batch must be a positive integer"),
])
def test_bad_value_names_the_option_and_changes_nothing(option, value, error, message):
    net = ng.Network(dt=0.5)
    before = net.options
    with pytest.raises(error, match=message):
        net.setup(**{"num_threads": 3, option: value})  # num_threads=3 is not half-applied
    assert net.options is before


def test_options_fixed_by_compile():
    net = ng.Network()
    net.create(1, ng.Neuron(equations="r = 1"))
    net.compile()
    for option, value in (("precision", "float"), ("structural_plasticity", True)):
        with pytest.raises(NetworkError, match=f"{option} cannot change after compile"):
            net.setup(**{option: value})
    with pytest.raises(NetworkError, match="batch cannot change after compile"):
        net.setup(batch=2)
    net.setup(dt=0.5, precision="double")               # same value, or free to change
    assert net.dt == 0.5


def test_seed_none_draws_one_and_paradigm_default_is_explicit():
    assert isinstance(ng.Network(seed=None).seed, int)
    assert ng.Network(seed=-1).seed >= 0
    with using_paradigm("omp"):
        assert ng.Network().options.paradigm == "openmp"
    assert ng.Network(paradigm="omp").options.paradigm == "openmp"
