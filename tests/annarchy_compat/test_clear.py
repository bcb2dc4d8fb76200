"""ANNarchy's clear(): module-level constants and functions are erased unless asked not to;
an ``if c then a else b`` conditional does not take the flags' colon."""
import numpy as np

import neurogen as ng


def test_clear_forgets_module_level_constants_and_functions():
    ng.clear()
    ng.Constant("clear_k", 2.0)
    ng.add_function("clear_f(x) = 3 * x")
    ng.clear(constants=False, functions=False)
    pop = ng.Population(1, ng.Neuron(equations="r = clear_f(clear_k)"))
    ng.compile()
    ng.step()
    np.testing.assert_allclose(pop.r, 6.0)
    ng.clear()
    with np.testing.assert_raises(ng.NeurogenError):
        ng.Population(1, ng.Neuron(equations="r = clear_f(clear_k)"))


def test_if_then_else_leaves_the_flag_colon_to_the_flags():
    net = ng.Network()
    pop = net.create(2, ng.Neuron(equations="dr/dt = if r > 1 then 1 else -r : midpoint, init=2.0"))
    assert float(pop.r[0]) == 2.0


def test_spiking_standard_models_import_and_work():
    """ANNarchy modules import IF_curr_exp, STDP...: the names load and are the models
    (spiking networks are built): a population of IF_curr_exp spikes under a constant
    current, STDP() is a spiking Synapse."""
    from neurogen import IF_curr_exp, Izhikevich, STDP
    net = ng.Network(dt=0.1)
    pop = net.create(geometry=2, neuron=IF_curr_exp)       # the class, as ANNarchy allows
    izh = net.create(geometry=1, neuron=Izhikevich())
    m = net.monitor(pop, "spike")
    net.compile(silent=True)
    pop.i_offset = [0.0, 1.0]
    net.simulate(100.0)
    spikes = m.get("spike")
    assert spikes[0] == [] and len(spikes[1]) >= 3
    assert izh.neuron_type.type == "spike"
    assert isinstance(STDP(), ng.Synapse) and STDP().type == "spike"
