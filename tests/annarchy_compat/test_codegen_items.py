"""Behaviours that needed the code generator (issue 10, items 10, 11, 13-16 and the wrong
numbers), each against a NumPy or hand computation."""
import numpy as np
import pytest

import neurogen as ng


# -- 10. a target the post neuron never reads ----------------------------------------------
def test_unused_target_is_summed_and_its_synapses_learn():
    net = ng.Network(seed=2)
    pre = net.create(geometry=4, neuron=ng.Neuron(parameters="r = 0.0"))
    post = net.create(geometry=3, neuron=ng.Neuron(equations="r = t"))      # no sum() at all
    proj = net.connect(pre, post, "side", synapse=ng.Synapse(
        parameters="eta = 0.5 : projection", equations="w += eta"))
    proj.fixed_number_pre(2, weights=ng.Uniform(0.0, 1.0))
    net.compile()
    w0 = proj.connectivity_matrix()
    x = np.array([1.0, -2.0, 3.0, 0.5])
    pre.r = x
    net.simulate(3)
    mask = w0 != 0
    # the sum of step 3 uses the weights before that step's learning (two updates so far)
    np.testing.assert_allclose(post.sum("side"), np.where(mask, w0 + 1.0, 0) @ x, rtol=1e-13)
    np.testing.assert_allclose(proj.connectivity_matrix(), np.where(mask, w0 + 1.5, 0), rtol=1e-13)
    m = net.monitor(post, "sum(side)")
    net.simulate(1)
    assert m.get("sum(side)").shape == (1, 3)


# -- 15. disable_learning / enable_learning --------------------------------------------------
def test_disable_learning_freezes_weights_and_enable_resumes():
    net = ng.Network(seed=2)
    pre = net.create(geometry=2, neuron=ng.Neuron(parameters="r = 1.0"))
    post = net.create(geometry=1, neuron=ng.Neuron(equations="r = sum(exc)"))
    oja = net.connect(pre, post, "exc", synapse=ng.Oja(eta=0.1))
    oja.all_to_all(0.1)
    hebb = net.connect(pre, post, "other", synapse=ng.Hebb(eta=0.1))
    hebb.all_to_all(0.1)
    net.compile()
    net.disable_learning()
    net.simulate(5)
    np.testing.assert_array_equal(oja.connectivity_matrix(), 0.1)
    np.testing.assert_allclose(post.sum("exc"), 0.2, rtol=1e-15)
    net.enable_learning([hebb])
    net.simulate(3)
    np.testing.assert_array_equal(oja.connectivity_matrix(), 0.1)
    w, r_post = 0.1, 0.2
    for _ in range(3):       # Hebb: dw = eta * pre.r * post.r, post.r = sum(exc) = 0.2
        w += 0.1 * 1.0 * r_post
    np.testing.assert_allclose(hebb.connectivity_matrix(), w, rtol=1e-13)
    with pytest.raises(ng.NetworkError, match="period must be a multiple of dt"):
        net.enable_learning(period=2.5)
    with pytest.raises(ng.NetworkError, match="offset needs a period"):
        net.enable_learning(offset=1.0)
    with pytest.raises(ng.NetworkError, match=r"offset must be in \[0, period\)"):
        net.enable_learning(period=2.0, offset=2.0)


LEARNING_SCHEDULE = {   # ANNarchy 5.0.4.1, same script: (offset, first simulate) -> w per step
    (0.0, 3.0): [3.0, 5.0, 5.0, 5.0, 5.0, 7.0, 7.0, 7.0, 7.0, 9.0, 9.0, 9.0],
    (1.0, 3.0): [3.0, 3.0, 3.0, 5.0, 5.0, 5.0, 5.0, 7.0, 7.0, 7.0, 7.0, 9.0],
    (0.5, 2.0): [2.0, 4.0, 4.0, 4.0, 4.0, 6.0, 6.0, 6.0, 6.0, 8.0, 8.0, 8.0],
    (0.0, 3.2): [3.5, 3.5, 3.5, 3.5, 5.5, 5.5, 5.5, 5.5, 7.5, 7.5, 7.5, 7.5],
}


@pytest.mark.parametrize("offset, start", list(LEARNING_SCHEDULE))
def test_enable_learning_with_a_period_and_offset_as_annarchy(offset, start):
    """enable_learning(period=2, offset=...) at dt = 0.5: dw/dt = 1 integrated over
    period * dt = 2 ms every 4 steps, from ANNarchy's offset (the current time modulo
    the period plus the offset, truncated to whole ms); disable/enable as before."""
    net = ng.Network(dt=0.5)
    one = ng.Neuron(equations="r = 1.0")
    pre, post = net.create(1, one), net.create(1, one)
    proj = net.connect(pre, post, "exc", synapse=ng.Synapse(equations="dw/dt = 1.0"))
    proj.all_to_all(0.0)
    net.compile(silent=True)
    net.simulate(start)
    proj.enable_learning(period=2.0, offset=offset)
    seen = []
    for _ in range(12):
        seen.append(proj.w[0][0])
        net.simulate(0.5)
    assert seen == LEARNING_SCHEDULE[(offset, start)]
    proj.disable_learning()
    frozen = proj.w[0][0]
    net.simulate(2.0)
    assert proj.w[0][0] == frozen
    proj.enable_learning()                 # every step again
    before = proj.w[0][0]
    net.simulate(1.0)
    assert proj.w[0][0] == before + 1.0


# -- 11. writing proj.delay after compile ------------------------------------------------------
def test_delays_are_writable_after_compile_and_the_buffer_grows():
    """r(t) = t at each step; a delay of d steps makes sum(exc) read r from d steps back
    (the sum of step s sees r written at step s - d)."""
    net = ng.Network(seed=1)
    pre = net.create(geometry=3, neuron=ng.Neuron(equations="r = t"))
    post = net.create(geometry=3, neuron=ng.Neuron(equations="r = sum(exc)"))
    uniform = net.connect(pre, post, "exc")
    uniform.one_to_one(1.0, delays=3.0)
    each = net.connect(pre, post, "other")
    each.one_to_one(1.0, delays=ng.DiscreteUniform(2, 4))
    net.compile()
    assert uniform.delay == 3.0
    uniform.delay = 7.0                                 # beyond the compiled maximum (4)
    each.delay = [[2.0], [5.0], [3.0]]
    assert each.delay == [[2.0], [5.0], [3.0]]
    net.simulate(12)
    last = 11.0                                         # t of the last step
    np.testing.assert_allclose(post.sum("exc"), last - 7)
    np.testing.assert_allclose(post.sum("other"), [last - 2, last - 5, last - 3])
    plain = ng.Network()
    a = plain.create(geometry=1, neuron=ng.Neuron(equations="r = t"))
    b = plain.create(geometry=1, neuron=ng.Neuron(equations="r = sum(exc)"))
    proj = plain.connect(a, b, "exc").one_to_one(1.0)
    plain.compile()
    with pytest.raises(ng.NetworkError, match="compiled without delay"):
        proj.delay = 5.0


def test_delays_of_dendrites_of_different_sizes():
    """One list per dendrite, of different lengths (a ragged list, which NumPy cannot
    make an array of): synapse j of post neuron i reads r from delays[i][j] steps back."""
    net = ng.Network(seed=1)
    pre = net.create(geometry=3, neuron=ng.Neuron(equations="r = t"))
    post = net.create(geometry=2, neuron=ng.Neuron(equations="r = sum(exc)"))
    proj = net.connect(pre, post, "exc")
    proj.from_matrix([[1.0, None, None], [1.0, 1.0, 1.0]], delays=1.0)   # None: no synapse
    proj.delay = [[2.0], [3.0, 5.0, 4.0]]
    assert proj.delay == [[2.0], [3.0, 5.0, 4.0]]
    with pytest.raises(ng.NetworkError, match="one list per dendrite"):
        proj.delay = "2 ms"
    net.compile()
    net.simulate(12)
    last = 11.0
    np.testing.assert_allclose(post.sum("exc"), [last - 2, 3 * last - 12])


# -- wrong number fixed: a delay applies to every presynaptic variable a psp reads ---------------
@pytest.mark.parametrize("delay", ["uniform", "synapse"])
def test_delayed_psp_reads_every_presynaptic_variable_through_the_delay(delay):
    """x, g (population-wide) and r follow the same sequence v(s+1) = v(s) + t, v(0) = -1;
    through a delay of d steps each projection's sum must read the value d steps back."""
    net = ng.Network(seed=1)
    pre = net.create(geometry=3, neuron=ng.Neuron(equations="""
        r = r + t : init = -1
        x = x + t : init = -1
        g = g + t : init = -1, population
    """))
    post = net.create(geometry=3, neuron=ng.Neuron(equations="o = sum(viar) + sum(viax)"))
    delays = 4.0 if delay == "uniform" else [[2.0], [4.0], [3.0]]
    projs = {}
    for target, psp in (("viar", None), ("viax", "pre.x * w"), ("viag", "pre.g * w")):
        syn = ng.Synapse(psp=psp) if psp else None
        proj = net.connect(pre, post, target, synapse=syn)
        proj.one_to_one(1.0, delays=4.0 if delay == "uniform" else ng.DiscreteUniform(2, 4))
        projs[target] = proj
    net.compile()
    for proj in projs.values():
        proj.delay = delays
    net.simulate(12)
    values = [-1.0]                       # v after each step s: v(s) = v(s-1) + t_s
    for s in range(12):
        values.append(values[-1] + s)
    steps = [4, 4, 4] if delay == "uniform" else [2, 4, 3]
    # the sums of the last step (s = 11) read the value written d steps before it
    expected = [values[12 - d] for d in steps]
    np.testing.assert_allclose(post.sum("viar"), expected, rtol=1e-15)
    np.testing.assert_allclose(post.sum("viax"), expected, rtol=1e-15)
    np.testing.assert_allclose(post.sum("viag"), expected, rtol=1e-15)


# -- 13. pre.sum / post.sum and population reductions in synapse equations ----------------------
def test_synapse_reads_neuron_sums_and_population_means():
    net = ng.Network(seed=3)
    pre = net.create(geometry=3, neuron=ng.Neuron(parameters="r = 0.0",
                                                  equations="s = sum(fb)"))
    post = net.create(geometry=2, neuron=ng.Neuron(parameters="r = 0.0",
                                                   equations="s = sum(ff)"))
    syn = ng.Synapse(parameters="eta = 0.5 : projection", equations="""
        y = pre.sum(fb) + 10 * post.sum(ff) + 100 * post.sum(absent)
        cov = (pre.r - mean(pre.r)) * (post.r - mean(post.r))
        dw/dt = eta * cov
    """)
    ff = net.connect(pre, post, "ff", synapse=syn)
    ff.all_to_all(1.0)
    fb = net.connect(post, pre, "fb")
    fb.all_to_all(2.0)
    net.compile()
    a, b = np.array([1.0, 2.0, 6.0]), np.array([0.5, 3.5])
    pre.r, post.r = a, b
    net.simulate(1)
    W = np.ones((2, 3))
    sum_ff, sum_fb = W @ a, np.full((3, 2), 2.0) @ b
    y = sum_fb[None, :] + 10 * sum_ff[:, None]                      # (post, pre)
    cov = np.outer(b - b.mean(), a - a.mean())
    np.testing.assert_allclose(np.vstack(ff.y), y, rtol=1e-14)
    np.testing.assert_allclose(np.vstack(ff.cov), cov, rtol=1e-14)
    np.testing.assert_allclose(ff.connectivity_matrix(), W + 0.5 * cov, rtol=1e-14)


# -- 16. TimedArray.update: at once, reset=True restarts; net.reset() restores -----------------
def test_timed_array_update_takes_effect_at_once_and_reset_restarts():
    net = ng.Network()
    rates = np.arange(1.0, 6.0)[:, None]                   # entry k shows k + 1
    inp = net.create(ng.TimedArray(rates=rates))
    out = net.create(geometry=1, neuron=ng.Neuron(equations="r = sum(exc)"))
    net.connect(inp, out, "exc").one_to_one(1.0)
    net.compile()
    net.simulate(3)                     # the sums of step 2 read entry 1
    assert out.sum("exc")[0] == 2.0
    inp.update(10 * rates)              # the entry of step 2, from the new buffer, at once
    assert inp.r[0] == 30.0
    net.simulate(1)
    assert out.sum("exc")[0] == 30.0
    inp.update(100 * rates, reset=True)  # the next step shows the first entry (ANNarchy 5)
    net.simulate(1)
    assert inp.r[0] == 100.0 and out.sum("exc")[0] == 100.0
    net.simulate(1)                     # the sums read the entry of the step before
    assert inp.r[0] == 200.0 and out.sum("exc")[0] == 100.0
    net.reset()                         # buffer, schedule and period of compile time
    net.simulate(2)
    assert out.sum("exc")[0] == 1.0 and inp.r[0] == 2.0
