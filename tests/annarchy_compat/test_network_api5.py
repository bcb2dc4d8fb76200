"""ANNarchy 5 API that users hit: one ``Variable`` as ``equations=``, ``save_parameters`` /
``load_parameters`` and ``reset(projections=)`` with ANNarchy's values, ``Network``
subclasses constructed with ``dt=``/``seed=``, ``Network.parallel_run()``.

Every expected value was obtained by running the same script under ANNarchy 5.0.4.1 (the
comments quote what it returned); random draws differ between the simulators, so they
are compared only within neurogen."""
import json

import numpy as np
import pytest

import neurogen as ng
from neurogen.errors import ModelError, NetworkError, UnknownKeywordError


# -- 1. Variable / Parameter objects ----------------------------------------------------------
def test_equations_take_one_variable_and_parameter_defaults_to_global():
    net = ng.Network()
    leaky = net.create(3, ng.Neuron(
        parameters=dict(tau=10.0, a=ng.Parameter(2.0)),
        equations=ng.Variable("tau * dr/dt = a - 1 - r", init=0.5, min=0.0)))
    listed = net.create(2, ng.Neuron(parameters=["a = 2.0", "b = 3 : population"],
                                     equations="r = a + b"))
    proj = net.connect(listed, leaky, "exc", ng.Synapse(
        parameters=dict(eta=0.1, nu=ng.Parameter(0.1, locality="postsynaptic")),
        equations=ng.Variable("dg/dt = eta", locality="semiglobal")))
    proj.all_to_all(0.5)
    net.compile(silent=True)
    net.simulate(2)
    # ANNarchy: equations=Variable(...) gives r = 0.5950000000000001 after 2 steps (tau 10)
    np.testing.assert_allclose(leaky.r, [0.595] * 3, rtol=1e-12)
    # ANNarchy: Parameter(2.0) in a dict is global ('a': 2.0, not an array); a list of
    # strings is taken as the text; Variable(locality='semiglobal') in a synapse: one per
    # postsynaptic neuron ('g': [0.2, 0.2]); Parameter(locality='postsynaptic') too
    assert np.ndim(leaky.a) == 0 and leaky.a == 2.0 and np.ndim(listed.b) == 0
    assert listed.b == 3.0 and listed.r.tolist() == [5.0, 5.0]
    assert np.allclose(proj.g, [0.2] * 3) and np.allclose(proj.nu, [0.1] * 3)
    # ANNarchy refuses a lone Parameter as parameters= ("should either be a dictionary or
    # a multi-string") and as equations= ("must be either a string or a list")
    with pytest.raises(ModelError, match=r"needs a name: parameters=dict\(name=Parameter"):
        ng.Neuron(parameters=ng.Parameter(1.0), equations="r = 1")
    with pytest.raises(ModelError, match="Parameter.* belongs in parameters=dict"):
        ng.Neuron(equations=ng.Parameter(1.0))
    # ANNarchy drops a non-string, non-Variable item silently; neurogen says so
    with pytest.raises(ModelError, match="expected strings or Variable.*got int"):
        ng.Neuron(equations=[ng.Variable("dr/dt = 1"), 3])


# -- 2. save_parameters / load_parameters, reset(projections=) -------------------------------
GLOBALS = ng.Neuron(parameters="""
    a = 1.0 : population
    b = 2.0
    flag = true : population, bool
    k = 3 : population, int
""", equations="""
    g = a + 1 : population
    r = b + g + kc
""")
LEARNING = ng.Synapse(parameters="eta = 0.1 : projection\nnu = 0.2 : postsynaptic\n"
                                 "lam = 0.3",
                      equations="dx/dt = eta : projection")


def _globals_network():
    ng.Constant("kc", 0.3)
    net = ng.Network()
    p = net.create(3, GLOBALS, name="p")
    q = net.create(2, GLOBALS, name="q")
    pr = net.connect(p, q, "exc", LEARNING, name="pr")
    pr.all_to_all(0.5)
    net.connect(p, q, "inh", name="pd").all_to_all(0.25)
    kd = ng.Constant("kd", 0.7, net=net)
    return net, p, q, pr, kd


def test_save_parameters_writes_the_compile_time_globals(tmp_path):
    net, p, q, pr, kd = _globals_network()
    p.a, p.b, pr.eta, pr.lam = 5.0, 6.0, 0.5, 0.4      # before compile(): these are saved
    net.compile(silent=True)
    p.a, q.a, pr.eta, pr.nu = 7.0, 9.0, 0.9, 0.8       # after: not saved
    net.simulate(3)
    kd.set(0.9)                                         # constants: their value now
    ng.save_parameters(tmp_path / "p.json", net_id=net.id)
    # ANNarchy 5.0.4.1 wrote exactly this (global parameters and variables only)
    assert json.loads((tmp_path / "p.json").read_text()) == {
        "populations": {"p": {"a": 5.0, "flag": True, "k": 3, "g": 0.0},
                        "q": {"a": 1.0, "flag": True, "k": 3, "g": 0.0}},
        "projections": {"pr": {"eta": 0.5, "x": 0.0}, "pd": {}},
        "network": {}, "constants": {"kc": 0.3, "kd": 0.9}}
    content = json.loads((tmp_path / "p.json").read_text())
    content["populations"]["p"].update(b=11.0, g=12.0, a=13.0)
    content["projections"]["pr"].update(nu=14.0, eta=15)
    content["network"] = {"extra": 3, "other": "4"}
    (tmp_path / "q.json").write_text(json.dumps(content))
    # ANNarchy: returns the 'network' section as floats; by default (global_only=True) the
    # local b, the semiglobal nu and the variables g, x are skipped
    assert ng.load_parameters(tmp_path / "q.json", net_id=net.id) == {"extra": 3.0,
                                                                        "other": 4.0}
    assert p.a == 13.0 and p.b.tolist() == [6.0] * 3 and pr.eta == 15.0
    assert pr.nu.tolist() == [0.8, 0.8]
    net.load_parameters(tmp_path / "q.json", global_only=False)
    assert p.b.tolist() == [11.0] * 3 and pr.nu.tolist() == [14.0, 14.0]
    # ANNarchy: reset(projections=True) -> eta 0.5, nu [0.2, 0.2], x 0.0 (compile-time
    # values, not w); reset(synapses=True) alone implies projections=True and also
    # restores the weights (lam 0.4: the value set before compile)
    pr.w, pr.lam = 2.0, 0.8
    net.reset()
    assert pr.eta == 15.0
    net.reset(projections=True)
    assert (pr.eta, pr.nu.tolist(), pr.x) == (0.5, [0.2, 0.2], 0.0)
    assert np.allclose(pr.w, 2.0) and np.allclose(pr.lam, 0.4)
    pr.eta = 0.9
    net.reset(synapses=True)
    assert pr.eta == 0.5 and np.allclose(pr.w, 0.5)
    content["projections"]["pr"]["etta"] = 1.0
    (tmp_path / "r.json").write_text(json.dumps(content))
    with pytest.raises(NetworkError, match="has no parameter 'etta'; did you mean 'eta'"):
        net.load_parameters(tmp_path / "r.json")
    assert pr.eta == 0.5                                # nothing was set


# -- 3. Network subclasses constructed with dt=/seed= -----------------------------------------
class Sized(ng.Network):
    def __init__(self, N, dt=1.0, seed=None):
        self.seen = (N, dt, seed, self.dt, self.seed)
        super().__init__(dt=0.5, seed=3)
        self.pop = self.create(N, ng.Neuron(equations="r = 1.0"))


def test_subclass_constructor_takes_dt_and_seed_off():
    # ANNarchy: __init__ got N=10, dt=1.0, seed=None while self.dt was already 0.1 and
    # self.seed 1; super().__init__(dt=0.5, seed=3) changed neither
    net = Sized(N=10, dt=0.1, seed=1)
    assert net.seen == (10, 1.0, None, 0.1, 1) and (net.dt, net.seed) == (0.1, 1)
    assert net.pop.size == 10
    default = Sized(5)
    assert default.dt == 1.0 and isinstance(default.seed, int)
    # ANNarchy: other options reach the subclass's __init__ (TypeError "unexpected
    # keyword argument 'num_threads'"); neurogen says where they go
    with pytest.raises(UnknownKeywordError, match=r"num_threads.*net.config\(num_threads"):
        Sized(4, num_threads=2)
    with pytest.raises(UnknownKeywordError, match="'sed'; did you mean 'seed'"):
        Sized(4, sed=2)


# -- 4. Network.parallel_run ----------------------------------------------------------------
LEAKY = ng.Neuron(parameters="tau = 10.0 : population",
                  equations="tau * dr/dt = 1 - r\nn = Uniform(0, 1)")


class Pulses(ng.Network):
    def __init__(self, N=3, r0=0.0):
        self.pop = self.create(N, LEAKY, name="pop")
        self.pop.r = r0
        self.m = self.monitor(self.pop, "r")


def simulation(net, duration=2.0):
    net.simulate(duration)
    return dict(seed=net.seed, dt=net.dt, size=net.pop.size, r=round(float(net.pop.r[0]), 6),
                tau=net.pop.tau, t=net.time, steps=len(net.m.get("r")), n=net.pop.n.tolist())


def test_parallel_run_copies_in_order_with_annarchy_seeds(capsys):
    net = Pulses(N=2, r0=0.5, dt=0.5, seed=42)
    with pytest.raises(NetworkError, match="compile"):
        net.parallel_run(simulation, 2)
    net.compile(silent=True)
    net.pop.tau = 7.0                      # set after construction: not in the copies
    parent = simulation(net)
    results = net.parallel_run(method=simulation, number=3, seeds="sequential",
                               N=[2, 3, 4], duration=[1.0, 2.0, 3.0], max_processes=2)
    # ANNarchy: seeds 43, 44, 45; constructor keywords (N) and method keywords (duration)
    # split per copy; r0=0.5 kept from the original; tau 10.0; dt 0.5
    assert [(c["seed"], c["size"], c["r"], c["tau"], c["t"], c["steps"], c["dt"])
            for c in results] == [(43, 2, 0.54875, 10.0, 1.0, 2, 0.5),
                                  (44, 3, 0.592747, 10.0, 2.0, 4, 0.5),
                                  (45, 4, 0.632454, 10.0, 3.0, 6, 0.5)]
    net.config(dt=0.25)                    # ANNarchy: the copies take the dt of now
    same = net.parallel_run(simulation, 2, seeds="same", measure_time=True)
    assert "Simulating 2 networks in parallel took" in capsys.readouterr().out
    # ANNarchy: r 0.591674, 8 steps, seed 42; the same seed draws the same numbers
    assert [(c["seed"], c["r"], c["steps"], c["dt"]) for c in same] == [(42, 0.591674, 8,
                                                                           0.25)] * 2
    assert same[0]["n"] == same[1]["n"]
    assert parent["r"] == 0.628267         # ANNarchy: 0.628267 with tau 7


def test_parallel_run_refusals():
    plain = ng.Network()
    plain.create(2, LEAKY)
    plain.compile(silent=True)
    # ANNarchy: "the network must be an instance of a class deriving from Network"
    with pytest.raises(NetworkError, match="subclass of Network"):
        plain.parallel_run(simulation, 1)
    net = Pulses(N=2)
    net.compile(silent=True)
    # ANNarchy: "the list of seeds must have the same size as the number of simulations",
    # "the list of values for N must have the same size...", TypeError for seeds=5 and
    # for an unknown keyword (in the method), a pickling error for a lambda
    with pytest.raises(NetworkError, match="2 seeds for 3 copies"):
        net.parallel_run(simulation, 3, seeds=[1, 2])
    with pytest.raises(NetworkError, match="seeds must be None, 'same', 'sequential'"):
        net.parallel_run(simulation, 2, seeds=5)
    with pytest.raises(NetworkError, match="2 values of 'N' for 3 copies"):
        net.parallel_run(simulation, 3, N=[1, 2])
    with pytest.raises(UnknownKeywordError, match="'durration'; did you mean 'duration'"):
        net.parallel_run(simulation, 2, durration=5.0)
    with pytest.raises(NetworkError, match="number must be a positive integer"):
        net.parallel_run(simulation, 0)
    with pytest.raises(NetworkError, match="cannot be sent to a worker process"):
        net.parallel_run(lambda n: n.seed, 2)


def test_parallel_run_on_dask():
    distributed = pytest.importorskip("distributed")
    net = Pulses(N=2, seed=3)
    net.compile(silent=True)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        results = net.parallel_run(lambda n: (n.seed, n.pop.size), 3, seeds="sequential",
                                   N=[1, 2, 3], scheduler=cluster.scheduler_address)
    assert results == [(4, 1), (5, 2), (6, 3)]
