#!/usr/bin/env bash
# rank_time.sh NP c|python [SYNC...]: --rank-time picks which rank's time a
# collective's call is. Rank 1 leaves every call 400 us late (test hook
# MPIMARK_TEST_SLOW_RANK), so under both per-call syncs the slowest rank's
# time is about 400 us above the fastest's (a sleep: a little more), and
# the average over NP ranks 1/NP of that above the fastest's; #@rank_time
# says which was asked.
# The C binary ($MPIMARK) or the mpi4py runner ($PYTHON $MPIMARK_PY);
# SYNC: the syncs to check (default window and barrier).
source "$(dirname "$0")/../lib.sh"
np=$1 runner=$2
shift 2
syncs=(window barrier)
[ $# -eq 0 ] || syncs=("$@")
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
runner_prog "$runner"
delay=400 repeats=3
declare -A t

# The median of a list of numbers on stdin.
median_of() { sort -g | awk '{ v[NR] = $1 } END { print (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'; }

# Interleaved (s a f s a f ...), so that a busy spell of the machine, which
# lengthens the sleep, falls on all three alike; t[slowest|average|fastest]
# are the medians of the repeats.
measure() { # SYNC TRY
  local sync=$1 try=$2 r how out
  for r in $(seq "$repeats"); do
    for how in slowest average fastest; do
      out=$dir/$sync-$how-$try-$r.csv
      MPIMARK_TEST_SLOW_RANK=1:$delay launch "$np" "${prog[@]}" gather --path buffer -m 8 -i 40 \
        --rounds 1 --sync "$sync" --rank-time "$how" -q --format csv -o "$out" > /dev/null \
        || fail "--sync $sync --rank-time $how exited $?"
      [ "$(csv_meta "$out" rank_time)" = "$how" ] || fail "#@rank_time is not $how"
      csv_select "$out" metric,median | awk -F, '$1 == "latency" { print $2 }' >> "$dir/$sync-$how-$try"
    done
  done
  for how in slowest average fastest; do t[$how]=$(median_of < "$dir/$sync-$how-$try"); done
}
# Bounds loose enough for a preempted sleep, tight enough that any other
# rank's time (or MAX for all) fails them: with one slow rank among p, the
# average sits 1/p of the spread above the fastest.
holds() {
  awk -v s="${t[slowest]}" -v a="${t[average]}" -v f="${t[fastest]}" -v d=$delay -v p="$np" 'BEGIN {
        spread = s - f; share = (a - f) / (spread / p)
        exit !(spread > 0.75 * d && spread < 2.5 * d && share > 0.6 && share < 1.4) }'
}
said() { echo "--sync $1: slowest ${t[slowest]}, average ${t[average]}, fastest ${t[fastest]} us" \
  "(medians of $repeats runs) with rank 1 $delay us late on $np ranks"; }

for sync in "${syncs[@]}"; do
  measure "$sync" 1
  if ! holds; then
    # A spell in which the machine stretched the 400 us sleep to 1 ms in
    # two runs of three (python.rank_time.np2 in a fresh clone's CI:
    # slowest 1044 us, fastest 30 us; the same runs read 480-510 us around
    # it): measured once more; a wrong rank's time fails again.
    echo "$(said "$sync"): outside the bounds; measured once more"
    measure "$sync" 2
  fi
  holds || fail "$(said "$sync")"
  echo "ok: --sync $sync: slowest ${t[slowest]}, average ${t[average]}, fastest ${t[fastest]} us"
done
