#!/usr/bin/env bash
# bad_input.sh NP CASE: one kind of bad input (tests/bad_input_cases.sh),
# checked without MPI through both runners' request checks as rank 0 of an
# NP-rank job runs them (tests/unit/request_tool.c, tests/python/
# request_tool.py): exit 2, exactly one "mpimark:" line naming the problem,
# no results; and the mpi4py runner's line is the C binary's, word for word.
# REQUEST_TOOL: the C tool; PYTHON: the interpreter (default /usr/bin/python3).
source "$(dirname "$0")/../lib.sh"
np=$1 case=$2
: "${REQUEST_TOOL:?the C request tool}"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
source "$(dirname "$0")/../bad_input_cases.sh"
bad_input_case "$case" "$np" "$dir" || fail "unknown case $case"

lines=()
for tool in "$REQUEST_TOOL" "${PYTHON:-/usr/bin/python3} $(dirname "$0")/../python/request_tool.py"; do
  set +e
  # shellcheck disable=SC2086 # the Python tool is an interpreter and a file
  timeout 60 $tool "$np" -m 1 -i 1 -q "${args[@]}" > "$dir/out" 2> "$dir/err" < /dev/null
  rc=$?
  set -e
  expect_refused "$case" "$rc" "$dir/err" "$dir/out"
  lines+=("$(grep '^mpimark: ' "$dir/err")")
done
[ "${lines[0]}" = "${lines[1]}" ] || fail "$case: the mpi4py runner's message differs from the C binary's:
C:      ${lines[0]}
Python: ${lines[1]}"
echo "ok: $case as rank 0 of $np ranks: ${lines[0]}"
