"""The run's metadata: the keys both runners write, gathered by the C
harness library on mpi4py's communicator (common/mpi/metadata.c), the
settings (common/core/runmeta.c), then the runner's own (Python, mpi4py,
the pickles it really made, thread level)."""

import platform
import sys

from .. import core, version
from . import harness
from .mpi import MPI, MPI4PY_GENERATION, THREAD_LEVELS, mpi4py, np


def collect_metadata(comm, rank, cfg, seed, heap, r):
    argv = getattr(sys, "orig_argv", [sys.executable] + sys.argv)
    for k, v in harness.metadata(comm, version.project_version(), version.git_commit(), argv):
        r.set_meta(k, v)
    if rank != 0:
        return
    for k, v in core.settings_meta(cfg.c, seed):
        r.set_meta(k, v)
    # What this runner adds.
    r.set_meta("runner", "mpi4py")
    r.set_meta("python_version", platform.python_version())
    r.set_meta("mpi4py_version", mpi4py.__version__)
    r.set_meta("numpy_version", np.__version__)
    levels = (MPI.THREAD_SINGLE, MPI.THREAD_FUNNELED, MPI.THREAD_SERIALIZED, MPI.THREAD_MULTIPLE)
    granted = MPI.Query_thread()
    r.set_meta("mpi_thread_level", THREAD_LEVELS[levels.index(granted)] if granted in levels else "unknown")
    r.set_meta("pickle_protocol", MPI.pickle.PROTOCOL)
    if cfg.pickles:  # the generation that really ran
        r.set_meta("mpi4py_protocol", MPI4PY_GENERATION)
        r.set_meta("mpi_large_count_calls", "yes" if MPI4PY_GENERATION >= 4 and MPI.VERSION >= 4
                   else "no")
        if cfg.user:  # --payload MODULE:FUNCTION (the row's payload column says user)
            r.set_meta("payload", cfg.user_payload)
        if cfg.payload == "ndarray":  # the NumPy that pickled the arrays
            r.set_meta("numpy_pickle", np.__version__.split(".")[0])
        r.set_meta("heap", heap)
    if "pkl5" in cfg.paths:  # what mpi4py.util.pkl5 really used
        from mpi4py.util import pkl5
        r.set_meta("pkl5_threshold", pkl5.pickle.THRESHOLD)
