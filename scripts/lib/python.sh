# The Python side from a clone (sourced by the shims in scripts/): the
# package python/mpimark_py, run as `python3 -m mpimark_py COMMAND ...`,
# which is what `mpimark-py COMMAND` is once installed.

# mpimark_py COMMAND ARGS...: runs the command in place of the shell.
mpimark_py() {
  PYTHONPATH="$MPIMARK_ROOT/python${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
    exec "${MPIMARK_PYTHON:-python3}" -m mpimark_py "$@"
}
