"""The C core (common/core), loaded with ctypes: the one implementation of
the statistics and the size lists, which stats.py and sizes.py wrap, and
of the result writers (CSV, JSON, the table: results_text) and of the
patterns that validation checks (the runner fills NumPy arrays with them).

The library is found, in this order: $MPIMARK_CORE_LIB; beside this module
(libmpimark_core.so from the CMake install, _core*.so from pip install .);
in a clone, the build folder's lib/ ($MPIMARK_BUILD_DIR, else build/, which
scripts/build makes). Without it every caller gets one line saying how to
make it (UsageError: exit 2).
"""

import ctypes
import glob
import math
import os
from contextlib import contextmanager
from functools import lru_cache

from . import defs
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
                ("round_min", ctypes.c_double), ("round_max", ctypes.c_double)]


class Mode(ctypes.Structure):  # mm_mode (modes.h)
    _fields_ = [("median", ctypes.c_double), ("ci_low", ctypes.c_double), ("ci_high", ctypes.c_double),
                ("count", ctypes.c_size_t)]


MAX_MODES = 3  # MM_MAX_MODES
MAX_ROUNDS = 64  # MM_MAX_ROUNDS, the length of mm_row.round_median (checked at load)


class Row(ctypes.Structure):  # mm_row (results.h); its size is checked against mm_row_size
    _fields_ = [("op", ctypes.c_char * 32), ("path", ctypes.c_char * 16), ("payload", ctypes.c_char * 16),
                ("bytes", ctypes.c_size_t), ("wire_bytes", ctypes.c_size_t), ("metric", ctypes.c_char * 16),
                ("unit", ctypes.c_char * 8), ("iterations", ctypes.c_longlong), ("late", ctypes.c_longlong),
                ("st", Stats), ("rounds", ctypes.c_int), ("round_min", ctypes.c_double),
                ("round_max", ctypes.c_double),
                ("round_median", ctypes.c_double * MAX_ROUNDS), ("round_probe", ctypes.c_double * MAX_ROUNDS)]


class Meta(ctypes.Structure):  # mm_meta
    _fields_ = [("key", ctypes.c_char * 32), ("value", ctypes.c_char * 1024)]


class Results(ctypes.Structure):  # mm_results
    _fields_ = [("meta", ctypes.POINTER(Meta)), ("n_meta", ctypes.c_size_t), ("cap_meta", ctypes.c_size_t),
                ("rows", ctypes.POINTER(Row)), ("n_rows", ctypes.c_size_t), ("cap_rows", ctypes.c_size_t)]


MAX_REGIMES = 6  # MM_MODEL_MAX_REGIMES (model.h)


class Regime(ctypes.Structure):  # mm_regime (model.h)
    _fields_ = [("first", ctypes.c_size_t), ("last", ctypes.c_size_t), ("alpha", ctypes.c_double),
                ("alpha_low", ctypes.c_double), ("alpha_high", ctypes.c_double),
                ("us_per_byte", ctypes.c_double), ("us_per_byte_low", ctypes.c_double),
                ("us_per_byte_high", ctypes.c_double)]


class Model(ctypes.Structure):  # mm_model (model.h); checked against mm_model_size
    _fields_ = [("n_regimes", ctypes.c_size_t), ("regime", Regime * MAX_REGIMES),
                ("worst_error", ctypes.c_double)]


class Pform(ctypes.Structure):  # mm_pform (model.h); checked against mm_pform_size
    _fields_ = [("kind", ctypes.c_int), ("a", ctypes.c_double), ("b", ctypes.c_double),
                ("worst_error", ctypes.c_double)]


FORMATS = {"table": 0, "csv": 1, "json": 2, "wide": 3}  # mm_format (cli.h)

MAX_SIZES = 256  # MM_SIZES_MAX_COUNT (sizes.h), checked at load


class Sizes(ctypes.Structure):  # mm_sizes (sizes.h)
    _fields_ = [("n", ctypes.c_size_t), ("v", ctypes.c_size_t * MAX_SIZES)]


class Config(ctypes.Structure):  # mm_config (options.h); checked against mm_config_size
    _fields_ = [("ops", ctypes.c_uint32), ("paths", ctypes.c_uint), ("payload", ctypes.c_int),
                ("user_payload", ctypes.c_char_p), ("mpi4py", ctypes.c_int), ("numpy", ctypes.c_int),
                ("pkl5_threshold", ctypes.c_size_t), ("pkl5_threshold_auto", ctypes.c_bool),
                ("sizes", Sizes), ("iterations", ctypes.c_long), ("warmup", ctypes.c_long),
                ("time_budget", ctypes.c_double), ("rounds", ctypes.c_int), ("seed", ctypes.c_ulong),
                ("launch", ctypes.c_int), ("launches", ctypes.c_int), ("sync", ctypes.c_int),
                ("rank_time", ctypes.c_int), ("window", ctypes.c_int), ("window_auto", ctypes.c_bool),
                ("root", ctypes.c_int), ("hugepages", ctypes.c_bool), ("heap_pinned", ctypes.c_bool),
                ("memory", ctypes.c_double), ("validate", ctypes.c_bool), ("format", ctypes.c_int),
                ("output", ctypes.c_char_p), ("force", ctypes.c_bool), ("wide", ctypes.c_bool),
                ("quiet", ctypes.c_bool), ("help", ctypes.c_bool), ("version", ctypes.c_bool)]


PATH_COUNT = 3  # MM_PATH_COUNT (paths.def), checked at load
MAX_OPS = 32  # MM_MAX_OPS (options.h), checked at load


MAX_KERNELS = 3  # MM_MAX_KERNELS (sweep.h), checked at load


class OpTraits(ctypes.Structure):  # mm_op_traits (sweep.h)
    _fields_ = [("name", ctypes.c_char_p), ("collective", ctypes.c_bool), ("float64", ctypes.c_bool),
                ("root_sends_all", ctypes.c_bool), ("root_recvs_all", ctypes.c_bool), ("rootless", ctypes.c_bool),
                ("busbw", ctypes.c_int), ("pkl5", ctypes.c_int), ("data", ctypes.c_int), ("paths", ctypes.c_uint),
                ("shapes", ctypes.c_int * MAX_KERNELS)]


class DataCtx(ctypes.Structure):  # mm_data_ctx (validate.h): one rank's side of a validation run
    _fields_ = [("rank", ctypes.c_int), ("nranks", ctypes.c_int), ("root", ctypes.c_int),
                ("bytes", ctypes.c_size_t), ("sbuf", ctypes.c_void_p), ("rbuf", ctypes.c_void_p)]


def op_traits():
    """What each operation of ops.def is (mm_op_traits_init): an OpTraits
    per line, with its kernels' shapes, its paths for the runner to add."""
    t = (OpTraits * MAX_OPS)()
    return list(t[:lib().mm_op_traits_init(t)])


class CellKey(ctypes.Structure):  # mm_cell_key (sweep.h)
    _fields_ = [("op", ctypes.c_size_t), ("size", ctypes.c_size_t), ("path", ctypes.c_int),
                ("kernel", ctypes.c_size_t), ("bytes", ctypes.c_size_t)]


class Unit(ctypes.Structure):  # mm_unit (sweep.h)
    _fields_ = [("first", ctypes.c_size_t), ("count", ctypes.c_size_t)]


class Sweep(ctypes.Structure):  # mm_sweep (sweep.h): what a sweep measures
    _fields_ = [("over", (ctypes.c_size_t * PATH_COUNT) * MAX_OPS), ("bound", ctypes.c_double),
                ("asked", ctypes.c_size_t),
                ("fit", ctypes.c_size_t), ("sbuf", ctypes.c_size_t), ("rbuf", ctypes.c_size_t),
                ("cells", ctypes.POINTER(CellKey)), ("n_cells", ctypes.c_size_t),
                ("units", ctypes.POINTER(Unit)), ("n_units", ctypes.c_size_t)]

    def __init__(self, traits):
        """traits: an OpTraits per line of ops.def (mm_sweep_fit_job fits it)."""
        super().__init__()
        self.traits = (OpTraits * len(traits))(*traits)


def library_candidates(name, env, so_glob, builds):
    """Where one of mpimark's libraries is looked for, in order: $env;
    beside this package (name, or a pip-built so_glob); in a clone, the
    lib/ of each build folder of builds (relative: to the clone)."""
    if os.environ.get(env):
        return [os.environ[env]]
    builds = [b if os.path.isabs(b) else os.path.join(REPO, b) for b in builds]
    return ([os.path.join(HERE, name)] + sorted(glob.glob(os.path.join(HERE, so_glob)))
            + list(dict.fromkeys(os.path.join(b, "lib", name) for b in builds)))


def build_dir():
    """The clone's build folder: $MPIMARK_BUILD_DIR, else build."""
    return os.environ.get("MPIMARK_BUILD_DIR") or "build"


def _candidates():
    return library_candidates(NAME, "MPIMARK_CORE_LIB", "_core*.so", [build_dir()])


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


_c_double_p, _c_size_t_p = ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_size_t)
# Every C function this package calls: (result, arguments), as the headers of
# common/core declare them (tests/python/test_signatures.py checks each).
SIGNATURES = {
    "mm_stats_compute": (ctypes.c_int, [_c_double_p, ctypes.c_size_t, ctypes.POINTER(Stats)]),
    "mm_quantile_sorted": (ctypes.c_double, [_c_double_p, ctypes.c_size_t, ctypes.c_double]),
    "mm_median_ci_ranks": (None, [ctypes.c_size_t, _c_size_t_p, _c_size_t_p]),
    "mm_stats_rounds": (ctypes.c_int, [_c_double_p, ctypes.c_size_t, ctypes.POINTER(RoundStats)]),
    "mm_stats_predict": (ctypes.c_int, [_c_double_p, ctypes.c_size_t, ctypes.c_double, _c_double_p,
                                        _c_double_p]),
    "mm_t975": (ctypes.c_double, [ctypes.c_size_t]),
    "mm_stats_paired_ratio": (ctypes.c_int, [_c_double_p, _c_double_p, ctypes.c_size_t, ctypes.c_bool,
                                             _c_double_p, _c_double_p, _c_double_p]),
    "mm_interval_name": (ctypes.c_char_p, [ctypes.c_size_t]),
    "mm_stats_rel_ci": (ctypes.c_double, [ctypes.POINTER(Stats)]),
    "mm_round_seed_from_clock": (ctypes.c_uint64, []),
    "mm_size_parse": (ctypes.c_int, [ctypes.c_char_p, _c_size_t_p, ctypes.c_char_p, ctypes.c_size_t]),
    "mm_sizes_parse": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_char_p,
                                      ctypes.c_size_t]),
    "mm_size_human": (ctypes.c_char_p, [ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]),
    "mm_pattern_fill": (None, [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint]),
    "mm_pattern_fill_doubles": (None, [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint]),
    "mm_seed_of_rank": (ctypes.c_uint, [ctypes.c_int]),
    "mm_seed_for_rank": (ctypes.c_uint, [ctypes.c_int]),
    "mm_seed_from_to": (ctypes.c_uint, [ctypes.c_int, ctypes.c_int]),
    "mm_data_prepare": (None, [ctypes.c_int, ctypes.POINTER(DataCtx)]),
    "mm_data_check": (ctypes.c_int, [ctypes.c_int, ctypes.c_int, ctypes.POINTER(DataCtx), ctypes.c_bool,
                                     ctypes.c_char_p, ctypes.c_size_t]),
    "mm_data_messages": (ctypes.c_int, [ctypes.c_int, ctypes.c_int, ctypes.POINTER(DataCtx), ctypes.c_bool]),
    "mm_data_sums": (ctypes.c_int, [ctypes.c_int, ctypes.POINTER(DataCtx)]),
    "mm_data_check_message": (ctypes.c_int, [ctypes.c_int, ctypes.POINTER(DataCtx), ctypes.c_int, ctypes.c_void_p,
                                             ctypes.c_bool, ctypes.c_char_p, ctypes.c_size_t]),
    "mm_results_set_meta": (ctypes.c_int, [ctypes.POINTER(Results), ctypes.c_char_p, ctypes.c_char_p]),
    "mm_results_add_row": (ctypes.c_int, [ctypes.POINTER(Results), ctypes.POINTER(Row)]),
    "mm_results_free": (None, [ctypes.POINTER(Results)]),
    "mm_output_text": (ctypes.c_void_p, [ctypes.POINTER(Results), ctypes.c_int]),
    "mm_output_text_free": (None, [ctypes.c_void_p]),
    "mm_output_results": (ctypes.c_int, [ctypes.POINTER(Results), ctypes.c_int, ctypes.c_char_p, ctypes.c_bool]),
    "mm_output_column": (ctypes.c_char_p, [ctypes.c_size_t, ctypes.c_int]),
    "mm_bytes_human": (ctypes.c_char_p, [ctypes.c_double, ctypes.c_char_p, ctypes.c_size_t]),
    "mm_memory_parse": (ctypes.c_int, [ctypes.c_char_p, _c_double_p, ctypes.c_char_p, ctypes.c_size_t]),
    "mm_atomic_check": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_bool, ctypes.c_char_p, ctypes.c_size_t]),
    "mm_model_fit": (ctypes.c_int, [_c_double_p, _c_double_p, ctypes.c_size_t, _c_double_p, ctypes.c_size_t,
                                    ctypes.POINTER(Model)]),
    "mm_model_predict": (ctypes.c_double, [ctypes.POINTER(Model), _c_double_p, ctypes.c_double]),
    "mm_model_regime_at": (ctypes.c_double, [ctypes.POINTER(Model), ctypes.c_size_t, ctypes.c_double]),
    "mm_model_gap": (ctypes.c_size_t, [ctypes.POINTER(Model), _c_double_p, ctypes.c_double]),
    "mm_model_fit_p": (ctypes.c_int, [_c_double_p, _c_double_p, ctypes.c_size_t, ctypes.POINTER(Pform)]),
    "mm_pform_name": (ctypes.c_char_p, [ctypes.c_int]),
    "mm_heap_prepare": (ctypes.c_char_p, [ctypes.c_bool, ctypes.c_bool]),
    "mm_error_line": (ctypes.c_char_p, [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p]),
    "mm_modes": (ctypes.c_size_t, [_c_double_p, ctypes.c_size_t, ctypes.POINTER(Mode), _c_size_t_p]),
    "mm_modes_widen": (None, [ctypes.POINTER(Mode), ctypes.c_size_t, _c_double_p, _c_double_p]),
    "mm_ratio_modes": (ctypes.c_size_t, [_c_double_p, _c_double_p, _c_double_p, ctypes.c_size_t,
                                         ctypes.POINTER(Mode), _c_double_p]),
    "mm_states": (ctypes.c_size_t, [_c_double_p, ctypes.c_size_t, ctypes.POINTER(Mode), _c_size_t_p]),
    "mm_modes_probed": (ctypes.c_size_t, [_c_double_p, _c_double_p, ctypes.c_size_t, ctypes.POINTER(Mode),
                                          _c_size_t_p]),
    "mm_csv_text": (ctypes.c_size_t, [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_bool]),
    "mm_output_cell": (ctypes.c_char_p, [ctypes.c_double, ctypes.c_double, ctypes.c_double,
                                         ctypes.c_bool, ctypes.c_char_p, ctypes.c_size_t]),
    "mm_output_modes": (ctypes.c_char_p, [ctypes.POINTER(Mode), ctypes.c_size_t, _c_double_p, ctypes.c_size_t,
                                          ctypes.c_bool, ctypes.c_char_p, ctypes.c_size_t]),
    "mm_request_check_job": (ctypes.c_int, [ctypes.POINTER(Config), ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]),
    "mm_request_parse": (ctypes.c_int, [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                                        ctypes.c_bool, ctypes.POINTER(Config), ctypes.c_char_p,
                                        ctypes.c_size_t]),
    "mm_request_op_names": (ctypes.c_void_p, []),
    "mm_options_usage_text": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]),
    "mm_sync_name": (ctypes.c_char_p, [ctypes.c_int]),
    "mm_rank_time_name": (ctypes.c_char_p, [ctypes.c_int]),
    "mm_op_traits_init": (ctypes.c_size_t, [ctypes.POINTER(OpTraits)]),
    "mm_sweep_paths": (None, [ctypes.POINTER(OpTraits), ctypes.POINTER(Config), ctypes.c_bool, ctypes.c_bool]),
}


def declare(lib, signatures, sizes, mismatch):
    """lib, with each function of signatures {name: (result, arguments)}
    declared, once each size_t constant of sizes {name: the value this
    module expects} (a struct's size, a bound) says lib was built from the
    headers these mirrors follow; else UsageError(mismatch % what differs)."""
    try:
        for name, (res, args) in signatures.items():
            f = getattr(lib, name)
            f.restype, f.argtypes = res, args
        bad = [name for name, want in sizes.items() if ctypes.c_size_t.in_dll(lib, name).value != want]
    except (AttributeError, ValueError) as e:  # a library older than this module
        bad = [str(e)]
    if bad:
        raise UsageError(mismatch % ", ".join(bad))
    return lib


def _declare(lib):
    if len(defs.paths()) != PATH_COUNT:
        raise UsageError("core.py's PATH_COUNT is not paths.def's")
    sizes = {"mm_%s_size" % name: ctypes.sizeof(mirror) for name, mirror in (
        ("row", Row), ("meta", Meta), ("mode", Mode), ("config", Config), ("op_traits", OpTraits),
        ("cell_key", CellKey), ("sweep", Sweep), ("model", Model), ("pform", Pform), ("data_ctx", DataCtx))}
    sizes.update(mm_max_modes=MAX_MODES, mm_max_ops=MAX_OPS, mm_max_kernels=MAX_KERNELS,
                 mm_sizes_max_count=MAX_SIZES, mm_stats_max_rounds=MAX_ROUNDS)
    return declare(lib, SIGNATURES, sizes,
                   "mpimark's C core does not match core.py (%s): rebuild it (scripts/build)")


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


def same_state(a, b):
    """Whether two state probes (ns) are one state of the machine
    (MM_STATE_RATIO, modes.h); False when either is missing."""
    return bool(a and b and a > 0 and b > 0 and
                max(a, b) <= const("mm_state_ratio", ctypes.c_double) * min(a, b))


@lru_cache(maxsize=None)
def names(array, count):
    """An exported list of names (`const char *const array[]`, its length
    in the size_t `count`): e.g. mm_shape_names, whose index is the enum."""
    n = const(count, ctypes.c_size_t)
    return tuple(p.decode() for p in (ctypes.c_char_p * n).in_dll(lib(), array))


def text(name):
    """A `const char *const` string the library exports."""
    return ctypes.c_char_p.in_dll(lib(), name).value.decode()


def memory_parse(text):
    """-M's bytes per rank (0: auto), or UsageError (buffers.h)."""
    out, err = ctypes.c_double(), ctypes.create_string_buffer(256)
    if lib().mm_memory_parse(text.encode(), ctypes.byref(out), err, len(err)):
        raise UsageError(err.value.decode())
    return out.value


def results_of(fill):
    """(fill's result, the rows, [(key, value)]) of the empty mm_results
    that fill(pointer) fills (a function of this library or of the mpi4py
    runner's harness library, which share the process's malloc), copied
    out before it is freed."""
    r = Results()
    try:
        got = fill(ctypes.byref(r))
        rows = [Row.from_buffer_copy(w) for w in r.rows[:r.n_rows]]
        meta = [(m.key.decode(), m.value.decode(errors="replace")) for m in r.meta[:r.n_meta]]
    finally:
        lib().mm_results_free(ctypes.byref(r))
    return got, rows, meta


def meta_of(fill):
    """[(key, value)]: the metadata that fill(results) sets in an empty mm_results."""
    err, _, meta = results_of(fill)
    if err != 0:
        raise MemoryError("mpimark metadata")
    return meta


def bytes_human(n):
    """An amount of memory: "10 B", "3.00 MiB", "9.25 GiB" (sizes.h)."""
    buf = ctypes.create_string_buffer(32)
    return lib().mm_bytes_human(n, buf, len(buf)).decode()


def modes(values, probes=None):
    """The modes of values (modes.h; probes: the state each value was
    measured in, one each, mm_modes_probed; else mm_modes): [Mode] by
    ascending median, and each value's mode index; ([], []) when there are
    none. The machine's states from probes alone: states()."""
    n = min(len(values), MAX_ROUNDS)
    out, which = (Mode * MAX_MODES)(), (ctypes.c_size_t * max(n, 1))()
    if probes is not None and len(probes) == len(values):
        k = lib().mm_modes_probed(doubles(values[:n]), doubles(probes[:n]), n, out, which)
    else:
        k = lib().mm_modes(doubles(values[:n]), n, out, which)
    return (list(out[:k]), list(which[:n])) if k else ([], [])


def ratio_modes(num, den, probes=None):
    """The modes of the paired ratios num[i] / den[i] by the state each
    pair ran in (probes, or None; mm_ratio_modes): ([Mode], [each mode's
    median probe in ns, or None]) by ascending ratio; ([], []) when they
    are one group or cannot be formed."""
    n = min(len(num), len(den), MAX_ROUNDS)
    out, probe = (Mode * MAX_MODES)(), (ctypes.c_double * MAX_MODES)()
    k = lib().mm_ratio_modes(doubles(num[:n]), doubles(den[:n]), doubles(probes[:n]) if probes else None, n,
                             out, probe)
    return list(out[:k]), [p if p == p else None for p in probe[:k]]


def modes_widen(modes, median, low, high):
    """(median, low, high) with low..high widened to hold every mode of a
    figure with 2 or more ([Mode], mm_modes_widen): where another run's
    median may fall."""
    lo, hi = ctypes.c_double(low), ctypes.c_double(high)
    arr = (Mode * max(len(modes), 1))(*modes)
    lib().mm_modes_widen(arr, len(modes), ctypes.byref(lo), ctypes.byref(hi))
    return median, lo.value, hi.value


def states(values):
    """The machine's states over any number of state probes (mm_states, no
    cap at a row's rounds): ([Mode] by ascending probe, each value's state
    index); ([], []) when there are none."""
    n = len(values)
    out, which = (Mode * MAX_MODES)(), (ctypes.c_size_t * max(n, 1))()
    k = lib().mm_states(doubles(values), n, out, which) if n else 0
    return (list(out[:k]), list(which[:n])) if k else ([], [])


def window_runaway_text(first, w, uncertainty):
    """The line that says the window ran away, after the cell's name (window.h)."""
    buf = ctypes.create_string_buffer(320)
    lib().mm_window_runaway_text(buf, len(buf), first, w, uncertainty)
    return buf.value.decode()


def doubles(values):
    """values as a C array of double."""
    return (ctypes.c_double * len(values))(*values)


def _number(v, kind=float):
    return kind(float(v)) if v not in ("", None) else kind(0)


def cell(median, lo, hi, ratio=False):
    """A median and its interval as mpimark's table shows them, "0.267 +-2.1%"
    (ratio: "2.50x +-57%"; mm_output_cell)."""
    buf = ctypes.create_string_buffer(64)
    return lib().mm_output_cell(median, lo, hi, ratio, buf, len(buf)).decode()


def modes_text(modes, total, probes=None, ratio=False):
    """Modes ([Mode]) of total rounds (launches) as the table shows them under
    a row, "0.140 +-9.1% (3 of 6) | 0.358 (1 of 6, no interval)" (probes: each
    mode's state probe in ns or None; mm_output_modes)."""
    buf = ctypes.create_string_buffer(512)
    arr = (Mode * max(len(modes), 1))(*modes)
    ns = doubles([math.nan if p is None else p for p in probes]) if probes else None
    return lib().mm_output_modes(arr, len(modes), ns, total, ratio, buf, len(buf)).decode()


def atomic_check(path, force):
    """(error, why) of a results file before the run (mm_atomic_check, as the
    C binary's -o): its folder writable, the file absent unless force."""
    why = ctypes.create_string_buffer(1024)
    err = lib().mm_atomic_check(path.encode(), force, why, len(why))
    return err, why.value.decode(errors="replace")


def model_fit(sizes, medians, rounds=None):
    """The cost model of a latency curve (mm_model_fit): sizes ascending,
    medians in us, rounds a list per size of its round (or launch)
    medians, the same count each (None: no intervals). Returns a Model, or
    None when the curve cannot be fitted (fewer than 3 sizes, a time not
    positive)."""
    m, r = Model(), len(rounds[0]) if rounds else 0
    flat = doubles([v for per in rounds for v in per]) if rounds else None
    if lib().mm_model_fit(doubles(sizes), doubles(medians), len(sizes), flat, r, ctypes.byref(m)):
        return None
    return m


def model_predict(model, sizes, at):
    """The model's latency in us at `at` bytes (mm_model_predict); sizes: the fitted ones."""
    return lib().mm_model_predict(ctypes.byref(model), doubles(sizes), float(at))


def model_fit_p(ranks, values):
    """How a parameter grows with the number of ranks (mm_model_fit_p):
    (form name, a, b, worst error) of value = a + b * f(P), or None when
    fewer than 3 rank counts."""
    f = Pform()
    if lib().mm_model_fit_p(doubles(ranks), doubles(values), len(ranks), ctypes.byref(f)):
        return None
    return lib().mm_pform_name(f.kind).decode(), f.a, f.b, f.worst_error


def model_regime_at(model, j, at):
    """Regime j's latency in us at `at` bytes (mm_model_regime_at)."""
    return lib().mm_model_regime_at(ctypes.byref(model), j, float(at))


def model_gap(model, sizes, at):
    """The index of the regime after the breakpoint gap that holds `at`, or 0
    (mm_model_gap)."""
    return lib().mm_model_gap(ctypes.byref(model), doubles(sizes), float(at))


def heap_prepare(pickles, pinned):
    """The heap of the pickled paths, before measuring (heap.h), as the C
    binary has it; #@heap, or None without a pickled path."""
    text = lib().mm_heap_prepare(pickles, pinned)
    return text.decode() if text is not None else None


def error_line(text):
    """A message as one line (errors.h, mm_error_line): control characters
    escaped, an overlong word shortened."""
    buf = ctypes.create_string_buffer(1024)
    return lib().mm_error_line(buf, len(buf), str(text).encode(errors="replace")).decode(errors="replace")


def csv_text(text, meta=False):
    """text as a CSV file holds it, never a spreadsheet formula (output.h,
    mm_csv_text): a row's cell, or (meta) a #@key=value line's value."""
    raw = str(text).encode()
    n = lib().mm_csv_text(None, 0, raw, meta)
    buf = ctypes.create_string_buffer(n + 1)
    lib().mm_csv_text(buf, n + 1, raw, meta)
    return buf.value.decode(errors="replace")


@contextmanager
def _results(meta, rows):
    """An mm_results holding meta [(key, value)] and rows (Row structs, or
    dicts by column name: see results_text), freed after the with block."""
    r = Results()
    try:
        for k, v in meta:
            if lib().mm_results_set_meta(ctypes.byref(r), str(k).encode(), str(v).encode()) != 0:
                raise MemoryError("mm_results_set_meta")
        for w in rows:
            if lib().mm_results_add_row(ctypes.byref(r), ctypes.byref(w if isinstance(w, Row) else _row(w))) != 0:
                raise MemoryError("mm_results_add_row")
        yield r
    finally:
        lib().mm_results_free(ctypes.byref(r))


def results_text(meta, rows, fmt):
    """The results as mpimark writes them (output.c): fmt "csv", "json",
    "table" or "wide" (the table's full layout); meta [(key, value)]; rows Row
    structs, or dicts by column name (columns.def), values as text or numbers; a merged measurement's launch columns
    (launches, launch_medians, ...) stand for the round ones, and with
    #@merge in meta output.c names them so."""
    with _results(meta, rows) as r:
        p = lib().mm_output_text(ctypes.byref(r), FORMATS[fmt])
        if not p:
            raise MemoryError("mm_output_text")
        try:
            return ctypes.string_at(p).decode()
        finally:
            lib().mm_output_text_free(p)


def output_results(meta, rows, fmt, path, force):
    """A run's results written as the C binary writes them (mm_output_results):
    to stdout in fmt, and to path (None: none) atomically. Returns OK, or
    EIO with one line said on stderr. Flush sys.stdout first."""
    with _results(meta, rows) as r:
        return lib().mm_output_results(ctypes.byref(r), FORMATS[fmt], path.encode() if path else None, force)


@lru_cache(maxsize=None)
def columns(merged=False):
    """The result columns in order, as a launch names them or (merged) as a
    merged measurement does (mm_output_column)."""
    out, i = [], 0
    while True:
        name = lib().mm_output_column(i, int(merged))
        if name is None:
            return tuple(out)
        out.append(name.decode())
        i += 1


@lru_cache(maxsize=None)
def launch_columns():
    """{a launch's column: a merged measurement's name for it}, where they differ."""
    return {a: b for a, b in zip(columns(), columns(merged=True)) if a != b}


def _row(w):
    merged = launch_columns()
    get = lambda c: w.get(c, w.get(merged.get(c, c), ""))
    row = Row()
    row.op, row.path, row.payload = (str(get(c)).encode() for c in ("op", "path", "payload"))
    row.metric, row.unit = str(get("metric")).encode(), str(get("unit")).encode()
    row.bytes, row.wire_bytes = _number(get("bytes"), int), _number(get("wire_bytes"), int)
    row.iterations, row.late = _number(get("iterations"), int), _number(get("late"), int)
    row.st = Stats(_number(get("samples"), int), *(_number(get(c)) for c in
                                                   ("min", "median", "mean", "max", "p99", "ci_low", "ci_high")))
    medians = _numbers(get("round_medians"))[:MAX_ROUNDS]
    row.rounds = _number(get("rounds"), int) if get("rounds") != "" else len(medians)
    row.round_min, row.round_max = _number(get("round_min")), _number(get("round_max"))
    for i, m in enumerate(medians):
        row.round_median[i] = m
    for i, p in enumerate(_numbers(get("round_probes_ns"))[:MAX_ROUNDS]):
        row.round_probe[i] = p
    return row


def _numbers(v):
    """A list column's numbers: from its ';'-separated text or a list."""
    if isinstance(v, str):
        return [float(x) for x in v.split(";") if x != ""]
    return list(v)
