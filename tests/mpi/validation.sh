#!/usr/bin/env bash
# validation.sh NP: -c must catch a corrupted byte. The test hook
# MPIMARK_TEST_CORRUPT_RANK flips one received byte (object path: changes
# the first element of the decoded object) on that rank after the
# validation run; mpimark must exit 1 naming each operation, with size and
# rank (one launch per path and payload: a failed check stops the run after
# its first round, which checks every cell). Without -c the same hook must
# change nothing (exit 0; one launch per path and payload).
source "$(dirname "$0")/../lib.sh"
np=$1
rank=1 # receives data in every one of these operations (root 0)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
check() { # PATH PAYLOAD OPS [options]: one launch; every op's check fails
  local path=$1 payload=$2 ops=$3 op
  shift 3
  set +e
  # shellcheck disable=SC2086 # OPS is a list of words
  MPIMARK_TEST_CORRUPT_RANK=$rank timeout 60 bash -c 'source "$1"; shift; launch "$@"' _ \
    "$(dirname "$0")/../lib.sh" "$np" "$MPIMARK" $ops --path "$path" --payload "$payload" -c \
    -m 4K -i 2 -q "$@" > "$dir/out" 2> "$dir/err"
  rc=$?
  set -e
  [ $rc -eq 1 ] || { cat "$dir/err" >&2; fail "$ops $path: corrupted data gave exit $rc, want 1"; }
  [ -s "$dir/out" ] && fail "$ops $path: printed results after a failed validation"
  for op in $ops; do
    grep -q "validation failed: $op ($path path), 4 KiB: rank $rank: .* of [0-9]* is " "$dir/err" \
      || { cat "$dir/err" >&2; fail "$op $path: no validation message naming op, size and rank"; }
  done
  echo "ok: $ops on $path/$payload: corruption detected at rank $rank of $np, each named"
}
# unharmed PATH PAYLOAD OPS [options]: the same hook without -c changes
# nothing: one launch of all the operations exits 0.
unharmed() {
  local path=$1 payload=$2 ops=$3
  shift 3
  # shellcheck disable=SC2086 # OPS is a list of words
  MPIMARK_TEST_CORRUPT_RANK=$rank launch "$np" "$MPIMARK" $ops --path "$path" \
    --payload "$payload" -m 4K -i 2 -q "$@" > /dev/null || fail "$path/$payload: the hook changed a run without -c"
  echo "ok: $ops on $path/$payload unchanged without -c"
}
ops="sendrecv isendirecv bcast scatter allreduce"
check buffer bytes "$ops"
for payload in bytes floats ndarray; do
  check object $payload "$ops"
done
for payload in bytes floats ndarray; do
  unharmed "$([ $payload = bytes ] && echo buffer,object || echo object)" $payload "$ops"
done
pkl5_ops="sendrecv bcast scatter" # the pkl5 path, an array out-of-band
check pkl5 ndarray "$pkl5_ops" --pkl5-threshold 1K
unharmed pkl5 ndarray "$pkl5_ops" --pkl5-threshold 1K
