#!/usr/bin/env bash
# state_probe.sh: the state probe separates the states of the machine. Three
# launches with ranks 0 and 1 on CPUs of their own, three with both forced
# onto CPU 0 (a slow state: every hand-over of the cache line, and every
# message, waits for the scheduler), merged as scripts/measure merges its
# launches: 8 B sendrecv latency's slowest mode holds exactly the 3 forced
# launches, the row's own probes (launch_probes_ns) put the forced launches
# in a state of their own (their median over 3x, MM_STATE_RATIO, the
# median of the others'), and the table names modes by their states. (The
# launches on CPUs of their own make one or two modes: the machine's own
# states, 50-900 ns. A launch disturbed from outside can read anything: one
# read 2.1 us with a 190 us probe in a CI run, another a 1.6 us probe
# beside its neighbours' 191 ns; so medians of three are compared.)
# #@state_probe_ns has one value a launch, its cost is in #@time_split_s.
# state_probe.sh c|python: the C binary ($MPIMARK) or the mpi4py runner
# ($PYTHON $MPIMARK_PY), whose sweep run is the C core's, probe included.
source "$(dirname "$0")/../lib.sh"
REPO=${MPIMARK_REPO:?set MPIMARK_REPO to the repository}
runner_prog "${1:-c}"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
[ "$(nproc --all)" -ge 2 ] || { echo "skipped: one CPU"; exit 77; }
# A rank's own CPU (its rank), or CPU 0 for both.
printf '#!/bin/sh\nexec taskset -c "${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}" "$@"\n' > "$dir/own-cpu"
printf '#!/bin/sh\nexec taskset -c 0 "$@"\n' > "$dir/cpu0"
chmod +x "$dir/own-cpu" "$dir/cpu0"
files=()
for i in 1 2 3 4 5 6; do
  wrapper=$([ $((i % 2)) = 1 ] && echo own-cpu || echo cpu0)  # interleaved
  launch 2 "$dir/$wrapper" "${prog[@]}" sendrecv --path buffer -m 8 --time 0.05 --rounds 1 -q \
    --format csv -o "$dir/l$i.csv" > /dev/null || fail "launch $i ($wrapper): exited $?"
  probe=$(csv_meta "$dir/l$i.csv" state_probe_ns)
  awk -v p="$probe" 'BEGIN { exit !(p > 0) }' || fail "launch $i: #@state_probe_ns=$probe"
  grep -q '^#@time_split_s=.*state probe [0-9.]*' "$dir/l$i.csv" || fail "launch $i: no probe in #@time_split_s"
  echo "launch $i ($wrapper): probe $probe ns, 8 B latency $(csv_select "$dir/l$i.csv" metric,median | awk -F, '$1 == "latency" {print $2}') us"
  files+=("$dir/l$i.csv")
done
"$REPO/scripts/compare" --merge -o "$dir/m.csv" "${files[@]}" 2> /dev/null || fail "merge: exited $?"
[ "$(csv_meta "$dir/m.csv" state_probe_ns | tr ';' '\n' | wc -l)" = 6 ] || fail "merged #@state_probe_ns: $(csv_meta "$dir/m.csv" state_probe_ns)"
row=$(csv_select "$dir/m.csv" metric,modes,mode_shares,mode_probe_ns,launch_probes_ns | awk -F, '$1 == "latency"')
echo "merged latency row: metric,modes,mode_shares,mode_probe_ns,launch_probes_ns = $row"
IFS=, read -r _ modes shares _ probes <<< "$row"
[ "$modes" = 2 ] || [ "$modes" = 3 ] || fail "want 2 or 3 modes (CPU 0; own CPUs in one or two states), got $modes"
[ "${shares##*;}" = 0.5 ] || fail "the slowest mode is not the 3 forced launches: shares $shares"
# launches 1, 3, 5 on their own CPUs, 2, 4, 6 forced: each group's median probe
awk -v p="$probes" 'function med3(a, b, c) { return a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b)) }
  BEGIN { if (split(p, v, ";") != 6) exit 1
    own = med3(v[1], v[3], v[5]); forced = med3(v[2], v[4], v[6])
    exit !(own > 0 && forced > 3 * own) }' \
  || fail "the forced launches' probes are not a state of their own (median over 3x the others'): $probes"
"$REPO/scripts/compare" --merge --table -o "$dir/t.csv" "${files[@]}" 2> /dev/null | grep -q 'modes: .*line [0-9]* ns' \
  || fail "the table names no mode by its state"
echo "ok: the probe separates the states"
