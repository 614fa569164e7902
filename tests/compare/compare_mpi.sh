#!/usr/bin/env bash
# compare_mpi.sh: scripts/compare-mpi end to end on the two test builds,
# 2 rounds of a tiny sweep: both libraries run, interleaved with the order
# alternating, rounds merged, and the table printed and saved.
source "$(dirname "$0")/../lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

MPIMARK_BUILD_OPENMPI=$COMPARE_BUILD_OPENMPI MPIMARK_BUILD_MPICH=$COMPARE_BUILD_MPICH \
  MPIMARK_RESULTS_DIR=$dir "$root/scripts/compare-mpi" --rounds 2 \
  sendrecv allreduce --path buffer -m 8,4K -i 20 -x 2 > "$dir/stdout" 2> "$dir/stderr" \
  || { cat "$dir/stderr"; fail "scripts/compare-mpi exited $?"; }
cat "$dir/stdout"
out=$(ls -d "$dir"/*-compare-mpi.* 2> /dev/null)
[ -d "$out" ] || fail "no results folder in $dir"
for f in openmpi-round1.csv openmpi-round2.csv mpich-round1.csv mpich-round2.csv \
  openmpi.csv mpich.csv compare.txt compare.md compare.csv rounds.txt; do
  [ -s "$out/$f" ] || fail "$f missing in the results folder"
done
# Interleaved: round 1 Open MPI then MPICH, round 2 the other way round.
order=$(awk '{print $1 $3}' "$out/rounds.txt" | tr '\n' ' ')
[ "$order" = "openmpi1: mpich1: mpich2: openmpi2: " ] || fail "run order: $order"
for lib in openmpi mpich; do
  [ "$(csv_meta "$out/$lib.csv" launches)" = 2 ] || fail "$lib.csv is not a merge of 2 launches"
  [ "$(csv_meta "$out/$lib.csv" ranks)" = 2 ] || fail "$lib.csv: ranks != 2"
  [ "$(csv_rows "$out/$lib.csv" | wc -l)" = 10 ] || fail "$lib.csv does not hold 10 rows"
done
csv_meta "$out/openmpi.csv" mpi_library | grep -q "^Open MPI" || fail "openmpi.csv is not from Open MPI"
csv_meta "$out/mpich.csv" mpi_library | grep -q "^MPICH" || fail "mpich.csv is not from MPICH"
cmp -s "$dir/stdout" "$out/compare.txt" || fail "stdout is not compare.txt"
head -1 "$out/compare.txt" | grep -q "A: Open MPI .* vs B: MPICH" || fail "the table does not name both libraries"
n=$(grep -cE '^(sendrecv|allreduce) .*(faster|slower|no significant difference)$' "$out/compare.txt")
[ "$n" = 10 ] || fail "$n of 10 rows with a verdict"
# Usage errors exit 2 and leave nothing behind.
rc=0
MPIMARK_RESULTS_DIR=$dir/bad "$root/scripts/compare-mpi" --rounds 0 > /dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "--rounds 0 exited $rc, not 2"
[ ! -e "$dir/bad" ] || fail "--rounds 0 created a results folder"
echo "ok: scripts/compare-mpi"
