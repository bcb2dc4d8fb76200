"""Perceptual decision making (neurogym's ``PerceptualDecisionMaking-v0``), and a
supervised dataset built from it as neurogym's ``Dataset`` does.

A trial is four periods (durations in ms, ``round(d / dt)`` steps each): fixation
(100), stimulus (2000), delay (0), decision (100). Observation channel 0 (fixation) is,
by default, 1 during fixation, stimulus and delay and 0 in the decision period, which
tells the network when to answer: the semantics of the neurogym the seed used
(``add_ob(1, period=['fixation', 'stimulus', 'delay'], where='fixation')``), and the
reason the seed probes the trained network with the input clamped to ``[1, .5, .5]``
(fixation on, no evidence). neurogym 2.x (checked: 2.3.1) sets the fixation input only
in the fixation period (``add_ob(1, period='fixation', where='fixation')``): it is 0
during stimulus and delay. ``fixation="neurogym2"`` gives that; ``fixation="seed"`` is
the default. Channels 1 and 2 carry the stimulus during the stimulus period:
``0.5 + cos(theta - theta_gt) * coh / 200`` with ``theta = (0, pi)``, i.e.
``0.5 +/- coh / 200``, plus Gaussian noise of standard deviation ``sigma / sqrt(dt)``
drawn per step and channel. The target is 0 (fixate) except in the decision period,
where it is ``1 + ground_truth``. Coherences are drawn from (0, 6.4, 12.8, 25.6, 51.2)
and the ground truth from (0, 1), uniformly.

:meth:`PerceptualDecisionMaking.dataset` concatenates trials back to back per batch
element into a cache a few sequences long and hands out consecutive windows of
``seq_len`` steps (a trial may straddle two windows); when the cache is used up it is
refilled with fresh trials, the last trial of the old cache being cut, as neurogym does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tracking import TaskError

PERIODS = ("fixation", "stimulus", "delay", "decision")


@dataclass(frozen=True)
class Trial:
    """One trial: observations ``ob`` (steps, 3), targets ``gt`` (steps,), its periods
    (name -> (first step, end step)) and ``info`` (``ground_truth``, ``coh``)."""
    ob: np.ndarray
    gt: np.ndarray
    periods: dict
    info: dict


class PerceptualDecisionMaking:
    """``PerceptualDecisionMaking(dt=100, sigma=1.0, seed=None, fixation="seed")`` (see
    module doc). ``fixation``: ``"seed"`` (fixation input on through fixation, stimulus
    and delay, the seed's neurogym) or ``"neurogym2"`` (on during fixation only, as
    neurogym 2.3.1)."""

    num_inputs = 3
    num_outputs = 3
    _KNOWN = ("fixation", "stimulus", "delay", "decision")
    #: periods during which the fixation input is 1, per ``fixation=`` semantics
    FIXATION_PERIODS = {"seed": ("fixation", "stimulus", "delay"),
                        "neurogym2": ("fixation",)}

    def __init__(self, dt: float = 100.0, timing: dict | None = None, cohs=None,
                 sigma: float = 1.0, seed: int | None = None, fixation: str = "seed"):
        if fixation not in self.FIXATION_PERIODS:
            raise TaskError(f"PerceptualDecisionMaking: fixation is one of "
                            f"{sorted(self.FIXATION_PERIODS)}, got {fixation!r}")
        self.fixation = fixation
        if not dt or float(dt) <= 0:
            raise TaskError(f"PerceptualDecisionMaking: dt must be positive, got {dt!r}")
        self.dt = float(dt)
        self.timing = {"fixation": 100.0, "stimulus": 2000.0, "delay": 0.0, "decision": 100.0}
        for key, value in (timing or {}).items():
            if key not in self._KNOWN:
                import difflib
                hint = difflib.get_close_matches(key, self._KNOWN, n=1)
                raise TaskError(f"PerceptualDecisionMaking: unknown period {key!r}"
                                + (f"; did you mean {hint[0]!r}?" if hint else ""))
            if float(value) < 0:
                raise TaskError(f"PerceptualDecisionMaking: period {key!r} has a negative "
                                f"duration {value!r}")
            self.timing[key] = float(value)
        self.cohs = np.asarray([0, 6.4, 12.8, 25.6, 51.2] if cohs is None else cohs, float)
        self.sigma = float(sigma) / np.sqrt(self.dt)
        self.theta = np.array([0.0, np.pi])
        self.rng = np.random.default_rng(seed)
        self.steps = {p: int(round(self.timing[p] / self.dt)) for p in PERIODS}
        if self.steps["decision"] < 1:
            raise TaskError("PerceptualDecisionMaking: the decision period must last at "
                            "least one step")
        self.trial: dict | None = None

    @property
    def trial_steps(self) -> int:
        return sum(self.steps.values())

    def new_trial(self, ground_truth: int | None = None, coh: float | None = None,
                  rng: np.random.Generator | None = None) -> Trial:
        """Draw a trial (or build the one asked for); also kept as ``self.trial``."""
        rng = self.rng if rng is None else rng
        gt = int(rng.choice(2)) if ground_truth is None else int(ground_truth)
        coh = float(rng.choice(self.cohs)) if coh is None else float(coh)
        if gt not in (0, 1):
            raise TaskError(f"PerceptualDecisionMaking: ground_truth is 0 or 1, got {gt!r}")
        periods, start = {}, 0
        for p in PERIODS:
            periods[p] = (start, start + self.steps[p])
            start += self.steps[p]
        ob = np.zeros((start, 3))
        target = np.zeros(start, dtype=np.int64)
        s0, s1 = periods["stimulus"]
        for p in self.FIXATION_PERIODS[self.fixation]:
            ob[periods[p][0]:periods[p][1], 0] = 1.0
        ob[s0:s1, 1:] = 0.5 + np.cos(self.theta - self.theta[gt]) * coh / 200.0
        ob[s0:s1, 1:] += rng.normal(0.0, self.sigma, (s1 - s0, 2))
        d0, d1 = periods["decision"]
        target[d0:d1] = gt + 1
        self.trial = {"ground_truth": gt, "coh": coh}
        return Trial(ob, target, periods, dict(self.trial))

    def dataset(self, batch_size: int = 16, seq_len: int = 100, batch_first: bool = False,
                seed: int | None = None) -> "Dataset":
        """An endless supervised dataset; ``seed`` defaults to a draw from the task's
        generator."""
        return Dataset(self, batch_size, seq_len, batch_first, seed)


class Dataset:
    """``dataset()`` (or ``next(dataset)``) returns ``(inputs, targets)``, shaped
    ``(seq_len, batch, 3)`` and ``(seq_len, batch)`` (batch first with
    ``batch_first=True``), as neurogym's ``Dataset``."""

    def __init__(self, task: PerceptualDecisionMaking, batch_size: int, seq_len: int,
                 batch_first: bool = False, seed: int | None = None):
        if int(batch_size) < 1 or int(seq_len) < 1:
            raise TaskError(f"dataset: batch_size and seq_len must be positive, got "
                            f"{batch_size!r} and {seq_len!r}")
        self.task, self.batch_size, self.seq_len = task, int(batch_size), int(seq_len)
        self.batch_first = bool(batch_first)
        seed = int(task.rng.integers(2 ** 63)) if seed is None else seed
        self.rngs = [np.random.default_rng([seed, i]) for i in range(self.batch_size)]
        per_element = 1e5 / task.num_inputs / self.batch_size   # neurogym's cache size rule
        self.cache_len = int((1 + per_element // self.seq_len) * self.seq_len)
        self._fill()

    def _fill(self):
        """Trials have a fixed length, so each element's cache is drawn at once:
        ground truths, coherences and noise as arrays, then laid out back to back."""
        task, n = self.task, self.task.trial_steps
        per = -(-self.cache_len // n)
        one = task.new_trial(ground_truth=0, coh=0.0, rng=np.random.default_rng(0))
        s0, s1 = one.periods["stimulus"]
        d0, d1 = one.periods["decision"]
        base = one.ob.copy()
        base[s0:s1, 1:] = 0.5
        self._inputs = np.empty((self.batch_size, self.cache_len, task.num_inputs))
        self._targets = np.empty((self.batch_size, self.cache_len), dtype=np.int64)
        for i, rng in enumerate(self.rngs):
            gt = rng.integers(0, 2, per)
            coh = rng.choice(task.cohs, per)
            ob = np.broadcast_to(base, (per, n, task.num_inputs)).copy()
            signal = np.cos(task.theta[None, :] - task.theta[gt][:, None]) * coh[:, None] / 200
            ob[:, s0:s1, 1:] += signal[:, None, :]
            ob[:, s0:s1, 1:] += rng.normal(0.0, task.sigma, (per, s1 - s0, 2))
            target = np.zeros((per, n), dtype=np.int64)
            target[:, d0:d1] = gt[:, None] + 1
            self._inputs[i] = ob.reshape(-1, task.num_inputs)[:self.cache_len]
            self._targets[i] = target.reshape(-1)[:self.cache_len]
        self._start = 0

    def __iter__(self):
        return self

    def __call__(self):
        return next(self)

    def __next__(self):
        if self._start + self.seq_len > self.cache_len:
            self._fill()
        window = slice(self._start, self._start + self.seq_len)
        self._start += self.seq_len
        inputs, targets = self._inputs[:, window], self._targets[:, window]
        if self.batch_first:
            return inputs.copy(), targets.copy()
        return np.ascontiguousarray(inputs.transpose(1, 0, 2)), \
            np.ascontiguousarray(targets.T)
