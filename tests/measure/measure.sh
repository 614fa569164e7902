#!/usr/bin/env bash
# measure.sh CASE: scripts/measure end to end.
#   merge        3 launches of a real mpimark run (and 2 of the mpi4py runner):
#                each launch takes 1/3 of the budget and of the rounds and
#                says which it is; the merged CSV's rows have one median
#                per launch (launch_medians), their median as the row's
#                median, and its columns say launches where a launch's say
#                rounds; the table is printed; every launch's CSV is kept
#   failed-launch  a launch that fails (bad option): exit 2, nothing left
#   exists       the output exists: exit 2, the earlier file untouched
#   bad-usage    --launches 0, MPIMARK_LAUNCHES=0, a --span that is not 0 to 86400 s,
#                or -o inside the command: exit 2
#   span         --span 4: 3 short launches spread over 4 s, the waits said,
#                #@launch_span_s recorded
#   states       launches that alternate between two states of the machine
#                (every other one with both ranks forced onto CPU 0): after
#                --launches 4 (2 and 2), measure adds launches until the forced
#                state was seen 3 times (the others, the machine's own, as they
#                come: at most --max-launches 12), and says so (#@states_seen)
#   signal       SIGTERM to measure alone (scancel, a time limit), SIGINT to its
#                process group (Ctrl-C), in the middle of a launch: one line,
#                exit 143 / 130, and after 5 s no process of the launch and no
#                folder left
source "$(dirname "$0")/../lib.sh"
REPO=${MPIMARK_REPO:?set MPIMARK_REPO to the repository}
MEASURE=$REPO/scripts/measure
case=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
cmd=(mpiexec --oversubscribe -n 2 "$MPIMARK" sendrecv bcast --path both -m 8,1K -i 6)

case $case in
  merge)
    "$MEASURE" --launches 3 --max-launches 3 -o "$dir/m.csv" -- "${cmd[@]}" > "$dir/table.txt" 2> "$dir/err" \
      || { rc=$?; cat "$dir/err"; fail "exited $rc"; }
    grep -q "^# launches: 3$" "$dir/table.txt" && grep -q "^# bcast$" "$dir/table.txt" \
      || fail "no merged table on stdout: $(head -5 "$dir/table.txt")"
    ! grep -q "^# intervals: from this launch" "$dir/table.txt" || fail "a merged table says it is one launch"
    [ "$(csv_meta "$dir/m.csv" launches)" = 3 ] && [ "$(csv_meta "$dir/m.csv" rounds)" = 2 ] \
      || fail "#@launches/#@rounds (each launch's) of the merge"
    header=$(csv_header "$dir/m.csv"),
    [[ $header == *,launches,launch_min,launch_max,unstable,late,launch_medians,modes,* ]] \
      || fail "merged header: $header"
    [ -z "$(csv_meta "$dir/m.csv" launch)" ] && [ -z "$(csv_meta "$dir/m.csv" ci)" ] \
      || fail "the merge kept a launch's own #@launch or #@ci"
    [ "$(csv_meta "$dir/m.csv" time_budget_s)" = 0.1 ] || fail "merged budget $(csv_meta "$dir/m.csv" time_budget_s)"
    [ "$(csv_meta "$dir/m.csv" command)" = "mpimark-py measure --launches 3 --max-launches 3 --span 0 -- ${cmd[*]}" ] \
      || fail "merged #@command is '$(csv_meta "$dir/m.csv" command)'"
    for i in 1 2 3; do
      f=$dir/m-launches/launch$i.csv
      [ "$(csv_meta "$f" launch)" = "$i/3" ] || fail "$f: #@launch is '$(csv_meta "$f" launch)'"
      [ "$(csv_meta "$f" rounds)" = 2 ] || fail "$f: a launch of 6 rounds / 3 should do 2"
      [ "$(csv_meta "$f" time_budget_s)" = 0.0333333 ] || fail "$f: budget $(csv_meta "$f" time_budget_s)"
    done
    [ -z "$(ls -A "$dir" | grep '^\.')" ] || fail "a temporary folder was left: $(ls -A "$dir")"
    /usr/bin/python3 - "$REPO/python" "$dir" <<'PY' || fail "merged rows"
import statistics, sys
sys.path.insert(0, sys.argv[1])
from mpimark_py import results
d = sys.argv[2]
merged = results.read(d + "/m.csv")
runs = [results.read("%s/m-launches/launch%d.csv" % (d, i)) for i in (1, 2, 3)]
assert len(merged.rows) == 20, len(merged.rows)  # sendrecv 2 metrics, bcast 3; 2 paths, 2 sizes
for row in merged.rows:
    key = lambda r: (r["op"], r["path"], r["bytes"], r["metric"])
    meds = [float(next(r for r in t.rows if key(r) == key(row))["median"]) for t in runs]
    assert results.round_medians(row) == [float("%.6g" % m) for m in meds], (row, meds)
    assert abs(float(row["median"]) - statistics.median(meds)) <= 1e-5 * statistics.median(meds), row
    assert row["launches"] == "3", row
print("ok: merged rows")
PY
    "$MEASURE" --launches 2 -o "$dir/py.csv" -- mpiexec --oversubscribe -n 2 "$PYTHON" \
      "$REPO/programs/python/mpimark.py" sendrecv -m 8 -i 4 > /dev/null 2>&1 || fail "mpi4py: exited $?"
    [ "$(csv_meta "$dir/py.csv" launches)" = 2 ] && [ "$(csv_meta "$dir/py.csv" runner)" = mpi4py ] \
      || fail "the mpi4py runner's launches were not merged"
    [ "$(csv_meta "$dir/py-launches/launch2.csv" launch)" = 2/2 ] || fail "mpi4py: #@launch"
    ;;
  failed-launch)
    rc=0
    "$MEASURE" --launches 3 -o "$dir/m.csv" -- "${cmd[@]}" --sync fence > /dev/null 2> "$dir/err" || rc=$?
    [ $rc = 2 ] || fail "exit $rc, not 2"
    grep -q "bad --sync 'fence'" "$dir/err" || fail "the launch's own message is missing: $(cat "$dir/err")"
    [ -z "$(ls -A "$dir" | grep -v '^err$')" ] || fail "left behind: $(ls -A "$dir")"
    ;;
  exists)
    echo earlier > "$dir/m.csv"
    rc=0
    "$MEASURE" --launches 2 -o "$dir/m.csv" -- "${cmd[@]}" > /dev/null 2> "$dir/err" || rc=$?
    [ $rc = 2 ] && grep -q "exists" "$dir/err" || fail "exit $rc: $(cat "$dir/err")"
    [ "$(cat "$dir/m.csv")" = earlier ] || fail "the earlier file was changed"
    ;;
  bad-usage)
    for args in "--launches 0 -o $dir/m.csv --" "-o $dir/m.csv -- ${cmd[*]} -o $dir/x.csv" "-o $dir/m.txt --" \
      "--span -1 -o $dir/m.csv --" "--span 1e9 -o $dir/m.csv --" "--span nan -o $dir/m.csv --"; do
      rc=0
      # shellcheck disable=SC2086 # the word lists above
      "$MEASURE" $args "${cmd[@]}" > /dev/null 2> "$dir/err" || rc=$?
      [ $rc = 2 ] && [ "$(wc -l < "$dir/err")" = 1 ] || fail "'$args': exit $rc, $(cat "$dir/err")"
    done
    rc=0 # a bad MPIMARK_LAUNCHES (the default's override) is named too
    MPIMARK_LAUNCHES=0 "$MEASURE" -o "$dir/m.csv" -- "${cmd[@]}" > /dev/null 2> "$dir/err" || rc=$?
    [ $rc = 2 ] && grep -q "MPIMARK_LAUNCHES" "$dir/err" || fail "MPIMARK_LAUNCHES=0: exit $rc, $(cat "$dir/err")"
    [ -z "$(ls -A "$dir" | grep -v '^err$')" ] || fail "left behind: $(ls -A "$dir")"
    ;;
  span)
    # 3 launches of well under a second spread over 4 s: launch 3 starts
    # 2/3 of the span after the first, each wait said; the span covered
    # and the --span asked for are recorded.
    start=$EPOCHREALTIME
    "$MEASURE" --launches 3 --max-launches 3 --span 4 -o "$dir/m.csv" -- mpiexec --oversubscribe -n 2 "$MPIMARK" sendrecv \
      --path buffer -m 8 -i 20 > /dev/null 2> "$dir/err" || fail "exited $?: $(cat "$dir/err")"
    took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}')
    awk -v t="$took" 'BEGIN {exit !(t >= 2.6)}' || fail "3 launches over --span 4 took $took s, want >= 2.67"
    [ "$(grep -c "before launch [23]: the launches are spread over 4 s (--span)" "$dir/err")" = 2 ] \
      || fail "the waits were not said: $(cat "$dir/err")"
    covered=$(csv_meta "$dir/m.csv" launch_span_s)
    awk -v c="$covered" 'BEGIN {exit !(c >= 2.6)}' || fail "#@launch_span_s=$covered, want >= 2.67"
    [[ $(csv_meta "$dir/m.csv" command) == *" --span 4 -- "* ]] || fail "#@command: $(csv_meta "$dir/m.csv" command)"
    grep -q "3 launches over [0-9]* s (spread over at least 4 s: --span)" "$dir/err" || fail "no summary: $(cat "$dir/err")"
    echo "ok: 3 launches over $took s (#@launch_span_s=$covered)"
    ;;
  states)
    # The wrapper reads which launch it is (--launch I/L): even ones run on CPU 0 alone.
    cat > "$dir/alternate" <<'SH'
#!/bin/bash
args=" $* "
i=${args##* --launch }
i=${i%%/*}
if [ $((i % 2)) = 0 ]; then exec taskset -c 0 "$@"; fi
exec "$@"
SH
    chmod +x "$dir/alternate"
    "$MEASURE" --launches 4 --max-launches 12 -o "$dir/s.csv" -- mpiexec --oversubscribe --bind-to none -n 2 "$dir/alternate" \
      "$MPIMARK" sendrecv --path buffer -m 8 -i 20 > /dev/null 2> "$dir/err" || fail "exited $?: $(grep -v '^-\|^ *$' "$dir/err" | head -8)"
    n=$(csv_meta "$dir/s.csv" launches)
    seen=$(csv_meta "$dir/s.csv" states_seen)
    echo "launches $n; states seen: $seen; probes $(csv_meta "$dir/s.csv" state_probe_ns)"
    [ "$n" -ge 6 ] && [ "$n" -le 12 ] || fail "$n launches: want 6 to 12 (4 planned, 12 at most)"
    grep -q "added: a state seen too few times" "$dir/err" || fail "measure did not say it added launches"
    [[ $seen =~ ^[23]:\ .*line\ [0-9]+\ ns\ in\ ([0-9]+)\ launches(\;\ too\ rare.*)?$ ]] || fail "#@states_seen: $seen"
    [ "${BASH_REMATCH[1]}" -ge 3 ] || fail "the forced state was seen ${BASH_REMATCH[1]} times, want 3"
    # the machine's own states share the other launches by their rows (2.4 launches, ...)
    [ "$(grep -oE 'in [0-9.]+ launch' <<< "$seen" | awk '{s += $2} END {printf "%.0f", s}')" = "$n" ] \
      || fail "#@states_seen does not count the $n launches: $seen"
    grep -q "states seen: $seen" "$dir/err" || fail "measure did not say which states it saw"
    ;;
  signal)
    for how in TERM INT; do
      mkdir "$dir/$how"
      # setsid: measure leads a process group of its own, as under a shell
      setsid "$MEASURE" --launches 3 -o "$dir/$how/m.csv" -- mpiexec --oversubscribe -n 2 "$MPIMARK" \
        sendrecv -m 8 -i 600000 > /dev/null 2> "$dir/$how.err" &  # about 30 s a launch
      pid=$!
      for _ in $(seq 100); do  # until the first launch's ranks run
        pgrep -f -- "--launch 1/3" > /dev/null && break
        sleep 0.1
      done
      pgrep -f -- "--launch 1/3" > /dev/null || fail "SIG$how: the launch never started"
      sleep 1
      if [ $how = TERM ]; then kill -TERM "$pid"; else kill -INT -- "-$pid"; fi
      rc=0
      wait "$pid" || rc=$?
      want=$([ $how = TERM ] && echo 143 || echo 130)
      [ $rc = "$want" ] || fail "SIG$how: exit $rc, not $want: $(cat "$dir/$how.err")"
      grep -q "stopped by SIG$how" "$dir/$how.err" || fail "SIG$how: $(cat "$dir/$how.err")"
      grep -q Traceback "$dir/$how.err" && fail "SIG$how: a traceback"
      sleep 5
      left=$(pgrep -fa -- "--launch [0-9]+/3" || true)
      [ -z "$left" ] || fail "SIG$how: still running 5 s later: $left"
      [ -z "$(ls -A "$dir/$how")" ] || fail "SIG$how: left behind: $(ls -A "$dir/$how")"
    done
    ;;
  *) fail "unknown case $case" ;;
esac
echo "ok: measure $case"
