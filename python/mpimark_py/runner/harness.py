"""The runner's sweep, run by mpimark's one harness: the sweep run of
common/mpi/sweeprun.c (rounds, visits, warm-up, calibration, batches,
window and barrier sync, the clock sync, the stop rule, the state probe,
the rows) from libmpimark_harness_VENDOR.so (common/mpi/pyharness.c),
built with the MPI that mpi4py runs on; the runner brings its kernels
(suite.py). This module finds that library and calls it.

The library is found, in this order: $MPIMARK_HARNESS_LIB; beside the
package (the CMake install, or pip install '.[mpi]'); in a clone, the
build folders' lib/ ($MPIMARK_BUILD_DIR, build/, build-VENDOR/). Without it
the runner says how to make it (UsageError: exit 2)."""

import ctypes
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
    return core.library_candidates("libmpimark_harness_%s.so" % vendor, "MPIMARK_HARNESS_LIB",
                                   "_harness_%s.*so" % vendor, [core.build_dir(), "build", "build-" + vendor])


class TestHooks(ctypes.Structure):  # mm_test_hooks (testhooks.h): read once, by the C parser
    _fields_ = [("clock_skew", ctypes.c_double), ("clock_drift", ctypes.c_double),
                ("start", ctypes.c_double), ("clocks", ctypes.c_bool), ("node_ranks", ctypes.c_int),
                ("offsets_only", ctypes.c_bool), ("late_rank", ctypes.c_int), ("slow_rank", ctypes.c_int),
                ("slow", ctypes.c_double), ("corrupt_rank", ctypes.c_int)]


# Every function of the harness library the runner calls: (result, arguments),
# as the headers of common/mpi and common/core declare them
# (tests/python/test_signatures.py checks each).
SIGNATURES = {
    "mm_py_sweep_run": (ctypes.c_int, [ctypes.c_ssize_t, ctypes.POINTER(core.Config), ctypes.POINTER(TestHooks),
                                       ctypes.c_uint64, ctypes.POINTER(core.Sweep),
                                       ctypes.POINTER(core.OpTraits), ctypes.py_object,
                                       ctypes.POINTER(core.Results)]),
    "mm_py_sweep_fit": (ctypes.c_int, [ctypes.c_ssize_t, ctypes.POINTER(core.Config), ctypes.POINTER(core.OpTraits),
                                       ctypes.POINTER(core.Sweep), ctypes.c_char_p, ctypes.c_size_t]),
    "mm_py_metadata": (ctypes.c_int, [ctypes.c_ssize_t, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                                      ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(core.Config),
                                      ctypes.c_uint64, ctypes.c_char_p, ctypes.POINTER(core.Results)]),
    "mm_test_hooks_read": (ctypes.c_int, [ctypes.POINTER(TestHooks), ctypes.c_double, ctypes.c_char_p,
                                          ctypes.c_size_t]),
    "mm_clock_now": (ctypes.c_double, []),
}


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
            h = ctypes.PyDLL(path)
        except OSError as e:
            raise UsageError("cannot load the mpi4py runner's harness %s (%s): rebuild it (scripts/build)"
                             % (path, e))
        sizes = {"mm_%s_size" % name: ctypes.sizeof(mirror) for name, mirror in (
            ("test_hooks", TestHooks), ("config", core.Config), ("sweep", core.Sweep),
            ("op_traits", core.OpTraits), ("row", core.Row), ("meta", core.Meta))}
        _lib = core.declare(h, SIGNATURES, sizes, "the mpi4py runner's harness %s does not match "
                            "harness.py (%%s): rebuild it (scripts/build)" % path.replace("%", "%%"))
    return _lib


def test_hooks():
    """The test hooks (testhooks.h), read once at start-up by the C parser;
    UsageError when one is set wrongly."""
    h, err = TestHooks(), ctypes.create_string_buffer(256)
    if lib().mm_test_hooks_read(ctypes.byref(h), lib().mm_clock_now(), err, len(err)):
        raise UsageError(err.value.decode())
    return h


def metadata(comm, version, commit, argv, cfg, seed, heap):
    """The run's metadata keys both runners write (mm_metadata_collect,
    then mm_metadata_settings; collective): [(key, value)] at rank 0."""
    from .mpi import MPI
    args = [a.encode(errors="surrogateescape") for a in argv]
    return core.meta_of(lambda r: lib().mm_py_metadata(
        MPI._handleof(comm), version.encode(), commit.encode(), len(args),
        (ctypes.c_char_p * (len(args) + 1))(*args), ctypes.byref(cfg.c), seed,
        heap.encode() if heap else None, r))


def sweep_fit(comm, cfg, sweep):
    """Fits sweep to the job's memory on every rank of comm
    (mm_sweep_fit_job, collective): (this rank's error, why)."""
    from .mpi import MPI
    why = ctypes.create_string_buffer(256)
    err = lib().mm_py_sweep_fit(MPI._handleof(comm), ctypes.byref(cfg.c), sweep.traits, ctypes.byref(sweep),
                                why, len(why))
    return err, why.value.decode()


def sweep_run(comm, cfg, hooks, seed, sweep, kernels):
    """Runs the sweep on every rank of comm (mm_sweep_run), with the
    kernels' setup, check and teardown (pyharness.h). Returns (error, the
    rows, [(key, value)] of the run's facts): rows and facts at rank 0."""
    from .mpi import MPI
    return core.results_of(lambda r: lib().mm_py_sweep_run(
        MPI._handleof(comm), ctypes.byref(cfg.c), ctypes.byref(hooks), seed, ctypes.byref(sweep), sweep.traits,
        kernels, r))
