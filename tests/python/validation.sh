#!/usr/bin/env bash
# validation.sh NP: -c must catch a corrupted byte or float on both paths of
# the mpi4py runner. The test hook MPIMARK_TEST_CORRUPT_RANK flips what that
# rank received in the validation run (a byte of the buffer, or the first
# byte / float of the received object); the runner must exit 1 naming the
# operation, path, size and rank. Without -c the hook changes nothing.
source "$(dirname "$0")/lib.sh"
np=$1
rank=1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
# One launch per path, payload and root: a failed check stops the run
# after its first round, which checks every cell; each op must be named.
for path_payload in buffer:bytes object:bytes object:floats object:ndarray pkl5:ndarray; do
  path=${path_payload%:*} payload=${path_payload#*:}
  for root_ops in "0:sendrecv isendirecv bcast scatter allreduce" "1:gather reduce"; do
    root=${root_ops%%:*} ops=${root_ops#*:} # rank 1 must be a receiver
    [ "$path" = pkl5 ] && { [ "$root" = 0 ] || continue; ops="sendrecv bcast"; } # pkl5 in mpi4py 3.1
    set +e
    # shellcheck disable=SC2086 # a list of operations
    MPIMARK_TEST_CORRUPT_RANK=$rank timeout 60 bash -c 'source "$1"; shift; pyrun "$@"' _ \
      "$(dirname "$0")/lib.sh" "$np" $ops --path "$path" --payload "$payload" --root "$root" \
      --pkl5-threshold 1K -c -m 4K -i 2 -q > "$dir/out" 2> "$dir/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || { cat "$dir/err" >&2; fail "$ops $path $payload: corrupted data gave exit $rc, want 1"; }
    for op in $ops; do
      grep -q "^mpimark: validation failed: $op ($path path), 4 KiB: rank $rank: .* of [0-9]* is " "$dir/err" \
        || { cat "$dir/err" >&2; fail "$op $path $payload: no message naming op, path, size and rank"; }
    done
    [ -s "$dir/out" ] && fail "$ops $path $payload: printed results after a failed validation"
    echo "ok: $ops $path ($payload) corruption detected at rank $rank of $np, each named"
  done
done
# Without -c the hook changes nothing: one launch per root.
for root_ops in "0:sendrecv isendirecv bcast scatter allreduce" "1:gather reduce"; do
  # shellcheck disable=SC2086 # a list of operations
  MPIMARK_TEST_CORRUPT_RANK=$rank pyrun "$np" ${root_ops#*:} --root "${root_ops%%:*}" -m 4K -i 2 -q \
    > /dev/null || fail "${root_ops#*:}: the hook changed a run without -c"
done
