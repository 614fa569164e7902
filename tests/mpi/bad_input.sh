#!/usr/bin/env bash
# bad_input.sh NP CASE: one kind of bad input (tests/bad_input_cases.sh)
# must give exit code 2, one clear line from rank 0 naming the problem, no hang
# (the whole run is under a timeout), and no results. Small defaults come
# first on the command line so that the case's own options win.
source "$(dirname "$0")/../lib.sh"
np=$1 case=$2
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
source "$(dirname "$0")/../bad_input_cases.sh"
bad_input_case "$case" "$np" "$dir" || fail "unknown case $case"

set +e
timeout 60 bash -c 'source "$1"; shift; launch "$@"' _ "$(dirname "$0")/../lib.sh" \
  "$np" "$MPIMARK" -m 1 -i 1 -q "${args[@]}" > "$dir/out" 2> "$dir/err"
rc=$?
set -e
[ $rc -ne 124 ] || fail "$case: timed out (a rank hung)"
[ $rc -eq 2 ] || { cat "$dir/err" >&2; fail "$case: exit $rc, want 2"; }
n=$(grep -c "^mpimark: " "$dir/err" || true)
[ "$n" -eq 1 ] || { cat "$dir/err" >&2; fail "$case: $n mpimark lines on stderr, want 1"; }
grep -qF -- "$want" "$dir/err" || { cat "$dir/err" >&2; fail "$case: stderr lacks '$want'"; }
[ "$case" = output-exists ] && [ "$(cat "$dir/r.csv")" != keep ] && fail "existing file changed"
[ -s "$dir/out" ] && { cat "$dir/out" >&2; fail "$case: printed results"; }
echo "ok: $case at $np ranks: $(grep '^mpimark: ' "$dir/err")"
