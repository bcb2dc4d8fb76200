"""Benchmark: the FFT convolution of ``storage_format='fft'`` on the built-in transform
(and on FFTW where the toolchain finds it) against NumPy's pocketfft, one thread.

For each case, a network of a source (``r = baseline``) and a sink (``r = sum(exc)``)
joined by a kernel-first Gaussian stored as ``fft``: microseconds per step (the step
includes the two neuron updates). Against it, the same convolution
in NumPy (``numpy.fft.rfft2``/``irfft2``, pocketfft, and ``scipy.fft`` likewise) on the
transform sizes the built-in plan chose: zero padding, forward, product with the
kernel's half spectrum, inverse, crop. Times are process CPU time (one thread), best
of 15 windows: steadier than wall time on a shared machine. Prints one JSON line.

    nice python bench/fft.py [--cases grid64 grid128 torus100 torus128 ring512 ring2048]
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import neurogen as ng  # noqa: E402
from neurogen.toolchain import compiler  # noqa: E402

CASES = {   # geometry, periodic
    "grid64": ((64, 64), False), "grid128": ((128, 128), False),
    "torus100": ((100, 100), True), "torus128": ((128, 128), True),
    "ring512": ((512,), True), "ring2048": ((2048,), True),
}


def per_call_us(fn, seconds: float, windows: int = 15) -> float:
    """Best per-call process CPU time of ``fn`` over ``windows`` windows, microseconds."""
    fn()
    best = float("inf")
    for _ in range(windows):
        calls, t0 = 0, time.process_time()
        while time.process_time() - t0 < seconds / windows:
            fn()
            calls += 1
        best = min(best, (time.process_time() - t0) / calls)
    return best * 1e6


def network(geometry, periodic):
    net = ng.Network(seed=1, num_threads=1)
    src = net.create(geometry, ng.Neuron(parameters="baseline = 0.0", equations="r = baseline"))
    sink = net.create(geometry, ng.Neuron(equations="r = sum(exc)"))
    proj = net.connect(src, sink, "exc")
    proj.connect_gaussian(amp=1.0, sigma=0.1, limit=0.0, allow_self_connections=True,
                          periodic=periodic, storage_format="fft")
    net.compile(silent=True)
    src.baseline = np.random.default_rng(0).random(geometry)
    return net, proj


def step_us(geometry, periodic, fftw: bool, seconds: float):
    """One step of the network on FFTW (``fftw``) or the built-in transform."""
    os.environ["NEUROGEN_FFTW"] = "1" if fftw else "0"
    compiler.toolchain.cache_clear()
    net, proj = network(geometry, periodic)
    us = per_call_us(lambda: net.simulate(16.0), seconds) / 16
    return us, proj.kernel_data.convolution


def numpy_us(conv, fft, seconds: float) -> float:
    """The same convolution with ``fft`` (numpy.fft or scipy.fft) on conv's sizes."""
    n0, n1 = conv.geometry
    m0, m1 = conv.m0, conv.m1
    spectrum = (conv.spectrum[0::2] + 1j * conv.spectrum[1::2]).reshape(m0, m1 // 2 + 1)
    x = np.random.default_rng(0).random((n0, n1))
    if m0 == 1:
        spectrum = spectrum[0]

        def run():
            return fft.irfft(fft.rfft(x[0], m1) * spectrum, m1)[:n1]
    else:
        def run():
            padded = np.zeros((m0, m1))
            padded[:n0, :n1] = x
            return fft.irfft2(fft.rfft2(padded) * spectrum, s=(m0, m1))[:n0, :n1]
    return per_call_us(run, seconds)


def main():
    import scipy.fft
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    has_fftw = compiler._has_fftw(compiler.toolchain().compiler) \
        if os.environ.get("NEUROGEN_FFTW", "1") != "0" else False
    results = []
    for name in args.cases:
        geometry, periodic = CASES[name]
        builtin, conv = step_us(geometry, periodic, False, args.seconds)
        row = {"case": name, "geometry": list(geometry), "periodic": periodic,
               "builtin_transform": [conv.m0, conv.m1], "builtin_step_us": builtin}
        if has_fftw:
            row["fftw_step_us"], fftw_conv = step_us(geometry, periodic, True, args.seconds)
            row["fftw_transform"] = [fftw_conv.m0, fftw_conv.m1]
        row["numpy_fft_us"] = numpy_us(conv, np.fft, args.seconds)
        row["scipy_fft_us"] = numpy_us(conv, scipy.fft, args.seconds)
        row["builtin_over_numpy"] = builtin / row["numpy_fft_us"]
        results.append({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()})
    print(json.dumps({"benchmark": "fft", "machine": platform.machine(),
                      "numpy": np.__version__, "threads": 1, "results": results}))


if __name__ == "__main__":
    main()
