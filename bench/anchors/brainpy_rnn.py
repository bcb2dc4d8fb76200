"""BrainPy's side of bench/train_rnn.py: the seed's RNN (Yang & Wang 2020, as BrainPy's
own tutorial builds it: TrainVar weights, ``for_loop`` over time, ``bm.grad``,
``bp.optim.Adam``, one ``bm.jit`` training step) trained on the batches
bench/train_rnn.py saved, on the CPU. Run in a venv with BrainPy.

    python brainpy_rnn.py DATA.npz HIDDEN ITERATIONS float|double

``double`` enables JAX's 64-bit mode. Prints one JSON line (compile_s: the first call).
"""
import json
import sys
import time

import numpy as np

path, hidden, iterations, precision = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
import brainpy as bp  # noqa: E402
import brainpy.math as bm  # noqa: E402

bm.set_platform("cpu")
if precision == "double":
    bm.enable_x64()
    bm.set_float(bm.float64)
data = np.load(path)
xs, ys, alpha = data["xs"], data["ys"], float(data["alpha"])
n_in, n_out, batch = xs.shape[-1], int(data["n_out"]), xs.shape[2]
ftype = np.float64 if precision == "double" else np.float32
batches = [(bm.asarray(x.astype(ftype)), bm.asarray(y.astype(np.int32))) for x, y in zip(xs, ys)]


class RNN(bp.DynamicalSystem):
    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(0)

        def he(n_from, shape):       # He-normal, as the seed's KaimingNormal
            return bm.TrainVar(bm.asarray(rng.normal(0, (2 / n_from) ** .5, shape).astype(ftype)))
        self.w_ir = he(n_in, (n_in, hidden))
        self.w_rr = he(hidden, (hidden, hidden))
        self.b_rr = bm.TrainVar(bm.zeros(hidden, dtype=ftype))
        self.w_ro = he(hidden, (hidden, n_out))
        self.b_ro = bm.TrainVar(bm.zeros(n_out, dtype=ftype))
        self.h = bm.Variable(bm.zeros((batch, hidden), dtype=ftype))

    def update(self, x):
        drive = x @ self.w_ir + self.h @ self.w_rr + self.b_rr
        self.h.value = bm.relu(self.h * (1 - alpha) + alpha * drive)
        return self.h @ self.w_ro + self.b_ro

    def loss(self, x, y):
        self.h.value = bm.zeros_like(self.h.value)
        out = bm.for_loop(self.update, x)
        return bp.losses.cross_entropy_loss(out.reshape((-1, n_out)), y.flatten())


net = RNN()
train_vars = net.train_vars().unique()
grad = bm.grad(net.loss, grad_vars=train_vars, return_value=True)
opt = bp.optim.Adam(lr=1e-3, train_vars=train_vars)


@bm.jit
def step(x, y):
    grads, loss = grad(x, y)
    opt.update(grads)
    return loss


t0 = time.perf_counter()
step(*batches[0]).block_until_ready()
compile_s = time.perf_counter() - t0
for i in range(1, 3):
    step(*batches[i % len(batches)]).block_until_ready()
wall, cpu = time.perf_counter(), time.process_time()
for i in range(iterations):
    loss = step(*batches[i % len(batches)])
loss.block_until_ready()
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"library": f"BrainPy {bp.__version__} / JAX", "precision": precision,
                  "ms_per_iteration_wall": wall / iterations * 1e3,
                  "ms_per_iteration_cpu": cpu / iterations * 1e3, "compile_s": compile_s,
                  "final_loss": float(loss)}))
