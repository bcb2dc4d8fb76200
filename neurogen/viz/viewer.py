"""The live viewer: ANNarchy's tutorial ``Viz.py`` (``GLViewer``, ``loop_bubbles``) on
pyqtgraph, plus an image mode that needs no OpenGL and line plots for 1D populations.

The loop is the tutorial's: a zero-interval Qt timer calls ``func(update_rate)`` (for
instance ``world.rotate`` or ``simulate``), which runs that many steps, then every plot
is refreshed from the populations' ``r``. Keys: Space pauses/resumes, Q or Escape quits.
"""
from __future__ import annotations

import numpy as np

from .display import ViewerError, check_display

MODES = ("auto", "gl", "image")


def _pyqtgraph():
    try:
        import pyqtgraph as pg
        from pyqtgraph.Qt import QtCore, QtGui, QtWidgets
    except ImportError as exc:
        raise ViewerError(f"the viewer needs pyqtgraph and a Qt binding ({exc}): "
                          "pip install 'neurogen[viewer]'") from None
    return pg, QtCore, QtGui, QtWidgets


def _opengl():
    try:
        import pyqtgraph.opengl as gl
    except ImportError as exc:
        raise ViewerError(f"the OpenGL mode needs PyOpenGL ({exc}): pip install "
                          "'neurogen[viewer]', or use mode='image'") from None
    return gl


def application():
    """The Qt application (created once, after checking that a display exists)."""
    pg, _, _, QtWidgets = _pyqtgraph()
    app = QtWidgets.QApplication.instance()
    if app is None:
        check_display()
        app = pg.mkQApp("neurogen")
    return app


class GLViewer:
    """``GLViewer(populations, func, update_rate)``: as the tutorial's, one height-coloured
    ``GLSurfacePlotItem`` per 2D population in one OpenGL view.

    ``mode='image'`` shows each 2D population as a colour image and needs no OpenGL;
    1D populations are always drawn as line plots (with ``mode='auto'``, the default,
    OpenGL is used when every population is 2D). ``levels`` is the range of ``r`` mapped
    to colours (``None``: each refresh's own range). ``max_refreshes`` stops the loop
    after that many refreshes; ``on_refresh(viewer)`` is called after each one.
    A spiking population is shown as its firing rate ``r`` (Hz) over the last
    ``rate_window`` ms (``compute_firing_rate`` is started for it unless it runs already).
    """

    def __init__(self, populations, func, update_rate, mode: str = "auto",
                 levels=(0.0, 1.0), title: str = "neurogen", size=(900, 500),
                 max_refreshes: int | None = None, on_refresh=None,
                 rate_window: float = 20.0):
        if mode not in MODES:
            raise ViewerError(f"unknown viewer mode {mode!r} (choose {', '.join(MODES)})")
        self.populations = list(populations)
        if not self.populations:
            raise ViewerError("nothing to show: give at least one population")
        for pop in self.populations:
            if pop.dimension not in (1, 2):
                raise ViewerError(f"population '{pop.name}' is {pop.dimension}D: the "
                                  "viewer shows 1D and 2D populations")
            if pop.ir.is_spiking and not pop.firing_window_steps:
                pop.compute_firing_rate(rate_window)     # its spikes shown as rates
        if mode == "auto":
            mode = "gl" if all(p.dimension == 2 for p in self.populations) else "image"
        if mode == "gl" and any(p.dimension == 1 for p in self.populations):
            raise ViewerError("1D populations are drawn as line plots: use mode='image'")
        self.func, self.update_rate, self.mode = func, int(update_rate), mode
        self.levels = levels
        self.max_refreshes, self.on_refresh = max_refreshes, on_refresh
        self.refreshes = 0
        self.paused = False
        self.app = application()
        pg, QtCore, QtGui, QtWidgets = _pyqtgraph()
        self._pg, self._QtCore = pg, QtCore
        if mode == "gl":
            self._build_gl()
        else:
            self._build_image()
        self.win.setWindowTitle(title)
        self.win.resize(*size)
        self._keys = _KeyFilter(self, QtCore)   # Space, Q, Escape, whatever has focus
        self.app.installEventFilter(self._keys)
        self.timer = QtCore.QTimer()
        self.timer.timeout.connect(self.update)
        self.win.show()

    # -- building ----------------------------------------------------------------------------
    def _build_gl(self):
        gl = _opengl()
        self.win = gl.GLViewWidget()
        extent = max(max(p.geometry) for p in self.populations)
        span = len(self.populations) * (extent + 5)
        self.win.setCameraPosition(distance=0.8 * span + extent / 2, elevation=40,
                                   azimuth=-90)
        self.plots = []
        shift = 0.0
        for pop in self.populations:
            h, w = pop.geometry
            item = gl.GLSurfacePlotItem(x=np.linspace(0, h - 1, h), y=np.linspace(0, w - 1, w),
                                        shader="heightColor", computeNormals=False,
                                        smooth=False)
            item.translate(shift, -w / 2, -1)   # left to right, in the order given
            self.win.addItem(item)
            self.plots.append(item)
            shift += h + 5
        for item in self.plots:   # centre the row of surfaces
            item.translate(-(shift - 5) / 2, 0, 0)

    def _build_image(self):
        pg = self._pg
        self.win = pg.GraphicsLayoutWidget()
        self.win.setBackground("k")
        cmap = pg.colormap.get("viridis")
        self.plots = []
        for col, pop in enumerate(self.populations):
            if pop.dimension == 2:
                view = self.win.addPlot(row=0, col=col, title=pop.name)
                view.setAspectLocked(True)
                view.invertY(True)
                image = pg.ImageItem(axisOrder="row-major")
                image.setColorMap(cmap)
                view.addItem(image)
                self.plots.append(image)
            else:
                plot = self.win.addPlot(row=0, col=col, title=pop.name)
                if self.levels is not None:
                    plot.setYRange(*self.levels)
                self.plots.append(plot.plot(pen=pg.mkPen("y", width=2)))

    # -- the loop ----------------------------------------------------------------------------
    def scale(self, data):
        """Heights for the GL mode: ``levels`` mapped to [-0.9, 0.9] (the tutorial's
        ``1.8 * data - 0.9`` for rates in [0, 1])."""
        lo, hi = self.levels if self.levels is not None else (data.min(), data.max())
        span = hi - lo if hi > lo else 1.0
        return 1.8 * (data - lo) / span - 0.9

    def draw(self):
        """Refresh every plot from the populations' current ``r``."""
        for pop, item in zip(self.populations, self.plots):
            r = np.asarray(pop.r, dtype=float)
            if self.mode == "gl":
                item.setData(z=self.scale(r))
            elif pop.dimension == 2:
                if self.levels is None:
                    item.setImage(r, autoLevels=True)
                else:
                    item.setImage(r, levels=self.levels)
            else:
                item.setData(np.arange(pop.size), r)

    def update(self):
        """One refresh: ``func(update_rate)``, then redraw (the tutorial's callback)."""
        if self.paused:
            return
        self.func(self.update_rate)
        self.draw()
        self.refreshes += 1
        self.app.processEvents()
        if self.on_refresh is not None:
            self.on_refresh(self)
        if self.max_refreshes is not None and self.refreshes >= self.max_refreshes:
            self.quit()

    def toggle_pause(self):
        self.paused = not self.paused

    def quit(self):
        self.timer.stop()
        self.app.removeEventFilter(self._keys)
        self.win.close()
        self.app.quit()

    def run(self):
        """Refresh until the window is closed, Q/Escape is pressed or ``max_refreshes``."""
        self.draw()
        self.timer.start(0)
        exec_ = getattr(self.app, "exec", None) or self.app.exec_
        exec_()

    # -- pictures ----------------------------------------------------------------------------
    def grab(self) -> np.ndarray:
        """The window's pixels as an (height, width, 3) uint8 array."""
        self.app.processEvents()
        image = self.win.grabFramebuffer() if self.mode == "gl" else self.win.grab().toImage()
        QtGui = _pyqtgraph()[2]
        image = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
        width, height, stride = image.width(), image.height(), image.bytesPerLine()
        data = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
        return data.reshape(height, stride)[:, :width * 3].reshape(height, width, 3).copy()

    def save(self, path):
        """Save the window as an image file (PNG by suffix)."""
        self.app.processEvents()
        image = self.win.grabFramebuffer() if self.mode == "gl" else self.win.grab().toImage()
        if not image.save(str(path)):
            raise ViewerError(f"cannot save the viewer image to {path}")


def _KeyFilter(viewer, QtCore):
    """An application-wide event filter: the viewer's keys work whichever of its widgets
    has the focus (the OpenGL view takes the arrow keys for the camera)."""

    class KeyFilter(QtCore.QObject):
        def eventFilter(self, obj, event):
            if event.type() == QtCore.QEvent.Type.KeyPress and hasattr(obj, "window") \
                    and obj.window() is viewer.win:
                key = event.key()
                if key == QtCore.Qt.Key.Key_Space:
                    viewer.toggle_pause()
                    return True
                if key in (QtCore.Qt.Key.Key_Q, QtCore.Qt.Key.Key_Escape):
                    viewer.quit()
                    return True
            return False

    return KeyFilter()


def loop_bubbles(populations, func, update_rate, **options):
    """Launch the viewer and refresh until it is closed (the tutorial's entry point):
    ``loop_bubbles(populations=[inp, focus], func=world.rotate, update_rate=200)``."""
    application()
    viewer = GLViewer(populations, func, update_rate, **options)
    viewer.run()
    return viewer
