# The mpi4py runner for scripts/quickstart --python (sourced after
# common.sh, not run): benchmarks/python/mpimark.py on 2 local ranks after
# the C run, writing mpi4py.csv and mpi4py.txt into the same results folder.

# What the runner needs: Debian's python3 with mpi4py and numpy.
MPIMARK_PYTHON_PACKAGES=(python3 python3-mpi4py python3-numpy)
MPIMARK_PYTHON=/usr/bin/python3

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
  ensure_packages "${MPIMARK_PYTHON_PACKAGES[@]}"
  local runner="$MPIMARK_ROOT/benchmarks/python/mpimark.py"
  say "running: mpirun -np 2 $MPIMARK_PYTHON benchmarks/python/mpimark.py $* as separate launches merged (results in ${dir#"$MPIMARK_ROOT"/})"
  if ! measured "$dir/mpi4py.csv" "$dir/mpi4py.txt" mpirun --oversubscribe -np 2 \
    "$MPIMARK_PYTHON" "$runner" "$@"; then
    say "the mpi4py run failed; the C results are kept"
    return 1
  fi
  cat "$dir/mpi4py.txt"
}
