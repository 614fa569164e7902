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
for op in sendrecv isendirecv bcast scatter gather reduce allreduce; do
  root=0
  case $op in gather | reduce) root=1 ;; esac # rank 1 must be a receiver
  paths="buffer:bytes object:bytes object:floats object:ndarray"
  case $op in sendrecv | bcast) paths+=" pkl5:ndarray" ;; esac # what pkl5 has in mpi4py 3.1
  for path_payload in $paths; do
    path=${path_payload%:*} payload=${path_payload#*:}
    set +e
    MPIMARK_TEST_CORRUPT_RANK=$rank timeout 60 bash -c 'source "$1"; shift; pyrun "$@"' _ \
      "$(dirname "$0")/lib.sh" "$np" "$op" --path "$path" --payload "$payload" --root "$root" \
      --pkl5-threshold 1K -c -m 4K -i 2 -q > "$dir/out" 2> "$dir/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || { cat "$dir/err" >&2; fail "$op $path $payload: corrupted data gave exit $rc, want 1"; }
    grep -q "^mpimark: validation failed: $op ($path path), 4 KiB: rank $rank: .* of [0-9]* is " "$dir/err" \
      || { cat "$dir/err" >&2; fail "$op $path $payload: no message naming op, path, size and rank"; }
    [ -s "$dir/out" ] && fail "$op $path $payload: printed results after a failed validation"
    echo "ok: $op $path ($payload) corruption detected at rank $rank of $np"
  done
done
# Without -c the hook changes nothing: one launch per root.
for root_ops in "0:sendrecv isendirecv bcast scatter allreduce" "1:gather reduce"; do
  # shellcheck disable=SC2086 # a list of operations
  MPIMARK_TEST_CORRUPT_RANK=$rank pyrun "$np" ${root_ops#*:} --root "${root_ops%%:*}" -m 4K -i 2 -q \
    > /dev/null || fail "${root_ops#*:}: the hook changed a run without -c"
done
