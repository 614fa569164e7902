# The Python side from a clone (sourced by the shims in scripts/): the
# package python/mpimark_py, run as `python3 -m mpimark_py COMMAND ...`,
# which is what `mpimark-py COMMAND` is once installed.

# mpimark_py COMMAND ARGS...: runs the command in place of the shell.
mpimark_py() {
  PYTHONPATH="$MPIMARK_ROOT/python${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
    exec "${MPIMARK_PYTHON:-python3}" -m mpimark_py "$@"
}

# mpimark_py_file FILE ARGS...: runs a Python file of the clone (bench/py/)
# with the package importable, as mpimark_py does; /usr/bin/python3 unless
# MPIMARK_PYTHON, because the benchmarks need NumPy and mpi4py from Debian.
mpimark_py_file() {
  PYTHONPATH="$MPIMARK_ROOT/python${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
    MPIMARK_ROOT=$MPIMARK_ROOT exec "${MPIMARK_PYTHON:-/usr/bin/python3}" "$@"
}
