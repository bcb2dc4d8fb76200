"""Finding a display before Qt does: Qt aborts the whole process when it cannot open one,
so the viewer checks first and raises :class:`ViewerError` instead. Also a virtual X
server (Xvfb) for headless machines, tests and screenshots."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time

from ..errors import NeurogenError


class ViewerError(NeurogenError):
    """The viewer cannot start: missing packages, no display, or no OpenGL."""


_OFFSCREEN = ("offscreen", "minimal", "vnc")


def _debian_package(library: str) -> str:
    """``libxcb-cursor.so.0`` → ``libxcb-cursor0`` (Debian's naming of shared libraries)."""
    match = re.fullmatch(r"(lib.+?)\.so\.(\d+).*", library)
    if not match:
        return library
    stem, major = match.groups()
    return f"{stem}-{major}" if stem[-1].isdigit() else f"{stem}{major}"


def qt_platform_problem(platform: str = "xcb") -> str | None:
    """Why Qt (PySide6) could not load its ``platform`` plugin, or None when it can (or
    when this cannot be told). Qt would abort the process; this reads the plugin's
    dependencies with ``ldd`` instead, so the missing system libraries can be named."""
    import importlib.util
    from pathlib import Path
    spec = importlib.util.find_spec("PySide6")
    ldd = shutil.which("ldd")
    if spec is None or spec.origin is None or ldd is None:
        return None
    plugin = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / f"libq{platform}.so"
    if not plugin.exists():
        return None
    result = subprocess.run([ldd, str(plugin)], capture_output=True, text=True)
    missing = sorted({line.split()[0] for line in result.stdout.splitlines()
                      if "not found" in line})
    if not missing:
        return None
    return (f"Qt's '{platform}' platform plugin cannot load: {', '.join(missing)} not found "
            f"(Debian/Ubuntu: apt-get install {' '.join(map(_debian_package, missing))})")


def check_display(timeout: float = 2.0) -> str:
    """Describe the display Qt will use, or raise :class:`ViewerError` at once (never
    waits more than ``timeout`` seconds)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.split(":")[0] in _OFFSCREEN:
        return f"Qt platform {platform}"
    if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
        return f"Wayland display {os.environ['WAYLAND_DISPLAY']}"
    display = os.environ.get("DISPLAY")
    if not display:
        raise ViewerError("no display: DISPLAY is not set. Run on a desktop, under "
                          "'xvfb-run -a python ...', inside neurogen.viz.virtual_display(), "
                          "or set QT_QPA_PLATFORM=offscreen for the image mode")
    match = re.fullmatch(r"([^:]*):(\d+)(?:\.\d+)?", display)
    if not match:
        raise ViewerError(f"cannot understand DISPLAY={display!r}")
    host, number = match.group(1), int(match.group(2))
    try:
        if host in ("", "unix"):
            path = f"/tmp/.X11-unix/X{number}"
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(path)
        else:
            with socket.create_connection((host, 6000 + number), timeout=timeout):
                pass
    except OSError as exc:
        raise ViewerError(f"cannot connect to the X display {display!r} "
                          f"({exc.strerror or exc}); is the X server (or Xvfb) running?"
                          ) from None
    problem = qt_platform_problem("xcb") if platform in ("", "xcb") else None
    if problem:
        raise ViewerError(problem)
    return f"X display {display}"


@contextlib.contextmanager
def virtual_display(width: int = 1280, height: int = 800, timeout: float = 20.0):
    """Start Xvfb on a free display number, set ``DISPLAY`` for the duration, stop it.

    ``with virtual_display(): loop_bubbles(...)`` (or a screenshot) on a machine with no
    screen. Needs the ``Xvfb`` program (Debian/Ubuntu: ``apt-get install xvfb``)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise ViewerError("Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb)")
    read, write = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0",
                             f"{width}x{height}x24", "-nolisten", "tcp", "+extension", "GLX"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write)
    saved = os.environ.get("DISPLAY")
    try:
        number = _read_display(read, proc, timeout)
        os.environ["DISPLAY"] = f":{number}"
        check_display(timeout=timeout)
        yield f":{number}"
    finally:
        os.close(read)
        _close_qt()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if saved is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = saved


def _close_qt():
    """Destroy the Qt application before its X server goes away (else Qt reports a
    broken connection when Python exits)."""
    import sys
    if "pyqtgraph" not in sys.modules:
        return
    from pyqtgraph.Qt import QtWidgets
    app = QtWidgets.QApplication.instance()
    if app is not None:
        app.closeAllWindows()
        app.processEvents()
        if hasattr(app, "shutdown"):
            app.shutdown()


def _read_display(fd: int, proc, timeout: float) -> int:
    import select
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            raise ViewerError("Xvfb did not start" + (f" (exit status {proc.returncode})"
                                                      if proc.poll() is not None else ""))
        ready, _, _ = select.select([fd], [], [], min(left, 0.2))
        if ready:
            chunk = os.read(fd, 64)
            if not chunk:
                raise ViewerError("Xvfb did not report its display")
            data += chunk
    return int(data.strip())
