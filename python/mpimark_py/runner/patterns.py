"""The data the object paths send and check: common/core/buffers.c's
patterns and validate.c's seeds and checks, by the C core itself (core.py).
(The buffer path's validation run is the core's alone: suite.py.)"""

import ctypes

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


def _why(check, *args):
    why = ctypes.create_string_buffer(256)
    return why.value.decode() if check(*args, why, len(why)) else None


def check_bytes(buf, n, seed):
    """None, or why the first n bytes of buf differ from the pattern (mm_check_bytes)."""
    got = np.frombuffer(buf, np.uint8, count=n) if n else np.empty(0, np.uint8)
    return _why(core.lib().mm_check_bytes, got.ctypes.data, n, seed)


def check_sums(got, ranks):
    """None, or why float64 array got is not the sums of ranks 0 .. ranks-1's
    (mm_check_sums)."""
    got = np.ascontiguousarray(got, np.float64)
    return _why(core.lib().mm_check_sums, got.ctypes.data, len(got), ranks)


def check_values(got, want, what):
    """None, or why float64 array got differs from want."""
    bad = np.flatnonzero(got != want)
    if bad.size == 0:
        return None
    i = int(bad[0])
    return "%s element %d of %d is %.17g, expected %.17g" % (what, i, len(want), got[i], want[i])


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
