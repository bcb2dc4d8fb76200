"""Translation-invariant projections as FFT convolutions (``storage_format="fft"``).

A projection between two populations of the same geometry whose weight depends only on
the offset between the neurons, ``W[i, j] = t[i - j]`` (per axis: Toeplitz; with periodic
boundaries: circulant), computes ``sum(target)`` as a convolution: O(N log N) per step
instead of the O(N^2) dense product, and O(N) memory for the C++ side. This is what the
ring and torus weights of continuous attractor networks and the distance-based
connectors give.

Everything here is NumPy: the offset kernel ``t`` is read off the dense matrix (and the
matrix is checked to really be of that form) or given by a kernel-first connector, the
FFT sizes are chosen (the matrix size per axis when it is circulant and factors into
2, 3 and 5, else an even 2-3-5-smooth size >= ``2 n - 1`` so the circular convolution has
no wrap-around), and the kernel's half spectrum and the twiddles of every transform
stage are computed once. The generated C++ (built-in path) only runs mixed-radix
Stockham passes over these tables, in a fixed order (results do not depend on the
thread count). :class:`FFTWConvolution` is the variant for FFTW. The result differs from
the dense product by rounding only (~1e-16 relative to the largest input, in double
precision).
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import ConnectivityError

#: deviation from an exact offset kernel tolerated, relative to the largest weight
#: (weights computed from floating-point coordinates are invariant only up to rounding)
TOEPLITZ_RTOL = 1e-9
_BLOCK = 256   # rows checked at a time


def _offsets(geometry: tuple, rows: np.ndarray) -> np.ndarray:
    """(len(rows), ndim) multi-indices of the flat ranks ``rows``."""
    return np.stack(np.unravel_index(rows, geometry), axis=1)


def offset_kernel(matrix: np.ndarray, geometry: tuple, name: str = "projection",
                  rtol: float = TOEPLITZ_RTOL, storage: str = "fft") -> np.ndarray:
    """The kernel ``t`` (shape ``2 n - 1`` per axis, offset ``d`` at index ``d + n - 1``)
    with ``matrix[i, j] = t[i - j]``; :class:`ConnectivityError` when the matrix is not
    of that form (within ``rtol`` times its largest weight)."""
    geometry = tuple(int(g) for g in geometry)
    n = int(np.prod(geometry))
    if matrix.shape != (n, n):
        raise ConnectivityError(f"{name}: storage_format='{storage}' needs pre- and post-synaptic "
                                f"populations of the same geometry {geometry}")
    grid = np.indices(tuple(2 * g - 1 for g in geometry)).reshape(len(geometry), -1).T
    delta = grid - (np.array(geometry) - 1)                    # every offset d
    post = np.maximum(delta, 0)
    pre = np.maximum(-delta, 0)
    flat = lambda idx: np.ravel_multi_index(tuple(idx.T), geometry)  # noqa: E731
    kernel = matrix[flat(post), flat(pre)].reshape(tuple(2 * g - 1 for g in geometry))
    scale = float(np.max(np.abs(matrix))) if matrix.size else 0.0
    worst = 0.0
    for start in range(0, n, _BLOCK):
        rows = np.arange(start, min(start + _BLOCK, n))
        d = _offsets(geometry, rows)[:, None, :] - _offsets(geometry, np.arange(n))[None]
        index = tuple((d[..., a] + geometry[a] - 1) for a in range(len(geometry)))
        worst = max(worst, float(np.max(np.abs(matrix[rows] - kernel[index]))))
    if worst > rtol * scale:
        raise ConnectivityError(
            f"{name}: storage '{storage}' needs translation-invariant weights "
            f"(w[i, j] depending only on i - j), but they deviate from that by up to "
            f"{worst:.3g} (largest weight {scale:.3g}); for arbitrary weights connect with "
            "storage_format='dense' or 'csr'")
    return kernel


def _circulant_axis(kernel: np.ndarray, axis: int, size: int, tol: float) -> bool:
    """Whether the offset kernel wraps around with period ``size`` along ``axis``."""
    if size == 1:
        return True
    k = np.moveaxis(kernel, axis, 0)
    positive, negative = k[size:], k[:size - 1]      # offsets d and d - size, d = 1..n-1
    return bool(np.max(np.abs(positive - negative), initial=0.0) <= tol)


#: radices of the built-in transform, in the order its stages run (4 first: fewest passes)
RADICES = (4, 2, 3, 5)


def smooth235(n: int) -> int:
    """The smallest m >= n whose prime factors are 2, 3 and 5 (sizes the built-in
    transform runs without padding)."""
    m = max(1, int(n))
    while _factors(m) is None:
        m += 1
    return m


def _factors(m: int) -> list | None:
    """The radices (from :data:`RADICES`) whose product is ``m``; None when ``m`` has
    another prime factor."""
    out = []
    for p in RADICES:
        while m % p == 0:
            out.append(p)
            m //= p
    return out if m == 1 else None


def _stages(m: int) -> tuple[np.ndarray, np.ndarray]:
    """The plan of a complex transform of size ``m``: its radices (int32) and the
    twiddles of every Stockham stage (interleaved complex): stage s of radix p after
    sub-transforms of length l uses ``exp(-2 pi i j q / (l p))``, j < l, 0 < q < p."""
    radices = _factors(m)
    twiddles, l = [], 1
    for p in radices:
        j, q = np.meshgrid(np.arange(l), np.arange(1, p), indexing="ij")
        twiddles.append(np.exp(-2j * np.pi * j * q / (l * p)).ravel())
        l *= p
    w = np.concatenate(twiddles) if twiddles else np.zeros(0, complex)
    return (np.array([len(radices)] + radices, dtype=np.int32),
            np.stack([w.real, w.imag], axis=-1).reshape(-1))


def _plan_tables(m0: int, m1: int) -> tuple[np.ndarray, np.ndarray]:
    """The twiddle and int tables of the built-in transform for sizes ``(m0, m1)``
    (layout in :class:`FFTConvolution`)."""
    if m0 == 1 and m1 % 2 == 0:          # packed real 1-D of size h, in four steps h = A B
        h = m1 // 2
        a = max(d for d in range(1, math.isqrt(h) + 1) if h % d == 0)
        (rows, row_twiddles), (columns, column_twiddles) = _stages(a), _stages(h // a)
        kb, i = np.meshgrid(np.arange(h // a), np.arange(a), indexing="ij")
        extra = np.concatenate([np.exp(-2j * np.pi * np.arange(h) / m1),
                                np.exp(-2j * np.pi * (kb * i).ravel() / h)])
    else:
        (rows, row_twiddles), (columns, column_twiddles) = _stages(m1), _stages(m0)
        extra = np.zeros(0, complex)
    twiddles = np.concatenate([row_twiddles, column_twiddles,
                               np.stack([extra.real, extra.imag], -1).reshape(-1)])
    return twiddles, np.concatenate([rows, columns])


class FFTConvolution:
    """The runtime tables of one FFT projection (1-D or 2-D geometry) on the built-in
    mixed-radix transform.

    Transform sizes per axis: the population's extent where the weights wrap around (a
    ring or torus) and it has no prime factor above 5, else the smallest even
    2-3-5-smooth size >= ``2 n - 1`` (zero padding, no wrap-around). Buffers handed to
    C++ (all contiguous): ``spectrum``, the kernel's half spectrum (``m0 * (m1 // 2 + 1)``
    complex values, interleaved, normalisation included); ``work``, scratch (in 2-D
    the row spectra); ``twiddles``, the Stockham stage twiddles of the row transform,
    then of the column transform; ``bitrev``, the int table of stage radices:
    ``[count, radices...]`` for the row transform, then for the column transform (the
    name is the storage's table layout, shared with FFTW's variant). In 1-D with an
    even ``m1`` the real transform is packed into a complex one of size ``h = m1 / 2``
    run in four steps as ``h = A B``: the two plans are those of sizes A and B, and the
    twiddles go on with ``exp(-2 pi i k / m1)``, ``k < h``, then ``exp(-2 pi i a kb / h)``
    at ``kb A + a``. ``sizes`` are the ints ``(n0, n1, m0, m1)``: population and
    transform extents per axis (a 1-D geometry is ``(1, n)``)."""

    def __init__(self, matrix: np.ndarray | None, geometry: tuple, name: str = "projection",
                 kernel: np.ndarray | None = None):
        geometry = tuple(int(g) for g in geometry)
        if len(geometry) > 2:
            raise ConnectivityError(f"{name}: storage_format='fft' supports 1-D and 2-D "
                                    f"populations, not geometry {geometry}")
        self.name = name
        self.geometry = geometry if len(geometry) == 2 else (1,) + geometry
        kernel = self._given(kernel) if kernel is not None else self._kernel(matrix)
        self.m0, self.m1 = self._transform_sizes(kernel)
        self.spectrum = np.zeros(2 * self.m0 * (self.m1 // 2 + 1))
        self._make_tables()
        self._fill(kernel)
        self.sizes = (*self.geometry, self.m0, self.m1)

    def _transform_sizes(self, kernel) -> list:
        m = [n if self.unpadded(kernel, axis, n) else (1 if n == 1 else 2 * smooth235(n))
             for axis, n in enumerate(self.geometry)]
        m[1] = max(m[1], 2)          # the packed real 1-D transform needs 2 points or more
        return m

    def _make_tables(self):
        """``work``, ``plans``, ``twiddles`` and ``bitrev`` for these transform sizes."""
        self.work = np.zeros(2 * max(self.geometry[0] * (self.m1 // 2 + 1), self.m1))
        self.plans = np.zeros(4, dtype=np.int64)      # used by the FFTW variant only
        self.twiddles, self.bitrev = _plan_tables(self.m0, self.m1)

    def _kernel(self, matrix) -> np.ndarray:
        return offset_kernel(np.asarray(matrix, dtype=np.float64), self.geometry, self.name)

    def _given(self, kernel) -> np.ndarray:
        """An offset kernel from a kernel-first connector (1-D: one row)."""
        return np.asarray(kernel, dtype=np.float64).reshape(
            tuple(2 * g - 1 for g in self.geometry))

    @staticmethod
    def unpadded(kernel, axis: int, n: int) -> bool:
        """Whether axis ``axis`` (``n`` neurons) of offset kernel ``kernel`` is
        transformed at its own size: the weights wrap around it and ``n`` factors into
        2, 3 and 5 (used by the storage's cost model too)."""
        tol = TOEPLITZ_RTOL * float(np.max(np.abs(kernel), initial=0.0))
        return n > 1 and _factors(n) is not None and _circulant_axis(kernel, axis, n, tol)

    def update(self, matrix: np.ndarray):
        """Recompute the spectrum for new weights, in place (the C++ side keeps reading
        the same buffer). The transform sizes are fixed at compile: an axis sized for
        wrapping weights only takes wrapping weights again."""
        kernel = self._kernel(matrix)
        for axis, (n, m) in enumerate(zip(self.geometry, (self.m0, self.m1))):
            if n > 1 and m == n and not self.unpadded(kernel, axis, n):
                raise ConnectivityError(
                    f"{self.name}: the weights were compiled as periodic (a ring) along "
                    f"axis {axis}; new weights must wrap around too")
        self._fill(kernel)

    def _fill(self, kernel):
        n0, n1 = self.geometry
        embedded = np.zeros((self.m0, self.m1))
        d0 = np.arange(-(n0 - 1), n0) % self.m0
        d1 = np.arange(-(n1 - 1), n1) % self.m1
        # offsets that wrap onto the same FFT bin are equal (circulant case): assign
        embedded[np.ix_(d0, d1)] = kernel
        spectrum = np.fft.rfft2(embedded) / (self.m0 * self.m1)
        self.spectrum[0::2], self.spectrum[1::2] = spectrum.real.ravel(), spectrum.imag.ravel()

    def apply(self, x: np.ndarray) -> np.ndarray:
        """``W @ x`` through the half spectrum, in NumPy (reference for tests)."""
        n0, n1 = self.geometry
        padded = np.zeros((self.m0, self.m1))
        padded[:n0, :n1] = np.asarray(x, dtype=np.float64).reshape(n0, n1)
        spectrum = (self.spectrum[0::2] + 1j * self.spectrum[1::2]).reshape(
            self.m0, self.m1 // 2 + 1)
        y = np.fft.irfft2(np.fft.rfft2(padded) * spectrum, s=(self.m0, self.m1))
        return (y * (self.m0 * self.m1))[:n0, :n1].reshape(-1)


def smooth_size(n: int) -> int:
    """The smallest m >= n whose prime factors are 2, 3, 5 and 7 (fast FFTW sizes)."""
    m = max(1, int(n))
    while True:
        k = m
        for p in (2, 3, 5, 7):
            while k % p == 0:
                k //= p
        if k == 1:
            return m
        m += 1


class FFTWConvolution(FFTConvolution):
    """The runtime tables of one FFT projection computed with FFTW's real transforms.

    Transform sizes are any integers: the population's own extent along an axis where the
    weights wrap around (a ring or torus of any size), else the smallest 2-3-5-7-smooth
    size >= ``2 n - 1`` (zero padding, no wrap-around). ``spectrum`` holds the kernel's
    half spectrum (``m0 * (m1 // 2 + 1)`` complex values, normalisation included, the
    layout of ``numpy.fft.rfft2``), ``work`` the scratch of :meth:`work_size`. The
    generated code runs the 2-D transform as 1-D transforms of rows and column blocks
    (the same plan for each, so threads share them without changing the result), plans
    once (``FFTW_ESTIMATE``: deterministic) and keeps the plans in ``plans``;
    ``twiddles``/``bitrev`` are unused placeholders of the same table layout as the
    built-in transform."""

    #: columns of the half spectrum per complex column transform (fft.j2: NG_FFTW_BLOCK)
    BLOCK = 4

    def _transform_sizes(self, kernel) -> list:
        return [n if self.unpadded(kernel, axis, n) else
                (1 if n == 1 else smooth_size(2 * n - 1))
                for axis, n in enumerate(self.geometry)]

    def _make_tables(self):
        self.work = np.zeros(self.work_size(self.geometry[0], self.m0, self.m1))
        # row r2c, row c2r, column forward, column backward, work address, m0 * m1
        self.plans = np.zeros(6, dtype=np.int64)
        self.twiddles = np.zeros(1)
        self.bitrev = np.zeros(1, dtype=np.int32)

    @staticmethod
    def unpadded(kernel, axis: int, n: int) -> bool:
        """Whether the axis is transformed at its own size: the weights wrap around it
        (FFTW takes any size)."""
        tol = TOEPLITZ_RTOL * float(np.max(np.abs(kernel), initial=0.0))
        return n > 1 and _circulant_axis(kernel, axis, n, tol)

    @classmethod
    def work_size(cls, n0: int, m0: int, m1: int) -> int:
        """Doubles of scratch: up to 7 to align to 64 bytes, ``n0`` real rows of stride
        ``m1`` rounded up to 8, then ``m0`` half-spectrum rows of ``m1 // 2 + 1`` complex
        values rounded up to a whole number of column blocks (all rows 64-byte aligned)."""
        rows = (m1 + 7) // 8 * 8
        half = -(-(m1 // 2 + 1) // cls.BLOCK) * cls.BLOCK
        return 7 + n0 * rows + 2 * m0 * half
