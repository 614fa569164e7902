"""What the runner knows before MPI starts: its rank from the launcher's
environment, how to exit without leaving a rank waiting, and the modules
it cannot work without."""

import importlib
import os
import sys
import time


def launcher_rank():
    """This process's rank from the launcher's environment, before MPI is up."""
    for var in ("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"):
        value = os.environ.get(var, "")
        if value.isdigit():
            return int(value)
    return 0


def exit_before_mpi(code):
    """Exits without MPI. Rank 0 has printed why; the other ranks wait a
    moment first, because the launcher kills the whole job when the first
    rank exits, and rank 0 must have written its line by then."""
    if launcher_rank() != 0:
        sys.stderr.flush()
        time.sleep(2.0)
    sys.exit(code)


def require(modules):
    """Imports the modules this runner cannot work without. If any is
    missing, one line from rank 0 names the Debian packages, and every rank
    exits 2 before MPI starts (so no rank waits for another)."""
    loaded, missing = [], []
    for module, package in modules:
        try:
            loaded.append(importlib.import_module(module))
        except ImportError as e:
            missing.append((module, package, e))
    if not missing:
        return loaded
    if launcher_rank() == 0:
        python = sys.executable or "python3"
        packages = " ".join(dict.fromkeys(p for _, p, _ in missing))
        hint = "apt-get install %s" % packages
        if os.path.realpath(python) != os.path.realpath("/usr/bin/python3"):
            hint += ", or run the runner with /usr/bin/python3"
        sys.stderr.write("mpimark: the mpi4py runner needs %s, which %s cannot import (%s): %s\n" % (
            " and ".join("'%s' (Debian package %s)" % (m, p) for m, p, _ in missing), python,
            "; ".join(str(e) for _, _, e in missing), hint))
    exit_before_mpi(2)
