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
expect_refused "$case" "$rc" "$dir/err" "$dir/out"
echo "ok: $case at $np ranks: $(grep '^mpimark: ' "$dir/err")"
