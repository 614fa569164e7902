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
runner_prog "$runner"
delay=400 repeats=3
declare -A t

# The median of a list of numbers on stdin.
median_of() { sort -g | awk '{ v[NR] = $1 } END { print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'; }

for sync in window barrier; do
  # Interleaved (s a f s a f ...), so that a busy spell of the machine, which
  # lengthens the sleep, falls on all three alike.
  for r in $(seq "$repeats"); do
    for how in slowest average fastest; do
      out=$dir/$sync-$how-$r.csv
      MPIMARK_TEST_SLOW_RANK=1:$delay launch "$np" "${prog[@]}" gather --path buffer -m 8 -i 40 \
        --rounds 1 --sync "$sync" --rank-time "$how" -q --format csv -o "$out" > /dev/null \
        || fail "--sync $sync --rank-time $how exited $?"
      [ "$(csv_meta "$out" rank_time)" = "$how" ] || fail "#@rank_time is not $how"
      csv_select "$out" metric,median | awk -F, '$1 == "latency" { print $2 }' >> "$dir/$sync-$how"
    done
  done
  for how in slowest average fastest; do t[$how]=$(median_of < "$dir/$sync-$how"); done
  # Bounds loose enough for a preempted sleep, tight enough that any other
  # rank's time (or MAX for all) fails them: with one slow rank among p,
  # the average sits 1/p of the spread above the fastest.
  awk -v s="${t[slowest]}" -v a="${t[average]}" -v f="${t[fastest]}" -v d=$delay -v p="$np" 'BEGIN {
        spread = s - f; share = (a - f) / (spread / p)
        exit !(spread > 0.75 * d && spread < 2.5 * d && share > 0.6 && share < 1.4) }' \
    || fail "--sync $sync: slowest ${t[slowest]}, average ${t[average]}, fastest ${t[fastest]} us" \
            "(medians of $repeats runs) with rank 1 $delay us late on $np ranks"
  echo "ok: --sync $sync: slowest ${t[slowest]}, average ${t[average]}, fastest ${t[fastest]} us"
done
