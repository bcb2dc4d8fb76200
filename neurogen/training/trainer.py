"""``Trainer``: fit a network's trainable parameters and projections to data.

Data are ``(inputs, targets)`` with inputs ``(steps, batch, channels)`` (time first, as
neurogym's ``Dataset``); targets are integer labels ``(steps, batch)`` for
``cross_entropy`` or arrays shaped like the outputs for ``mse``. ``fit`` takes a callable
returning a batch (a :class:`~neurogen.tasks.Dataset`), an iterable of batches, or one
fixed batch.

Accuracy (``cross_entropy`` only) is the fraction of scored steps whose arg-max output
is the label; by default (``accuracy_on='nonzero'``) only steps whose label is not 0
are scored, the convention of neurogym tasks where 0 means "fixate" (the seed's
"accuracy on decision steps"); ``accuracy_on='all'`` scores every step.
"""
from __future__ import annotations

import sys
import time

import numpy as np

from ..io import atomic_path
from .graph import TrainingError, extract, write_back
from .losses import cross_entropy, get_loss
from .differentiable import DifferentiableNetwork
from .optimizers import Adam, clip_by_norm

FORMAT = "neurogen-trained-1"


class Trainer:
    """``Trainer(net, inputs=inp, outputs=out, trainable=[...], loss='cross_entropy',
    optimizer=Adam(lr=1e-3))``.

    ``trainable`` lists what is fitted: projections (objects or names) and parameters
    (``'pop.param'`` or ``(pop, 'param')``), in addition to the parameters declared
    ``: trainable`` in the neurons' equation strings; everything else keeps its value.
    ``precision`` defaults to the network's. The network itself is not changed until
    :meth:`apply` (``fit`` calls it at the end).
    """

    def __init__(self, net, inputs, outputs, trainable=None, loss="cross_entropy",
                 optimizer=None, clip_norm: float | None = None, precision: str | None = None,
                 accuracy_on: str = "nonzero"):
        self.net = net
        self.problem = extract(net, inputs, outputs, trainable)
        self.loss_name = loss if isinstance(loss, str) else getattr(loss, "__name__", "loss")
        self.loss_fn = get_loss(loss)
        if accuracy_on not in ("nonzero", "all"):
            raise TrainingError(f"accuracy_on must be 'nonzero' or 'all', got {accuracy_on!r}")
        self.accuracy_on = accuracy_on
        if clip_norm is not None and not clip_norm > 0:
            raise TrainingError(f"clip_norm must be positive, got {clip_norm!r}")
        self.clip_norm = clip_norm
        precision = precision or self.problem.precision
        self.model = DifferentiableNetwork(self.problem, precision)
        self.optimizer = optimizer if optimizer is not None else Adam(lr=1e-3)
        self.optimizer.init(self.model.theta)
        if type(self.optimizer) is Adam:
            self.optimizer.kernel = self.model.adam
        # the loss, its derivative and the accuracy in one compiled pass
        self._fused_loss = self.loss_fn is cross_entropy
        self.history = {"loss": [], "accuracy": []}

    @property
    def batch(self) -> int:
        """The network's batch (``Network(batch=B)``): the trials of a training step
        (a batch=1 network takes data of any batch)."""
        return self.problem.batch

    def dataset(self, task, seq_len: int = 100, batch_size: int | None = None, **options):
        """``task.dataset(batch_size, seq_len, ...)``, by default of the network's batch."""
        return task.dataset(batch_size=self.batch if batch_size is None else batch_size,
                            seq_len=seq_len, **options)

    @property
    def lag(self) -> int:
        return self.model.lag

    @property
    def compile_seconds(self) -> float:
        return self.model.build_info["seconds"]

    # -- one batch --------------------------------------------------------------------------
    def predict(self, inputs) -> np.ndarray:
        """Output rates ``(steps, batch, units)`` (a copy)."""
        return np.array(self.model.forward(inputs), dtype=np.float64)

    def _accuracy(self, outputs, targets) -> float:
        if self.loss_name != "cross_entropy":
            return float("nan")
        pred = np.argmax(outputs, axis=2)
        scored = targets != 0 if self.accuracy_on == "nonzero" else np.ones_like(targets, bool)
        return float(np.mean(pred[scored] == targets[scored])) if scored.any() else float("nan")

    def evaluate(self, inputs, targets, mask=None) -> tuple[float, float]:
        """``(loss, accuracy)`` on one batch, without changing anything."""
        outputs = self.model.forward(inputs)
        loss, _ = self.loss_fn(outputs, targets, mask)
        return loss, self._accuracy(outputs, np.asarray(targets))

    def gradient(self, inputs, targets, mask=None) -> tuple[float, dict]:
        """Loss and gradients by name (copies), for one batch."""
        outputs = self.model.forward(inputs)
        loss, dy = self.loss_fn(outputs, targets, mask)
        self.model.backward(dy)
        return loss, {k: np.array(v, dtype=np.float64) for k, v in self.model.grad_views.items()}

    def train_step(self, inputs, targets, mask=None) -> tuple[float, float]:
        """Forward, backward, optimizer update; returns ``(loss, accuracy)``."""
        outputs = self.model.forward(inputs)
        if self._fused_loss and mask is None:
            loss, accuracy = self.model.cross_entropy(targets, self.accuracy_on == "nonzero")
            grad = self.model.backward(None)
        else:
            loss, dy = self.loss_fn(outputs, targets, mask)
            accuracy = self._accuracy(outputs, targets)
            grad = self.model.backward(dy)
        if not np.isfinite(loss):
            raise TrainingError(f"the loss is not finite ({loss}) at step "
                                f"{self.optimizer.step_count}; lower the learning rate "
                                "or clip gradients (clip_norm=)")
        if self.clip_norm is not None:
            clip_by_norm(grad, self.clip_norm)
        self.optimizer.update(self.model.theta, grad)
        return loss, accuracy

    # -- training loop ------------------------------------------------------------------------
    def fit(self, data, iterations: int, progress: bool = True, log_every: int = 100,
            target_accuracy: float | None = None, patience: int | None = None,
            min_delta: float = 0.0, apply: bool = True) -> dict:
        """Train for ``iterations`` batches; returns :attr:`history`.

        Every ``log_every`` iterations the running means of loss and accuracy are
        appended to ``history['mean_loss']``/``['mean_accuracy']`` (and shown on the
        progress line). Early stop: when the running accuracy reaches
        ``target_accuracy``, or when the running loss has not improved by ``min_delta``
        for ``patience`` windows. ``apply`` writes the trained values into the network.
        """
        iterations = int(iterations)
        if iterations < 1 or int(log_every) < 1:
            raise TrainingError("iterations and log_every must be positive")
        batches = _batches(data)
        hist = self.history
        hist.setdefault("mean_loss", [])
        hist.setdefault("mean_accuracy", [])
        best, waited, start = np.inf, 0, time.perf_counter()
        window_loss, window_acc = [], []
        hist["stopped_early"] = False
        for it in range(1, iterations + 1):
            inputs, targets = next(batches)
            loss, acc = self.train_step(inputs, targets)
            hist["loss"].append(loss)
            hist["accuracy"].append(acc)
            window_loss.append(loss)
            window_acc.append(acc)
            if it % log_every and it != iterations:
                continue
            mean_loss, mean_acc = float(np.mean(window_loss)), float(np.nanmean(window_acc)) \
                if not np.all(np.isnan(window_acc)) else float("nan")
            window_loss, window_acc = [], []
            hist["mean_loss"].append(mean_loss)
            hist["mean_accuracy"].append(mean_acc)
            if progress:
                _progress(it, iterations, mean_loss, mean_acc,
                          (time.perf_counter() - start) / it)
            if target_accuracy is not None and mean_acc >= target_accuracy:
                hist["stopped_early"] = True
                break
            if patience is not None:
                if mean_loss < best - min_delta:
                    best, waited = mean_loss, 0
                else:
                    waited += 1
                    if waited >= patience:
                        hist["stopped_early"] = True
                        break
        if progress:
            sys.stderr.write("\n")
        hist["seconds"] = time.perf_counter() - start
        if apply:
            self.apply()
        return hist

    # -- values ----------------------------------------------------------------------------------
    def values(self) -> dict:
        """The trained values by name (projections: (post, pre) matrices, or one weight
        per synapse in the projection's order for a CSR projection)."""
        return self.model.values()

    def apply(self):
        """Write the trained values into the network (projection weights, parameters)."""
        write_back(self.net, self.problem, self.model.values())

    def save(self, filename):
        """Trained values and optimizer state to ``.npz`` (written atomically)."""
        arrays = {f"value/{k}": v for k, v in self.model.values().items()}
        arrays.update({f"optimizer/{k}": np.asarray(v)
                       for k, v in self.optimizer.state().items()})
        with atomic_path(filename) as tmp, open(tmp, "wb") as handle:
            np.savez(handle, format=FORMAT, **arrays)

    def load(self, filename):
        """Restore what :meth:`save` wrote; a file that does not fit this trainer raises
        :class:`TrainingError` and changes nothing."""
        try:
            with np.load(filename) as data:
                fields = {k: data[k] for k in data.files}
        except (OSError, ValueError, EOFError) as exc:
            raise TrainingError(f"cannot read trained values from {filename!r} ({exc})") \
                from None
        if str(fields.get("format", "")) != FORMAT:
            raise TrainingError(f"{filename!r} is not a neurogen trained-values file")
        values = {k[len("value/"):]: v for k, v in fields.items() if k.startswith("value/")}
        mine = self.model.views
        if set(values) != set(mine):
            raise TrainingError(f"{filename!r} holds {sorted(values)}, this trainer trains "
                                f"{sorted(mine)}")
        for name, value in values.items():
            if value.shape != mine[name].shape:
                raise TrainingError(f"{filename!r}: {name!r} is shaped {value.shape}, "
                                    f"expected {mine[name].shape}")
        self.model.set_values(values)
        state = {k[len("optimizer/"):]: v for k, v in fields.items()
                 if k.startswith("optimizer/")}
        try:
            self.optimizer.load_state(state)
        except (KeyError, ValueError):   # saved by another optimizer: start its state afresh
            self.optimizer.init(self.model.theta)


def _batches(data):
    if callable(data):
        while True:
            yield data()
    if isinstance(data, tuple) and len(data) == 2 and hasattr(data[0], "shape"):
        while True:
            yield data
    iterator = iter(data)
    for batch in iterator:
        yield batch
    raise TrainingError("the data ran out before the last iteration")


def _progress(it, total, loss, acc, seconds):
    width = 24
    done = int(width * it / total)
    acc_text = "" if np.isnan(acc) else f" acc {acc:.3f}"
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {it}/{total} loss {loss:.4f}"
                     f"{acc_text} {seconds * 1e3:.2f} ms/it")
    sys.stderr.flush()
