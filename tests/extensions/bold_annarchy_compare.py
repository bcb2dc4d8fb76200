"""The same BOLD script under ANNarchy 5.0.4.1 and neurogen, the import changed (and,
under ANNarchy only, its two bugs worked around where marked). Monitors are made with
``BoldMonitor(..., net_id=net.id)``, which both take (neurogen's Network has no
``boldmonitor()`` method yet). Not a test (pytest does not collect it): its numbers are
in the docstring of test_bold.py.

    python bold_annarchy_compare.py annarchy ann.npz   # in ANNarchy's environment
    python bold_annarchy_compare.py neurogen ng.npz
    python bold_annarchy_compare.py diff ann.npz ng.npz

Two populations (10 and 30 neurons) with known rates (a baseline, a ramp, a pulse from 1 s
to 3 s) feed a BoldMonitor, started after 200 ms; each case records the model's
variables for 8 s (``restart``: 7 s). Cases: every predefined model; normalize_input
(one window, one per population with scale factors); stop() for 1 s then start() again
(the held state, a second baseline window); start=True; a BoldMonitorFromSlices.
``RLdoc`` runs, under ANNarchy, a BoldModel with the equations its documentation gives
for balloon_RL (ANNarchy's own balloon_RL divides dq/dt and dv/dt by tau only, not
tau * second).
"""
import sys

import numpy as np

if sys.argv[1] == "diff":
    a, b = np.load(sys.argv[2]), np.load(sys.argv[3])
    for k in a.files:
        x, y = a[k], b[k]
        assert x.shape == y.shape, (k, x.shape, y.shape)
        d = np.abs(x - y).max()
        print(f"{k:16s} max|x|={np.abs(x).max():9.4g}  max|diff|={d:9.3g}  "
              f"max|diff|/max|x|={d / np.abs(x).max():9.3g}")
    sys.exit()
if sys.argv[1] == "annarchy":
    import ANNarchy as ann
    from ANNarchy.extensions.bold import (BoldModel, BoldMonitor, BoldMonitorFromSlices,
                                          balloon_CL, balloon_CN, balloon_maith2021,
                                          balloon_RL, balloon_RN, balloon_two_inputs)
else:
    import neurogen as ann
    from neurogen.extensions.bold import (BoldModel, BoldMonitor, BoldMonitorFromSlices,
                                          balloon_CL, balloon_CN, balloon_maith2021,
                                          balloon_RL, balloon_RN, balloon_two_inputs)

Input = ann.Neuron(
    parameters="""
        base = 0.0
        amp = 1.0
        slope = 0.0
        t_on = 1000.0 : population
        t_off = 3000.0 : population
    """,
    equations="r = base + slope * t + amp * ite((t >= t_on) and (t < t_off), 1.0, 0.0)",
)


def rl_as_documented():
    """balloon_RL as ANNarchy's documentation writes it (ANNarchy only)."""
    return BoldModel(
        parameters="""
            second = 1000.0 : population
            phi = 1.0 : population
            kappa = 0.6493506493506493 : population
            gamma = 0.4065040650406504 : population
            E_0 = 0.34 : population
            tau = 0.98 : population
            alpha = 0.33 : population
            V_0 = 0.02 : population
            v_0 = 40.3 : population
            TE = 0.04 : population
            epsilon = 1.43 : population
            r_0 = 25.0 : population
        """,
        equations="""
            I_CBF = sum(I_CBF) : init=0
            ds/dt = (phi * I_CBF - kappa * s - gamma * (f_in - 1))/second : init=0
            df_in/dt = s / second : init=1, min=0.01
            E = 1 - (1 - E_0)**(1 / f_in) : init=0.3424
            dq/dt = (f_in * E / E_0 - (q / v) * f_out)/(tau*second) : init=1, min=0.01
            dv/dt = (f_in - f_out)/(tau*second) : init=1, min=0.01
            f_out = v**(1 / alpha) : init=1, min=0.01
            k_1 = 4.3 * v_0 * E_0 * TE
            k_2 = epsilon * r_0 * E_0 * TE
            k_3 = 1 - epsilon
            BOLD = V_0 * ((k_1 + k_2) * (1 - q) + (k_3 - k_2) * (1 - v)) : init=0
        """, inputs="I_CBF", name="RL as documented")


MODELS = {"RN": balloon_RN, "CN": balloon_CN, "CL": balloon_CL, "RL": balloon_RL,
          "maith": balloon_maith2021, "two": balloon_two_inputs}
CASES = ["RN", "CN", "CL", "RL", "RLdoc", "maith", "two", "norm", "norm2", "restart",
         "started", "slices"]
out = {}
for case in CASES:
    net = ann.Network(dt=1.0)
    p1 = net.create(10, Input, name="p1")
    p2 = net.create(30, Input, name="p2")
    p1.base = np.linspace(0.5, 1.5, 10)
    p1.amp = np.linspace(0.2, 1.0, 10)
    p1.slope = np.linspace(0.0, 2e-4, 10)
    p2.base = 0.3
    p2.amp = np.linspace(0.0, 0.6, 30)
    p2.slope = 1e-4
    if case == "RLdoc":
        model = rl_as_documented() if sys.argv[1] == "annarchy" else balloon_RL()
    else:
        model = MODELS.get(case, balloon_RN)()
    if case == "CN" and sys.argv[1] == "annarchy":
        model.name = "BoldNeuron CN"   # ANNarchy 5.0.4.1 names it with a tuple: refused
    recorded = ["BOLD", "I_CBF", "f_in", "q", "v", "f_out"]
    kw = dict(bold_model=model, recorded_variables=recorded)
    if case == "two":
        kw["mapping"] = {"I_CBF": "r", "I_CMRO2": "base"}
        kw["recorded_variables"] = recorded = recorded + ["I_CMRO2", "r"]
    if case in ("norm", "restart"):
        kw["normalize_input"] = 500
    if case == "norm2":
        kw["normalize_input"] = [500, 800]
        kw["scale_factor"] = [1.0, 2.0]
    if case == "started":
        kw["start"] = True
    if case == "slices":
        m = BoldMonitorFromSlices(population=p1, slices=[[0, 1, 2], [5, 9], [3]],
                                  net_id=net.id, **kw)
    else:
        m = BoldMonitor(populations=[p1, p2], net_id=net.id, **kw)
    net.compile(directory="annarchy_" + case) if sys.argv[1] == "annarchy" else net.compile()
    net.simulate(200.0)
    if case != "started":
        m.start()
    if case == "restart" and sys.argv[1] == "annarchy":
        # ANNarchy 5.0.4.1's BoldMonitor.stop() calls Monitor.stop(), which deletes the
        # recording and its C++ object (a later start() records nothing and get() fails):
        # here its parts are paused and resumed instead, as its stop()/start() intend
        net.simulate(2700.0)
        m._monitor.pause()
        m._bold_pop.cyInstance.activate(False)
        net.simulate(1000.0)
        m._monitor.resume()
        m._bold_pop.cyInstance.activate(True)
        for proj in m._acc_proj:
            proj.cyInstance.start(int(proj._normalize_input / net.dt))
        net.simulate(5300.0)
    elif case == "restart":
        net.simulate(2700.0)
        m.stop()
        net.simulate(1000.0)
        m.start()
        net.simulate(5300.0)
    else:
        net.simulate(8000.0)
    for var in recorded:
        data = np.asarray(m.get(var), dtype=float)
        if var == "BOLD":
            print(case, "get('BOLD') shape", data.shape)
        out[f"{case}_{var}"] = data
np.savez(sys.argv[2], **out)
