#!/usr/bin/env bash
# wire.sh WIRE_LOG_LIB: what goes on the wire, recorded by a PMPI interposer
# (wire_log.c, LD_PRELOAD) on 2 ranks.
#   - --mpi4py 4 sends a pickle's length as 8 bytes (MPI_COUNT), --mpi4py 3
#     as 4 (MPI_INT): the bcast of the length, then of the 23-byte pickle of
#     8 bytes;
#   - with --mpi4py G, the pkl5 path makes the same kinds of calls (call,
#     count, type size, tag) as the real mpi4py.util.pkl5 of generation G
#     for a 64 KiB array sent out-of-band: 3 with Debian's 3.1 ($PYTHON), 4
#     with the pinned 4.x of scripts/venv ($PYTHON4): send/recv (the info
#     vector, the pickle, the buffer, probed and received) and bcast (the
#     info's length, the info, the pickle, the buffer); with 4.x also
#     scatter, gather, allgather and alltoall (point to point under pkl5's
#     own tags: the calls, counts and type sizes);
#   - with --mpi4py G, the object path makes the calls of real mpi4py G.x
#     with a 1 KiB bytes object, for every operation of ops.def: each call
#     that moves the pickle (call, count, type size) and each kind of probe
#     (none for barrier).
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
# few bytes and, from mpi4py 4 on, its length before it (one 8-byte
# MPI_COUNT): the runner agrees on errors with comm.allreduce of a Python
# int, on mpi4py's private communicator whose first tag is 1 too, and
# shares its seed with comm.bcast. Both harnesses also bcast the same
# doubles (window start and length): in both sets alike.
calls() { # OP FILE...: sendrecv's tag-1 calls, or bcast's bcasts
  local want=$1
  shift
  awk -v op="$want" '(op == "bcast" ? $1 == "Bcast" : $4 == 1 && !($2 == 1 && $3 == 8)) &&
    $3 != 4 && !($3 == 1 && $2 < 64)' "$@" | sort -u
}
object_args=(--path object -m 1K -i 3 -x 0 --rounds 1 --sync barrier)
pickle_calls() { # BYTES FILE...: the calls moving BYTES (a pickle), and probes
  local n=$1
  shift
  awk -v n="$n" '$2 * $3 == n || $1 ~ /probe$/' "$@" | cut -d' ' -f1-3 | sort -u
}
ops_def() { sed -n 's/^MM_OP(\([a-z0-9_]*\),.*/\1/p' "$(dirname "$0")/../../common/defs/ops.def"; }
p2p_calls() { awk '$2 * $3 >= 64 || ($2 == 2 && $3 == 8 && $4 != -1)' "$@" | cut -d' ' -f1-3 | sort -u; }
runner=$(cd "$(dirname "$0")/../.." && pwd)/programs/python/mpimark.py
# Real mpi4py of both generations: Debian's 3.1 ($PYTHON) and the pinned 4.x
# of scripts/venv ($PYTHON4, when the test has it).
reals=("3 ${PYTHON:-/usr/bin/python3}")
[ -z "${PYTHON4:-}" ] || reals+=("4 $PYTHON4")
for real in "${reals[@]}"; do
  read -r gen python <<< "$real"
  if ! "$python" -c 'import mpi4py.util.pkl5, numpy' 2> /dev/null; then
    echo "ok: no mpi4py $gen.x here to compare the C pkl5 path with ($python)"
    continue
  fi
  version=$("$python" -c 'import mpi4py; print(mpi4py.__version__)')
  [ "${version%%.*}" = "$gen" ] || fail "$python has mpi4py $version, not $gen.x"
  # The model of that generation, pickling arrays as that Python's NumPy.
  model=(--mpi4py "$gen" --numpy "$("$python" -c 'import numpy; print(numpy.__version__.split(".")[0])')")
  # The object path, every operation: the calls that carry the pickle of a
  # 1 KiB bytes object (call, count, type size) and the probes.
  pickle=$("$python" -c 'import pickle; print(len(pickle.dumps(bytes(1024), protocol=5)))')
  for op in $(ops_def); do
    [[ " reduce_scatter ibcast iallreduce " != *" $op "* ]] || continue # no lowercase method: no object path
    wired "obj-c$gen-$op" "$MPIMARK" "$op" "${object_args[@]}" --mpi4py "$gen"
    wired "obj-py$gen-$op" "$python" "$runner" "$op" "${object_args[@]}"
    c=$(pickle_calls "$pickle" "$dir/obj-c$gen-$op".*)
    py=$(pickle_calls "$pickle" "$dir/obj-py$gen-$op".*)
    if [ "$op" = barrier ]; then # comm.barrier() is MPI_Barrier: no pickle, no probe
      [ -z "$c$py" ] || fail "a barrier moved a pickle or probed: C: $c; mpi4py $version: $py"
      echo "ok: the object path's barrier moves no pickle and probes nothing, as mpi4py $version's"
      continue
    fi
    [ -n "$c" ] || fail "the C object path's $op moved no $pickle-byte pickle"
    [ "$c" = "$py" ] || fail "the object path's $op calls differ from real mpi4py $version's:
C (--mpi4py $gen): $(tr '\n' ';' <<< "$c")
mpi4py $version: $(tr '\n' ';' <<< "$py")"
    echo "ok: the object path's $op calls are real mpi4py $version's: $(tr '\n' ';' <<< "$c")"
  done
  ops=(sendrecv bcast)
  [ "$gen" = 3 ] || ops+=(scatter gather allgather alltoall) # pkl5 has them from 4.0 on
  for op in "${ops[@]}"; do
    wired "c$gen-$op" "$MPIMARK" "$op" "${pkl5_args[@]}" "${model[@]}"
    wired "py$gen-$op" "$python" "$runner" "$op" "${pkl5_args[@]}"
    case $op in
      sendrecv | bcast)
        c=$(calls "$op" "$dir/c$gen-$op".*)
        py=$(calls "$op" "$dir/py$gen-$op".*)
        grep -Eq "^(Send|Bcast) 65536 1 (1|-1)$" <<< "$c" || fail "the C pkl5 $op sent no 64 KiB buffer: $c"
        grep -Eq "^(Send|Bcast) 2 8 (1|-1)$" <<< "$c" || fail "the C pkl5 $op sent no 2-entry info: $c"
        ;;
      *) # point-to-point under a tag of pkl5's own, which differs run to run:
        # the calls that carry the info vector (2 doubles) or 64 bytes or more.
        c=$(p2p_calls "$dir/c$gen-$op".*)
        py=$(p2p_calls "$dir/py$gen-$op".*)
        grep -q "^Recv 65536 1$" <<< "$c" || fail "the C pkl5 $op received no 64 KiB buffer: $c"
        ;;
    esac
    [ "$c" = "$py" ] || fail "the pkl5 path's $op calls differ from real mpi4py $version's:
C (--mpi4py $gen):
$c
mpi4py $version:
$py"
    echo "ok: the pkl5 path's $op calls are real mpi4py $version's: $(tr '\n' ';' <<< "$c")"
  done
done
