"""Amari Hopfield network: Hebbian training and recall time for 4 random +-1 patterns of
128x128 (and 64x64, the canns example's size) with 30 % of the pixels flipped. Prints one
JSON line per size. The issue's reference: canns trains four 64x64 patterns in 0.9 s and
predicts them in 3.7 s.

    python bench/hopfield.py
"""
import json
import time

import numpy as np

from neurogen.models import AmariHopfieldNetwork, HebbianTrainer

for side in (64, 128):
    rng = np.random.default_rng(0)
    patterns = rng.choice([-1.0, 1.0], size=(4, side * side))
    noisy = patterns * np.where(rng.random(patterns.shape) < 0.3, -1.0, 1.0)
    model = AmariHopfieldNetwork(num_neurons=side * side, asyn=False, activation="sign")
    model.init_state()
    trainer = HebbianTrainer(model)
    t0 = time.perf_counter()
    trainer.train(list(patterns))
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    predicted = trainer.predict_batch(list(noisy), progress=False)
    predict_s = time.perf_counter() - t0
    recovered = float(np.mean([np.mean(q == p) for p, q in zip(patterns, predicted)]))
    print(json.dumps({"benchmark": "hopfield", "side": side, "patterns": 4,
                      "train_s": round(train_s, 3), "predict_s": round(predict_s, 3),
                      "fraction_recovered": recovered}), flush=True)
