"""The Amari-Hopfield network with a Hebbian trainer (the canns library's
``AmariHopfieldNetwork`` and ``HebbianTrainer``).

Binary neurons ``s_i = sign(h_i - theta)`` with ``h = W s`` (``sign(0) = +1``), Hebbian
weights ``W = (1/N) sum_p p p^T`` with a zero diagonal, energy
``E = -1/2 s^T W s + theta . s``. Updates are synchronous (all neurons at once) or
asynchronous (one neuron at a time, in a random order per sweep; the energy never
increases).

The weights are kept in their low-rank Hebbian form: the stored patterns ``P`` (``M x N``)
give ``W s = (P^T (P s) - diag s) / N`` in ``O(M N)`` per update, so a 128 x 128 image
network (N = 16 384, a dense W of 2 GB) needs only the patterns. ``weights()`` builds the
dense matrix for small networks. This is a NumPy model: an all-to-all neurogen
projection would have to hold the N^2 dense weights.
"""
from __future__ import annotations

import sys

import numpy as np

from ..errors import NetworkError

_ACTIVATIONS = ("sign",)


class AmariHopfieldNetwork:
    """``AmariHopfieldNetwork(num_neurons, asyn=False, activation="sign", threshold=0.0,
    seed=None)``; state ``s`` (``+-1``), weights learnt by :meth:`apply_hebbian_learning`
    (or :class:`HebbianTrainer`)."""

    def __init__(self, num_neurons: int, asyn: bool = False, activation: str = "sign",
                 threshold: float = 0.0, seed=None):
        if int(num_neurons) != num_neurons or num_neurons < 1:
            raise NetworkError(f"AmariHopfieldNetwork: num_neurons must be a positive "
                               f"integer, got {num_neurons!r}")
        if activation not in _ACTIVATIONS:
            raise NetworkError(f"AmariHopfieldNetwork: unknown activation {activation!r}; "
                               f"known: {', '.join(_ACTIVATIONS)}")
        self.num = int(num_neurons)
        self.asyn = bool(asyn)
        self.activation = activation
        self.threshold = float(threshold)
        self.rng = np.random.default_rng(seed)
        self.patterns = np.zeros((0, self.num))
        self._diag = np.zeros(self.num)
        self.s = np.ones(self.num)

    def init_state(self):
        """``s = +1`` everywhere (canns API)."""
        self.s = np.ones(self.num)
        return self

    # -- learning -------------------------------------------------------------------------
    def check_pattern(self, pattern, what="pattern"):
        p = np.asarray(pattern, dtype=np.float64)
        if p.shape[-1:] != (self.num,) and p.size % self.num == 0 and p.ndim >= 2 \
                and int(np.prod(p.shape[-2:])) == self.num:
            p = p.reshape(p.shape[:-2] + (self.num,))          # images (…, h, w)
        if p.shape[-1:] != (self.num,) or not np.all(np.isfinite(p)):
            raise NetworkError(f"AmariHopfieldNetwork: a {what} must have {self.num} "
                               f"finite values, got shape {p.shape}")
        return p

    def apply_hebbian_learning(self, patterns):
        """Adds ``p p^T / N`` for every pattern (zero diagonal kept)."""
        P = np.atleast_2d(self.check_pattern(patterns, "training pattern"))
        self.patterns = np.concatenate([self.patterns, P.reshape(-1, self.num)])
        self._diag = np.square(self.patterns).sum(axis=0)

    def weights(self) -> np.ndarray:
        """The dense ``N x N`` weight matrix (only for networks that fit in memory)."""
        W = self.patterns.T @ self.patterns / self.num
        np.fill_diagonal(W, 0.0)
        return W

    W = property(weights)

    # -- dynamics -------------------------------------------------------------------------
    def field(self, s=None) -> np.ndarray:
        """``h = W s`` for one state or a batch ``(B, N)``."""
        s = self.s if s is None else np.asarray(s, dtype=np.float64)
        return ((s @ self.patterns.T) @ self.patterns - self._diag * s) / self.num

    def _act(self, h):
        return np.where(h >= self.threshold, 1.0, -1.0)

    def energy(self, s=None) -> float:
        """``-1/2 s^T W s + theta . s`` (batched over leading axes)."""
        s = self.s if s is None else np.asarray(s, dtype=np.float64)
        v = s @ self.patterns.T
        quad = (np.square(v).sum(axis=-1) - (self._diag * s * s).sum(axis=-1)) / self.num
        return -0.5 * quad + self.threshold * s.sum(axis=-1)

    def update(self) -> int:
        """One synchronous step or one asynchronous sweep; returns the number of neurons
        that changed."""
        if not self.asyn:
            new = self._act(self.field())
            changed = int(np.count_nonzero(new != self.s))
            self.s = new
            return changed
        s, P, n = self.s.copy(), self.patterns, self.num
        v = P @ s
        cols = P.T.tolist()                       # per-neuron pattern entries (M,)
        diag, theta, changed = self._diag.tolist(), self.threshold, 0
        vl = v.tolist()
        for i in self.rng.permutation(n).tolist():
            col = cols[i]
            h = (sum(c * x for c, x in zip(col, vl)) - diag[i] * s[i]) / n
            new = 1.0 if h >= theta else -1.0
            if new != s[i]:
                d = new - s[i]
                vl = [x + c * d for c, x in zip(col, vl)]
                s[i] = new
                changed += 1
        self.s = s
        return changed

    def __call__(self):
        return self.update()


class HebbianTrainer:
    """``HebbianTrainer(model)``: ``train(patterns)``, ``predict(pattern)``,
    ``predict_batch(patterns, progress=True)``."""

    def __init__(self, model: AmariHopfieldNetwork, max_iter: int = 100):
        self.model = model
        self.max_iter = int(max_iter)

    def train(self, patterns):
        self.model.apply_hebbian_learning(np.stack([np.asarray(p, dtype=np.float64)
                                                    for p in patterns]))
        return self

    def predict(self, pattern, max_iter: int | None = None) -> np.ndarray:
        """Runs the network from ``pattern`` until no neuron changes (a fixed point) or
        ``max_iter`` updates; returns the final state (shaped like ``pattern``)."""
        m = self.model
        p = np.asarray(pattern, dtype=np.float64)
        m.s = m.check_pattern(p).reshape(m.num).copy()
        self.iterations = 0
        for _ in range(self.max_iter if max_iter is None else int(max_iter)):
            self.iterations += 1
            if m.update() == 0:
                break
        return m.s.reshape(p.shape).copy()

    def predict_batch(self, patterns, progress: bool = True, show_sample_progress=None,
                      max_iter: int | None = None) -> list:
        if show_sample_progress is not None:
            progress = show_sample_progress
        patterns = list(patterns)
        out = []
        for i, p in enumerate(patterns):
            out.append(self.predict(p, max_iter))
            if progress:
                print(f"\rProcessing samples: {i + 1}/{len(patterns)}", end="",
                      file=sys.stderr, flush=True)
        if progress and patterns:
            print(file=sys.stderr)
        return out
