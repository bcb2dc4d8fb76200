# cython: language_level=3
# C-level access to a compiled neurogen network, for input environments in Cython.
#
#     from neurogen.inputs.cnetwork cimport CNetwork, cnetwork_bind, cnetwork_step, \
#         real_buffer
#
#     cdef CNetwork c = cnetwork_bind(net)           # after compile()
#     cdef double* baseline = real_buffer(inp, "baseline")
#     for t in range(n):
#         baseline[i] = ...                            # write inputs in place
#         cnetwork_step(&c, net)                       # one step, no Python call
#
# The kernel entry and its three tables stay valid as long as the network is compiled;
# the attribute buffers as long as the population exists. Everything here is inline: a
# module that cimports it needs nothing from neurogen at run time but these addresses.
from libc.stdint cimport int64_t, uintptr_t

ctypedef int64_t (*cnetwork_run_t)(void**, int64_t*, double*, int64_t) noexcept nogil

cdef struct CNetwork:
    cnetwork_run_t run      # int64_t run(P, I, R, nsteps): steps done
    void** P                # addresses of the buffers
    int64_t* I              # integers (step counter, sizes, seed, ...)
    double* R               # reals (dt, constants)


cdef inline CNetwork cnetwork_bind(object net) except *:
    """The C entry of ``net``'s compiled kernel (``net`` a Network, or None for the
    default one)."""
    from neurogen.inputs import c_interface
    cdef CNetwork c
    run, P, I, R = c_interface(net)
    c.run = <cnetwork_run_t><uintptr_t>run
    c.P = <void**><uintptr_t>P
    c.I = <int64_t*><uintptr_t>I
    c.R = <double*><uintptr_t>R
    return c


cdef inline int cnetwork_step(CNetwork* c, object net) except -1:
    """One step at C speed. When the kernel hands back without stepping (a monitor buffer
    must grow first), ``net.step()`` does that step in Python."""
    if c.run(c.P, c.I, c.R, 1) == 0:
        net.step()
    return 0


cdef inline int64_t cnetwork_run(CNetwork* c, object net, int64_t nsteps) except -1:
    """``nsteps`` steps at C speed (same hand-over as :func:`cnetwork_step`)."""
    cdef int64_t done = 0, k
    while done < nsteps:
        k = c.run(c.P, c.I, c.R, nsteps - done)
        if k == 0:
            net.step()
            k = 1
        done += k
    return done


cdef inline double* real_buffer(object pop, str name) except NULL:
    """The live buffer of a real attribute (double precision networks)."""
    from neurogen.inputs import buffer_address
    return <double*><uintptr_t>buffer_address(pop, name, "float64")


cdef inline float* float_buffer(object pop, str name) except NULL:
    """The live buffer of a real attribute (``setup(precision='float')`` networks)."""
    from neurogen.inputs import buffer_address
    return <float*><uintptr_t>buffer_address(pop, name, "float32")
