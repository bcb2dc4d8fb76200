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
        [--torch-python VENV/bin/python] [--brainpy-python VENV/bin/python] [--rounds 3]
        [--side-by-side-only]

With an anchor's interpreter, each size (64 x 16, 512 x 64) and precision (float32, and
float64 where the anchor has it) also runs side by side, interleaved round by round on
the same saved batches (bench/anchors/torch_rnn.py, brainpy_rnn.py; one thread each):
neurogen as it trains by default (``neurogen``: the wide recurrent products skip the
zeros of the rectified rates and their adjoints, the others on SciPy's BLAS or the
loops), with every dense product on SciPy's BLAS (``neurogen_blas``) and on the
built-in loops (``neurogen_builtin``), PyTorch
(its own time loop in Python, and ``nn.RNN``), BrainPy/JAX (XLA on one thread); one JSON
line per configuration with the medians over the rounds. The iteration is forward + loss
+ backward + Adam on a batch already in memory (no data generation in any of them).

Wall time and process CPU time are both reported: on a shared machine the CPU time is
the steadier number.
"""
import argparse
import json
import os
import resource
import subprocess
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
parser.add_argument("--torch-python", help="an interpreter that imports torch (CPU)")
parser.add_argument("--brainpy-python", help="an interpreter that imports brainpy and jax")
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--side-by-side-only", action="store_true")
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


ANCHORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "anchors")


def anchor(cmd, one_thread_env):
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(one_thread_env)
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def side_by_side(hidden, batch, precision, iterations, rounds):
    """Medians over interleaved rounds: neurogen (BLAS, built-in loops) and the anchors."""
    tmp = tempfile.mkdtemp(prefix="ng-bench-train-data-")
    task = PerceptualDecisionMaking(dt=100, seed=0).dataset(batch, 100)
    batches = [task() for _ in range(8)]
    data = os.path.join(tmp, "batches.npz")
    np.savez(data, xs=np.stack([x for x, _ in batches]), ys=np.stack([y for _, y in batches]),
             alpha=1.0, n_out=3)      # alpha = dt / tau of rate_rnn at dt = 100
    net = Network(dt=100.0, seed=0, precision=precision)
    model = rate_rnn(net, 3, hidden, 3)
    trainer = Trainer(net, model.inp, model.out, model.trainable, optimizer=Adam(lr=1e-3))
    runs = {}

    def neurogen(use_blas, skip):
        name = trainer.model.use_blas(use_blas)
        if trainer.model.skip_zeros(skip):
            name = f"zero-skipping products, {name}"
        for b in batches[:2]:
            trainer.train_step(*b)
        wall, cpu = time.perf_counter(), time.process_time()
        for i in range(iterations):
            trainer.train_step(*batches[i % len(batches)])
        return {"library": f"neurogen ({name})",
                "ms_per_iteration_wall": (time.perf_counter() - wall) / iterations * 1e3,
                "ms_per_iteration_cpu": (time.process_time() - cpu) / iterations * 1e3}

    contenders = {"neurogen": lambda: neurogen(True, True),
                  "neurogen_blas": lambda: neurogen(True, False),
                  "neurogen_builtin": lambda: neurogen(False, False)}
    args_ = [data, str(hidden), str(iterations), precision]
    if args.torch_python:
        for mode in ("cell", "rnn"):
            contenders[f"torch_{mode}"] = (lambda m: lambda: anchor(
                [args.torch_python, os.path.join(ANCHORS, "torch_rnn.py"), *args_, m],
                {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}))(mode)
    if args.brainpy_python:
        contenders["brainpy"] = lambda: anchor(
            [args.brainpy_python, os.path.join(ANCHORS, "brainpy_rnn.py"), *args_],
            {"XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"})
    for _ in range(rounds):
        for key, fn in contenders.items():
            runs.setdefault(key, []).append(fn())
    result = {"benchmark": "train_rnn_side_by_side", "hidden": hidden, "batch": batch,
              "steps": 100, "precision": precision, "iterations": iterations, "rounds": rounds,
              "threads": 1}
    for key, got in runs.items():
        ok = [g for g in got if "error" not in g]
        if not ok:
            result[key] = got[0]
            continue
        result[key] = {"library": ok[0]["library"], **{
            f"median_{m}": round(float(np.median([g[m] for g in ok])), 3)
            for m in ("ms_per_iteration_cpu", "ms_per_iteration_wall")}}
    mine = result["neurogen"]["median_ms_per_iteration_cpu"]
    for key in runs:
        if key != "neurogen" and "median_ms_per_iteration_cpu" in result[key]:
            result[f"{key}_over_neurogen_cpu"] = round(
                result[key]["median_ms_per_iteration_cpu"] / mine, 2)
    return result


if not args.side_by_side_only:
    for precision in ("double", "float"):    # first: compiled into the empty cache
        print(json.dumps(run(64, 16, precision, args.iterations)), flush=True)
    print(json.dumps(run(64, 16, "double", 10)), flush=True)     # again: from the cache
    for precision in ("double", "float"):
        print(json.dumps(run(512, 64, precision, args.large_iterations)), flush=True)
    if args.sparse:
        for storage in ("csr", "dense"):
            print(json.dumps(run(512, 64, "double", args.large_iterations,
                                 sparse=(args.sparse, storage))), flush=True)
if args.torch_python or args.brainpy_python:
    for hidden, batch, iterations in ((64, 16, args.iterations),
                                      (512, 64, args.large_iterations)):
        for precision in ("float", "double"):
            print(json.dumps(side_by_side(hidden, batch, precision, iterations, args.rounds)),
                  flush=True)
