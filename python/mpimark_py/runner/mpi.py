"""NumPy, mpi4py and MPI for the runner's modules that talk MPI. Importing
this module imports them and starts MPI (as `from mpi4py import MPI` does),
so the modules that import it (ops, harness, metadata, suite) are imported
only once the request is known to be good (run.py); everything the runner
does before (options, the request, --help) needs neither. What it cannot
work with it refuses, on every rank and before MPI starts."""

import os
import sys

from .startup import exit_before_mpi, launcher_rank, require


THREAD_LEVELS = ("single", "funneled", "serialized", "multiple")  # MPI.THREAD_SINGLE, ...



np, mpi4py = require([("numpy", "python3-numpy"), ("mpi4py", "python3-mpi4py")])
# mpi4py asks MPI for MPI_THREAD_MULTIPLE unless told otherwise; that is
# what its users get, so it is the default here too. MPIMARK_MPI4PY_THREAD_LEVEL
# (single|funneled|serialized|multiple) sets mpi4py.rc.thread_level, to see
# what the thread level costs; #@mpi_thread_level records what MPI granted.
level = os.environ.get("MPIMARK_MPI4PY_THREAD_LEVEL", "multiple")
if level not in THREAD_LEVELS:
    if launcher_rank() == 0:
        sys.stderr.write("mpimark: bad MPIMARK_MPI4PY_THREAD_LEVEL '%s': expected single, "
                         "funneled, serialized or multiple\n" % level)
    exit_before_mpi(2)
mpi4py.rc.thread_level = level
(MPI,) = require([("mpi4py.MPI", "python3-mpi4py")])
MPI4PY_GENERATION = int(mpi4py.__version__.split(".")[0])  # the protocol that runs
