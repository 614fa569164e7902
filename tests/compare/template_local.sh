#!/usr/bin/env bash
# template_local.sh: slurm/compare-mpi.slurm outside Slurm (mpirun and
# mpiexec.mpich on 2 local ranks) with the two test builds: one results
# folder with every launch of both libraries, the merges and the comparison.
source "$(dirname "$0")/../lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
unset SLURM_JOB_ID

MPIMARK_ROOT=$root MPIMARK_RESULTS_DIR=$dir MPIMARK_LAUNCHES=2 \
  MPIMARK_BUILD_OPENMPI=$COMPARE_BUILD_OPENMPI MPIMARK_BUILD_MPICH=$COMPARE_BUILD_MPICH \
  MPIMARK_ARGS="sendrecv bcast --path buffer -m 1,2K -i 20 -x 2" \
  bash "$root/slurm/compare-mpi.slurm" > "$dir/log" 2>&1 || { cat "$dir/log"; fail "the template exited $?"; }
cat "$dir/log"
out=$(ls -d "$dir"/*-local-*-compare-mpi 2> /dev/null)
[ -d "$out" ] || fail "no results folder"
! ls -d "$dir"/.*partial > /dev/null 2>&1 || fail "a partial folder was left behind"
for f in openmpi-launch1.csv openmpi-launch2.csv mpich-launch1.csv mpich-launch2.csv \
  openmpi.csv mpich.csv compare.txt compare.md compare.csv run.txt; do
  [ -s "$out/$f" ] || fail "$f missing"
done
grep -q "mpiexec.mpich -n 2 .*$COMPARE_BUILD_MPICH/bin/mpimark" "$out/run.txt" || fail "MPICH was not run by mpiexec.mpich"
grep -q "mpirun.* -np 2 .*$COMPARE_BUILD_OPENMPI/bin/mpimark" "$out/run.txt" || fail "Open MPI was not run by mpirun"
order=$(sed -n 's/^launch=\([0-9]*\) lib=\([a-z]*\) .*/\2\1/p' "$out/run.txt" | tr '\n' ' ')
[ "$order" = "openmpi1 mpich1 mpich2 openmpi2 " ] || fail "run order: $order"
head -1 "$out/compare.txt" | grep -q "A: Open MPI .* vs B: MPICH" || fail "compare.txt does not name both libraries"
[ "$(grep -cE '^(sendrecv|bcast) .*(faster|slower|no significant difference|different states)$' "$out/compare.txt")" = 10 ] \
  || fail "compare.txt does not hold 10 rows with verdicts"

# A build that links the wrong MPI is refused before anything runs.
rc=0
MPIMARK_ROOT=$root MPIMARK_RESULTS_DIR=$dir/wrong MPIMARK_LAUNCHES=1 \
  MPIMARK_BUILD_OPENMPI=$COMPARE_BUILD_MPICH MPIMARK_BUILD_MPICH=$COMPARE_BUILD_MPICH \
  bash "$root/slurm/compare-mpi.slurm" > "$dir/wrong.log" 2>&1 || rc=$?
[ $rc != 0 ] || fail "an MPICH build accepted as the Open MPI one"
grep -q "links mpich, not openmpi" "$dir/wrong.log" || fail "no clear message: $(cat "$dir/wrong.log")"
[ -z "$(ls -A "$dir/wrong" 2> /dev/null)" ] || fail "the refused run left results behind"

# MPIMARK_ROUNDS, the old name of MPIMARK_LAUNCHES, is still read: a bad
# value is refused by that name (exit 2), before anything is built or run.
rc=0
MPIMARK_ROOT=$root MPIMARK_RESULTS_DIR=$dir/old MPIMARK_ROUNDS=0 \
  bash "$root/slurm/compare-mpi.slurm" > "$dir/old.log" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q "MPIMARK_ROUNDS must be a positive integer" "$dir/old.log" \
  || fail "MPIMARK_ROUNDS=0: exit $rc, $(cat "$dir/old.log")"
echo "ok: slurm/compare-mpi.slurm outside Slurm"
