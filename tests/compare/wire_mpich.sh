#!/usr/bin/env bash
# wire_mpich.sh: the MPICH build (MPI 4.0, which has the large-count calls)
# makes the calls of mpi4py 4.x with --mpi4py 4 and those of 3.1 with
# --mpi4py 3, seen by the PMPI interposer of the wire tests
# (tests/mpi/wire_log.c, built here with mpicc.mpich, LD_PRELOAD): for a
# 1 KiB object (a 1042-byte pickle), 4.x sends it with MPI_Send_c,
# broadcasts it with MPI_Bcast_c, scatters it with MPI_Scatterv_c and
# gathers it with MPI_Gatherv_c; 3.1 makes the int calls and no _c call.
# Real mpi4py 4.x built against this MPICH ($PYTHON4_MPICH, scripts/venv
# --mpi mpich) makes exactly the model's calls of that pickle.
source "$(dirname "$0")/../lib.sh"
bin=$COMPARE_BUILD_MPICH/bin/mpimark
[ -x "$bin" ] || fail "$bin does not exist (the compare.build.mpich fixture failed?)"
export MPIEXEC=mpiexec.mpich
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
mpicc.mpich -shared -fPIC -o "$dir/wire.so" "$(dirname "$0")/../mpi/wire_log.c" \
  || fail "cannot build the interposer with mpicc.mpich"
for gen in 3 4; do
  launch 2 env LD_PRELOAD="$dir/wire.so" MPIMARK_WIRE_LOG="$dir/g$gen" "$bin" sendrecv bcast \
    scatter gather --path object -m 1K -i 3 -x 0 --rounds 1 --sync barrier --mpi4py "$gen" -q \
    > /dev/null || fail "--mpi4py $gen: exited $?"
  calls=$(cut -d' ' -f1,2 "$dir/g$gen".* | sort -u)
  suffix=$([ $gen = 4 ] && echo _c || echo "")
  for call in Send Bcast Scatterv Gatherv; do
    grep -qx "$call$suffix 1042" <<< "$calls" \
      || fail "--mpi4py $gen: no $call$suffix of the 1042-byte pickle; calls: $(tr '\n' ';' <<< "$calls")"
  done
  if [ $gen = 4 ]; then
    ! grep -Eqx "(Send|Bcast|Scatterv|Gatherv) 1042" <<< "$calls" || fail "--mpi4py 4 made int data calls too"
  else
    ! grep -q "_c " <<< "$calls" || fail "--mpi4py 3 made large-count calls"
  fi
  echo "ok: --mpi4py $gen on MPICH: Send$suffix, Bcast$suffix, Scatterv$suffix, Gatherv$suffix"
done
[ -n "${PYTHON4_MPICH:-}" ] || fail "no PYTHON4_MPICH: the real mpi4py 4.x on MPICH to compare with"
runner=$(cd "$(dirname "$0")/../.." && pwd)/programs/python/mpimark.py
# The runner's harness is the MPICH build's (libmpimark_harness_mpich.so).
launch 2 env LD_PRELOAD="$dir/wire.so" MPIMARK_WIRE_LOG="$dir/real" MPIMARK_BUILD_DIR="$COMPARE_BUILD_MPICH" \
  "$PYTHON4_MPICH" "$runner" sendrecv \
  bcast scatter gather --path object -m 1K -i 3 -x 0 --rounds 1 --sync barrier -q > /dev/null \
  || fail "the runner on mpi4py 4.x and MPICH exited $?"
real=$(cut -d' ' -f1,2 "$dir/real".* | grep ' 1042$' | sort -u)
model=$(cut -d' ' -f1,2 "$dir/g4".* | grep ' 1042$' | sort -u)
[ -n "$model" ] && [ "$real" = "$model" ] || fail "the 1042-byte pickle's calls differ:
C (--mpi4py 4): $(tr '\n' ';' <<< "$model")
mpi4py $("$PYTHON4_MPICH" -c 'import mpi4py; print(mpi4py.__version__)'): $(tr '\n' ';' <<< "$real")"
echo "ok: real mpi4py 4.x on MPICH makes the model's calls: $(tr '\n' ';' <<< "$real")"
