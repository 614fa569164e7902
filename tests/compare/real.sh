#!/usr/bin/env bash
# real.sh: two real CSVs, one from each build (the MPICH one run under
# mpiexec.mpich), compared by scripts/compare: the table must hold every
# expected row with a verdict, and name both libraries.
source "$(dirname "$0")/../lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
compare=$root/scripts/compare
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

# shellcheck disable=SC2054 # the commas belong to -m
sweep=(sendrecv bcast --path buffer -m 1,1K,64K -i 50 -x 5 -q --format csv)
MPIEXEC=mpiexec.openmpi launch 2 "$COMPARE_BUILD_OPENMPI/bin/mpimark" "${sweep[@]}" -o "$dir/openmpi.csv" \
  > /dev/null || fail "the Open MPI run failed"
MPIEXEC=mpiexec.mpich launch 2 "$COMPARE_BUILD_MPICH/bin/mpimark" "${sweep[@]}" -o "$dir/mpich.csv" \
  > /dev/null || fail "the MPICH run failed"

"$compare" "$dir/openmpi.csv" "$dir/mpich.csv" > "$dir/table.txt" || fail "scripts/compare exited $?"
cat "$dir/table.txt"
head -1 "$dir/table.txt" | grep -q "A: Open MPI [0-9][0-9.]* (2 ranks on .*) vs B: MPICH [0-9][0-9.]* (2 ranks on " \
  || fail "the first line does not name both libraries with ranks and hosts: $(head -1 "$dir/table.txt")"
grep -q "^# A = .*openmpi.csv: Open MPI" "$dir/table.txt" || fail "no metadata line for A (Open MPI)"
grep -q "^# B = .*mpich.csv: MPICH" "$dir/table.txt" || fail "no metadata line for B (MPICH)"

# Every (op, size, metric) of the sweep, once, with a verdict.
expected=""
for op in sendrecv bcast; do
  for s in 1 1K 64K; do
    for m in $(metrics_of $op); do expected+="$op buffer $s $m"$'\n'; done
  done
done
got=$(awk '$1 ~ /^(sendrecv|bcast)$/ {print $1, $2, $4, $5}' "$dir/table.txt")
[ "$got" = "${expected%$'\n'}" ] || fail "table rows differ; expected:
$expected
got:
$got"
n=$(grep -cE '^(sendrecv|bcast) .*(faster|slower|no significant difference|different states)$' "$dir/table.txt")
[ "$n" = 15 ] || fail "$n of 15 rows end in a verdict"
grep -q "^all 15 rows are in both files" "$dir/table.txt" || fail "rows reported missing from one file"
for op in sendrecv bcast; do
  grep -q "^summary $op (buffer): " "$dir/table.txt" || fail "no summary line for $op"
done

# Each library's cost model beside the other's: MPICH's fits against Open MPI's.
for op in sendrecv bcast; do
  grep -q "^  $op, buffer path (MPI_BYTE): B against A$" "$dir/table.txt" || fail "no cost model comparison of $op"
done
grep -q "^    alpha of the smallest sizes' regime: .* us: .*x, \(within noise\|differs\|no interval\)$" "$dir/table.txt" \
  || fail "no alpha compared with a verdict"

# The CSV form: the same 15 rows, ratios equal to B/A of the medians.
"$compare" --format csv "$dir/openmpi.csv" "$dir/mpich.csv" > "$dir/c.csv" || fail "--format csv exited $?"
grep -q "^#@a_mpi_library=Open MPI" "$dir/c.csv" || fail "CSV lacks #@a_mpi_library"
grep -q "^#@b_mpi_library=MPICH" "$dir/c.csv" || fail "CSV lacks #@b_mpi_library"
[ "$(csv_rows "$dir/c.csv" | wc -l)" = 15 ] || fail "CSV has $(csv_rows "$dir/c.csv" | wc -l) rows, not 15"
csv_select "$dir/c.csv" a_median,b_median,ratio | awk -F, '
  { r = $2 / $1; if ($3 == "" || (r - $3) / r > 1e-4 || (r - $3) / r < -1e-4) { print "ratio: " $0; bad = 1 } }
  END { exit bad }' || fail "CSV ratios are not b_median/a_median"
# A file against itself: every row "no significant difference", no regression.
"$compare" --baseline "$dir/mpich.csv" "$dir/mpich.csv" > "$dir/self.txt" \
  || fail "a file against itself as baseline exited $?"
[ "$(grep -c 'no significant difference$' "$dir/self.txt")" = 15 ] || fail "a file against itself is not all no-difference"
echo "ok: real Open MPI vs MPICH comparison"
