#!/usr/bin/env bash
# formats.sh: the mpi4py runner's table, CSV and JSON agree with each other
# and have the C binary's shape (the same JSON keys, row for row); -o FILE.json
# writes JSON; -o never replaces a file without --force, and does with it.
source "$(dirname "$0")/lib.sh"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
pyrun 2 sendrecv bcast -m 8,1K -i 4 -q --format json -o "$dir/r.json" > "$dir/out.json"
pyrun 2 sendrecv bcast -m 8,1K -i 4 -q -o "$dir/r.csv" > "$dir/out.txt"
launch 2 "$MPIMARK" sendrecv bcast --path buffer -m 8,1K -i 4 -q --format json > "$dir/c.json"
cmp -s "$dir/r.json" "$dir/out.json" || fail "-o .json differs from --format json"
"$PYTHON" - "$dir/r.json" "$dir/r.csv" "$dir/c.json" <<'PY' || fail "JSON/CSV check failed"
import csv, json, sys
doc = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[3]))
meta = doc["metadata"]
assert meta["ranks"] == "2" and meta["runner"] == "mpi4py", meta
assert set(c["metadata"]) <= set(meta), set(c["metadata"]) - set(meta)
rows = doc["results"]
keys = [(r["op"], r["path"], r["bytes"], r["metric"]) for r in rows]
want = []
for op, metrics in (("sendrecv", ("latency", "bandwidth")), ("bcast", ("latency", "algbw", "busbw"))):
    for size in (8, 1024):  # sizes outer, paths inner, as the C suite
        for path in ("buffer", "object"):
            want += [(op, path, size, m) for m in metrics]
assert keys == want, keys
assert [list(r) for r in rows if r["path"] == "buffer"] == [list(r) for r in c["results"]]
assert [k for k in keys if k[1] == "buffer"] == [
    (r["op"], r["path"], r["bytes"], r["metric"]) for r in c["results"]]
lines = [l for l in open(sys.argv[2]) if not l.startswith("#")]
table = list(csv.DictReader(lines))
assert [(r["op"], r["path"], int(r["bytes"]), r["metric"]) for r in table] == keys
for r in table:
    assert float(r["min"]) <= float(r["median"]) <= float(r["max"]), r
print("ok: json and csv")
PY
grep -q "^# sendrecv" "$dir/out.txt" || fail "table lacks the sendrecv block"
grep -q "^    size  path    wire B         us   +-PI       MB/s   +-PI" "$dir/out.txt" || fail "table header lacks units"
grep -q "^# intervals: from this launch's rounds" "$dir/out.txt" || fail "no note on one launch's intervals"
grep -q "^# runner: mpi4py" "$dir/out.txt" || fail "table lacks the runner line"
grep -qE "^   1 KiB  object +1042 .*[0-9]x +\+-[0-9.]+%( !)?$" "$dir/out.txt" || fail "table lacks the object/buffer ratio"
grep -q "^# bcast" "$dir/out.txt" || fail "table lacks the bcast block"

# Never overwrite without --force; replace with it.
before=$(md5sum < "$dir/r.csv")
set +e
pyrun 2 sendrecv -m 8 -i 2 -q -o "$dir/r.csv" > /dev/null 2> "$dir/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "-o onto an existing file: exit $rc, want 2"
[ "$(md5sum < "$dir/r.csv")" = "$before" ] || fail "an existing file was changed"
pyrun 2 sendrecv -m 8 -i 2 -q --force -o "$dir/r.csv" > /dev/null || fail "--force failed"
[ "$(csv_rows "$dir/r.csv" | wc -l)" -eq 4 ] || fail "--force did not replace the file"
ls -A "$dir" | grep -q '\.tmp-' && fail "a temporary file was left behind"
check_mpi_env launch 2 "$PYTHON" "$MPIMARK_PY" sendrecv -m 8 -i 2 -q --format csv
echo ok

# Every metadata key, the pickled paths' included, is documented.
pyrun 2 sendrecv --path all --payload ndarray -m 8 -i 2 -q -o "$dir/keys.csv" > /dev/null
expect_documented_keys "$dir/keys.csv"
echo "ok: every metadata key is in docs/output.md"
