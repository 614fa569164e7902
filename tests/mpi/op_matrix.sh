#!/usr/bin/env bash
# op_matrix.sh NP OPS PATHS [PAYLOAD [MPI4PY]]: one launch of the operations
# OPS (a comma list; one launch for all: a launch costs more than an
# operation's cells) on every path of PATHS (a --path list) with -c at a
# few sizes (0 and 1 byte, a non-power of two, 64 KiB) and a non-zero root;
# checks the exit status and that the CSV holds exactly the expected rows,
# operation by operation, path by path.
# The pkl5 path sends arrays of 1 KiB and more out-of-band (so 64 KiB does,
# 992 B does not); an operation mpi4py.util.pkl5 lacks is skipped on it
# with a note. MPI4PY: the protocol generation (--mpi4py; default 4).
source "$(dirname "$0")/../lib.sh"
np=$1 ops=(${2//,/ }) paths=$3 payload=${4:-bytes} gen=${5:-4}
root=$((np - 1)) # a non-zero root where the operation has one
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
extra=(--mpi4py "$gen")
[[ ,$paths, == *,pkl5,* ]] && extra+=(--pkl5-threshold 1K)

# Two rounds: rounds are what mpi.sync.rounds checks; here they only
# multiply the calls, which cost a scheduler time slice each on
# oversubscribed ranks. A window of 4 (-W): the matrix checks rows and
# data, not speed, and 64 pickled 64 KiB messages per call cost seconds.
launch "$np" "$MPIMARK" "${ops[@]}" --path "$paths" --payload "$payload" -c -m 0,1,999,64K -W 4 \
  -i 20 -x 2 --rounds 2 --root "$root" --format csv -o "$dir/r.csv" "${extra[@]}" > "$dir/stdout.csv" \
  2> "$dir/err" || { rc=$?; cat "$dir/err" >&2; fail "${ops[*]} at $np ranks exited $rc"; }

pkl5_ops=" sendrecv bcast scatter gather allgather alltoall " # mpi4py 4.x's pkl5; 3.1's has none of the last four
[ "$gen" = 3 ] && pkl5_ops=" sendrecv bcast "
buffer_only=" reduce_scatter ibcast iallreduce " # mpi4py has no lowercase method
measured_by_op() { # OP: the paths of PATHS it is measured on
  local path
  for path in ${paths//,/ }; do
    [ "$path" = pkl5 ] && [[ $pkl5_ops != *" $1 "* ]] && continue
    [ "$path" != buffer ] && [[ $buffer_only == *" $1 "* ]] && continue
    echo "$path"
  done
}
for op in "${ops[@]}"; do
  if [[ ,$paths, == *,pkl5,* ]] && [[ $pkl5_ops != *" $op "* ]]; then
    grep -q "^mpimark: $op: no pkl5 path (mpi4py.*util.pkl5 has no $op): skipped$" "$dir/err" \
      || { cat "$dir/err" >&2; fail "no note on skipping $op on the pkl5 path"; }
    echo "ok: $op has no pkl5 path: skipped with a note"
  fi
  if [[ ,$paths, == *,object,* ]] && [[ $buffer_only == *" $op "* ]]; then
    grep -q "^mpimark: $op: no object path (mpi4py has no lowercase $op): skipped$" "$dir/err" \
      || { cat "$dir/err" >&2; fail "no note on skipping $op on the object path"; }
    echo "ok: $op has no object path: skipped with a note"
  fi
done
[ -f "$dir/r.csv" ] || fail "no results file"
if [ -z "$(for op in "${ops[@]}"; do measured_by_op "$op"; done)" ]; then
  [ -z "$(csv_rows "$dir/r.csv")" ] || fail "rows for ${ops[*]} on no path"
  exit 0
fi

cmp -s "$dir/r.csv" "$dir/stdout.csv" || fail "stdout CSV differs from the -o file"
[ "$(csv_meta "$dir/r.csv" ranks)" = "$np" ] || fail "metadata ranks != $np"
[ "$(csv_meta "$dir/r.csv" root)" = "$root" ] || fail "metadata root != $root"
[ "$paths" = buffer ] || [ "$(csv_meta "$dir/r.csv" mpi4py_protocol)" = "$gen" ] \
  || fail "#@mpi4py_protocol != $gen"
for key in mpimark_version git_commit mpi_library mpi_version nodes ranks_per_node hosts \
  p2p_placement date_utc command clock clock_resolution_ns rounds seed sync clock_read_ns \
  memcpy_cache_mb_s memcpy_dram_mb_s; do
  [ -n "$(csv_meta "$dir/r.csv" "$key")" ] || fail "metadata key $key missing"
done
header=$(csv_header "$dir/r.csv")
[ "$header" = "$MPIMARK_CSV_HEADER" ] \
  || fail "unexpected header: $header"

# Rows come operation by operation (the order of ops.def, which OPS
# follows), size by size, then path by path (paths.def order), then metric.
expected=""
for op in "${ops[@]}"; do
  for s in 0 1 992 999 65536; do
    for path in $(measured_by_op "$op"); do
      [[ " $(matrix_sizes "$op" "$path" "$payload") " == *" $s "* ]] || continue
      for m in $(metrics_of "$op"); do expected+="$op,$path,$s,$m"$'\n'; done
    done
  done
done
got=$(csv_select "$dir/r.csv" op,path,bytes,metric)
[ "$got" = "${expected%$'\n'}" ] || fail "rows differ; expected:
$expected
got:
$got"
expect_sane_rows "$dir/r.csv" 20 || fail "bad statistics"
echo "ok: ${ops[*]} on $paths ($payload) at $np ranks: $(csv_rows "$dir/r.csv" | wc -l) rows"
