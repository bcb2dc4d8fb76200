"""ANNarchy's extensions under their ANNarchy module names.

* :mod:`neurogen.extensions.convolution`: ``Convolution`` and ``Pooling``;
* :mod:`neurogen.extensions.image`: ``ImagePopulation`` (Pillow, extra ``image``) and
  ``VideoPopulation``;
* :mod:`neurogen.extensions.logger` (also as ``tensorboard``): ``Logger`` (tensorboardX,
  extra ``logger``).

Modules needing an optional package import without it and raise a clear
:class:`~neurogen.errors.NeurogenError` naming the extra when used.
"""
