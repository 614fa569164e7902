#!/usr/bin/env bash
# validation.sh NP: -c must catch a corrupted byte. The test hook
# MPIMARK_TEST_CORRUPT_RANK flips one received byte (object path: changes
# the first element of the decoded object) on that rank after the
# validation run; mpimark must exit 1 naming the operation, size and rank.
# Without -c the same hook must change nothing (exit 0; one launch per path
# and payload).
source "$(dirname "$0")/../lib.sh"
np=$1
rank=1 # receives data in every one of these operations (root 0)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
check() { # path payload op [options]
  local path=$1 payload=$2 op=$3
  shift 3
  set +e
  MPIMARK_TEST_CORRUPT_RANK=$rank timeout 60 bash -c 'source "$1"; shift; launch "$@"' _ \
    "$(dirname "$0")/../lib.sh" "$np" "$MPIMARK" "$op" --path "$path" --payload "$payload" -c \
    -m 4K -i 2 -q "$@" > "$dir/out" 2> "$dir/err"
  rc=$?
  set -e
  [ $rc -eq 1 ] || { cat "$dir/err" >&2; fail "$op $path: corrupted data gave exit $rc, want 1"; }
  grep -q "validation failed: $op ($path path), 4 KiB: rank $rank: .* of [0-9]* is " "$dir/err" \
    || { cat "$dir/err" >&2; fail "$op $path: no validation message naming op, size and rank"; }
  echo "ok: $op $path/$payload corruption detected at rank $rank of $np"
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
for op in $ops; do
  check buffer bytes "$op"
  check object bytes "$op"
  check object floats "$op"
  check object ndarray "$op"
done
for payload in bytes floats ndarray; do
  unharmed "$([ $payload = bytes ] && echo buffer,object || echo object)" $payload "$ops"
done
pkl5_ops="sendrecv bcast scatter" # the pkl5 path, an array out-of-band
for op in $pkl5_ops; do
  check pkl5 ndarray "$op" --pkl5-threshold 1K
done
unharmed pkl5 ndarray "$pkl5_ops" --pkl5-threshold 1K
