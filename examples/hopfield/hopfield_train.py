"""Pattern recovery with the Amari-Hopfield network (the canns hopfield_train example,
with 4 random +-1 128x128 patterns instead of the skimage pictures): 30 % of the pixels
flipped, recovered by synchronous updates; prints the fraction of pixels recovered."""
import numpy as np

from neurogen.models import AmariHopfieldNetwork, HebbianTrainer

rng = np.random.default_rng(42)
patterns = rng.choice([-1.0, 1.0], size=(4, 128 * 128))
model = AmariHopfieldNetwork(num_neurons=128 * 128, asyn=False, activation="sign")
model.init_state()
trainer = HebbianTrainer(model)
trainer.train(list(patterns))

noisy = patterns * np.where(rng.random(patterns.shape) < 0.3, -1.0, 1.0)
predicted = trainer.predict_batch(list(noisy), progress=True)
for i, (p, n, q) in enumerate(zip(patterns, noisy, predicted)):
    print(f"pattern {i}: input {np.mean(n == p):.3f} correct -> output {np.mean(q == p):.3f}")
