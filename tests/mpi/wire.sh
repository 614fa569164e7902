#!/usr/bin/env bash
# wire.sh WIRE_LOG_LIB: what goes on the wire, recorded by a PMPI interposer
# (wire_log.c, LD_PRELOAD) on 2 ranks.
#   - --mpi4py 4 sends a pickle's length as 8 bytes (MPI_COUNT), --mpi4py 3
#     as 4 (MPI_INT): the bcast of the length, then of the 23-byte pickle of
#     8 bytes;
#   - with --mpi4py 3, the pkl5 path makes the same kinds of calls (call,
#     count, type size, tag) as the real mpi4py.util.pkl5 (Debian's 3.1.4)
#     for a 64 KiB array sent out-of-band: send/recv (the info vector, the
#     pickle, the buffer, probed and received) and bcast (the info's length,
#     the info, the pickle, the buffer), when the runner's Python has mpi4py.
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

pkl5_args=(--path pkl5 --payload ndarray -m 64K --pkl5-threshold 1K -i 3 -x 0 --rounds 1)
# The operation's data calls: tag 1 (sendrecv) or bcasts (bcast), and not the
# runners' own small messages: an MPI_INT (4-byte) count, or a pickle of a
# few bytes (the runner agrees on errors with comm.allreduce of a Python
# int, on mpi4py's private communicator whose first tag is 1 too, and
# shares its seed with comm.bcast). Both harnesses also bcast the same
# doubles (window start and length): in both sets alike.
calls() { # OP FILE...: sendrecv's tag-1 calls, or bcast's bcasts
  local want=$1
  shift
  awk -v op="$want" '(op == "bcast" ? $1 == "Bcast" : $4 == 1) && $3 != 4 && !($3 == 1 && $2 < 64)' \
    "$@" | sort -u
}
python=${PYTHON:-/usr/bin/python3}
runner=$(cd "$(dirname "$0")/../.." && pwd)/benchmarks/python/mpimark.py
for op in sendrecv bcast; do
  wired "c-$op" "$MPIMARK" "$op" "${pkl5_args[@]}" --mpi4py 3
  c=$(calls "$op" "$dir/c-$op".*)
  grep -Eq "^(Send|Bcast) 65536 1 (1|-1)$" <<< "$c" || fail "the C pkl5 $op sent no 64 KiB buffer: $c"
  grep -Eq "^(Send|Bcast) 2 8 (1|-1)$" <<< "$c" || fail "the C pkl5 $op sent no 2-entry info: $c"
  if ! "$python" -c 'import mpi4py.util.pkl5, numpy' 2> /dev/null; then
    echo "ok: C pkl5 $op wire (no mpi4py here to compare with)"
    continue
  fi
  wired "py-$op" "$python" "$runner" "$op" "${pkl5_args[@]}"
  py=$(calls "$op" "$dir/py-$op".*)
  [ "$c" = "$py" ] || fail "the pkl5 path's $op calls differ from real mpi4py.util.pkl5's:
C:
$c
mpi4py:
$py"
  echo "ok: the pkl5 path's $op calls are real pkl5's: $(tr '\n' ';' <<< "$c")"
done
