#!/usr/bin/env bash
# pkl5.sh NP: the pkl5 path of the mpi4py runner (the real
# mpi4py.util.pkl5) against the C model, NumPy arrays in-band (992 B) and
# out-of-band (64 KiB, above a 1 KiB threshold), validated (-c).
# Checks: exit 0; #@pkl5_threshold says 1024 in both; the runner has pkl5
# rows for sendrecv and bcast, and for scatter and gather exactly when the
# installed pkl5 has them (mpi4py 3.1 has not: a note says so); reduce is
# skipped with a note in both; the pkl5 rows' wire bytes (the pickle and its
# out-of-band buffers) are the same from real pkl5 as from the C model.
source "$(dirname "$0")/lib.sh"
np=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
# The C model pickles arrays as the runner's NumPy does (--numpy).
numpy=$("$PYTHON" -c 'import numpy; print(numpy.__version__.split(".")[0])') || fail "$PYTHON has no NumPy"
request=(sendrecv bcast scatter gather reduce --path all --payload ndarray --numpy "$numpy"
  --pkl5-threshold 1K -c -m 992,64K -i 4 -x 1 --rounds 1 --format csv)

pyrun "$np" "${request[@]}" -o "$dir/py.csv" > /dev/null 2> "$dir/py.err" \
  || { rc=$?; cat "$dir/py.err" >&2; fail "the runner exited $rc"; }
launch "$np" "$MPIMARK" "${request[@]}" -o "$dir/c.csv" > /dev/null 2> "$dir/c.err" \
  || { rc=$?; cat "$dir/c.err" >&2; fail "the C binary exited $rc"; }
# The heap of a program that sets nothing, unless --heap pinned (bench/heap).
[ "$(csv_meta "$dir/py.csv" heap)" = default ] && [ "$(csv_meta "$dir/c.csv" heap)" = default ] \
  || fail "#@heap is not default: runner '$(csv_meta "$dir/py.csv" heap)', C '$(csv_meta "$dir/c.csv" heap)'"
pinned=(sendrecv --path object --heap pinned -m 8 -i 2 -x 1 --rounds 1 -q --format csv)
pyrun "$np" "${pinned[@]}" -o "$dir/py-pinned.csv" > /dev/null || fail "the runner with --heap pinned exited $?"
launch "$np" "$MPIMARK" "${pinned[@]}" -o "$dir/c-pinned.csv" > /dev/null || fail "C with --heap pinned exited $?"
[[ "$(csv_meta "$dir/py-pinned.csv" heap)" == "mallopt M_MMAP_THRESHOLD="* ]] &&
  [ "$(csv_meta "$dir/py-pinned.csv" heap)" = "$(csv_meta "$dir/c-pinned.csv" heap)" ] \
  || fail "--heap pinned: runner '$(csv_meta "$dir/py-pinned.csv" heap)', C '$(csv_meta "$dir/c-pinned.csv" heap)'"
for f in py c; do
  [ "$(csv_meta "$dir/$f.csv" pkl5_threshold)" = 1024 ] || fail "$f: #@pkl5_threshold is not 1024"
  grep -q "^mpimark: reduce: no pkl5 path (mpi4py.util.pkl5 has no reduce): skipped$" "$dir/$f.err" \
    || { cat "$dir/$f.err" >&2; fail "$f: no note on reduce"; }
done
has=$("$PYTHON" -c 'from mpi4py.util import pkl5; print(" ".join(m for m in ("scatter", "gather") if m in vars(pkl5.Comm)))')
for op in scatter gather; do
  if [[ " $has " == *" $op "* ]]; then
    want="$op,pkl5"
  else
    want=""
    grep -q "^mpimark: $op: no pkl5 path (mpi4py .*'s mpi4py.util.pkl5 has no $op): skipped$" \
      "$dir/py.err" || { cat "$dir/py.err" >&2; fail "no note on $op"; }
  fi
  got=$(csv_select "$dir/py.csv" op,path | awk -F, -v op="$op" '$1 == op && $2 == "pkl5" { print; exit }')
  [ "$got" = "$want" ] || fail "$op: pkl5 rows '$got', want '$want' (pkl5 has: $has)"
done
# Wire bytes, row by row (op, size, metric), where both measured pkl5.
wire() { csv_select "$1" path,op,bytes,metric,wire_bytes | awk -F, '$1 == "pkl5" { print $2 "," $3 "," $4 "," $5 }' | sort; }
pairs=$(comm -12 <(wire "$dir/py.csv" | cut -d, -f1-3) <(wire "$dir/c.csv" | cut -d, -f1-3))
[ -n "$pairs" ] || fail "no pkl5 rows in common"
diff <(wire "$dir/py.csv" | grep -F -f <(echo "$pairs")) <(wire "$dir/c.csv" | grep -F -f <(echo "$pairs")) \
  || fail "pkl5 wire bytes differ between real pkl5 (<) and the C model (>)"
expect_sane_rows "$dir/py.csv" 4 || fail "bad statistics"
echo "ok: pkl5 at $np ranks: $(echo "$pairs" | wc -l) rows agree on wire bytes; pkl5 has: ${has:-no scatter, gather}"
