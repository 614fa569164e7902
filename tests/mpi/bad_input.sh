#!/usr/bin/env bash
# bad_input.sh NP CASE: one kind of bad input must give exit code 2 (or 1
# where stated), one clear line from rank 0 naming the problem, no hang
# (the whole run is under a timeout), and no results. Small defaults come
# first on the command line so that the case's own options win.
source "$(dirname "$0")/../lib.sh"
np=$1 case=$2
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
want_rc=2
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
  bad-root) args=(bcast --root "$np") want="--root $np is not a rank of this job" ;;
  unwritable-output) args=(-o /proc/mpimark/r.csv) want="cannot write '/proc/mpimark/r.csv'" ;;
  output-exists)
    echo keep > "$dir/r.csv"
    args=(-o "$dir/r.csv") want="exists; mpimark never overwrites results" ;;
  bad-output-suffix) args=(-o "$dir/r.txt") want="must end in .csv or .json" ;;
  too-much-memory)
    # scatter and gather of 2 GiB - 1 need 2 x NP x 2 GiB per rank, NP ranks
    # per node: more than this machine has (NP >= 4). Refused before allocating.
    args=(scatter gather -m 2047M) want="cannot allocate buffers for messages of 2047 MiB" ;;
  malloc-fails)
    # 1 GiB messages under a 3 GiB address-space limit: malloc itself fails;
    # every rank must agree and exit 2 rather than crash. AddressSanitizer
    # reserves terabytes of shadow memory and cannot start under ulimit -v.
    if ldd "$MPIMARK" | grep -q libasan; then echo "skipped under ASan"; exit 77; fi
    ulimit -v 3000000
    args=(scatter -m 1G) want="cannot allocate buffers for messages of 1 GiB" ;;
  too-few-ranks) args=(sendrecv) want="sendrecv needs at least 2 ranks, this job has 1" ;;
  *) fail "unknown case $case" ;;
esac

set +e
timeout 60 bash -c 'source "$1"; shift; launch "$@"' _ "$(dirname "$0")/../lib.sh" \
  "$np" "$MPIMARK" -m 1 -i 1 -q "${args[@]}" > "$dir/out" 2> "$dir/err"
rc=$?
set -e
[ $rc -ne 124 ] || fail "$case: timed out (a rank hung)"
[ $rc -eq $want_rc ] || { cat "$dir/err" >&2; fail "$case: exit $rc, want $want_rc"; }
n=$(grep -c "^mpimark: " "$dir/err" || true)
[ "$n" -eq 1 ] || { cat "$dir/err" >&2; fail "$case: $n mpimark lines on stderr, want 1"; }
grep -qF -- "$want" "$dir/err" || { cat "$dir/err" >&2; fail "$case: stderr lacks '$want'"; }
[ "$case" = output-exists ] && [ "$(cat "$dir/r.csv")" != keep ] && fail "existing file changed"
[ -s "$dir/out" ] && { cat "$dir/out" >&2; fail "$case: printed results"; }
echo "ok: $case at $np ranks: $(grep '^mpimark: ' "$dir/err")"
