#!/usr/bin/env bash
# overlap.sh c|python: the non-blocking collectives' compute phase runs and
# is the call alone's length. At 2 ranks, ibcast and iallreduce at 64 KiB
# and 1 MiB: the compute row is above 0 and within 4x of the call alone's
# latency (the sweep measures it as that row; the machine's two states are
# about 3x apart), and every overall sample is at least the compute phase
# (the call's time holds the phase: min of overall >= compute).
# The C binary ($MPIMARK) or the mpi4py runner ($PYTHON $MPIMARK_PY).
source "$(dirname "$0")/../lib.sh"
runner=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
runner_prog "$runner"
launch 2 "${prog[@]}" ibcast iallreduce -m 64K,1M --rounds 2 -q --format csv -o "$dir/r.csv" > /dev/null \
  || fail "the run exited $?"
rows=$(csv_select "$dir/r.csv" op,bytes,metric,min,median)
for op in ibcast iallreduce; do
  for size in 65536 1048576; do
    get() { awk -F, -v o="$op" -v s="$size" -v m="$1" -v c="$2" '$1 == o && $2 == s && $3 == m { print $c }' <<< "$rows"; }
    lat=$(get latency 5) compute=$(get compute 5) overall_min=$(get overall 4)
    [ -n "$lat" ] && [ -n "$compute" ] && [ -n "$overall_min" ] || fail "$op $size B: no latency, compute or overall row"
    awk -v c="$compute" -v l="$lat" 'BEGIN { exit !(c > 0 && c < 4 * l && l < 4 * c) }' \
      || fail "$op $size B: compute phase $compute us is not the call alone's length (latency $lat us)"
    awk -v c="$compute" -v o="$overall_min" 'BEGIN { exit !(o >= 0.999 * c) }' \
      || fail "$op $size B: an overall sample ($overall_min us) is shorter than the compute phase ($compute us)"
    echo "ok: $op $size B: compute $compute us, latency $lat us, overall min $overall_min us"
  done
done
