"""PyTorch's side of bench/train_rnn.py: the seed's RNN (Yang & Wang 2020: Euler-discretised
relu units, alpha = dt/tau, linear readout, cross-entropy over every step, Adam) trained on
the batches bench/train_rnn.py saved, on one thread. Run in a venv with PyTorch (CPU).

    python torch_rnn.py DATA.npz HIDDEN ITERATIONS float|double [cell|rnn]

``cell`` writes the time loop in Python (any alpha); ``rnn`` uses ``torch.nn.RNN`` (one
C++ loop; the same model when alpha = 1, as the seed's dt = tau). Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
path, hidden, iterations, precision = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
mode = sys.argv[5] if len(sys.argv) > 5 else "cell"
dtype = torch.float32 if precision == "float" else torch.float64
torch.set_default_dtype(dtype)
data = np.load(path)
xs, ys, alpha = data["xs"], data["ys"], float(data["alpha"])
batches = [(torch.tensor(x, dtype=dtype), torch.tensor(y, dtype=torch.long))
           for x, y in zip(xs, ys)]
n_in, n_out = xs.shape[-1], int(data["n_out"])
torch.manual_seed(0)
if mode == "rnn":
    if alpha != 1.0:
        sys.exit("nn.RNN is the seed's model only for alpha = dt/tau = 1")
    rnn = torch.nn.RNN(n_in, hidden, nonlinearity="relu")
    readout = torch.nn.Linear(hidden, n_out)
    params = list(rnn.parameters()) + list(readout.parameters())

    def outputs(x):
        h, _ = rnn(x)
        return readout(h)
else:
    w_in = torch.nn.Parameter(torch.randn(n_in, hidden) * (2 / n_in) ** 0.5)
    w_rec = torch.nn.Parameter(torch.randn(hidden, hidden) * (2 / hidden) ** 0.5)
    b = torch.nn.Parameter(torch.zeros(hidden))
    w_out = torch.nn.Parameter(torch.randn(hidden, n_out) * (2 / hidden) ** 0.5)
    b_out = torch.nn.Parameter(torch.zeros(n_out))
    params = [w_in, w_rec, b, w_out, b_out]

    def outputs(x):
        h = torch.zeros(x.shape[1], hidden)
        drive = x @ w_in      # every step's input at once
        hs = []
        for t in range(x.shape[0]):
            h = torch.relu(h * (1 - alpha) + alpha * (drive[t] + h @ w_rec + b))
            hs.append(h)
        return torch.stack(hs) @ w_out + b_out

opt = torch.optim.Adam(params, lr=1e-3)


def step(x, y):
    opt.zero_grad(set_to_none=True)
    out = outputs(x)
    loss = torch.nn.functional.cross_entropy(out.reshape(-1, n_out), y.reshape(-1))
    loss.backward()
    opt.step()
    return loss


for i in range(3):                          # warm-up
    step(*batches[i % len(batches)])
wall, cpu = time.perf_counter(), time.process_time()
for i in range(iterations):
    loss = step(*batches[i % len(batches)])
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"library": f"PyTorch {torch.__version__} ({mode})", "precision": precision,
                  "ms_per_iteration_wall": wall / iterations * 1e3,
                  "ms_per_iteration_cpu": cpu / iterations * 1e3,
                  "final_loss": float(loss.detach())}))
