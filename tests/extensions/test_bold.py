"""The BOLD extension: the signal of populations with known rates against a NumPy
integration of the same balloon equations (the same method: explicit Euler with
ANNarchy's block order, the sums read from the previous step), the baseline
normalisation, stop()/start(), slices, and the errors.

Tolerance: every recorded value within 1e-12 of the largest value of its series (both
sides compute in double precision; measured differences are below 1e-15).

ANNarchy 5.0.4.1 against neurogen, the same script with only the import changed
(``tests/extensions/bold_annarchy_compare.py``: two populations of 10 and 30 neurons with
a baseline, a ramp and a 2 s pulse, BoldMonitor started after 200 ms, 8000 steps of
1 ms recorded), largest difference over the series divided by the largest value:

===========================  ==========  ==========================================
case                         BOLD        other variables (I_CBF, f_in, q, v, f_out)
===========================  ==========  ==========================================
balloon_RN                   3.8e-16     <= 8.6e-16
balloon_CN                   5.4e-16     <= 8.6e-16
balloon_CL                   6.3e-16     <= 8.6e-16
balloon_maith2021            7.3e-16     <= 8.6e-16
balloon_two_inputs           7.5e-16     <= 8.6e-16 (also I_CMRO2, r)
normalize_input=500          3.5e-16     <= 1.8e-15
normalize_input=[500, 800]   5.2e-16     <= 1.8e-15 (scale_factor=[1, 2])
stop 1 s, start again        4.6e-16     <= 1.6e-15 (held state, second window)
start=True                   5.7e-16     <= 8.6e-16
BoldMonitorFromSlices (3)    5.1e-16     <= 3.9e-16
balloon_RL                   0.88        ANNarchy's code divides dq/dt and dv/dt by
                                         tau, not tau * second as its documentation
                                         (and neurogen) do; against a BoldModel with
                                         the documented equations: 5.2e-16
===========================  ==========  ==========================================

(ANNarchy's stop() deletes its monitor's recording; the stop/start case pauses and
resumes its parts instead, as its stop()/start() intend.)
"""
import numpy as np
import pytest

import neurogen as ann
from neurogen.errors import NetworkError, NeurogenError, UnknownKeywordError
from neurogen.extensions.bold import (BoldModel, BoldMonitor, BoldMonitorFromSlices,
                                      balloon_CL, balloon_CN, balloon_RL, balloon_RN,
                                      balloon_two_inputs)

DT = 1.0
T_ON, T_OFF = 400.0, 1400.0
TOL = 1e-12

Input = ann.Neuron(
    parameters="""
        base = 0.0
        amp = 1.0
        slope = 0.0
        t_on = 400.0 : population
        t_off = 1400.0 : population
    """,
    equations="r = base + slope * t + amp * ite((t >= t_on) and (t < t_off), 1.0, 0.0)")

P1 = dict(base=np.linspace(0.5, 1.5, 10), amp=np.linspace(0.2, 1.0, 10),
          slope=np.linspace(0.0, 2e-5, 10))
P2 = dict(base=np.full(30, 0.3), amp=np.linspace(0.0, 0.6, 30), slope=np.full(30, 1e-5))


def rates(p, step):
    """r of a population after ``step`` (computed with t = step * dt); 0 before step 0."""
    if step < 0:
        return np.zeros_like(p["base"])
    t = step * DT
    return p["base"] + p["slope"] * t + p["amp"] * float(T_ON <= t < T_OFF)


def mean_input(p, step):
    """What the sum of ``step`` reads: the mean of the rates of the step before."""
    return rates(p, step - 1).mean()


# -- the NumPy reference: the balloon equations, explicit Euler in ANNarchy's order ----------
RN = dict(phi=1.0, kappa=1 / 1.54, gamma=1 / 2.46, E_0=0.34, tau=0.98, alpha=0.33,
          V_0=0.02, v_0=40.3, TE=0.04, epsilon=1.43, r_0=25.0)


def coefficients(p, revised):
    if revised:
        return (4.3 * p["v_0"] * p["E_0"] * p["TE"], p["epsilon"] * p["r_0"] * p["E_0"] * p["TE"],
                1.0 - p["epsilon"])
    return ((1.0 - p["V_0"]) * 4.3 * p["v_0"] * p["E_0"] * p["TE"], 2.0 * p["E_0"],
            1.0 - p["epsilon"])


def bold(p, q, v, revised=True, nonlinear=True):
    k1, k2, k3 = coefficients(p, revised)
    if nonlinear:
        return p["V_0"] * (k1 * (1 - q) + k2 * (1 - q / v) + k3 * (1 - v))
    return p["V_0"] * ((k1 + k2) * (1 - q) + (k3 - k2) * (1 - v))


def balloon(inputs, p=RN):
    """Integrates the balloon model for the input of each step; returns the recorded
    series (after each step)."""
    second = 1000.0
    s, f_in, q, v, f_out = 0.0, 1.0, 1.0, 1.0, 1.0
    out = {k: [] for k in ("I_CBF", "s", "f_in", "E", "q", "v", "f_out", "BOLD")}
    for i_cbf in inputs:
        # block 1: s and f_in from the values at the start of the block
        ds = (p["phi"] * i_cbf - p["kappa"] * s - p["gamma"] * (f_in - 1.0)) / second
        df = s / second
        s, f_in = s + DT * ds, max(f_in + DT * df, 0.01)
        E = 1.0 - (1.0 - p["E_0"]) ** (1.0 / f_in)
        # block 2: q and v (f_out of the previous step)
        dq = (f_in * E / p["E_0"] - (q / v) * f_out) / (p["tau"] * second)
        dv = (f_in - f_out) / (p["tau"] * second)
        q, v = max(q + DT * dq, 0.01), max(v + DT * dv, 0.01)
        f_out = max(v ** (1.0 / p["alpha"]), 0.01)
        for k, x in zip(out, (i_cbf, s, f_in, E, q, v, f_out, bold(p, q, v))):
            out[k].append(x)
    return {k: np.array(x) for k, x in out.items()}


def close(got, expected, what):
    got = np.asarray(got, dtype=float).reshape(expected.shape)
    scale = np.abs(expected).max()
    err = np.abs(got - expected).max()
    assert err <= TOL * scale, f"{what}: max |difference| {err:.3g} (max |value| {scale:.3g})"


# -- one network for the tests that run (the same code: built once, then cached) ------------
RECORDED = ["BOLD", "I_CBF", "s", "f_in", "E", "q", "v", "f_out"]


def network():
    net = ann.Network(dt=DT)
    p1 = net.create(10, Input, name="p1")
    p2 = net.create(30, Input, name="p2")
    for pop, values in ((p1, P1), (p2, P2)):
        for name, value in values.items():
            setattr(pop, name, value)
    m = {"RN": BoldMonitor(populations=[p1, p2], bold_model=balloon_RN,
                           recorded_variables=RECORDED, net=net),
         "norm": BoldMonitor(populations=[p1, p2], bold_model=balloon_RN(),
                             normalize_input=[300, 500], scale_factor=[1.0, 2.0],
                             recorded_variables=RECORDED, net=net),
         "slices": BoldMonitorFromSlices(p1, slices=[[0, 1, 2], [9, 5], [4]],
                                         recorded_variables=["I_CBF", "BOLD"], net=net)}
    for name, model in (("RL", balloon_RL), ("CN", balloon_CN), ("CL", balloon_CL)):
        m[name] = BoldMonitor(populations=[p1, p2], bold_model=model(),
                              recorded_variables=["q", "v", "BOLD"], net=net)
    net.compile()
    return net, p1, p2, m


@pytest.fixture(scope="module")
def run():
    """200 steps, start, 7800 steps recorded."""
    net, p1, p2, m = network()
    net.simulate(200.0)
    for monitor in m.values():
        monitor.start()
    net.simulate(7800.0)
    return {name: monitor.get(RECORDED if name in ("RN", "norm") else monitor.recorded_variables)
            for name, monitor in m.items()}


STEPS = np.arange(200, 8000)     # the recorded steps


def test_bold_of_two_populations_against_numpy(run):
    # default scale factors: each population's share of the 40 neurons: the mean of all
    inputs = [(10 * mean_input(P1, n) + 30 * mean_input(P2, n)) / 40 for n in STEPS]
    expected = balloon(inputs)
    for name in RECORDED:
        close(run["RN"][name], expected[name], f"balloon_RN {name}")
    assert run["RN"]["BOLD"].shape == (len(STEPS), 1)      # (steps, 1) as ANNarchy 5
    assert expected["BOLD"].max() > 0.02                      # a response, not a flat line


def test_the_four_stephan_variants_share_the_balloon(run):
    inputs = [(10 * mean_input(P1, n) + 30 * mean_input(P2, n)) / 40 for n in STEPS]
    expected = balloon(inputs)
    q, v = expected["q"], expected["v"]
    for name, revised, nonlinear in (("RL", True, False), ("CN", False, True),
                                     ("CL", False, False)):
        close(run[name]["q"], q, f"{name} q")
        close(run[name]["v"], v, f"{name} v")
        close(run[name]["BOLD"], bold(RN, q, v, revised, nonlinear), f"{name} BOLD")


def test_normalised_input_against_numpy(run):
    # per population: 0 during its window (300 / 500 steps from the start), then the
    # mean relative to its average over the window, times its scale factor
    expected_input = np.zeros(len(STEPS))
    for p, window, scale in ((P1, 300, 1.0), (P2, 500, 2.0)):
        means = np.array([mean_input(p, n) for n in STEPS])
        baseline = means[:window].sum() / window
        normalised = (means - baseline) / (abs(baseline) + 1e-7)
        expected_input += scale * np.where(np.arange(len(STEPS)) < window, 0.0, normalised)
    expected = balloon(expected_input)
    for name in RECORDED:
        close(run["norm"][name], expected[name], f"normalised {name}")


def test_slices_get_the_mean_of_their_neurons(run):
    slices = [[0, 1, 2], [9, 5], [4]]
    got = run["slices"]
    assert got["BOLD"].shape == (len(STEPS), 3)
    for i, ranks in enumerate(slices):
        inputs = [rates(P1, n - 1)[ranks].mean() for n in STEPS]
        expected = balloon(inputs)
        close(got["I_CBF"][:, i], expected["I_CBF"], f"slice {i} I_CBF")
        close(got["BOLD"][:, i], expected["BOLD"], f"slice {i} BOLD")


def test_stop_holds_the_model_and_start_goes_on():
    net, p1, p2, m = network()
    mon = m["RN"]
    mon.phi = 1.5                                   # parameters through the monitor
    assert mon.phi == 1.5 and mon.population.phi == 1.5
    net.simulate(100.0)
    assert mon.f_in == 1.0 and mon.s == 0.0         # not started: the initial state
    mon.start()
    net.simulate(700.0)                             # steps 100..799
    mon.stop()
    held = {name: mon.population.get(name) for name in ("s", "f_in", "q", "v")}
    net.simulate(300.0)                             # steps 800..1099: held
    for name, value in held.items():
        np.testing.assert_array_equal(getattr(mon, name), value)
    mon.start()
    net.simulate(500.0)                             # steps 1100..1599
    steps = list(range(100, 800)) + list(range(1100, 1600))
    inputs = [(10 * mean_input(P1, n) + 30 * mean_input(P2, n)) / 40 for n in steps]
    expected = balloon(inputs, dict(RN, phi=1.5))
    got = mon.get(["BOLD", "f_in"])
    close(got["BOLD"], expected["BOLD"], "BOLD across stop/start")
    close(got["f_in"], expected["f_in"], "f_in across stop/start")


def test_errors_name_the_problem():
    net = ann.Network(dt=DT)
    pop = net.create(10, Input, name="pop")
    with pytest.raises(UnknownKeywordError, match="did you mean 'bold_model'"):
        BoldMonitor(populations=pop, bold_modle=balloon_RN(), net=net)
    with pytest.raises(UnknownKeywordError, match="did you mean 'normalize_input'"):
        BoldMonitor(populations=pop, normalise_input=500, net=net)
    with pytest.raises(NetworkError, match="no attribute 'rr'.*did you mean 'r'"):
        BoldMonitor(populations=pop, mapping={"I_CBF": "rr"}, net=net)
    with pytest.raises(NetworkError, match="'I_CFB' of mapping is not an input.*'I_CBF'"):
        BoldMonitor(populations=pop, mapping={"I_CFB": "r"}, net=net)
    with pytest.raises(NetworkError, match="no variable 'BOLDD'.*did you mean 'BOLD'"):
        BoldMonitor(populations=pop, recorded_variables=["BOLDD"], net=net)
    with pytest.raises(NetworkError, match="declares the input 'I_CBF' but its equations "
                                           "never read sum\\(CBF\\)"):
        BoldMonitor(populations=pop, bold_model=BoldModel(
            parameters="", equations="BOLD = 0.0", inputs={"I_CBF": "CBF"}), net=net)
    assert [p.name for p in net.populations] == ["pop"]     # nothing left behind
    with pytest.raises(NetworkError, match="scale_factor has 3 values for 1"):
        BoldMonitor(populations=[pop], scale_factor=[1, 2, 3], net=net)
    with pytest.raises(NetworkError, match="PopulationView.*BoldMonitorFromSlices"):
        BoldMonitor(populations=pop[:5], net=net)
    with pytest.raises(NetworkError, match="bold_model must be a BoldModel"):
        BoldMonitor(populations=pop, bold_model=Input, net=net)
    with pytest.raises(NetworkError, match="populations"):
        BoldMonitor(net=net)
    with pytest.raises(NetworkError, match="normalize_input is not available"):
        BoldMonitorFromSlices(pop, slices=[[0, 1]], normalize_input=100, net=net)
    with pytest.raises(NetworkError, match="slice 1 must hold distinct ranks"):
        BoldMonitorFromSlices(pop, slices=[[0, 1], [3, 3]], net=net)
    with pytest.raises(NeurogenError, match="NormProjection .*not available yet"):
        from neurogen.extensions.bold import NormProjection  # noqa: F401
    m = BoldMonitor(populations=pop, net=net)
    with pytest.raises(AttributeError, match="'phii' is not an attribute.*did you mean 'phi'"):
        m.phii = 1.0


def test_a_custom_model_and_two_inputs_build():
    """A BoldModel of one's own (input named apart from its variable), and the two-input
    model mapping two variables: they reach their sums."""
    net = ann.Network(dt=DT)
    pop = net.create(10, Input, name="pop")
    pop.base = np.arange(10.0)
    leaky = BoldModel(parameters="tau = 100.0 : population",
                      equations="""
                          I_CBF = sum(CBF)
                          tau * dBOLD/dt = I_CBF - BOLD
                      """, inputs={"I_CBF": "CBF"})
    m1 = BoldMonitor(populations=pop, bold_model=leaky, recorded_variables="I_CBF", net=net)
    m2 = BoldMonitor(populations=pop, bold_model=balloon_two_inputs(),
                     mapping={"I_CBF": "r", "I_CMRO2": "base"},
                     recorded_variables=["I_CBF", "I_CMRO2"], net=net, start=True)
    assert m1.recorded_variables == ["BOLD", "I_CBF"] and leaky.inputs == ["I_CBF"]
    net.compile()
    m1.start()
    net.simulate(3.0)
    np.testing.assert_allclose(m1.get("I_CBF")[:, 0], [0.0, 4.5, 4.5])
    np.testing.assert_allclose(m2.get("I_CMRO2")[:, 0], [4.5, 4.5, 4.5])


def test_network_methods_and_a_sum_named_like_its_variable():
    """ANNarchy 5 scripts: net.boldmonitor(...), and models that write I_CBF = sum(I_CBF)."""
    import neurogen as ng
    from neurogen.extensions.bold import BoldMonitor
    net = ng.Network(dt=1.0)
    pop = net.create(4, ng.Neuron(parameters="r = 1.0"))
    assert isinstance(net.boldmonitor(populations=[pop]), BoldMonitor)
    cell = net.create(1, ng.Neuron(equations="I_CBF = sum(I_CBF)"))
    assert cell.targets == ["I_CBF"]
    net.connect(pop, cell, "I_CBF").all_to_all(0.25)
    net.compile(silent=True)
    net.simulate(2.0)
    assert cell.I_CBF[0] == 1.0


def test_a_spiking_population_and_an_input_named_like_its_variable():
    """ANNarchy's BoldMonitoring notebooks: Izhikevich populations whose firing rate
    (compute_firing_rate) feeds a model written I_CBF = sum(I_CBF). The recorded input is
    the mean of r over the population at the step before, exactly."""
    net = ann.Network(dt=1.0, seed=3)
    pop = net.create(50, ann.Izhikevich, name="izh")
    pop.noise = 7.0
    pop.compute_firing_rate(window=20.0)
    model = BoldModel(parameters="tau = 100.0 : population",
                      equations="""
                          I_CBF = sum(I_CBF)
                          tau * dBOLD/dt = I_CBF - BOLD
                      """, inputs="I_CBF")
    m = BoldMonitor(populations=pop, bold_model=model, recorded_variables="I_CBF", net=net)
    rates = net.monitor(pop, "r")
    net.compile(silent=True)
    m.start()
    net.simulate(100.0)
    r = rates.get("r")
    assert r.max() > 0.0
    np.testing.assert_allclose(m.get("I_CBF")[1:, 0], r[:-1].mean(axis=1), rtol=1e-12)

