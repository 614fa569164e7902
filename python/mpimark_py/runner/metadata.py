"""The run's metadata: the keys both runners write, gathered by the C
harness library on mpi4py's communicator (common/mpi/metadata.c), the
settings (common/core/runmeta.c), then the runner's own (Python, mpi4py,
the pickles it really made, thread level)."""

import platform
import sys

from .. import core, version
from . import harness
from .mpi import MPI, MPI4PY_GENERATION, THREAD_LEVELS, mpi4py, np


def collect_metadata(comm, rank, cfg, seed, heap):
    """The run's metadata, {key: value} (in order; a key set again keeps
    its place), at rank 0 (collective)."""
    argv = getattr(sys, "orig_argv", [sys.executable] + sys.argv)
    r = dict(harness.metadata(comm, version.project_version(), version.git_commit(), argv))
    if rank != 0:
        return r
    r.update(core.settings_meta(cfg.c, seed))
    # What this runner adds.
    r["runner"] = "mpi4py"
    r["python_version"] = platform.python_version()
    r["mpi4py_version"] = mpi4py.__version__
    r["numpy_version"] = np.__version__
    levels = (MPI.THREAD_SINGLE, MPI.THREAD_FUNNELED, MPI.THREAD_SERIALIZED, MPI.THREAD_MULTIPLE)
    granted = MPI.Query_thread()
    r["mpi_thread_level"] = THREAD_LEVELS[levels.index(granted)] if granted in levels else "unknown"
    r["pickle_protocol"] = MPI.pickle.PROTOCOL
    if cfg.pickles:  # the generation that really ran
        r["mpi4py_protocol"] = MPI4PY_GENERATION
        r["mpi_large_count_calls"] = "yes" if MPI4PY_GENERATION >= 4 and MPI.VERSION >= 4 else "no"
        if cfg.user:  # --payload MODULE:FUNCTION (the row's payload column says user)
            r["payload"] = cfg.user_payload
        if cfg.payload == "ndarray":  # the NumPy that pickled the arrays
            r["numpy_pickle"] = np.__version__.split(".")[0]
        r["heap"] = heap
    if "pkl5" in cfg.paths:  # what mpi4py.util.pkl5 really used
        from mpi4py.util import pkl5
        r["pkl5_threshold"] = pkl5.pickle.THRESHOLD
    return r
