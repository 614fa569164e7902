#!/usr/bin/env bash
# op_matrix.sh NP OP PATH [PAYLOAD [MPI4PY]]: runs one operation with -c at a few
# sizes (0 and 1 byte, a non-power of two, 64 KiB) and checks the exit
# status and that the CSV holds exactly the expected rows. The pkl5 path
# sends arrays of 1 KiB and more out-of-band (so 64 KiB does, 992 B does
# not); the operations mpi4py.util.pkl5 lacks are skipped with a note.
# MPI4PY: the protocol generation (--mpi4py; default: mpimark's, 4).
source "$(dirname "$0")/../lib.sh"
np=$1 op=$2 path=$3 payload=${4:-bytes} gen=${5:-4}
root=$((np - 1)) # a non-zero root where the operation has one
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
extra=(--mpi4py "$gen")
[ "$path" = pkl5 ] && extra+=(--pkl5-threshold 1K)

launch "$np" "$MPIMARK" "$op" --path "$path" --payload "$payload" -c -m 0,1,999,64K \
  -i 20 -x 2 --root "$root" --format csv -o "$dir/r.csv" "${extra[@]}" > "$dir/stdout.csv" \
  2> "$dir/err" || { rc=$?; cat "$dir/err" >&2; fail "$op at $np ranks exited $rc"; }
pkl5_ops=" sendrecv bcast scatter gather " # mpi4py 4.x's pkl5; 3.1's has no scatter, gather
[ "$gen" = 3 ] && pkl5_ops=" sendrecv bcast "
if [ "$path" = pkl5 ] && [[ $pkl5_ops != *" $op "* ]]; then
  grep -q "^mpimark: $op: no pkl5 path (mpi4py.*util.pkl5 has no $op): skipped$" "$dir/err" \
    || { cat "$dir/err" >&2; fail "no note on skipping $op on the pkl5 path"; }
  [ -z "$(csv_rows "$dir/r.csv")" ] || fail "rows for $op on the pkl5 path"
  echo "ok: $op has no pkl5 path: skipped with a note"
  exit 0
fi

[ -f "$dir/r.csv" ] || fail "no results file"
cmp -s "$dir/r.csv" "$dir/stdout.csv" || fail "stdout CSV differs from the -o file"
[ "$(csv_meta "$dir/r.csv" ranks)" = "$np" ] || fail "metadata ranks != $np"
[ "$(csv_meta "$dir/r.csv" root)" = "$root" ] || fail "metadata root != $root"
[ "$path" = buffer ] || [ "$(csv_meta "$dir/r.csv" mpi4py_protocol)" = "$gen" ] \
  || fail "#@mpi4py_protocol != $gen"
for key in mpimark_version git_commit mpi_library mpi_version nodes ranks_per_node hosts \
  p2p_placement date_utc command clock clock_resolution_ns rounds seed sync clock_read_ns \
  memcpy_cache_mb_s memcpy_dram_mb_s; do
  [ -n "$(csv_meta "$dir/r.csv" "$key")" ] || fail "metadata key $key missing"
done
header=$(grep -v '^#' "$dir/r.csv" | head -1)
[ "$header" = "$MPIMARK_CSV_HEADER" ] \
  || fail "unexpected header: $header"

# float64 elements (reductions, the floats and ndarray payloads): 999 -> 992, 1 skipped
if [[ $op == reduce || $op == allreduce || ($path != buffer && $payload != bytes) ]]; then
  sizes="0 992 65536"
else
  sizes="0 1 999 65536"
fi
expected=""
for s in $sizes; do
  for m in $(metrics_of "$op"); do expected+="$op,$path,$s,$m"$'\n'; done
done
got=$(csv_rows "$dir/r.csv" | awk -F, '{print $1","$2","$4","$6}')
[ "$got" = "${expected%$'\n'}" ] || fail "rows differ; expected:
$expected
got:
$got"
expect_sane_rows "$dir/r.csv" 20 || fail "bad statistics"
echo "ok: $op $path at $np ranks"
