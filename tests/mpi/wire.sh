#!/usr/bin/env bash
# wire.sh WIRE_LOG_LIB: what goes on the wire, recorded by a PMPI interposer
# (wire_log.c, LD_PRELOAD) on 2 ranks.
#   - --mpi4py 4 sends a pickle's length as 8 bytes (MPI_COUNT), --mpi4py 3
#     as 4 (MPI_INT): the bcast of the length, then of the 23-byte pickle of
#     8 bytes;
#   - the pkl5 path makes the same kinds of point-to-point calls (call,
#     count, type size, tag) as the real mpi4py.util.pkl5 for a 64 KiB array
#     sent out-of-band: the info vector, the pickle, the buffer, each probed
#     and received (when the runner's Python has mpi4py).
source "$(dirname "$0")/../lib.sh"
lib=$1
[ -f "$lib" ] || fail "no interposer at '$lib'"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
wired() { # NAME COMMAND...: run with the interposer, the ranks' logs in $dir/NAME.*
  local name=$1
  shift
  launch 2 env LD_PRELOAD="$lib" MPIMARK_WIRE_LOG="$dir/$name" "$@" \
    -q > /dev/null || fail "$name: exited $?"
  cat "$dir/$name".* > /dev/null || fail "$name: no wire log"
}
# A length bcast right before the pickle's bcast: "LENGTH-SIZE PICKLE-COUNT".
length_then_pickle() { awk '$1 == "Bcast" { if (prev != "" && $3 == 1 && $2 == 23) print prev " " $2; prev = ($2 == 1 ? $3 : "") }' "$@" | sort -u; }
for gen in 3 4; do
  wired "g$gen" "$MPIMARK" bcast --path object -m 8 -i 3 -x 0 --rounds 1 --sync barrier --mpi4py "$gen"
  want=$([ $gen = 4 ] && echo "8 23" || echo "4 23")
  got=$(length_then_pickle "$dir/g$gen".*)
  [ "$got" = "$want" ] || fail "--mpi4py $gen: length then pickle bcasts '$got', want '$want'"
  echo "ok: --mpi4py $gen sends a pickle's length in $(cut -d' ' -f1 <<< "$want") bytes"
done

pkl5_args=(sendrecv --path pkl5 --payload ndarray -m 64K --pkl5-threshold 1K -i 3 -x 0 --rounds 1)
wired c "$MPIMARK" "${pkl5_args[@]}"
# The operation's data messages: tag 1, and not the runner's own error
# agreement (comm.allreduce of a Python int: an MPI_INT length and a pickle
# of a few bytes on mpi4py's private communicator, whose first tag is 1 too).
calls() { awk '$4 == 1 && $3 != 4 && !($3 == 1 && $2 < 64)' "$@" | sort -u; }
c=$(calls "$dir"/c.*)
grep -q "^Send 65536 1 1$" <<< "$c" || fail "the C pkl5 path sent no 64 KiB buffer: $c"
grep -q "^Send 2 8 1$" <<< "$c" || fail "the C pkl5 path sent no 2-entry info vector: $c"
python=${PYTHON:-/usr/bin/python3}
if ! "$python" -c 'import mpi4py.util.pkl5, numpy' 2> /dev/null; then
  echo "ok: C pkl5 wire (no mpi4py here to compare with)"
  exit 0
fi
runner=$(cd "$(dirname "$0")/../.." && pwd)/benchmarks/python/mpimark.py
wired py "$python" "$runner" "${pkl5_args[@]}"
py=$(calls "$dir"/py.*)
[ "$c" = "$py" ] || fail "the pkl5 path's calls differ from real mpi4py.util.pkl5's:
C:
$c
mpi4py:
$py"
echo "ok: the pkl5 path's calls are real pkl5's: $(tr '\n' ';' <<< "$c")"
