#!/usr/bin/env bash
# rank_time.sh NP c|python: --rank-time picks which rank's time a
# collective's call is. Rank 1 leaves every call 400 us late (test hook
# MPIMARK_TEST_SLOW_RANK), so under both per-call syncs the slowest rank's
# time is about 400 us above the fastest's (a sleep: a little more), and
# the average over NP ranks 1/NP of that above the fastest's; #@rank_time
# says which was asked.
# The C binary ($MPIMARK) or the mpi4py runner ($PYTHON $MPIMARK_PY).
source "$(dirname "$0")/../lib.sh"
np=$1 runner=$2
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
prog=("${MPIMARK:-}")
[ "$runner" = python ] && prog=("${PYTHON:-/usr/bin/python3}" "$MPIMARK_PY")
delay=400
declare -A t

for sync in window barrier; do
  for how in slowest average fastest; do
    MPIMARK_TEST_SLOW_RANK=1:$delay launch "$np" "${prog[@]}" gather --path buffer -m 8 -i 40 \
      --rounds 1 --sync "$sync" --rank-time "$how" -q --format csv -o "$dir/$sync-$how.csv" > /dev/null \
      || fail "--sync $sync --rank-time $how exited $?"
    [ "$(csv_meta "$dir/$sync-$how.csv" rank_time)" = "$how" ] || fail "#@rank_time is not $how"
    t[$how]=$(csv_select "$dir/$sync-$how.csv" metric,median | awk -F, '$1 == "latency" { print $2 }')
  done
  # Medians of separate runs: bounds loose enough for a preempted call,
  # tight enough that any other rank's time (or MAX for all) fails them.
  awk -v s="${t[slowest]}" -v a="${t[average]}" -v f="${t[fastest]}" -v d=$delay -v p="$np" 'BEGIN {
        spread = s - f; share = (a - f) / (spread / p)  # 1: one slow rank among p
        exit !(spread > 0.75 * d && spread < 1.5 * d && share > 0.75 && share < 1.25) }' \
    || fail "--sync $sync: slowest ${t[slowest]}, average ${t[average]}, fastest ${t[fastest]} us" \
            "with rank 1 $delay us late on $np ranks"
  echo "ok: --sync $sync: slowest ${t[slowest]}, average ${t[average]}, fastest ${t[fastest]} us"
done
