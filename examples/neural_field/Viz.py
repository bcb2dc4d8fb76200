"""The tutorial's Viz module
=========================

The tutorial's ``Viz.py``, kept so that ``from Viz import loop_bubbles`` works as
written: neurogen's viewer does the job (pyqtgraph + OpenGL; ``pip install
'neurogen[viewer]'``). See ``NeuralFieldViz.py``."""
from neurogen.viz import GLViewer, loop_bubbles  # noqa: F401
