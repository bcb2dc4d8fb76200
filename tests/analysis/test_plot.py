"""neurogen.analysis.plot: the data drawn in each figure against independent NumPy/SciPy
computations, animation files (valid GIFs with the expected frames), atomic saving, and
clear errors for bad input, missing ffmpeg and missing matplotlib."""
import os
import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.animation  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from neurogen import NeurogenError  # noqa: E402
from neurogen.analysis import AnalysisError, SlowPointFinder  # noqa: E402
from neurogen.analysis import plot as P  # noqa: E402

SMALL = dict(figsize=(3, 2), dpi=40)
rng = np.random.default_rng(7)


def moving_bumps(T, N, speed=0.3):
    """(x, rows): a bump that moves every row (so no two GIF frames are identical)."""
    x = np.linspace(-np.pi, np.pi, N, endpoint=False)
    rows = np.stack([np.exp(-np.angle(np.exp(1j * (x - speed * i))) ** 2) for i in range(T)])
    return x, rows


def gif_frames(path):
    with Image.open(path) as img:
        assert img.format == "GIF"
        return img.n_frames


def no_temp_files(folder):
    return [f for f in os.listdir(folder) if f.startswith(".ngtmp-")] == []


# -- configuration ----------------------------------------------------------------------------
def test_config_overrides_factories_and_unknown_options():
    cfg = P.PlotConfig(title="from config", xlabel="a", **SMALL)
    fig = P.fixed_point_profiles(rng.normal(size=(4, 9)), config=cfg, title="override")
    ax = fig.axes[0]
    assert ax.get_title() == "override" and ax.get_xlabel() == "a"
    assert cfg.title == "from config"                      # the config is not modified
    anim_cfg = P.PlotConfig.for_animation(100, fps=25)
    assert anim_cfg.time_steps_per_second == 100 and anim_cfg.fps == 25
    assert P.PlotConfig.for_static_plot(time_steps_per_second=5).time_steps_per_second is None
    preset = P.PlotConfigs.energy_landscape_1d_animation(fps=7)
    assert preset.fps == 7 and preset.title == "1D energy landscape"
    with pytest.raises(P.PlotError, match="did you mean 'title'"):
        P.fixed_point_profiles(rng.normal(size=(4, 9)), titel="x")
    with pytest.raises(P.PlotError, match="fps"):
        P.PlotConfig(fps=0)
    with pytest.raises(P.PlotError, match="figsize"):
        P.PlotConfig(figsize=(3,))
    with pytest.raises(P.PlotError, match="did you mean 'viridis'"):
        P.population_activity_heatmap(np.ones((3, 4)), colormap="viridi")
    assert issubclass(P.PlotError, AnalysisError) and issubclass(P.PlotError, NeurogenError)


def test_figures_stay_out_of_pyplot_unless_shown():
    before = plt.get_fignums()
    fig = P.fixed_points_pca(rng.normal(size=(10, 5)), **SMALL)
    assert plt.get_fignums() == before                    # standalone Agg figure
    assert type(fig.canvas).__name__ == "FigureCanvasAgg"


def test_show_goes_through_pyplot(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(plt.get_fignums()))
    fig = P.fixed_point_profiles(np.ones((2, 3)), show=True, **SMALL)
    try:
        assert len(shown) == 1 and fig.number in shown[0]
    finally:
        plt.close(fig)


# -- fixed points -----------------------------------------------------------------------------
def pca_reference(X, k):
    """Independent PCA: eigenvectors of the covariance matrix (largest first)."""
    Xc = X - X.mean(axis=0)
    w, V = np.linalg.eigh(np.cov(Xc.T))
    return Xc @ V[:, ::-1][:, :k], w[::-1] / w.sum()


def align_signs(got, ref):
    return got * np.sign(np.sum(got * ref, axis=0))


@pytest.mark.parametrize("k", [2, 3])
def test_fixed_points_pca_coordinates(k):
    X = rng.normal(size=(40, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.2]) + 1.0
    fig = P.fixed_points_pca(X, n_components=k, **SMALL)
    line = fig.axes[0].lines[0]
    got = np.column_stack(line.get_data_3d() if k == 3 else line.get_data())
    ref, ratio = pca_reference(X, k)
    np.testing.assert_allclose(align_signs(got, ref), ref, rtol=0, atol=1e-12)
    assert fig.axes[0].get_xlabel() == f"PC 1 ({100 * ratio[0]:.1f}%)"
    coords, comps, _, mean = P.principal_components(X, k)
    np.testing.assert_allclose(coords, (X - mean) @ comps.T, atol=1e-12)
    assert np.all(comps[np.arange(k), np.abs(comps).argmax(axis=1)] > 0)   # fixed signs


def test_fixed_points_pca_coloured_and_saved(tmp_path):
    X = rng.normal(size=(30, 5))
    path = tmp_path / "sub" / "pca.png"
    fig = P.fixed_points_pca(X, values=np.arange(30.0), save_path=path, **SMALL)
    sc = fig.axes[0].collections[0]
    np.testing.assert_array_equal(sc.get_array(), np.arange(30.0))
    with Image.open(path) as img:
        assert img.format == "PNG"
    assert no_temp_files(path.parent)


def test_eigenvalue_spectrum_plots_the_eigenvalues():
    J = rng.normal(size=(3, 7, 7))
    fig = P.eigenvalue_spectrum(J, **SMALL)
    plane, ranked = fig.axes[:2]
    assert len(plane.collections) == 3
    for i, sc in enumerate(plane.collections):
        off = sc.get_offsets()
        np.testing.assert_allclose(np.sort_complex(off[:, 0] + 1j * off[:, 1]),
                                   np.sort_complex(np.linalg.eigvals(J[i])), atol=1e-12)
        np.testing.assert_allclose(ranked.lines[i].get_ydata(),
                                   np.sort(np.linalg.eigvals(J[i]).real)[::-1], atol=1e-12)
    # the line Re = 0 is marked for a continuous system
    assert any(np.allclose(ln.get_xdata(), 0.0) for ln in plane.lines)


def test_eigenvalue_spectrum_discrete_and_given_eigenvalues():
    w = np.array([[0.5 + 0.5j, 0.5 - 0.5j, -0.9], [1.2, 0.1, 0.0]])
    fig = P.eigenvalue_spectrum(w, f_type="discrete", **SMALL)
    plane, ranked = fig.axes[:2]
    circle = plane.lines[0]
    np.testing.assert_allclose(np.hypot(circle.get_xdata(), circle.get_ydata()), 1.0)
    np.testing.assert_allclose(ranked.lines[1].get_ydata(), [1.2, 0.1, 0.0])  # moduli
    np.testing.assert_allclose(ranked.lines[0].get_ydata(), [0.9, 2 ** -0.5, 2 ** -0.5])
    fig = P.eigenvalue_spectrum(np.diag([1.0, -3.0]), kind="complex", **SMALL)
    off = fig.axes[0].collections[0].get_offsets()            # a single (n, n) Jacobian
    np.testing.assert_allclose(sorted(off[:, 0]), [-3.0, 1.0])


def test_compute_jacobians_plot_hook():
    """SlowPointFinder.compute_jacobians(points, plot=True, **kwargs) draws the spectrum
    of the Jacobians it returns."""
    finder = SlowPointFinder(lambda x: np.array([x[0] - x[0] ** 3, -2.0 * x[1]]),
                             verbose=False)
    fig = plt.figure()
    try:
        axes = fig.subplots(1, 2)
        J = finder.compute_jacobians([[1.0, 0.0], [0.0, 0.0]], plot=True, ax=list(axes))
        assert J.shape == (2, 2, 2)
        got = [np.sort(sc.get_offsets()[:, 0]) for sc in axes[0].collections]
        np.testing.assert_allclose(got, [[-2, -2], [-2, 1]], atol=1e-6)
    finally:
        plt.close(fig)


def test_fixed_point_profiles():
    pts = rng.normal(size=(11, 20))
    x = np.linspace(-1, 1, 20)
    fig = P.fixed_point_profiles(pts, x, max_profiles=3, **SMALL)
    lines = fig.axes[0].lines
    assert [ln.get_label() for ln in lines] == ["FP-0", "FP-3", "FP-7"]
    for ln, i in zip(lines, (0, 3, 7)):
        np.testing.assert_array_equal(ln.get_xdata(), x)
        np.testing.assert_array_equal(ln.get_ydata(), pts[i])
    fig = P.fixed_point_profiles(pts, indices=[2], **SMALL)
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), pts[2])


# -- animations -------------------------------------------------------------------------------
def test_energy_landscape_1d_gif(tmp_path):
    x, us = moving_bumps(23, 32)
    path = tmp_path / "landscape.gif"
    anim = P.energy_landscape_1d_animation({"u": (x, us), "Iext": (x, 0.5 * us)},
                                           time_steps_per_second=40, fps=10, dt=0.1,
                                           save_path=path, title="tracking", **SMALL)
    np.testing.assert_array_equal(anim.frame_indices, np.arange(0, 23, 4))
    assert gif_frames(path) == 6
    ax = anim._fig.axes[0]
    u_line, i_line = ax.lines                    # the figure holds the last frame drawn
    np.testing.assert_array_equal(u_line.get_ydata(), us[20])
    np.testing.assert_array_equal(i_line.get_ydata(), 0.5 * us[20])
    assert ax.get_title() == "tracking  (t = 2.0 ms)"
    assert no_temp_files(tmp_path)


def test_energy_landscape_2d_gif(tmp_path):
    Z = rng.random((5, 6, 8))
    path = tmp_path / "heat.gif"
    anim = P.energy_landscape_2d_animation(Z, save_path=path, **SMALL)
    assert gif_frames(path) == 5                  # no time_steps_per_second: every row
    im = anim._fig.axes[0].images[0]
    np.testing.assert_array_equal(im.get_array(), Z[4])
    assert im.get_clim() == (Z.min(), Z.max())    # fixed colour scale over the run


def test_interrupted_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "anim.gif"
    path.write_bytes(b"previous")

    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(matplotlib.animation.PillowWriter, "finish", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        P.energy_landscape_2d_animation(rng.random((3, 4, 4)), save_path=path, **SMALL)
    assert path.read_bytes() == b"previous"
    assert no_temp_files(tmp_path)


def test_mp4_without_ffmpeg_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(matplotlib.animation.writers, "is_available", lambda name: False)
    x, us = moving_bumps(4, 8)
    with pytest.raises(P.PlotError, match=r"needs ffmpeg.*save as \.gif"):
        P.energy_landscape_1d_animation({"u": (x, us)}, save_path=tmp_path / "a.mp4",
                                        **SMALL)
    with pytest.raises(P.PlotError, match=r"\.gif"):
        P.energy_landscape_2d_animation(rng.random((2, 3, 3)),
                                        save_path=tmp_path / "a.png", **SMALL)
    assert os.listdir(tmp_path) == []


# -- activity ---------------------------------------------------------------------------------
def test_tuning_curve_bin_means():
    stats = pytest.importorskip("scipy.stats")
    T, N = 2000, 12
    stim = rng.uniform(-np.pi, np.pi, T)
    pref = np.linspace(-np.pi, np.pi, N, endpoint=False)
    rates = np.exp(np.cos(stim[:, None] - pref[None, :])) + rng.normal(0, 0.1, (T, N))
    fig = P.tuning_curve(stim, rates, [2, 7], pref_stim=pref, num_bins=25, **SMALL)
    curves = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("neuron")]
    assert [ln.get_label() for ln in curves] == [f"neuron 2 (pref. {pref[2]:.2f})",
                                                 f"neuron 7 (pref. {pref[7]:.2f})"]
    for ln, j in zip(curves, (2, 7)):
        ref = stats.binned_statistic(stim, rates[:, j], "mean", bins=25)
        np.testing.assert_allclose(ln.get_xdata(), 0.5 * (ref.bin_edges[1:] +
                                                          ref.bin_edges[:-1]), atol=1e-12)
        np.testing.assert_allclose(ln.get_ydata(), ref.statistic, rtol=1e-12)
    # stimuli exactly on bin edges go to the bin on their right (the last edge: last bin)
    stim = np.repeat(np.arange(11.0), 3)
    rates = rng.random((33, 2))
    centres, means = P.tuning_curve_data(stim, rates, [0, 1], num_bins=5)
    ref = stats.binned_statistic(stim, rates.T, "mean", bins=5)
    np.testing.assert_allclose(means.T, ref.statistic, rtol=1e-12)
    # empty bins are gaps (NaN), not zeros
    centres, means = P.tuning_curve_data([0.0, 0.1, 1.0], np.ones((3, 2)), [1], num_bins=4)
    np.testing.assert_array_equal(np.isnan(means[:, 0]), [False, True, True, False])


def test_population_heatmap_and_bump_tracking():
    A = rng.random((15, 9))
    t = np.arange(15) * 0.1
    fig = P.population_activity_heatmap(A, t, np.linspace(0, 1, 9), stimulus=t / 2, **SMALL)
    im = fig.axes[0].images[0]
    np.testing.assert_array_equal(im.get_array(), A.T)
    np.testing.assert_allclose(im.get_extent(), [0.0, 1.4, 0.0, 1.0])

    centre = np.angle(np.exp(1j * (0.4 * np.arange(15))))
    stim = np.angle(np.exp(1j * (0.4 * np.arange(15) + 0.05 * np.arange(15))))
    fig = P.bump_tracking(t, centre, stim, period=2 * np.pi, **SMALL)
    err = fig.axes[1].lines[0].get_ydata()
    np.testing.assert_allclose(err, 0.05 * np.arange(15), atol=1e-12)   # wrap-aware
    bump = fig.axes[0].lines[0].get_ydata()
    assert np.isnan(bump).sum() == 1                 # the wrap is not drawn across
    pos2 = rng.random((15, 2))
    fig = P.bump_tracking(t, pos2, pos2 + [0.3, 0.4], **SMALL)
    np.testing.assert_allclose(fig.axes[1].lines[0].get_ydata(), 0.5, atol=1e-12)


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize("call, match", [
    (lambda: P.fixed_points_pca(np.zeros(5)), "at least 2 points"),
    (lambda: P.fixed_points_pca(np.ones((5, 4)), n_components=4), "2 or 3"),
    (lambda: P.fixed_points_pca([[1.0, np.nan], [0.0, 1.0]]), "NaN"),
    (lambda: P.fixed_points_pca("ring"), "array of numbers"),
    (lambda: P.eigenvalue_spectrum(np.zeros((2, 3, 4))), "square"),
    (lambda: P.eigenvalue_spectrum(np.eye(2), f_type="map"), "f_type"),
    (lambda: P.fixed_point_profiles(np.ones((3, 5)), x=np.arange(4)), "x has 4"),
    (lambda: P.fixed_point_profiles(np.ones((3, 5)), indices=[3]), "indices"),
    (lambda: P.energy_landscape_1d_animation({"u": (np.arange(3), np.ones((4, 3))),
                                              "v": (np.arange(3), np.ones((5, 3)))}),
     "different numbers of rows"),
    (lambda: P.energy_landscape_1d_animation({"u": (np.arange(3), np.ones((4, 2)))}),
     "its x has 3"),
    (lambda: P.energy_landscape_1d_animation([np.ones((4, 3))]), "dict"),
    (lambda: P.energy_landscape_2d_animation(np.ones((4, 9))), r"\(time, H, W\)"),
    (lambda: P.tuning_curve(np.ones(5), np.ones((6, 3)), [0]), "6 time steps"),
    (lambda: P.tuning_curve(np.arange(5.0), np.ones((5, 3)), [3]), "neuron_indices"),
    (lambda: P.fixed_point_profiles(np.ones((2, 3)), save_path="out.xyz"),
     "must end in one of"),
    (lambda: P.bump_tracking(np.arange(3), np.ones(3), np.ones((3, 2))), "shaped"),
])
def test_bad_input_raises_plot_error(call, match):
    with pytest.raises(P.PlotError, match=match):
        call()


def test_missing_matplotlib_is_a_clear_error(monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(P.MatplotlibMissing,
                       match=r"dependency of neurogen.*pip install matplotlib") as info:
        P.fixed_point_profiles(np.ones((2, 3)))
    assert isinstance(info.value, ImportError) and isinstance(info.value, NeurogenError)


def test_import_does_not_load_matplotlib():
    code = ("import sys, neurogen, neurogen.analysis.plot; "
            "sys.exit(1 if 'matplotlib' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
