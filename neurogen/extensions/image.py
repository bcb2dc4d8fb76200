"""Images as the rates of a population (ANNarchy's ``ImagePopulation``), one neuron per
pixel, and the webcam population ``VideoPopulation``.

Reading image files and resizing need Pillow (``pip install neurogen[image]``); a NumPy
array of the population's size needs nothing more. A geometry ``(height, width)`` holds
the luminance (grey), ``(height, width, 3)`` the red, green and blue channels, rates in
[0, 1] (8-bit images are divided by 255).
"""
from __future__ import annotations

import os

import numpy as np

from ..errors import NetworkError
from ..core.neuron import Neuron
from ..core.population import Population
from .optional import MissingExtraError, require

__all__ = ["ImagePopulation", "VideoPopulation", "MissingExtraError"]

_PIXEL = Neuron(parameters="r = 0.0", name="ImagePopulation")


def _pillow():
    return require("PIL.Image", "ImagePopulation (reading or resizing an image)",
                   "'neurogen[image]' (or Pillow)")


def _luminance(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601-2 luma, as Pillow's ``convert('L')`` (before its rounding)."""
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


class ImagePopulation(Population):
    """``ImagePopulation(geometry=(480, 640))`` then ``pop.set_image('photo.jpg')``.

    ``(h, w, 1)`` is taken as grey ``(h, w)``, as in ANNarchy."""

    def __init__(self, geometry, name: str | None = None, net=None):
        geometry = (geometry,) if np.isscalar(geometry) else tuple(geometry)
        if len(geometry) not in (2, 3) or (len(geometry) == 3 and geometry[2] not in (1, 3)):
            raise NetworkError(f"{type(self).__name__}: the geometry must be (height, width) "
                               f"for grey images or (height, width, 3) for colour, got "
                               f"{geometry!r}")
        super().__init__(geometry[:2] if len(geometry) == 3 and geometry[2] == 1 else geometry,
                         _PIXEL, name=name, net=net)

    @property
    def colour(self) -> bool:
        return len(self.geometry) == 3

    def set_image(self, image):
        """Set the rates from an image file (any format Pillow reads) or an array
        (``(h, w)`` grey or ``(h, w, 3|4)`` colour; integers are 8-bit, floats are rates).
        A different size is resized (bilinear); colour is reduced to grey for a 2-D
        population."""
        height, width = self.geometry[:2]
        if isinstance(image, (str, os.PathLike)):
            Image = _pillow()
            try:
                with Image.open(image) as handle:
                    picture = handle.convert("RGB" if self.colour else "L")
                    if picture.size != (width, height):
                        picture = picture.resize((width, height), Image.BILINEAR)
                    pixels = np.asarray(picture, dtype=np.float64) / 255.0
            except (OSError, ValueError) as exc:
                raise NetworkError(f"ImagePopulation '{self.name}': cannot read the image "
                                   f"{str(image)!r} ({exc})") from None
        else:
            pixels = self._from_array(np.asarray(image), height, width)
        self.r = pixels

    def _from_array(self, array, height, width) -> np.ndarray:
        if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (1, 3, 4)):
            raise NetworkError(f"ImagePopulation '{self.name}': an image array is (h, w) or "
                               f"(h, w, 3|4), got shape {array.shape}")
        scale = 255.0 if np.issubdtype(array.dtype, np.integer) else 1.0
        pixels = array.astype(np.float64) / scale
        if pixels.ndim == 3:
            pixels = pixels[..., 0] if pixels.shape[2] == 1 else pixels[..., :3]
        if self.colour and pixels.ndim == 2:
            pixels = np.repeat(pixels[..., None], 3, axis=2)
        elif not self.colour and pixels.ndim == 3:
            pixels = _luminance(pixels)
        if pixels.shape[:2] != (height, width):
            Image = _pillow()
            planes = pixels[..., None] if pixels.ndim == 2 else pixels
            pixels = np.stack([np.asarray(Image.fromarray(p.astype(np.float32), mode="F")
                                          .resize((width, height), Image.BILINEAR))
                               for p in np.moveaxis(planes, 2, 0)], axis=2).astype(np.float64)
            pixels = pixels[..., 0] if not self.colour else pixels
        return pixels

    def move_to(self, net, name):
        """``net.create(ImagePopulation(...))``: move it from the default network."""
        old = self.net
        if old is net:
            return
        if old.compiled or old.populations[-1] is not self:
            raise NetworkError("net.create(ImagePopulation(...)): create it in the call, "
                               "e.g. net.create(ImagePopulation(geometry=(h, w)))")
        self.transfer(net, name)


class VideoPopulation(ImagePopulation):
    """A webcam as an :class:`ImagePopulation`: ``start_camera(0)`` then
    ``grab_image()`` before each ``simulate()``. Needs OpenCV's Python module
    (``cv2``)."""

    def __init__(self, geometry, name: str | None = None, net=None):
        super().__init__(geometry, name=name, net=net)
        self._capture = None

    def start_camera(self, camera_port: int = 0):
        cv2 = require("cv2", "VideoPopulation (reading a camera)", "opencv-python")
        capture = cv2.VideoCapture(int(camera_port))
        if not capture.isOpened():
            raise NetworkError(f"VideoPopulation '{self.name}': cannot open camera "
                               f"{camera_port}")
        self._capture = capture

    def grab_image(self):
        if self._capture is None:
            raise NetworkError(f"VideoPopulation '{self.name}': call start_camera() first")
        ok, frame = self._capture.read()
        if not ok:
            raise NetworkError(f"VideoPopulation '{self.name}': the camera gave no image")
        self.set_image(np.ascontiguousarray(frame[..., ::-1]))      # BGR -> RGB
