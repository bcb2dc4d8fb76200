"""The model library's one wrapper base: CANNs and the cooperative-coding networks are
run, stepped and monitored the same way."""
import numpy as np
import pytest

from neurogen import NetworkError
from neurogen.models import CANN1D, CANN2D, EILagNetwork1D, SFANetwork1D
from neurogen.models.base import NetworkModel, count, positive


@pytest.mark.parametrize("make, variable", [
    (lambda: CANN1D(num=16, dt=0.1), "u"),
    (lambda: EILagNetwork1D(N=8, balanced=False), "r"),
    (lambda: SFANetwork1D(N=8), "r"),
])
def test_step_and_monitor_through_the_base(make, variable):
    model = make()
    assert isinstance(model, NetworkModel)
    if hasattr(model.pop, "I_ext"):             # (CANNs have Iext, set below)
        model.pop.I_ext = 1.0
    if isinstance(model, CANN1D):
        model.Iext = model.get_stimulus_by_pos(0.0)
    mon = model.monitor()                       # the model's default variable
    assert mon is model.monitor([variable]) is model.monitor(variable)
    other = model.monitor([variable], period=2 * model.dt)
    assert other is not mon
    before = model.pop.view(variable).copy()
    model.step()
    assert model.net.get_current_step() == 1
    model.run(3 * model.dt)
    assert model.net.get_current_step() == 4
    data = mon.get(variable)
    assert data.shape == (4, model.pop.size)
    assert not np.allclose(data[0], before)     # the input moved the state
    np.testing.assert_array_equal(data[-1], model.pop.view(variable))
    assert other.get(variable).shape == (2, model.pop.size)


def test_argument_checks_name_the_model():
    with pytest.raises(NetworkError, match=r"^CANN1D: tau must be a positive number"):
        CANN1D(num=16, tau=-1.0)
    with pytest.raises(NetworkError, match=r"^CANN1D: a must be a number, got 'x'"):
        CANN1D(num=16, a="x")
    assert positive("M", "x", "2.5") == 2.5
    with pytest.raises(NetworkError, match=r"M: n must be an integer >= 3, got True"):
        count("M", "n", True, 3)


@pytest.mark.parametrize("bad", [1, 2.5, "abc", None])
def test_bad_sizes_are_network_errors(bad):
    with pytest.raises(NetworkError, match=r"CANN1D: num must be an integer >= 2"):
        CANN1D(num=bad)
    with pytest.raises(NetworkError, match=r"CANN2D: length must be an integer >= 2"):
        CANN2D(length=bad)
