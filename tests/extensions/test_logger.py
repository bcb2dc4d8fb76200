"""Logger: tensorboard event files read back record by record (tfevents framing)."""
import struct
import sys

import numpy as np
import pytest

from neurogen.errors import NeurogenError
from neurogen.extensions.optional import MissingExtraError


def _events(logdir):
    """Every Event protobuf of the run's tfevents files (length, crc, data, crc)."""
    event_pb2 = pytest.importorskip("tensorboardX.proto.event_pb2")
    events = []
    for path in sorted(logdir.glob("events.out.tfevents.*")):
        data = path.read_bytes()
        pos = 0
        while pos < len(data):
            (length,) = struct.unpack_from("<Q", data, pos)
            events.append(event_pb2.Event.FromString(data[pos + 12:pos + 12 + length]))
            pos += 12 + length + 4
    return events


def _values(events):
    return [(e.step, v) for e in events for v in e.summary.value]


def test_scalars_images_histograms_are_written(tmp_path):
    pytest.importorskip("tensorboardX")
    from neurogen.extensions.logger import Logger
    from neurogen.extensions.tensorboard import Logger as AnnarchyName
    assert AnnarchyName is Logger
    with Logger(logdir=tmp_path, experiment="trial1") as logger:
        for step in range(3):
            logger.add_scalar("Accuracy", 0.25 * step, step)
        logger.add_image("Rates", np.linspace(0, 1, 12).reshape(3, 4), 5)
        logger.add_image("Colour", np.zeros((3, 4, 3), dtype=np.uint8), 5)
        logger.add_images("Fields", np.random.default_rng(0).normal(size=(2, 3, 4)), 6,
                          equalize=True)
        logger.add_histogram("Weights", np.arange(10.0), 7)
    values = _values(_events(tmp_path / "trial1"))
    scalars = [(s, v.simple_value) for s, v in values if v.tag == "Accuracy"]
    assert scalars == [(0, 0.0), (1, 0.25), (2, 0.5)]
    images = {v.tag: (s, v.image) for s, v in values if v.HasField("image")}
    assert images["Rates"][0] == 5 and (images["Rates"][1].height,
                                        images["Rates"][1].width) == (3, 4)
    assert images["Colour"][1].colorspace == 3
    assert "Fields" in images
    hist = [(s, v.histo) for s, v in values if v.tag == "Weights"]
    assert hist[0][0] == 7 and hist[0][1].num == 10 and hist[0][1].sum == 45.0
    assert (hist[0][1].min, hist[0][1].max) == (0.0, 9.0)


def test_figures_scalar_groups_and_parameters(tmp_path):
    pytest.importorskip("tensorboardX")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from neurogen.extensions.logger import Logger
    fig = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [1, 0])
    with Logger(logdir=tmp_path, experiment="run") as logger:
        logger.add_figure("Activity", fig, 3)
        logger.add_scalars("Rates", {"first": 1.5, "second": 2.5}, 4)
        logger.add_parameters({"tau": 10.0}, {"accuracy": 0.9})
    values = _values(_events(tmp_path / "run"))
    figure = [v.image for s, v in values if v.tag == "Activity"]
    assert figure and (figure[0].height, figure[0].width) == (50, 100)
    curves = {p.parent.relative_to(tmp_path / "run").as_posix()
              for p in (tmp_path / "run").rglob("events.out.tfevents.*")}
    assert {"Rates/first", "Rates/second"} <= curves      # one run per curve, as TensorBoard
    first = _values(_events(tmp_path / "run" / "Rates" / "first"))
    assert [(s, v.simple_value) for s, v in first] == [(4, 1.5)]
    assert not plt.fignum_exists(fig.number)              # closed after logging


def test_bad_image_shape_is_refused(tmp_path):
    pytest.importorskip("tensorboardX")
    from neurogen.extensions.logger import Logger
    with Logger(logdir=tmp_path, experiment="x") as logger:
        with pytest.raises(NeurogenError, match=r"\(H, W, 3\)"):
            logger.add_image("bad", np.zeros((3, 4, 2)))


def test_missing_tensorboardx_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    from neurogen.extensions.logger import Logger
    with pytest.raises(MissingExtraError, match=r"neurogen\[logger\]"):
        Logger(logdir=tmp_path)
    assert not any(tmp_path.iterdir())        # nothing created before the error
