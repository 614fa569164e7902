#!/usr/bin/env bash
# op_matrix.sh NP OPS [PAYLOAD]: the mpi4py runner measures the operations
# OPS (a comma list, one launch) on both paths with -c at sizes 0, 1, 999
# and 64 KiB (a non-zero root where an operation has one).
# Checks: exit 0, stdout CSV == the -o file, the C binary's metadata keys and
# header, the same (op, path, payload, bytes, metric) rows the C binary
# gives for the buffer path (and for the object path, from C when it is
# built, else the same sizes with payload bytes|floats), wire_bytes = the
# pickle's size, 20 timed iterations and ordered statistics in every row.
# A window of 4 (-W), as tests/mpi/op_matrix.sh: rows and data, not speed.
source "$(dirname "$0")/lib.sh"
np=$1 ops=(${2//,/ }) payload=${3:-bytes}
root=$((np - 1))
sizes=0,1,999,64K
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

pyrun "$np" "${ops[@]}" --path both --payload "$payload" -c -m "$sizes" -i 20 -x 2 -W 4 --rounds 2 --root "$root" -q \
  --format csv -o "$dir/py.csv" > "$dir/stdout.csv" || fail "${ops[*]} at $np ranks exited $?"
[ -f "$dir/py.csv" ] || fail "no results file"
cmp -s "$dir/py.csv" "$dir/stdout.csv" || fail "stdout CSV differs from the -o file"

# The C binary on the same request: the reference for keys and rows.
launch "$np" "$MPIMARK" "${ops[@]}" --path buffer -m "$sizes" -i 2 -x 0 -W 4 --rounds 1 --root "$root" -q \
  --format csv > "$dir/c.csv" || fail "the C binary failed on ${ops[*]}"
missing=$(comm -23 <(meta_keys "$dir/c.csv") <(meta_keys "$dir/py.csv"))
[ -z "$missing" ] || fail "metadata keys of the C binary missing: $missing"
for key in runner python_version mpi4py_version numpy_version; do
  [ -n "$(csv_meta "$dir/py.csv" "$key")" ] || fail "metadata key $key missing"
done
[ "$(csv_meta "$dir/py.csv" runner)" = mpi4py ] || fail "runner is not mpi4py"
[ "$(csv_meta "$dir/py.csv" ranks)" = "$np" ] || fail "metadata ranks != $np"
[ "$(csv_meta "$dir/py.csv" root)" = "$root" ] || fail "metadata root != $root"
[ "$(csv_header "$dir/py.csv")" = "$(csv_header "$dir/c.csv")" ] \
  || fail "header differs from the C binary's"

c_buffer=$(row_keys "$dir/c.csv")
[ -n "$c_buffer" ] || fail "the C binary gave no rows"
[ "$(row_keys "$dir/py.csv" | grep ",buffer,")" = "$c_buffer" ] || fail "buffer rows differ from C:
C:
$c_buffer
Python:
$(row_keys "$dir/py.csv" | grep ",buffer,")"

if launch "$np" "$MPIMARK" "${ops[@]}" --path object --payload "$payload" -m "$sizes" -i 2 -x 0 -W 4 --rounds 1 \
  --root "$root" -q --format csv > "$dir/c-object.csv" 2> /dev/null; then
  want_object=$(row_keys "$dir/c-object.csv")
  echo "object rows compared with the C object path"
elif [ "$payload" != bytes ]; then
  # N/8 floats (a list or an array): sizes round down to whole floats (999 -> 992, 1 -> none).
  want_object=$(echo "$c_buffer" | awk -F, -v p="$payload" '
    { b = int($4 / 8) * 8; if (b == 0 && $4 != 0) next; if ((b, $5) in seen) next
      seen[b, $5] = 1; print $1 ",object," p "," b "," $5 }')
else
  want_object=$(echo "$c_buffer" | awk -F, -v p="$payload" '{print $1 ",object," p "," $4 "," $5}')
fi
got_object=$(row_keys "$dir/py.csv" | grep ",object,")
[ "$got_object" = "$want_object" ] || fail "object rows differ; expected:
$want_object
got:
$got_object"

# wire_bytes: the payload's size on the buffer path, its pickle's on the object path.
"$PYTHON" - "$dir/py.csv" "$payload" <<'PY' || fail "wire_bytes wrong"
import csv, pickle, sys
import numpy
rows = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#")))
for r in rows:
    n = int(r["bytes"])
    if r["path"] == "buffer" or r["op"] == "barrier":  # a barrier moves no data
        want = n
    elif sys.argv[2] == "floats":
        want = len(pickle.dumps([1.0] * (n // 8), protocol=5))
    elif sys.argv[2] == "ndarray":
        want = len(pickle.dumps(numpy.ones(n // 8), protocol=5))
    else:
        want = len(pickle.dumps(bytes(n), protocol=5))
    if int(r["wire_bytes"]) != want:
        sys.exit("wire_bytes %s != %d in %s" % (r["wire_bytes"], want, r))
PY
expect_sane_rows "$dir/py.csv" 20 || fail "bad statistics"
echo "ok: ${ops[*]}, both paths, payload $payload, at $np ranks: $(csv_rows "$dir/py.csv" | wc -l) rows"
