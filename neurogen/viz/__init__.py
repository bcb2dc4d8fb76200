"""Live viewer for populations (pyqtgraph; ``pip install 'neurogen[viewer]'``).

``GLViewer(populations, func, update_rate)`` and ``loop_bubbles(...)`` behave like the
neural-field tutorial's ``Viz.py``: OpenGL surfaces for 2D populations, refreshed after
each ``func(update_rate)``. ``mode='image'`` needs no OpenGL; 1D populations are line
plots. Space pauses, Q or Escape quits. Without a display it raises :class:`ViewerError`
at once; :func:`virtual_display` starts Xvfb for headless machines.
"""
from .display import ViewerError, check_display, virtual_display
from .viewer import GLViewer, application, loop_bubbles

__all__ = ["GLViewer", "loop_bubbles", "ViewerError", "check_display", "virtual_display",
           "application"]
