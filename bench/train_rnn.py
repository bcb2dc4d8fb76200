"""Training speed of the seed's RNN (Yang & Wang 2020 on PerceptualDecisionMaking): ms per
iteration (data batch + forward + loss + backward + Adam) of batch 16 x 100 steps with
64 hidden units, in double and float32, one thread; compile time of the training kernels
(cold: a fresh cache; warm: from the cache); and a larger run, 512 hidden units x batch
64. Prints one JSON line per configuration. The issue's reference on its machine:
BrainPy 2.9/JAX 6.2 ms per iteration (float32, after a 1.6 s compile), PyTorch 25 ms.

    python bench/train_rnn.py [--iterations 1500] [--large-iterations 20]

Wall time and process CPU time are both reported: on a shared machine the CPU time is
the steadier number.
"""
import argparse
import json
import os
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from neurogen import Network  # noqa: E402
from neurogen.models import rate_rnn  # noqa: E402
from neurogen.tasks import PerceptualDecisionMaking  # noqa: E402
from neurogen.training import Adam, Trainer  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--iterations", type=int, default=1500)
parser.add_argument("--large-iterations", type=int, default=20)
args = parser.parse_args()


def run(hidden, batch, precision, iterations, cold):
    if cold:     # a private, empty cache: the compile time of a first run
        os.environ["NEUROGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="ng-bench-train-")
    net = Network(dt=100.0, seed=0, precision=precision)
    model = rate_rnn(net, 3, hidden, 3)
    t0 = time.perf_counter()
    trainer = Trainer(net, model.inp, model.out, model.trainable, optimizer=Adam(lr=1e-3))
    setup_s = time.perf_counter() - t0
    data = PerceptualDecisionMaking(dt=100, seed=0).dataset(batch, 100)
    trainer.train_step(*data())            # first call: buffers allocated
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(iterations):
        trainer.train_step(*data())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    x, y = data()
    loss, accuracy = trainer.evaluate(x, y)
    return {"benchmark": "train_rnn", "hidden": hidden, "batch": batch, "steps": 100,
            "precision": precision, "iterations": iterations,
            "ms_per_iteration_wall": round(wall / iterations * 1e3, 3),
            "ms_per_iteration_cpu": round(cpu / iterations * 1e3, 3),
            "trainer_setup_s": round(setup_s, 3),
            "kernel_compile_s": round(trainer.compile_seconds, 3),
            "compiled": not trainer.model.build_info["cached"],
            "final_loss": round(loss, 5), "final_accuracy": round(accuracy, 3)}


for precision in ("double", "float"):
    print(json.dumps(run(64, 16, precision, args.iterations, cold=True)), flush=True)
print(json.dumps(run(64, 16, "double", 10, cold=False)), flush=True)     # warm start
for precision in ("double", "float"):
    print(json.dumps(run(512, 64, precision, args.large_iterations, cold=False)), flush=True)
