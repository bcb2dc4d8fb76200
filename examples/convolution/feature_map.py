"""A small convolutional feature map on an image, with ANNarchy's extensions.
==========================================================================

An image (a file given with --image, else a synthetic one) is the rate of an
ImagePopulation; a bank of four oriented edge filters (Convolution.connect_filters) gives
one feature plane per orientation, rectified by the neurons; 2x2 max-pooling (Pooling)
halves the resolution. The linear convolution runs on neurogen's shared-filter kernel
(9 multiply-adds per output, no per-synapse weights); the figure shows the image, the four
feature planes and their pooled versions.

    python examples/convolution/feature_map.py [--image photo.png] [--size 128] [--out f.png]
"""
import argparse

import numpy as np

from neurogen import Network, Neuron
from neurogen.extensions.convolution import Convolution, Pooling
from neurogen.extensions.image import ImagePopulation

FEATURE = Neuron(equations="r = pos(sum(exc))")     # rectified filter response
POOLED = Neuron(equations="r = sum(exc)")


def edge_filters() -> np.ndarray:
    """Four 3x3 oriented edge detectors (0, 45, 90, 135 degrees), shape (4, 3, 3)."""
    sobel = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    diagonal = np.array([[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0], [-2.0, -1.0, 0.0]])
    return np.stack([sobel, diagonal, sobel.T, diagonal[:, ::-1]]) / 4.0


def synthetic_image(size: int) -> np.ndarray:
    """A disc, a bar and a diagonal stripe on a dark background, values in [0, 1]."""
    y, x = np.mgrid[0:size, 0:size] / size
    image = ((x - 0.3) ** 2 + (y - 0.35) ** 2 < 0.04).astype(float)
    image += ((np.abs(x - 0.75) < 0.05) & (y > 0.2) & (y < 0.8)) * 0.8
    image += (np.abs((x - y) - 0.35) < 0.04) * 0.6
    return np.clip(image, 0.0, 1.0)


def build(size: int, image=None):
    net = Network()
    retina = net.create(ImagePopulation(geometry=(size, size)), name="retina")
    features = net.create(geometry=(size, size, 4), neuron=FEATURE, name="features")
    pooled = net.create(geometry=(size // 2, size // 2, 4), neuron=POOLED, name="pooled")
    net.connect(Convolution(retina, features, "exc")).connect_filters(edge_filters())
    net.connect(Pooling(features, pooled, "exc", operation="max")).connect_pooling(
        extent=(2, 2, 1))
    net.compile(silent=True)
    retina.set_image(synthetic_image(size) if image is None else image)
    net.simulate(3)          # image -> features (1 step) -> pooled (1 step)
    return net, retina, features, pooled


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", help="an image file (needs Pillow); default: synthetic")
    parser.add_argument("--size", type=int, default=128, help="side of the square retina")
    parser.add_argument("--out", default="feature_map.png", help="figure to write")
    args = parser.parse_args()
    net, retina, features, pooled = build(args.size, args.image)
    print(f"retina {retina.geometry}, features {features.geometry} "
          f"(storage: {net.projections[0].storage}), pooled {pooled.geometry}")
    for k, name in enumerate(("0 deg", "45 deg", "90 deg", "135 deg")):
        print(f"  {name:>7}: mean response {features.r[..., k].mean():.4f}, "
              f"pooled max {pooled.r[..., k].max():.4f}")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(3, 4, figsize=(10, 7.5))
    axes[0, 0].imshow(retina.r, cmap="gray")
    axes[0, 0].set_title("image")
    for ax in axes[0, 1:]:
        ax.axis("off")
    for k, name in enumerate(("0°", "45°", "90°", "135°")):
        axes[1, k].imshow(features.r[..., k], cmap="magma")
        axes[1, k].set_title(f"edges {name}")
        axes[2, k].imshow(pooled.r[..., k], cmap="magma")
        axes[2, k].set_title(f"max-pooled {name}")
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(args.out, dpi=80)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
