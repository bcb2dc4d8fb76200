"""The live viewer, for real: a virtual X server (Xvfb), the OpenGL and image modes on a
neural field, line plots on a ring, keyboard pause/quit, and clear errors without a
display. Each case runs in its own process with a time limit, so a hang fails the test."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

APP = Path(__file__).resolve().parent / "viewer_app.py"


def need(module):
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is required in CI (pip install '.[test,viewer]')")
        pytest.skip(f"{module} is not installed (pip install '.[viewer]')")


def need_platform(platform):
    """Skip (fail in CI) with the missing system libraries when Qt could not load its
    platform plugin: Qt would abort the test's process instead."""
    from neurogen.viz.display import qt_platform_problem
    problem = qt_platform_problem(platform)
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)


@pytest.fixture
def viewer_deps():
    need("pyqtgraph")
    need("PySide6")
    need("OpenGL")


@pytest.fixture
def xvfb(viewer_deps):
    if shutil.which("Xvfb") is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is required in CI (.ci/run installs it with apt-get)")
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    need_platform("xcb")


def run_app(tmp_path, *args, env=None):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    full_env.update(env or {})
    result = subprocess.run([sys.executable, str(APP), *args[:1], str(tmp_path), *args[1:]],
                            capture_output=True, text=True, env=full_env, timeout=180)
    return result


def report_of(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def check_images(report, min_colours=20, max_background=0.97):
    images = [np.load(p) for p in report["images"]]
    assert len(images) == 4
    for image in images:
        assert image.ndim == 3 and image.shape[2] == 3 and image.shape[0] >= 200
        background = np.all(image == image[0, 0], axis=2).mean()
        assert background < max_background, "the window is (nearly) blank"
        assert len(np.unique(image.reshape(-1, 3), axis=0)) >= min_colours
    changed = np.any(images[0] != images[-1], axis=2).mean()
    assert changed > 0.002, "the picture does not change between refreshes"
    return images


def test_opengl_surfaces_under_xvfb(xvfb, tmp_path):
    report = report_of(run_app(tmp_path, "gl", "--xvfb"))
    assert report["mode"] == "gl" and report["refreshes"] == 4
    assert report["steps"] == [50, 100, 150, 200]
    check_images(report)
    assert (tmp_path / "gl_4.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_image_mode_under_xvfb(xvfb, tmp_path):
    report = report_of(run_app(tmp_path, "image", "--xvfb"))
    assert report["mode"] == "image" and report["steps"] == [50, 100, 150, 200]
    check_images(report)


def test_image_mode_without_x_on_the_offscreen_platform(viewer_deps, tmp_path):
    need_platform("offscreen")
    report = report_of(run_app(tmp_path, "image", env={"QT_QPA_PLATFORM": "offscreen"}))
    check_images(report)


def test_ring_is_a_line_plot(xvfb, tmp_path):
    report = report_of(run_app(tmp_path, "auto", "--xvfb", "--ring"))
    assert report["mode"] == "image"   # a 1D population: no OpenGL surface
    images = check_images(report, min_colours=3, max_background=0.995)
    curve = (images[-1][..., 0] > 200) & (images[-1][..., 1] > 200) & (images[-1][..., 2] < 80)
    assert curve.sum() > 300, "no yellow curve drawn"


def test_spiking_population_is_shown_as_its_firing_rate(xvfb, tmp_path):
    report = report_of(run_app(tmp_path, "image", "--xvfb", "--spiking"))
    assert report["mode"] == "image"
    check_images(report, min_colours=10)


def test_space_pauses_and_q_quits(xvfb, tmp_path):
    report = report_of(run_app(tmp_path, "gl", "--xvfb", "--keys"))
    assert report["paused"] is True and report["paused_steps"] == 0
    assert report["refreshes"] == 4   # Q at the 4th refresh, long before the safety limit


def test_no_display_is_a_clear_error(viewer_deps, tmp_path):
    result = run_app(tmp_path, "gl")
    assert result.returncode != 0
    assert "ViewerError: no display: DISPLAY is not set" in result.stderr
    assert "Traceback" in result.stderr and "Aborted" not in result.stderr


def test_unreachable_display_is_a_clear_error(viewer_deps, tmp_path):
    result = run_app(tmp_path, "image", env={"DISPLAY": ":987"})
    assert result.returncode != 0
    assert "ViewerError: cannot connect to the X display ':987'" in result.stderr


def test_missing_xvfb_is_a_clear_error(viewer_deps, monkeypatch):
    from neurogen.viz import ViewerError, virtual_display
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ViewerError, match="Xvfb is not installed"):
        with virtual_display():
            pass


def test_missing_qt_libraries_are_named_with_the_apt_get_line(tmp_path, monkeypatch):
    """A stand-in for Qt's xcb plugin linked against a library that is then removed:
    the check names it, with the Debian package, instead of letting Qt abort."""
    import importlib.util
    from neurogen.toolchain.compiler import toolchain
    from neurogen.viz import ViewerError, check_display
    from neurogen.viz.display import qt_platform_problem
    if shutil.which("ldd") is None:
        pytest.skip("ldd is not available")
    cxx = toolchain().compiler
    (tmp_path / "dep.cpp").write_text("int ng_dep() { return 1; }\n")
    (tmp_path / "plugin.cpp").write_text("int ng_dep(); int ng_plugin() { return ng_dep(); }\n")
    subprocess.run([cxx, "-shared", "-fPIC", "dep.cpp", "-Wl,-soname,libngxcbstub.so.3",
                    "-o", "libngxcbstub.so.3"], cwd=tmp_path, check=True)
    platforms = tmp_path / "PySide6" / "Qt" / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (tmp_path / "PySide6" / "__init__.py").write_text("")
    subprocess.run([cxx, "-shared", "-fPIC", "plugin.cpp", str(tmp_path / "libngxcbstub.so.3"),
                    "-o", str(platforms / "libqxcb.so")], cwd=tmp_path, check=True)
    (tmp_path / "libngxcbstub.so.3").unlink()
    spec = importlib.util.spec_from_file_location("PySide6", tmp_path / "PySide6" / "__init__.py")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: spec)
    problem = qt_platform_problem("xcb")
    assert problem == ("Qt's 'xcb' platform plugin cannot load: libngxcbstub.so.3 not found "
                       "(Debian/Ubuntu: apt-get install libngxcbstub3)")
    assert qt_platform_problem("offscreen") is None          # no such plugin here: unknown
    if Path("/tmp/.X11-unix").is_dir() and any(Path("/tmp/.X11-unix").iterdir()):
        display = ":" + sorted(Path("/tmp/.X11-unix").iterdir())[0].name[1:]
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
        with pytest.raises(ViewerError, match="libngxcbstub3"):
            check_display()


def test_bad_arguments():
    from neurogen.viz import GLViewer, ViewerError
    with pytest.raises(ViewerError, match="unknown viewer mode 'vr'"):
        GLViewer([], None, 10, mode="vr")
    with pytest.raises(ViewerError, match="at least one population"):
        GLViewer([], None, 10)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_tutorial_viewer_example_headless(xvfb, tmp_path):
    result = subprocess.run([sys.executable, str(EXAMPLES / "neural_field" / "NeuralFieldViz.py"),
                             "--xvfb", "0.6"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "3 refreshes, t = 600 ms; saved neural_field_viewer.png" in result.stdout
    assert (tmp_path / "neural_field_viewer.png").stat().st_size > 5000


def test_documentation_screenshots_are_reproducible(xvfb, tmp_path):
    result = subprocess.run([sys.executable, str(EXAMPLES / "viewer_screenshots.py"),
                             str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("viewer_gl.png", "viewer_image.png", "viewer_ring.png"):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
