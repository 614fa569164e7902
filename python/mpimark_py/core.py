"""The C core (common/core), loaded with ctypes: the one implementation of
the statistics and the size lists, which stats.py and sizes.py wrap.

The library is found, in this order: $MPIMARK_CORE_LIB; beside this module
(libmpimark_core.so from the CMake install, _core*.so from pip install .);
in a clone, the build folder's lib/ ($MPIMARK_BUILD_DIR, else build/, which
scripts/build makes). Without it every caller gets one line saying how to
make it (UsageError: exit 2).
"""

import ctypes
import glob
import os

from .errors import UsageError

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
NAME = "libmpimark_core.so"


class Stats(ctypes.Structure):  # mm_stats (stats.h)
    _fields_ = [("n", ctypes.c_size_t), ("min", ctypes.c_double), ("median", ctypes.c_double),
                ("mean", ctypes.c_double), ("max", ctypes.c_double), ("p99", ctypes.c_double),
                ("ci_low", ctypes.c_double), ("ci_high", ctypes.c_double)]

    def as_tuple(self):
        return (self.n, self.min, self.median, self.mean, self.max, self.p99, self.ci_low, self.ci_high)


class RoundStats(ctypes.Structure):  # mm_round_stats (stats.h)
    _fields_ = [("median", ctypes.c_double), ("ci_low", ctypes.c_double), ("ci_high", ctypes.c_double),
                ("round_min", ctypes.c_double), ("round_max", ctypes.c_double), ("unstable", ctypes.c_int)]


def _candidates():
    env = os.environ.get("MPIMARK_CORE_LIB")
    if env:
        return [env]
    build = os.environ.get("MPIMARK_BUILD_DIR") or os.path.join(REPO, "build")
    if not os.path.isabs(build):
        build = os.path.join(REPO, build)
    return ([os.path.join(HERE, NAME)] + sorted(glob.glob(os.path.join(HERE, "_core*.so")))
            + [os.path.join(build, "lib", NAME)])


def _load():
    tried = _candidates()
    for path in tried:
        if os.path.isfile(path):
            try:
                return _declare(ctypes.CDLL(path))
            except OSError as e:
                raise UsageError("cannot load mpimark's C core %s: %s" % (path, e))
    raise UsageError("mpimark's C core library is not built (looked for %s): run scripts/build in the "
                     "clone, or pip install ." % ", ".join(tried))


def _declare(lib):
    c_double_p, c_size_t_p = ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_size_t)
    sig = {
        "mm_stats_compute": (ctypes.c_int, [c_double_p, ctypes.c_size_t, ctypes.POINTER(Stats)]),
        "mm_quantile_sorted": (ctypes.c_double, [c_double_p, ctypes.c_size_t, ctypes.c_double]),
        "mm_median_ci_ranks": (None, [ctypes.c_size_t, c_size_t_p, c_size_t_p]),
        "mm_stats_rounds": (ctypes.c_int, [c_double_p, c_double_p, c_double_p, ctypes.c_size_t,
                                           ctypes.POINTER(RoundStats)]),
        "mm_stats_predict": (ctypes.c_int, [c_double_p, ctypes.c_size_t, ctypes.c_double, c_double_p,
                                            c_double_p]),
        "mm_t975": (ctypes.c_double, [ctypes.c_size_t]),
        "mm_stats_paired_ratio": (ctypes.c_int, [c_double_p, c_double_p, ctypes.c_size_t, ctypes.c_bool,
                                                 c_double_p, c_double_p, c_double_p]),
        "mm_interval_name": (ctypes.c_char_p, [ctypes.c_size_t]),
        "mm_stats_rel_ci": (ctypes.c_double, [ctypes.POINTER(Stats)]),
        "mm_round_order": (None, [ctypes.c_uint64, ctypes.c_int, ctypes.c_size_t, c_size_t_p]),
        "mm_round_seed_from_clock": (ctypes.c_uint64, []),
        "mm_size_parse": (ctypes.c_int, [ctypes.c_char_p, c_size_t_p, ctypes.c_char_p, ctypes.c_size_t]),
        "mm_sizes_parse": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_char_p,
                                          ctypes.c_size_t]),
        "mm_size_human": (ctypes.c_char_p, [ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]),
    }
    for name, (res, args) in sig.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


_lib = None


def lib():
    """The loaded library (loaded on first use)."""
    global _lib
    if _lib is None:
        _lib = _load()
    return _lib


def const(name, ctype):
    """A constant the library exports (an extern const variable)."""
    return ctype.in_dll(lib(), name).value


def text(name):
    """A `const char *const` string the library exports."""
    return ctypes.c_char_p.in_dll(lib(), name).value.decode()


def doubles(values):
    """values as a C array of double."""
    return (ctypes.c_double * len(values))(*values)
