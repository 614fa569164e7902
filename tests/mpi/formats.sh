#!/usr/bin/env bash
# formats.sh: the table, CSV and JSON outputs of one real run agree, JSON
# parses, and -o FILE.json writes JSON.
source "$(dirname "$0")/../lib.sh"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
launch 2 "$MPIMARK" sendrecv bcast --path buffer -m 8,1K -i 4 -q --format json -o "$dir/r.json" > "$dir/out.json"
launch 2 "$MPIMARK" sendrecv bcast --path buffer -m 8,1K -i 4 -q -o "$dir/r.csv" > "$dir/out.txt"
cmp -s "$dir/r.json" "$dir/out.json" || fail "-o .json differs from --format json"
/usr/bin/python3 - "$dir/r.json" "$dir/r.csv" <<'PY' || fail "JSON/CSV check failed"
import csv, json, sys
doc = json.load(open(sys.argv[1]))
assert doc["metadata"]["ranks"] == "2", doc["metadata"]
rows = doc["results"]
keys = [(r["op"], r["bytes"], r["metric"]) for r in rows]
assert keys == [("sendrecv", 8, "latency"), ("sendrecv", 8, "bandwidth"),
                ("sendrecv", 1024, "latency"), ("sendrecv", 1024, "bandwidth"),
                ("bcast", 8, "latency"), ("bcast", 8, "algbw"), ("bcast", 8, "busbw"),
                ("bcast", 1024, "latency"), ("bcast", 1024, "algbw"),
                ("bcast", 1024, "busbw")], keys
lines = [l for l in open(sys.argv[2]) if not l.startswith("#")]
table = list(csv.DictReader(lines))
assert [(r["op"], int(r["bytes"]), r["metric"]) for r in table] == keys
for r in table:
    assert float(r["min"]) <= float(r["median"]) <= float(r["max"]), r
print("ok: json and csv")
PY
grep -q "^# sendrecv" "$dir/out.txt" || fail "table lacks the sendrecv block"
grep -q "^    size  path    wire B         us   +-PI       MB/s   +-PI" "$dir/out.txt" || fail "table header lacks units"
grep -q "^# intervals: from this launch's rounds" "$dir/out.txt" || fail "no note on one launch's intervals"
grep -q "^# bcast" "$dir/out.txt" || fail "table lacks the bcast block"
# Both paths: object lines carry the object/buffer ratio.
launch 2 "$MPIMARK" sendrecv -m 1K -i 4 -q > "$dir/both.txt"
grep -q "latency ratio" "$dir/both.txt" && grep -qE "^   1 KiB  object +1042 .*[0-9]x +\+-" "$dir/both.txt" || fail "table lacks the object/buffer column"
grep -qE "^ +1 KiB  object +1042 .*[0-9.]+x +\+-[0-9.]+%( !)?$" "$dir/both.txt" \
  || { cat "$dir/both.txt" >&2; fail "object line lacks wire bytes or ratio"; }
check_mpi_env launch 2 "$MPIMARK" sendrecv -m 8 -i 2 -q --format csv
echo ok

# Every metadata key, the pickled paths' included, is documented.
launch 2 "$MPIMARK" sendrecv --path all --payload ndarray -m 8 -i 2 -q -o "$dir/keys.csv" > /dev/null
expect_documented_keys "$dir/keys.csv"
echo "ok: every metadata key is in docs/output.md"
