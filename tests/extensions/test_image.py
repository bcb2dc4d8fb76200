"""ImagePopulation: files and arrays into rates, resized and converted as ANNarchy's."""
import sys

import numpy as np
import pytest

import neurogen
from neurogen.errors import NetworkError
from neurogen.extensions.image import ImagePopulation, VideoPopulation
from neurogen.extensions.optional import MissingExtraError


def _rgb(h=6, w=8):
    rng = np.random.default_rng(5)
    return rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def test_colour_and_grey_from_a_file(net, tmp_path):
    Image = pytest.importorskip("PIL.Image")
    pixels = _rgb()
    path = tmp_path / "picture.png"
    Image.fromarray(pixels).save(path)
    colour = ImagePopulation(geometry=(6, 8, 3))
    grey = ImagePopulation(geometry=(6, 8))
    colour.set_image(str(path))
    grey.set_image(path)
    np.testing.assert_array_equal(colour.r, pixels / 255.0)
    expected = np.asarray(Image.fromarray(pixels).convert("L"), dtype=float) / 255.0
    np.testing.assert_array_equal(grey.r, expected)


def test_a_different_size_is_resized_to_the_geometry(net, tmp_path):
    Image = pytest.importorskip("PIL.Image")
    pixels = _rgb(12, 16)
    path = tmp_path / "big.png"
    Image.fromarray(pixels).save(path)
    pop = ImagePopulation(geometry=(6, 8, 3))
    pop.set_image(path)
    expected = np.asarray(Image.fromarray(pixels).resize((8, 6), Image.BILINEAR)) / 255.0
    np.testing.assert_array_equal(pop.r, expected)
    assert pop.r.shape == (6, 8, 3)


def test_arrays_without_pillow(net, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL.Image", None)     # same size: no Pillow needed
    pixels = _rgb()
    grey = ImagePopulation(geometry=(6, 8, 1))               # (h, w, 1) is grey (h, w)
    assert grey.geometry == (6, 8)
    grey.set_image(pixels)
    luma = (pixels[..., 0] * 0.299 + pixels[..., 1] * 0.587 + pixels[..., 2] * 0.114) / 255
    np.testing.assert_allclose(grey.r, luma, rtol=0, atol=1e-15)
    colour = ImagePopulation(geometry=(6, 8, 3))
    rates = np.linspace(0, 1, 48).reshape(6, 8)
    colour.set_image(rates)                                  # floats are rates already
    np.testing.assert_array_equal(colour.r, np.repeat(rates[..., None], 3, axis=2))


def test_rates_reach_the_simulation(net):
    pop = ImagePopulation(geometry=(4, 5))
    out = neurogen.Population((4, 5), neurogen.Neuron(equations="r = 2 * sum(exc)"))
    neurogen.Projection(pop, out, "exc").connect_one_to_one(1.0)
    neurogen.compile(silent=True)
    image = (np.arange(20).reshape(4, 5) * 12).astype(np.uint8)
    pop.set_image(image)
    neurogen.simulate(2)
    np.testing.assert_allclose(out.r, 2 * (image / 255.0), rtol=0, atol=1e-15)


def test_missing_pillow_is_a_clear_error(net, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    pop = ImagePopulation(geometry=(6, 8))
    with pytest.raises(MissingExtraError, match=r"neurogen\[image\]"):
        pop.set_image("picture.png")
    with pytest.raises(MissingExtraError, match="Pillow"):
        pop.set_image(_rgb(12, 16))                          # resizing needs Pillow


def test_bad_geometry_array_and_file(net, tmp_path):
    pytest.importorskip("PIL.Image")
    with pytest.raises(NetworkError, match="geometry"):
        ImagePopulation(geometry=(6, 8, 2))
    pop = ImagePopulation(geometry=(6, 8))
    with pytest.raises(NetworkError, match="shape"):
        pop.set_image(np.zeros((6, 8, 5)))
    with pytest.raises(NetworkError, match="cannot read"):
        pop.set_image(tmp_path / "missing.png")


def test_video_population_without_camera_library(net, monkeypatch):
    monkeypatch.setitem(sys.modules, "cv2", None)
    pop = VideoPopulation(geometry=(6, 8))
    with pytest.raises(MissingExtraError, match="opencv"):
        pop.start_camera(0)
    with pytest.raises(NetworkError, match="start_camera"):
        pop.grab_image()
