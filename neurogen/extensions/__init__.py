"""ANNarchy's extensions under their ANNarchy module names.

* :mod:`neurogen.extensions.convolution`: ``Convolution`` and ``Pooling``;
* :mod:`neurogen.extensions.image`: ``ImagePopulation`` (Pillow, extra ``image``) and
  ``VideoPopulation``;
* :mod:`neurogen.extensions.logger` (also as ``tensorboard``): ``Logger`` (tensorboardX,
  extra ``logger``).

Modules needing an optional package import without it and raise a clear
:class:`~neurogen.errors.NeurogenError` naming the extra when used. ANNarchy's
``ann_to_snn_conversion`` is not provided: importing it raises a ``NeurogenError`` (also
an ``ImportError``) that says so.
"""
