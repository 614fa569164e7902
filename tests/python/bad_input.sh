#!/usr/bin/env bash
# bad_input.sh NP CASE: bad input to the mpi4py runner gives exit 2, exactly
# one line from rank 0 naming the problem, no results and no hang; where
# the C binary has the same case, its line must be the same, word for word.
# missing-mpi4py / missing-numpy run /usr/bin/python3 with a PYTHONPATH
# folder whose mpi4py (numpy) package raises ImportError, so the module is
# deterministically missing whatever the machine has installed.
source "$(dirname "$0")/lib.sh"
np=$1 case=$2
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
compare_c=1
env=()
source "$(dirname "$0")/../bad_input_cases.sh"
case $case in
  missing-mpi4py | missing-numpy)
    module=${case#missing-}
    mkdir -p "$dir/block/$module"
    echo "raise ImportError('No module named $module (blocked by the test)')" \
      > "$dir/block/$module/__init__.py"
    env=(env "PYTHONPATH=$dir/block")
    args=() want="needs '$module' (Debian package python3-$module)"
    compare_c=0 ;;
  *) bad_input_case "$case" "$np" "$dir" || fail "unknown case $case" ;;
esac

# run OUT ERR PROGRAM...: under a timeout, small defaults first so that the
# case's own options win.
run() {
  local out=$1 err=$2
  shift 2
  set +e
  timeout 60 bash -c 'source "$1"; shift; launch "$@"' _ "$(dirname "$0")/lib.sh" \
    "$np" "$@" -m 1 -i 1 -q "${args[@]}" > "$out" 2> "$err" < /dev/null
  rc=$?
  set -e
}

run "$dir/out" "$dir/err" "${env[@]}" "$PYTHON" "$MPIMARK_PY"
expect_refused "$case" "$rc" "$dir/err" "$dir/out"
line=$(grep '^mpimark: ' "$dir/err")

if [ $compare_c -eq 1 ]; then
  run "$dir/c-out" "$dir/c-err" "$MPIMARK"
  c_line=$(grep '^mpimark: ' "$dir/c-err" || true)
  # Free memory moves between the two runs, and with it the default memory bound.
  norm() { sed -E 's/[0-9.]+ GiB available/N GiB available/; s/memory bound of [0-9.]+ GiB/memory bound of N GiB/'; }
  [ "$(norm <<< "$line")" = "$(norm <<< "$c_line")" ] || fail "$case: the message differs from the C binary's:
C:      $c_line (exit $rc)
Python: $line"
fi
echo "ok: $case at $np ranks: $line"
