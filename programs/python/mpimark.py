#!/usr/bin/python3
"""The mpi4py runner's path in a clone and an install (mpirun -np 2 python3
programs/python/mpimark.py ...): runs `mpimark-py run` from the package
beside it (python/mpimark_py: ../../python here, in both layouts)."""

import os
import sys

python = os.path.normpath(os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "python"))
path = os.pathsep.join(p for p in (python, os.environ.get("PYTHONPATH")) if p)
os.execve(sys.executable, [sys.executable, "-m", "mpimark_py", "run", *sys.argv[1:]],
          dict(os.environ, PYTHONPATH=path, PYTHONDONTWRITEBYTECODE="1"))
