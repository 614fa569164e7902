"""The runner's kernels timed by mpimark's one harness (common/mpi/harness.c:
warm-up, calibration, batches, window and barrier sync, the clock sync, the
stop rule, the test hooks), from libmpimark_harness_VENDOR.so
(common/mpi/pyharness.c), built with the MPI that mpi4py runs on. This
module only finds that library and mirrors the structs it takes.

The library is found, in this order: $MPIMARK_HARNESS_LIB; beside the
package (the CMake install, or pip install '.[mpi]'); in a clone, the
build folders' lib/ ($MPIMARK_BUILD_DIR, build/, build-VENDOR/). Without it
the runner says how to make it (UsageError: exit 2)."""

import ctypes
import glob
import os

from .. import core
from ..errors import UsageError


def mpi_vendor():
    """openmpi, mpich or other: the MPI mpi4py runs on, as CMake names the
    library it built (common/CMakeLists.txt: OMPI_MAJOR_VERSION, MPICH_VERSION)."""
    from .mpi import MPI  # here: this module's mirrors load without MPI
    version = MPI.Get_library_version()
    return "openmpi" if "Open MPI" in version else "mpich" if "MPICH" in version else "other"


def _candidates(vendor):
    env = os.environ.get("MPIMARK_HARNESS_LIB")
    if env:
        return [env]
    name = "libmpimark_harness_%s.so" % vendor
    builds = [os.environ.get("MPIMARK_BUILD_DIR") or "build", "build", "build-" + vendor]
    builds = [b if os.path.isabs(b) else os.path.join(core.REPO, b) for b in builds]
    return ([os.path.join(core.HERE, name)] + sorted(glob.glob(os.path.join(core.HERE, "_harness_%s.*so" % vendor)))
            + list(dict.fromkeys(os.path.join(b, "lib", name) for b in builds)))


class CellCache(ctypes.Structure):  # mm_cell_cache: a cell's calibration, kept between rounds
    _fields_ = [("batch", ctypes.c_long), ("window", ctypes.c_double),
                ("first_window", ctypes.c_double), ("warmed", ctypes.c_bool)]


class Plan(ctypes.Structure):  # mm_plan
    _fields_ = [("iterations", ctypes.c_long), ("warmup", ctypes.c_long), ("budget", ctypes.c_double),
                ("min_samples", ctypes.c_int), ("collective", ctypes.c_bool), ("sync", ctypes.c_int),
                ("rank_time", ctypes.c_int), ("heap_settles", ctypes.c_bool),
                ("cache", ctypes.POINTER(CellCache))]


class TestHooks(ctypes.Structure):  # mm_test_hooks (testhooks.h): read once, by the C parser
    _fields_ = [("clock_skew", ctypes.c_double), ("clock_drift", ctypes.c_double),
                ("start", ctypes.c_double), ("clocks", ctypes.c_bool), ("node_ranks", ctypes.c_int),
                ("offsets_only", ctypes.c_bool), ("late_rank", ctypes.c_int), ("slow_rank", ctypes.c_int),
                ("slow", ctypes.c_double), ("corrupt_rank", ctypes.c_int)]


class Samples(ctypes.Structure):  # mm_samples: one visit's, at rank 0
    _fields_ = [("t", ctypes.POINTER(ctypes.c_double)), ("n", ctypes.c_size_t),
                ("iterations", ctypes.c_longlong), ("sync", core.SyncFacts),
                ("spent", ctypes.c_double * len(core.spent_phases())), ("runaway", ctypes.c_bool)]


# Every function of the harness library the runner calls: (result, arguments),
# as the headers of common/mpi and common/core declare them
# (tests/python/test_signatures.py checks each).
SIGNATURES = {
    "mm_py_measure": (ctypes.c_int, [ctypes.c_ssize_t, ctypes.py_object, ctypes.POINTER(Plan),
                                     ctypes.POINTER(TestHooks), ctypes.c_void_p,
                                     ctypes.POINTER(Samples)]),
    "mm_py_state_new": (ctypes.c_void_p, []),
    "mm_py_state_free": (None, [ctypes.c_void_p]),
    "mm_plan_of": (Plan, [ctypes.c_long, ctypes.c_long, ctypes.c_double, ctypes.c_int, ctypes.c_bool,
                          ctypes.c_int, ctypes.c_int, ctypes.c_bool, ctypes.POINTER(CellCache)]),
    "mm_test_hooks_read": (ctypes.c_int, [ctypes.POINTER(TestHooks), ctypes.c_double, ctypes.c_char_p,
                                          ctypes.c_size_t]),
    "mm_clock_now": (ctypes.c_double, []),
    "mm_samples_free": (None, [ctypes.POINTER(Samples)]),
    "mm_py_probe_open": (ctypes.c_void_p, [ctypes.c_ssize_t]),
    "mm_probe_run": (ctypes.c_double, [ctypes.c_void_p]),
    "mm_py_probe_close": (None, [ctypes.c_void_p]),
    "mm_probe_meta_text": (ctypes.c_char_p, [ctypes.POINTER(ctypes.c_double), ctypes.c_int,
                                             ctypes.c_char_p, ctypes.c_size_t]),
}


def _declare(h):
    for name, (res, args) in SIGNATURES.items():
        f = getattr(h, name)
        f.restype, f.argtypes = res, args
    for name, mirror in (("mm_plan_size", Plan), ("mm_cell_cache_size", CellCache),
                         ("mm_samples_size", Samples), ("mm_sync_facts_size", core.SyncFacts),
                         ("mm_test_hooks_size", TestHooks)):
        if ctypes.c_size_t.in_dll(h, name).value != ctypes.sizeof(mirror):
            raise AttributeError(name)
    return h


_lib = None


def lib():
    """The loaded library (loaded on first use), or UsageError saying how to
    build it."""
    global _lib
    if _lib is None:
        vendor = mpi_vendor()
        tried = _candidates(vendor)
        path = next((p for p in tried if os.path.isfile(p)), None)
        if path is None:
            raise UsageError("the mpi4py runner's harness for %s is not built (looked for %s): run "
                             "scripts/build%s in the clone, or pip install '.[mpi]'" % (
                                 vendor, ", ".join(tried), " --mpi mpich" if vendor == "mpich" else ""))
        try:  # PyDLL: the GIL stays held, the kernels are Python
            _lib = _declare(ctypes.PyDLL(path))
        except (OSError, AttributeError) as e:
            raise UsageError("cannot use the mpi4py runner's harness %s (%s): rebuild it "
                             "(scripts/build)" % (path, e))
    return _lib


def plan(cfg, collective, cache, heap_settles):
    """One visit's plan of a cell (mm_plan_of, as suite.c's)."""
    return lib().mm_plan_of(cfg.iterations, cfg.warmup, cfg.time_budget, cfg.rounds, collective,
                            cfg.sync_code, cfg.rank_time_code, heap_settles, ctypes.pointer(cache))


def test_hooks():
    """The test hooks (testhooks.h), read once at start-up by the C parser;
    UsageError when one is set wrongly."""
    h, err = TestHooks(), ctypes.create_string_buffer(256)
    if lib().mm_test_hooks_read(ctypes.byref(h), lib().mm_clock_now(), err, len(err)):
        raise UsageError(err.value.decode())
    return h


class Run:
    """The harness over one run on every rank of comm: its test hooks and
    its state (the clock sync's model and communicators: mm_harness_state),
    freed by close() (collective) after the last visit."""
    def __init__(self, comm, hooks):
        from .mpi import MPI
        self.comm, self.handle, self.hooks = comm, MPI._handleof(comm), hooks
        self.state = lib().mm_py_state_new()
        if not self.state:
            raise MemoryError("mm_py_state_new")

    def close(self):
        lib().mm_py_state_free(self.state)
        self.state = None

    def measure(self, run, p):
        """One visit of a cell (mm_harness_measure): run() is one iteration
        of the kernel. Returns (samples at rank 0: seconds per iteration,
        Samples: iterations, sync, spent, runaway)."""
        out = Samples()
        lib().mm_py_measure(self.handle, run, ctypes.byref(p), ctypes.byref(self.hooks), self.state,
                            ctypes.byref(out))
        t = out.t[:out.n]
        lib().mm_samples_free(ctypes.byref(out))
        return t, out


def spent(samples):
    """A visit's seconds by phase (time_split.h), as a dict."""
    return dict(zip(core.spent_phases(), samples.spent))


class StateProbe:
    """The machine's state, probed with every round (common/mpi/stateprobe.h):
    open on every rank of comm, run() at each round's start (rank 0 gets ns),
    close() after the rounds; meta() is #@state_probe_ns."""
    def __init__(self, comm):
        from .mpi import MPI
        self.p, self.ns = lib().mm_py_probe_open(MPI._handleof(comm)), []

    def run(self):
        self.ns.append(lib().mm_probe_run(self.p))

    def close(self):
        lib().mm_py_probe_close(self.p)
        self.p = None

    def meta(self):
        buf = ctypes.create_string_buffer(len(self.ns) * 12 + 64)
        return lib().mm_probe_meta_text(core.doubles(self.ns), len(self.ns), buf, len(buf)).decode()
