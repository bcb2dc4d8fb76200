"""neurogen.analysis.spike_trains: each statistic against small examples computed by hand
and against NumPy computations written another way (from a boolean spike matrix, by
searchsorted, by an explicit convolution), Poisson trains against their known statistics
(tolerances stated at each check), and the errors for bad input."""
import io

import numpy as np
import pytest

from neurogen.errors import InvalidValueError, NeurogenError
from neurogen.analysis import spike_trains as st


def bernoulli(n, steps, p, seed):
    """A boolean matrix (neuron, step) with independent spikes of probability p per step
    (a discretised Poisson train), and the spike dictionary Monitor.get('spike') gives."""
    spiking = np.random.default_rng(seed).random((n, steps)) < p
    return spiking, {i: np.flatnonzero(row).tolist() for i, row in enumerate(spiking)}


def intervals_by_lexsort(times, ranks):
    """The ISIs from a raster sorted by (rank, time): differences of successive spikes of
    the same neuron (no per-neuron loop)."""
    order = np.lexsort((times, ranks))
    t, r = times[order], ranks[order]
    same = r[1:] == r[:-1]
    return (t[1:] - t[:-1])[same], r[1:][same]


# -- raster_plot ------------------------------------------------------------------------------
def test_raster_plot_by_hand():
    times, ranks = st.raster_plot({3: [1, 5], 0: [2], 1: []}, 0.25)
    np.testing.assert_array_equal(times, [0.25, 1.25, 0.5])
    np.testing.assert_array_equal(ranks, [3, 3, 0])
    assert ranks.dtype.kind == "i" and times.dtype == np.float64
    times, ranks = st.raster_plot({}, 1.0)
    assert times.shape == ranks.shape == (0,)


def test_raster_plot_matches_the_spike_matrix():
    spiking, spikes = bernoulli(30, 400, 0.05, seed=1)
    times, ranks = st.raster_plot(spikes, 0.1)
    rows, cols = np.nonzero(spiking)            # row-major: neuron after neuron
    np.testing.assert_array_equal(ranks, rows)
    np.testing.assert_allclose(times, cols * 0.1, rtol=0, atol=1e-12)


def test_the_dictionary_of_all_variables_is_accepted():
    spikes = {0: [1, 4], 2: [3]}
    for whole in ({"spike": spikes, "v": np.zeros(3)}, {"axon_spike": spikes}):
        for a, b in zip(st.raster_plot(whole, 1.0), st.raster_plot(spikes, 1.0)):
            np.testing.assert_array_equal(a, b)


# -- histogram --------------------------------------------------------------------------------
def test_histogram_by_hand():
    spikes = {0: [0, 3, 7], 1: [2, 9]}
    # bins of 1 ms = 2 steps from step 0 (first spike) to 9 (last): 9 // 2 + 1 = 5 bins
    np.testing.assert_array_equal(st.histogram(spikes, 0.5, bins=1.0), [1, 2, 0, 1, 1])
    np.testing.assert_array_equal(st.histogram(spikes, 0.5, bins=1.0, per_neuron=True),
                                  [[1, 1, 0, 1, 0], [0, 1, 0, 0, 1]])
    # default bins: one step
    np.testing.assert_array_equal(st.histogram(spikes, 0.5),
                                  [1, 0, 1, 1, 0, 0, 0, 1, 0, 1])
    # ranks without entry give zero rows; the window starts at the first spike
    np.testing.assert_array_equal(st.histogram({2: [4, 6], 0: [5]}, 1.0, bins=2.0,
                                               per_neuron=True),
                                  [[1, 0], [0, 0], [1, 1]])


def test_histogram_window_and_inexact_bins():
    spikes = {0: [1, 2, 5, 8, 12]}
    # window (2, 8): steps 1 and 12 are outside; bins of 3 steps: 2-4, 5-7, 8-10
    np.testing.assert_array_equal(st.histogram(spikes, 1.0, bins=3.0, recording_window=(2, 8)),
                                  [1, 1, 1])
    # 0.3 / 0.1 is 2.9999999999999996 in floating point: still bins of 3 steps, from the
    # first spike (1) to the last (12): 11 // 3 + 1 = 4 bins, 1-3, 4-6, 7-9, 10-12
    np.testing.assert_array_equal(st.histogram(spikes, 0.1, bins=0.3), [2, 1, 1, 1])
    # an empty dictionary with a window: zero counts
    np.testing.assert_array_equal(st.histogram({}, 1.0, recording_window=(0, 3)), [0] * 4)


def test_histogram_matches_reshaped_spike_matrix():
    spiking, spikes = bernoulli(40, 600, 0.03, seed=2)
    # 600 steps in bins of 5 steps: window (0, 599) gives 599 // 5 + 1 = 120 bins
    expected = spiking.reshape(40, 120, 5).sum(axis=2)
    got = st.histogram(spikes, 0.2, bins=1.0, recording_window=(0, 599), per_neuron=True)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(
        st.histogram(spikes, 0.2, bins=1.0, recording_window=(0, 599)), expected.sum(0))


# -- inter-spike intervals and their CV -------------------------------------------------------
def test_inter_spike_interval_by_hand():
    spikes = {0: [0, 1, 4], 1: [7], 2: [2, 6]}
    assert st.inter_spike_interval(spikes, 0.5) == [0.5, 1.5, 2.0]
    assert st.inter_spike_interval(spikes, 0.5, per_neuron=True) == {0: [0.5, 1.5], 2: [2.0]}
    assert st.inter_spike_interval(spikes, 0.5, ranks=[2, 1]) == [2.0]
    assert st.inter_spike_interval(spikes, 0.5, ranks=np.array([0])) == [0.5, 1.5]


def test_inter_spike_interval_of_bernoulli_trains():
    p, dt = 0.05, 0.5
    spiking, spikes = bernoulli(50, 4000, p, seed=3)
    isi = np.array(st.inter_spike_interval(spikes, dt))
    # the same intervals, found from the sorted raster instead of neuron by neuron
    rows, cols = np.nonzero(spiking)
    expected, _ = intervals_by_lexsort(cols * dt, rows)
    np.testing.assert_allclose(np.sort(isi), np.sort(expected), rtol=0, atol=1e-9)
    # geometric intervals: mean dt / p = 10 ms, sd sqrt(1 - p) / p * dt ~ 9.7 ms; about
    # 9900 intervals, so the standard error of the mean is ~0.1 ms: 5 % (5 s.e.)
    assert abs(isi.mean() - dt / p) < 0.05 * dt / p


def test_coefficient_of_variation_by_hand():
    spikes = {0: [0, 1, 4], 1: [0, 2, 4, 6], 2: [0, 5], 3: []}
    # neuron 0: intervals 1, 3 -> sd 1, mean 2; neuron 1: regular; 2 and 3: too few
    assert st.coefficient_of_variation(spikes, 0.1) == pytest.approx([0.5, 0.0])
    assert st.coefficient_of_variation(spikes, 0.1, per_neuron=True) == \
        pytest.approx({0: 0.5, 1: 0.0})
    assert st.coefficient_of_variation(spikes, 0.1, ranks=[1, 2]) == pytest.approx([0.0])


def test_coefficient_of_variation_of_bernoulli_trains():
    p = 0.05
    spiking, spikes = bernoulli(20, 20000, p, seed=4)
    cv = st.coefficient_of_variation(spikes, 1.0, per_neuron=True)
    # from the lexsorted raster, with the moments written out (sqrt(E[x^2] - E[x]^2) / E[x])
    rows, cols = np.nonzero(spiking)
    isi, owner = intervals_by_lexsort(cols.astype(float), rows)
    for rank in range(20):
        x = isi[owner == rank]
        assert cv[rank] == pytest.approx(np.sqrt((x ** 2).mean() - x.mean() ** 2) / x.mean(),
                                         rel=1e-9)
    # geometric intervals: CV = sqrt(1 - p) = 0.975; ~1000 intervals per neuron give each
    # CV a spread of ~0.03, the mean of 20 of them ~0.007: 0.03 is > 4 s.e.
    assert abs(np.mean(list(cv.values())) - np.sqrt(1 - p)) < 0.03


# -- mean_fr ----------------------------------------------------------------------------------
def test_mean_fr_by_hand():
    spikes = {0: [1, 3], 1: [5], 2: []}
    # first to last spike: 4 steps of 0.5 ms; 3 spikes over 3 neurons
    assert st.mean_fr(spikes, 0.5) == pytest.approx(3 / 3 / 2.0 * 1000)
    assert st.mean_fr(spikes, 0.5, duration=10.0) == pytest.approx(3 / 3 / 10.0 * 1000)
    # the Monitor's numbers: the recorded period and the population size
    assert st.mean_fr(spikes, 0.5, recording_window=(0, 10), size=5) == \
        pytest.approx(3 / 5 / 5.0 * 1000)
    # spikes outside the window are not counted
    assert st.mean_fr(spikes, 0.5, recording_window=(2, 6)) == pytest.approx(2 / 3 / 2 * 1000)


def test_mean_fr_of_bernoulli_trains():
    rate, dt, n, steps = 20.0, 0.5, 200, 4000
    spiking, spikes = bernoulli(n, steps, rate * dt / 1000, seed=5)
    got = st.mean_fr(spikes, dt, recording_window=(0, steps))
    assert got == pytest.approx(spiking.sum() / (n * steps * dt) * 1000, rel=1e-12)
    # ~8000 spikes: relative s.e. ~1.1 %, tolerance 5 %
    assert got == pytest.approx(rate, rel=0.05)


# -- smoothed_rate ----------------------------------------------------------------------------
def rate_by_searchsorted(steps, start, stop, dt):
    """For each step of the window: 1000 / (next spike - last spike at or before) / dt."""
    steps = np.asarray(steps)
    grid = np.arange(start, stop)
    before = np.searchsorted(steps, grid, side="right") - 1
    after = before + 1
    ok = (before >= 0) & (after < steps.size)
    out = np.zeros(grid.size)
    out[ok] = 1000.0 / ((steps[after[ok]] - steps[before[ok]]) * dt)
    return out


def low_pass_by_convolution(x, alpha):
    """y[0] = x[0], y[t] = (1 - a) y[t-1] + a x[t], written as a weighted sum of x."""
    t = np.arange(x.size)
    lag = t[:, None] - t[None, :]
    weights = np.where(lag >= 0, alpha * (1 - alpha) ** np.clip(lag, 0, None), 0.0)
    weights[:, 0] = (1 - alpha) ** t
    return weights @ x


def test_smoothed_rate_by_hand():
    rates = st.smoothed_rate({0: [2, 5, 6], 1: [4]}, 1.0, recording_window=(0, 10))
    assert rates.shape == (2, 10)
    np.testing.assert_allclose(rates[0], [0, 0, 1000 / 3, 1000 / 3, 1000 / 3, 1000, 0, 0, 0, 0])
    np.testing.assert_array_equal(rates[1], np.zeros(10))
    # default window: first (2) to last (6) spike, rows in the dictionary's order
    rates = st.smoothed_rate({7: [3, 5], 0: [2, 6]}, 0.5)
    np.testing.assert_allclose(rates, [[0, 1000, 1000, 0], [500, 500, 500, 500]])


def test_smoothed_rate_window_not_at_step_zero_and_spike_at_start():
    # ANNarchy 5 wrote these at absolute steps 102..104 (outside a 10-column matrix)
    rates = st.smoothed_rate({0: [102, 105]}, 1.0, recording_window=(100, 110))
    np.testing.assert_allclose(rates[0], [0, 0, 1000 / 3, 1000 / 3, 1000 / 3, 0, 0, 0, 0, 0])
    # the interval after a spike at the first recorded step counts
    rates = st.smoothed_rate({0: [0, 4]}, 0.5, recording_window=(0, 6))
    np.testing.assert_allclose(rates[0], [500, 500, 500, 500, 0, 0])
    # spikes outside the window are ignored
    rates = st.smoothed_rate({0: [1, 3, 5, 9]}, 1.0, recording_window=(2, 8))
    np.testing.assert_allclose(rates[0], [0, 500, 500, 0, 0, 0])


def test_smoothed_rate_matches_searchsorted_and_convolution():
    dt, start, stop = 0.5, 10, 90
    _, spikes = bernoulli(8, 100, 0.1, seed=6)
    raw = st.smoothed_rate(spikes, dt, recording_window=(start, stop))
    expected = np.array([rate_by_searchsorted([s for s in steps if start <= s <= stop],
                                              start, stop, dt)
                         for steps in spikes.values()])
    np.testing.assert_allclose(raw, expected, rtol=1e-12)
    smooth = st.smoothed_rate(spikes, dt, smooth=4.0, recording_window=(start, stop))
    for row in range(8):
        np.testing.assert_allclose(smooth[row], low_pass_by_convolution(expected[row], dt / 4.0),
                                   rtol=1e-10, atol=1e-9)
    # smooth <= dt: no filtering (smooth == dt is the identity of ANNarchy's filter)
    for small in (0.0, 0.2, 0.5):
        np.testing.assert_array_equal(
            st.smoothed_rate(spikes, dt, smooth=small, recording_window=(start, stop)), raw)


# -- population_rate --------------------------------------------------------------------------
def test_population_rate_by_hand():
    spikes = {0: [1, 3], 1: [3]}
    # window (0, 4): 5 entries; spikes per step over 2 neurons * 0.5 ms
    np.testing.assert_allclose(st.population_rate(spikes, 0.5, recording_window=(0, 4)),
                               [0, 1000, 0, 2000, 0])
    np.testing.assert_allclose(st.population_rate(spikes, 0.5, recording_window=(0, 4),
                                                  size=4), [0, 500, 0, 1000, 0])
    # default window: first to last spike
    np.testing.assert_allclose(st.population_rate(spikes, 0.5), [1000, 0, 2000])


def test_population_rate_of_bernoulli_trains():
    rate, dt, n, steps = 40.0, 1.0, 100, 3000
    spiking, spikes = bernoulli(n, steps, rate * dt / 1000, seed=7)
    got = st.population_rate(spikes, dt, recording_window=(0, steps))
    expected = np.append(spiking.mean(axis=0), 0.0) * 1000 / dt
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # ~12000 spikes: relative s.e. ~0.9 %, tolerance 5 %
    assert got[:-1].mean() == pytest.approx(rate, rel=0.05)
    smoothed = st.population_rate(spikes, dt, smooth=20.0, recording_window=(0, steps))
    np.testing.assert_allclose(smoothed[:400], low_pass_by_convolution(expected[:400], 1 / 20),
                               rtol=1e-10, atol=1e-9)
    np.testing.assert_array_equal(
        st.population_rate(spikes, dt, smooth=1.0, recording_window=(0, steps)), got)
    # smoothed_rate spreads 1 / ISI over each interval, so its time average is (spikes - 1)
    # per neuron over the span, less the silent edges (~2.5 % here): tolerance 10 %
    mean_isi_rate = st.smoothed_rate(spikes, dt, recording_window=(0, steps)).mean()
    assert mean_isi_rate == pytest.approx(rate, rel=0.1)


# -- raster_and_rate --------------------------------------------------------------------------
def test_raster_and_rate_draws_the_raster_and_the_rate():
    pytest.importorskip("matplotlib")
    _, spikes = bernoulli(20, 300, 0.05, seed=8)
    fig = st.raster_and_rate(spikes, 0.5, smooth=5.0, recording_window=(0, 300),
                             title="test", figsize=(3, 2), dpi=40)
    raster_ax, rate_ax = fig.axes
    times, ranks = st.raster_plot(spikes, 0.5)
    dots = raster_ax.lines[0]
    np.testing.assert_array_equal(dots.get_xdata(), times)
    np.testing.assert_array_equal(dots.get_ydata(), ranks)
    line = rate_ax.lines[0]
    np.testing.assert_allclose(line.get_ydata(),
                               st.population_rate(spikes, 0.5, 5.0, recording_window=(0, 300)))
    np.testing.assert_allclose(line.get_xdata(), np.arange(301) * 0.5)
    assert raster_ax.get_title() == "test"
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


def test_raster_and_rate_in_given_axes():
    pytest.importorskip("matplotlib")
    import matplotlib.figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    fig = matplotlib.figure.Figure(figsize=(3, 2), dpi=40)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 2)
    assert st.raster_and_rate({0: [1, 4], 1: [2]}, 1.0, axes) is fig
    np.testing.assert_array_equal(axes[0].lines[0].get_xdata(), [1.0, 4.0, 2.0])
    np.testing.assert_allclose(axes[1].lines[0].get_ydata(), [500, 500, 0, 500])
    with pytest.raises(InvalidValueError, match="raster_and_rate: ax must be"):
        st.raster_and_rate({0: [1]}, 1.0, axes[0])


# -- errors -----------------------------------------------------------------------------------
GOOD = {0: [1, 4], 1: [2]}


@pytest.mark.parametrize("call, fragment", [
    (lambda: st.raster_plot([1, 2], 1.0), "raster_plot: spikes must be the dictionary"),
    (lambda: st.raster_plot({"a": [1]}, 1.0), "raster_plot: spikes must have neuron ranks"),
    (lambda: st.raster_plot({-1: [1]}, 1.0), "raster_plot: spikes must have neuron ranks"),
    (lambda: st.raster_plot({0: [1.5]}, 0.5), "raster_plot: spikes[0] must hold spike times "
                                              "in steps"),
    (lambda: st.raster_plot({0: ["x"]}, 1.0), "raster_plot: spikes[0] must be a list"),
    (lambda: st.raster_plot({0: [[1, 2]]}, 1.0), "raster_plot: spikes[0] must be a list"),
    (lambda: st.raster_plot({0: [4, 2]}, 1.0), "raster_plot: spikes[0] must be strictly"),
    (lambda: st.raster_plot({"spike": [1]}, 1.0), "raster_plot: spikes['spike'] must be"),
    (lambda: st.raster_plot(GOOD, 0.0), "raster_plot: dt must be a finite number > 0"),
    (lambda: st.raster_plot(GOOD, float("nan")), "raster_plot: dt must be"),
    (lambda: st.raster_plot(GOOD, True), "raster_plot: dt must be"),
    (lambda: st.histogram(GOOD, 0.1, bins=0.25), "histogram: bins must be a multiple of dt"),
    (lambda: st.histogram(GOOD, 1.0, bins=-1.0), "histogram: bins must be a finite number"),
    (lambda: st.histogram(GOOD, 1.0, per_neuron="yes"), "histogram: per_neuron must be"),
    (lambda: st.histogram({0: []}, 1.0), "histogram: spikes holds no spike: give "
                                         "recording_window"),
    (lambda: st.histogram(GOOD, 1.0, recording_window=(5, 2)),
     "histogram: recording_window must be (start, stop)"),
    (lambda: st.histogram(GOOD, 1.0, recording_window=(0.5, 2)),
     "histogram: recording_window must be"),
    (lambda: st.histogram(GOOD, 1.0, recording_window=3), "histogram: recording_window"),
    (lambda: st.inter_spike_interval(GOOD, 1.0, ranks=[5]),
     "inter_spike_interval: ranks [5] are not in spikes"),
    (lambda: st.inter_spike_interval(GOOD, 1.0, ranks=["a"]),
     "inter_spike_interval: ranks must be a list"),
    (lambda: st.coefficient_of_variation(GOOD, -1.0), "coefficient_of_variation: dt must be"),
    (lambda: st.coefficient_of_variation(GOOD, 1.0, ranks=[9]),
     "coefficient_of_variation: ranks [9] are not in spikes"),
    (lambda: st.mean_fr(GOOD, 1.0, duration=10.0, recording_window=(0, 10)),
     "mean_fr: give duration (ms) or recording_window (steps), not both"),
    (lambda: st.mean_fr(GOOD, 1.0, duration=0.0), "mean_fr: duration must be"),
    (lambda: st.mean_fr({0: [3]}, 1.0), "mean_fr: the duration is zero"),
    (lambda: st.mean_fr(GOOD, 1.0, recording_window=(4, 4)), "mean_fr: the duration is zero"),
    (lambda: st.mean_fr(GOOD, 1.0, size=1), "mean_fr: size=1 is smaller than the 2 neurons"),
    (lambda: st.mean_fr(GOOD, 1.0, size=2.0), "mean_fr: size must be an integer"),
    (lambda: st.mean_fr({}, 1.0, duration=5.0), "mean_fr: spikes has no neuron: give size"),
    (lambda: st.smoothed_rate(GOOD, 1.0, smooth=-1.0), "smoothed_rate: smooth must be"),
    (lambda: st.smoothed_rate({}, 1.0), "smoothed_rate: spikes holds no spike"),
    (lambda: st.population_rate(GOOD, 1.0, smooth=float("inf")),
     "population_rate: smooth must be"),
    (lambda: st.population_rate({}, 1.0, recording_window=(0, 3)),
     "population_rate: spikes has no neuron: give size"),
    (lambda: st.raster_and_rate(GOOD, 1.0, markersize=0), "raster_and_rate: markersize must"),
    (lambda: st.raster_and_rate(GOOD, 1.0, figsize=(3,)), "raster_and_rate: figsize must"),
    (lambda: st.raster_and_rate({}, 1.0), "raster_and_rate: spikes holds no spike"),
])
def test_errors_name_the_function_and_the_argument(call, fragment):
    with pytest.raises(InvalidValueError) as info:
        call()
    assert fragment in str(info.value)
    assert isinstance(info.value, NeurogenError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("call", [
    lambda: st.histogram(GOOD, 1.0, bin=2.0),
    lambda: st.mean_fr(GOOD, 1.0, window=(0, 5)),
    lambda: st.smoothed_rate(GOOD, 1.0, tau=5.0),
    lambda: st.raster_and_rate(GOOD, 1.0, colour="r"),
    lambda: st.raster_plot(GOOD),
])
def test_unknown_or_missing_arguments_are_refused(call):
    with pytest.raises(TypeError):
        call()


def test_empty_and_integral_float_inputs():
    # steps given as integral floats or NumPy integers are accepted as steps
    a = st.raster_plot({np.int64(0): np.array([1.0, 3.0])}, 2.0)
    np.testing.assert_array_equal(a[0], [2.0, 6.0])
    assert st.inter_spike_interval({}, 1.0) == []
    assert st.coefficient_of_variation({}, 1.0, per_neuron=True) == {}
    assert st.smoothed_rate({}, 1.0, recording_window=(0, 4)).shape == (0, 4)
    assert st.histogram({}, 1.0, per_neuron=True, recording_window=(0, 2)).shape == (0, 3)
