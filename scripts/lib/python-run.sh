# The mpi4py runner for scripts/quickstart --python (sourced after
# common.sh, not run): programs/python/mpimark.py on 2 local ranks after
# the C run, writing mpi4py.csv and mpi4py.txt into the same results folder.

# The runner's Python: $MPIMARK_PYTHON when set (Debian's mpi4py 3.1:
# MPIMARK_PYTHON=/usr/bin/python3), else the venv of scripts/venv with the
# mpi4py 4.x and NumPy 2 that pip gives users (made on first use).

# python_parse_args ARGS...: takes --python out of the arguments.
# Sets MPIMARK_WITH_PYTHON (0 or 1) and MPIMARK_ARGS (the rest, in order).
python_parse_args() {
  MPIMARK_WITH_PYTHON=0
  MPIMARK_ARGS=()
  local a
  for a in "$@"; do
    if [ "$a" = --python ]; then MPIMARK_WITH_PYTHON=1; else MPIMARK_ARGS+=("$a"); fi
  done
}

# run_python DIR [mpimark options...]: the runner with the options the C
# run had (they are the same options), results in DIR/mpi4py.csv and the
# table in DIR/mpi4py.txt. A failure keeps the C results and returns 1.
run_python() {
  local dir=$1
  shift
  local runner="$MPIMARK_ROOT/programs/python/mpimark.py" python=${MPIMARK_PYTHON:-}
  if [ -z "$python" ] && ! python=$("$MPIMARK_ROOT/scripts/venv"); then
    say "no mpi4py 4.x venv (scripts/venv failed, above); MPIMARK_PYTHON=/usr/bin/python3 runs Debian's mpi4py 3.1 instead; the C results are kept"
    return 1
  fi
  say "the mpi4py runner on $python: $("$python" -c 'import mpi4py, numpy; print("mpi4py", mpi4py.__version__, "and NumPy", numpy.__version__)')"
  say "running: mpirun -np 2 ${python#"$MPIMARK_ROOT"/} programs/python/mpimark.py $* as separate launches merged (results in ${dir#"$MPIMARK_ROOT"/})"
  if ! measured "$dir/mpi4py.csv" "$dir/mpi4py.txt" mpirun --oversubscribe -np 2 \
    "$python" "$runner" "$@"; then
    say "the mpi4py run failed; the C results are kept"
    return 1
  fi
  cat "$dir/mpi4py.txt"
}
