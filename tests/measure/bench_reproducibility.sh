#!/usr/bin/env bash
# bench_reproducibility.sh: bench/reproducibility runs through and
# prints every part of its report (a smoke test: tiny budgets, 2 runs of
# 12 rounds, without the two timed default runs; it checks the analysis
# runs on real output and says what it measured, not the figures):
# cross-run coverage, half-width, the launch effect (measured, or why not),
# the object/buffer ratios, wall times.
source "$(dirname "$0")/../lib.sh"
REPO=${MPIMARK_REPO:?set MPIMARK_REPO to the repository}
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
"$REPO/bench/reproducibility" --no-default-runs 2 -- --rounds 12 --time 0.02 > "$dir/out" 2> "$dir/err" \
  || { rc=$?; cat "$dir/err" >&2; fail "exited $rc"; }
for want in "cross-run coverage over 2 runs (2 ordered pairs per row)" \
  "median relative half-width of the interval:" "launch effect" \
  "object/buffer latency ratio per run" "largest max/min of the ratio:" \
  "wall time per run (s):" "one default run: not measured (--no-default-runs)" \
  "one buffer run: not measured (--no-default-runs)"; do
  grep -qF "$want" "$dir/out" || { cat "$dir/out" >&2; fail "no '$want' in the report"; }
done
for op in sendrecv bcast allreduce; do
  [ "$(grep -cE "^  $op +(8 B|1 KiB|64 KiB|1 MiB) +median" "$dir/out")" = 4 ] \
    || fail "the $op ratios are not there for 4 sizes"
done
! grep -q Traceback "$dir/out" "$dir/err" || fail "a Python traceback"
echo "ok: $(grep -F "launch effect" "$dir/out" | cut -c1-100)"
