"""The run's metadata: the keys both runners write, gathered by the C
harness library on mpi4py's communicator (common/mpi/metadata.c: the run,
its settings, what pickled the objects, the thread level MPI granted),
then the runner's own (Python, mpi4py, NumPy, the pickle protocol)."""

import platform
import sys

from .. import version
from . import harness
from .mpi import MPI, mpi4py, np


def collect_metadata(comm, rank, cfg, seed, heap):
    """The run's metadata, {key: value} (in order), at rank 0 (collective).
    cfg says the mpi4py and NumPy that run (Suite sets them)."""
    argv = getattr(sys, "orig_argv", [sys.executable] + sys.argv)
    r = dict(harness.metadata(comm, version.project_version(), version.git_commit(), argv, cfg, seed, heap))
    if rank != 0:
        return r
    r["runner"] = "mpi4py"
    r["python_version"] = platform.python_version()
    r["mpi4py_version"] = mpi4py.__version__
    r["numpy_version"] = np.__version__
    r["pickle_protocol"] = MPI.pickle.PROTOCOL
    return r
