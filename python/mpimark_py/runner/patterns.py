"""The data the object paths send: common/core/buffers.c's patterns and
validate.c's seeds, by the C core itself (core.py), and the pickled paths'
reduction. (What each rank must receive is the core's: suite.py.)"""

from .. import core
from .mpi import np


def pattern_bytes(n, seed):
    """mm_pattern_byte(i, seed) for i in 0..n-1, as a uint8 array (mm_pattern_fill)."""
    out = np.empty(n, np.uint8)
    core.lib().mm_pattern_fill(out.ctypes.data, n, seed)
    return out


def pattern_doubles(n, seed):
    """mm_pattern_double(i, seed): whole numbers below 2^20, sums stay exact
    (mm_pattern_fill_doubles)."""
    out = np.empty(n, np.float64)
    core.lib().mm_pattern_fill_doubles(out.ctypes.data, n, seed)
    return out


def seed_of_rank(r):  # data sent by rank r
    return core.lib().mm_seed_of_rank(r)


def seed_for_rank(r):  # data the root sends to rank r in a scatter
    return core.lib().mm_seed_for_rank(r)


def seed_from_to(s, d):  # data rank s sends to rank d in an alltoall
    return core.lib().mm_seed_from_to(s, d)


# ---- The object path's reduction operator ----

def ELEMENTWISE_SUM(a, b):
    """The object path's reduction: add two payloads elementwise as float64
    and return a new object of the same type. `bytes` payloads are read as
    native float64 (np.frombuffer, no copy) and the sum is returned as new
    bytes; lists of floats give a new list; arrays give a + b, a new array.
    (MPI.SUM would call a + b, which concatenates bytes and lists.)"""
    if type(a) is np.ndarray:
        return a + b
    if type(a) is bytes:
        return (np.frombuffer(a, np.float64) + np.frombuffer(b, np.float64)).tobytes()
    return [x + y for x, y in zip(a, b)]
