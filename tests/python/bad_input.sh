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
case $case in
  unknown-op) args=(allgather) want="unknown operation 'allgather'" ;;
  unknown-option) args=(--frobnicate) want="unknown option '--frobnicate'" ;;
  reversed-range) args=(-m 4K:1K) want="MIN is larger than MAX" ;;
  malformed-size) args=(-m 1x) want="unknown suffix" ;;
  malformed-list) args=(-m 8,,16) want="empty or overlong item" ;;
  size-too-large) args=(-m 4G) want="exceeds the largest MPI message" ;;
  zero-iterations) args=(-i 0) want="bad iteration count '0'" ;;
  negative-iterations) args=(-i -5) want="bad iteration count '-5'" ;;
  negative-warmup) args=(-x -1) want="bad warmup count '-1'" ;;
  missing-value) args=(--sizes) want="needs a value" ;;
  bad-format) args=(--format xml) want="bad --format 'xml'" ;;
  bad-path) args=(--path pickled) want="bad --path 'pickled'" ;;
  bad-payload) args=(--payload ints) want="bad --payload 'ints'" ;;
  bad-time) args=(--time 0) want="bad --time '0'" ;;
  bad-window) args=(-W 5000) want="bad window '5000': at most 4096" ;;
  flag-with-value) args=(-cq) want="option --validate takes no value" ;;
  bad-root) args=(bcast --root "$np") want="--root $np is not a rank of this job" ;;
  unwritable-output) args=(-o /proc/mpimark/r.csv) want="cannot write '/proc/mpimark/r.csv'" ;;
  output-exists)
    echo keep > "$dir/r.csv"
    args=(-o "$dir/r.csv") want="exists; mpimark never overwrites results" ;;
  bad-output-suffix) args=(-o "$dir/r.txt") want="must end in .csv or .json" ;;
  too-much-memory)
    # scatter and gather of 2047 MiB need 2 x NP x 2 GiB per rank: more than
    # the node has (NP >= 4); refused before allocating (as the C test).
    args=(scatter gather -m 2047M) want="cannot allocate buffers for messages of 2047 MiB" ;;
  malloc-fails)
    # 1 GiB messages under a 3 GiB address-space limit: allocation itself
    # fails (as the C test). The C reference cannot start under ulimit -v
    # when built with AddressSanitizer.
    if ldd "$MPIMARK" | grep -q libasan; then echo "skipped under ASan"; exit 77; fi
    ulimit -v 3000000
    args=(scatter -m 1G) want="cannot allocate buffers for messages of 1 GiB" ;;
  too-few-ranks) args=(sendrecv) want="sendrecv needs at least 2 ranks, this job has 1" ;;
  missing-mpi4py | missing-numpy)
    module=${case#missing-}
    mkdir -p "$dir/block/$module"
    echo "raise ImportError('No module named $module (blocked by the test)')" \
      > "$dir/block/$module/__init__.py"
    env=(env "PYTHONPATH=$dir/block")
    args=() want="needs '$module' (Debian package python3-$module)"
    compare_c=0 ;;
  *) fail "unknown case $case" ;;
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
[ $rc -ne 124 ] || fail "$case: timed out (a rank hung)"
[ $rc -eq 2 ] || { cat "$dir/err" >&2; fail "$case: exit $rc, want 2"; }
n=$(grep -c "^mpimark: " "$dir/err" || true)
[ "$n" -eq 1 ] || { cat "$dir/err" >&2; fail "$case: $n mpimark lines on stderr, want 1"; }
grep -qF -- "$want" "$dir/err" || { cat "$dir/err" >&2; fail "$case: stderr lacks '$want'"; }
[ "$case" = output-exists ] && [ "$(cat "$dir/r.csv")" != keep ] && fail "existing file changed"
[ -s "$dir/out" ] && { cat "$dir/out" >&2; fail "$case: printed results"; }
line=$(grep '^mpimark: ' "$dir/err")

if [ $compare_c -eq 1 ]; then
  run "$dir/c-out" "$dir/c-err" "$MPIMARK"
  c_line=$(grep '^mpimark: ' "$dir/c-err" || true)
  # Free memory moves between the two runs.
  norm() { sed -E 's/[0-9.]+ GiB available/N GiB available/'; }
  [ "$(norm <<< "$line")" = "$(norm <<< "$c_line")" ] || fail "$case: the message differs from the C binary's:
C:      $c_line (exit $rc)
Python: $line"
fi
echo "ok: $case at $np ranks: $line"
