# cython: language_level=3
"""Environments that clamp a Gaussian bubble rotating on a circle into the baseline of
an input population, in two styles.

World   ANNarchy's tutorial class, as written: NumPy computes the bubble each step, it is
        assigned with ``self.pop.baseline = ...`` and ``func()`` (``step``) is called.

CWorld  the same bubble computed in C loops straight into the population's live
        ``baseline`` buffer, and the network advanced through its compiled C entry
        (``neurogen.inputs.cnetwork``): no Python call per step.

Compile with pyximport (the ``BubbleWorld.pyxbld`` next to this file adds neurogen's
``.pxd`` folder) or, without pyximport, with ``neurogen.inputs.load_pyx``:

    from neurogen.inputs import load_pyx
    World = load_pyx("BubbleWorld.pyx").World
"""
import numpy as np
cimport numpy as np
from libc.math cimport cos, sin, exp, M_PI

from neurogen.inputs.cnetwork cimport CNetwork, cnetwork_bind, cnetwork_step, real_buffer


cdef class World:
    " Environment class allowing to clamp a rotating bubble into the baseline of a population."
    cdef pop # Input population
    cdef func # Function to call
    cdef float angle # Current angle
    cdef float radius # Radius of the circle
    cdef float sigma # Width of the bubble
    cdef float period # Number of steps needed to make one revolution
    cdef np.ndarray xx, yy # indices
    cdef float cx, cy, midw, midh
    cdef np.ndarray data

    def __cinit__(self, population, radius, sigma, period, func):
        " Constructor"
        self.pop = population
        self.func=func
        self.angle = 0.0
        self.radius = radius
        self.sigma = sigma
        self.period = period
        cdef np.ndarray x = np.linspace(0, self.pop.geometry[0]-1, self.pop.geometry[0])
        cdef np.ndarray y = np.linspace(0, self.pop.geometry[1]-1, self.pop.geometry[1])
        self.xx, self.yy = np.meshgrid(x, y)
        self.midw = self.pop.geometry[0]/2
        self.midh = self.pop.geometry[1]/2

    def rotate(self, int duration):
        " Rotates the bubble for the given duration"
        cdef int t
        for t in xrange(duration):
            # Update the angle
            self.angle += 1.0/self.period
            # Compute the center of the bubble
            self.cx = self.midw * ( 1.0 + self.radius * np.cos(2.0 * np.pi * self.angle ) )
            self.cy = self.midh * ( 1.0 + self.radius * np.sin(2.0 * np.pi * self.angle ) )
            # Create the bubble
            self.data = (np.exp(-((self.xx-self.cx)**2 + (self.yy-self.cy)**2)/2.0/self.sigma**2))
            # Clamp the bubble into pop.baseline
            self.pop.baseline = self.data
            # Simulate for 1 step
            self.func()


cdef class CWorld:
    """The rotating bubble at C speed: ``CWorld(population=inp, radius=0.5, sigma=2.0,
    period=5000.0)``, then ``rotate(steps)``. Same geometry as :class:`World`: on a
    population of geometry (H, W) the value at (i, j) is
    ``exp(-((j - cx)**2 + (i - cy)**2) / (2 sigma**2))``, computed in double precision
    as a product of two 1-D Gaussians (H + W exponentials a step instead of H * W).
    The bubble's angle and centre are readable (``angle``, ``cx``, ``cy``)."""
    cdef object pop, net
    cdef CNetwork c
    cdef double* baseline
    cdef int h, w
    cdef double[::1] ex, ey
    cdef public double angle, radius, sigma, period, cx, cy
    cdef double midw, midh

    def __cinit__(self, population, radius, sigma, period, net=None):
        if population.dimension != 2:
            raise ValueError(f"CWorld needs a 2D population, got geometry {population.geometry}")
        self.pop = population
        self.net = population.net if net is None else net
        self.c = cnetwork_bind(self.net)                  # after compile()
        self.baseline = real_buffer(population, "baseline")
        self.h, self.w = population.geometry
        self.ex = np.zeros(self.w)
        self.ey = np.zeros(self.h)
        self.angle, self.radius, self.sigma, self.period = 0.0, radius, sigma, period
        self.midw = population.geometry[0] / 2.0
        self.midh = population.geometry[1] / 2.0

    cdef void clamp(self) noexcept:
        """Advance the angle and write the bubble into the baseline buffer."""
        cdef int i, j
        cdef double k = 1.0 / (2.0 * self.sigma * self.sigma)
        self.angle += 1.0 / self.period
        self.cx = self.midw * (1.0 + self.radius * cos(2.0 * M_PI * self.angle))
        self.cy = self.midh * (1.0 + self.radius * sin(2.0 * M_PI * self.angle))
        for j in range(self.w):
            self.ex[j] = exp(-(j - self.cx) * (j - self.cx) * k)
        for i in range(self.h):
            self.ey[i] = exp(-(i - self.cy) * (i - self.cy) * k)
        for i in range(self.h):
            for j in range(self.w):
                self.baseline[i * self.w + j] = self.ey[i] * self.ex[j]

    def rotate(self, int duration):
        """Clamp and step ``duration`` times, all in C."""
        cdef int t
        for t in range(duration):
            self.clamp()
            cnetwork_step(&self.c, self.net)
