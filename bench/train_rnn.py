"""Training speed of the seed's RNN (Yang & Wang 2020 on PerceptualDecisionMaking): ms per
iteration (data batch + forward + loss + backward + Adam) of batch 16 x 100 steps with
64 hidden units, in double and float32, one thread; compile time of the training kernels
(first into an empty cache, then from the cache; ``compiler_cpu_s`` is the compilers' CPU
time, both halves built in parallel); a larger run, 512 hidden units x batch 64; and the
same with a sparse recurrent projection (``connect_fixed_probability(0.1)``) trained as
CSR (one weight per synapse) and as a dense masked matrix. Prints one JSON line per
configuration. The issue's reference on its machine:
BrainPy 2.9/JAX 6.2 ms per iteration (float32, after a 1.6 s compile), PyTorch 25 ms.

    python bench/train_rnn.py [--iterations 1500] [--large-iterations 20] [--sparse 0.1]

Wall time and process CPU time are both reported: on a shared machine the CPU time is
the steadier number.
"""
import argparse
import json
import os
import resource
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from neurogen import Network, Normal, Uniform  # noqa: E402
from neurogen.models import InputNeuron, rate_rnn  # noqa: E402
from neurogen.models.rnn import RateRNN, RateRNNNeuron, ReadoutNeuron  # noqa: E402
from neurogen.tasks import PerceptualDecisionMaking  # noqa: E402
from neurogen.training import Adam, Trainer  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--iterations", type=int, default=1500)
parser.add_argument("--large-iterations", type=int, default=20)
parser.add_argument("--sparse", type=float, default=0.1,
                    help="connection probability of the sparse recurrent case (0: skip it)")
args = parser.parse_args()


CACHE = tempfile.mkdtemp(prefix="ng-bench-train-")   # private and empty: cold compiles
os.environ["NEUROGEN_CACHE_DIR"] = CACHE


def sparse_rnn(net, hidden, p, storage):
    """The seed's RNN with a recurrent ``connect_fixed_probability(p)`` (He-normal over
    the expected fan-in) stored as ``storage``."""
    inp = net.create(3, InputNeuron, name="inp")
    rnn = net.create(hidden, RateRNNNeuron, name="rnn")
    out = net.create(3, ReadoutNeuron, name="out")
    rnn.b, out.b = Uniform(-hidden ** -0.5, hidden ** -0.5), Uniform(-0.1, 0.1)
    w_in = net.connect(inp, rnn, "in", name="w_in").all_to_all(weights=Normal(0, (2 / 3) ** .5))
    w_rec = net.connect(rnn, rnn, "rec", name="w_rec").connect_fixed_probability(
        p, weights=Normal(0.0, (2.0 / (p * hidden)) ** 0.5), allow_self_connections=True,
        storage_format=storage)
    w_out = net.connect(rnn, out, "ro", name="w_out").all_to_all(
        weights=Normal(0, (2 / hidden) ** 0.5))
    return RateRNN(net, inp, rnn, out, w_in, w_rec, w_out)


def run(hidden, batch, precision, iterations, sparse=None):
    net = Network(dt=100.0, seed=0, precision=precision)
    extra = {}
    if sparse is None:
        model = rate_rnn(net, 3, hidden, 3)
    else:
        model = sparse_rnn(net, hidden, *sparse)
        extra = {"recurrent": f"fixed_probability({sparse[0]})", "storage": sparse[1],
                 "synapses": model.w_rec.nb_synapses}
    t0 = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    trainer = Trainer(net, model.inp, model.out, model.trainable, optimizer=Adam(lr=1e-3))
    setup_s = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    compiler_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
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
            "compiler_cpu_s": round(compiler_cpu, 3),
            "compiled": not trainer.model.build_info["cached"],
            "final_loss": round(loss, 5), "final_accuracy": round(accuracy, 3), **extra}


for precision in ("double", "float"):    # first: compiled into the empty cache
    print(json.dumps(run(64, 16, precision, args.iterations)), flush=True)
print(json.dumps(run(64, 16, "double", 10)), flush=True)     # again: from the cache
for precision in ("double", "float"):
    print(json.dumps(run(512, 64, precision, args.large_iterations)), flush=True)
if args.sparse:
    for storage in ("csr", "dense"):
        print(json.dumps(run(512, 64, "double", args.large_iterations,
                             sparse=(args.sparse, storage))), flush=True)
