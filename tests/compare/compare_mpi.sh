#!/usr/bin/env bash
# compare_mpi.sh: scripts/compare-mpi end to end on the two test builds,
# 2 launches of a tiny sweep: both libraries run, interleaved with the order
# alternating, launches merged, and the table printed and saved.
source "$(dirname "$0")/../lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

MPIMARK_BUILD_OPENMPI=$COMPARE_BUILD_OPENMPI MPIMARK_BUILD_MPICH=$COMPARE_BUILD_MPICH \
  MPIMARK_RESULTS_DIR=$dir "$root/scripts/compare-mpi" --launches 2 \
  sendrecv allreduce --path buffer -m 8,4K -i 20 -x 2 > "$dir/stdout" 2> "$dir/stderr" \
  || { cat "$dir/stderr"; fail "scripts/compare-mpi exited $?"; }
cat "$dir/stdout"
out=$(ls -d "$dir"/*-compare-mpi.* 2> /dev/null)
[ -d "$out" ] || fail "no results folder in $dir"
for f in openmpi-launch1.csv openmpi-launch2.csv mpich-launch1.csv mpich-launch2.csv \
  openmpi.csv mpich.csv compare.txt compare.md compare.csv launches.txt; do
  [ -s "$out/$f" ] || fail "$f missing in the results folder"
done
# Interleaved: launch 1 Open MPI then MPICH, launch 2 the other way round.
order=$(awk '{print $1 $3}' "$out/launches.txt" | tr '\n' ' ')
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
n=$(grep -cE '^(sendrecv|allreduce) .*(faster|slower|no significant difference|different states)$' "$out/compare.txt")
[ "$n" = 10 ] || fail "$n of 10 rows with a verdict"
# Usage errors exit 2, name the option as typed and leave nothing behind
# (--rounds is the old name of --launches).
for opt in --launches --rounds; do
  rc=0
  MPIMARK_RESULTS_DIR=$dir/bad "$root/scripts/compare-mpi" $opt 0 > /dev/null 2> "$dir/err" || rc=$?
  [ $rc = 2 ] && grep -q -- "$opt must be a positive integer" "$dir/err" || fail "$opt 0: exit $rc, $(cat "$dir/err")"
  [ ! -e "$dir/bad" ] || fail "$opt 0 created a results folder"
done
echo "ok: scripts/compare-mpi"
