#!/usr/bin/env bash
# clock_drift.sh NP c|python: the clock sync against clocks that are off and
# run at different rates. Test hooks shift rank r's clock by 20 ms x r and
# make it run 5000 x r ppm fast (5 ms per second for rank 1). The window
# sync's bcast time of 8 B must then stay within the stated uncertainty of
# the time with no hooks (one node: one clock, no estimate), plus a noise
# allowance, and the drift found be the largest one made (to 1%). With
# offsets only (MPIMARK_TEST_CLOCK_OFFSETS_ONLY, estimated on every visit:
# mpimark's method before the drift model) the same test must fail: at 2
# ranks by a time outside the stated uncertainty; from 4 ranks the windows
# grow as the clocks run apart, until the run stops with one line naming
# the runaway window and exit 1 (window.h: MM_WINDOW_RUNAWAY), no file. The
# estimates are counted: twice at the start, then only when the model's
# error bound has doubled, fewer than the visits.
# clock_drift.sh NP c|python NODE_RANKS: the same with NODE_RANKS ranks per
# emulated node (MPIMARK_TEST_CLOCK_NODE_RANKS): only the nodes' leaders
# estimate, and the other ranks take their leader's estimate (the path every
# rank but the first of a node takes on a cluster); a rank that missed it
# would keep offset 0 against a clock 20 ms off, and its calls would never
# fall in the window.
# The C binary ($MPIMARK) or the mpi4py runner ($PYTHON $MPIMARK_PY).
source "$(dirname "$0")/../lib.sh"
np=$1 runner=$2 node_ranks=${3:-1}
export MPIMARK_TEST_CLOCK_NODE_RANKS=$node_ranks
nodes=$(((np + node_ranks - 1) / node_ranks))
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
runner_prog "$runner"
visits=8
args=(bcast --path buffer -m 8 -i 400 --rounds $visits --seed 1 -q --format csv)

median_of() { csv_select "$1" metric,median | awk -F, '$1 == "latency" { print $2 }'; }
run() { # NAME [VAR=VALUE...]: one run with those test hooks
  local name=$1
  shift
  (
    [ $# -eq 0 ] || export "$@"
    launch "$np" "${prog[@]}" "${args[@]}" -o "$dir/$name.csv" > /dev/null
  ) || fail "$name: exited $?"
}
hooks=(MPIMARK_TEST_CLOCK_SKEW_US=20000 MPIMARK_TEST_CLOCK_DRIFT_PPM=5000)
run plain
run drift "${hooks[@]}"
names=(drift)
rc=0
if [ "$nodes" = 2 ]; then
  # At 2 clocks offsets only fails by a time outside the stated uncertainty,
  # or, where a busy machine stretches the visits (the clocks run further
  # apart between estimates), by the runaway window as from 4 ranks: either
  # way it fails (a fresh clone's CI met the second).
  (export "${hooks[@]}" MPIMARK_TEST_CLOCK_OFFSETS_ONLY=1
   launch "$np" "${prog[@]}" "${args[@]}" -o "$dir/offsets.csv") > /dev/null 2> "$dir/offsets.err" || rc=$?
  if [ "$rc" = 0 ]; then
    names+=(offsets)
  else
    grep -q '^mpimark: bcast (buffer path), 8 B: the start window grew from .* with calls still late' \
      "$dir/offsets.err" || fail "offsets only at 2 ranks: exit $rc, $(head -3 "$dir/offsets.err")"
    echo "offsets only: $(grep '^mpimark: bcast' "$dir/offsets.err")"
  fi
else
  (export "${hooks[@]}" MPIMARK_TEST_CLOCK_OFFSETS_ONLY=1
   launch "$np" "${prog[@]}" "${args[@]}" -o "$dir/offsets.csv") > /dev/null 2> "$dir/offsets.err" || rc=$?
  [ "$rc" = 1 ] || fail "offsets only at $np ranks on $nodes clocks: exit $rc, want 1 (the runaway window); $(head -3 "$dir/offsets.err")"
  line=$(grep -c '^mpimark: bcast (buffer path), 8 B: the start window grew from .* with calls still late' "$dir/offsets.err")
  [ "$line" = 1 ] || fail "offsets only at $np ranks: want one runaway line, got: $(grep '^mpimark' "$dir/offsets.err")"
  [ ! -e "$dir/offsets.csv" ] || fail "offsets only at $np ranks: a file was written for a failed run"
  echo "offsets only: $(grep '^mpimark: bcast' "$dir/offsets.err")"
fi
m0=$(median_of "$dir/plain.csv")
[ "$(csv_meta "$dir/plain.csv" clock_estimates)" = 0 ] || fail "one node, no hooks: an estimate was made"
# within U (the stated bound) plus half the plain time and 1 us for noise
holds() { # FILE: whether its median is within its stated uncertainty of m0
  awk -v m="$(median_of "$1")" -v m0="$m0" -v u="$(csv_meta "$1" clock_offset_uncertainty_us)" \
    'BEGIN { d = m - m0; if (d < 0) d = -d; exit !(d <= 2 * u + 0.5 * m0 + 1) }'
}
for name in "${names[@]}"; do
  echo "$name: median $(median_of "$dir/$name.csv") us (plain $m0 us), uncertainty" \
    "$(csv_meta "$dir/$name.csv" clock_offset_uncertainty_us) us, drift" \
    "$(csv_meta "$dir/$name.csv" clock_drift_max_ppm) ppm, estimates $(csv_meta "$dir/$name.csv" clock_estimates)," \
    "late $(csv_meta "$dir/$name.csv" late_calls)"
done
if ! holds "$dir/drift.csv" && [ "$np" -gt "$(nproc)" ]; then
  # More ranks than cores: a rank that loses its CPU for milliseconds moves
  # one run's median by more than any clock (python.clock_drift.np4 in a
  # fresh clone's CI: 77 against 28 us, 2846 late calls). Once more, the
  # two runs back to back; a drift model that is wrong fails again.
  echo "drift: left its uncertainty with $np ranks on $(nproc) cores; the pair once more"
  rm -f "$dir/plain.csv" "$dir/drift.csv"
  run plain
  m0=$(median_of "$dir/plain.csv")
  run drift "${hooks[@]}"
  echo "drift: median $(median_of "$dir/drift.csv") us (plain $m0 us), uncertainty" \
    "$(csv_meta "$dir/drift.csv" clock_offset_uncertainty_us) us"
fi
holds "$dir/drift.csv" || fail "with the drift model the bcast time left its stated uncertainty"
[ "$nodes" != 2 ] || [ "$rc" != 0 ] || ! holds "$dir/offsets.csv" \
  || fail "offsets only held too: the drift is too small to tell the methods apart"
ppm=$(csv_meta "$dir/drift.csv" clock_drift_max_ppm)
awk -v p="$ppm" -v w=$((5000 * (nodes - 1))) 'BEGIN { d = p - w; if (d < 0) d = -d; exit !(d < 0.01 * w) }' \
  || fail "largest drift found $ppm ppm, want $((5000 * (nodes - 1)))"
est=$(csv_meta "$dir/drift.csv" clock_estimates)
[ "$est" -ge 2 ] && [ "$est" -lt $visits ] || fail "$est estimates with the drift model in $visits visits"
echo "ok: at $np ranks ($node_ranks per emulated node) the drift model holds, offsets only fails"
