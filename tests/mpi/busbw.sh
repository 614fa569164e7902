#!/usr/bin/env bash
# busbw.sh NP c|python: a collective's algbw and busbw follow nccl-tests'
# convention at NP ranks. algbw counts the call's bytes (SIZE for bcast,
# reduce and allreduce, SIZE x NP for scatter and gather, the root's whole
# buffer) over its time; busbw is algbw times 1 (bcast, reduce), (NP-1)/NP
# (scatter, gather) or 2(NP-1)/NP (allreduce). The expectations are written
# out here, not read from mpimark's tables. Checked on the rows' extremes,
# which map exactly: the largest algbw is the bytes over the smallest
# latency, and the largest busbw that times the factor.
# The C binary ($MPIMARK) or the mpi4py runner ($PYTHON $MPIMARK_PY).
source "$(dirname "$0")/../lib.sh"
np=$1 runner=$2
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
runner_prog "$runner"
size=1024
launch "$np" "${prog[@]}" bcast scatter gather reduce allreduce --path buffer -m $size -i 30 \
  --rounds 1 -q --format csv -o "$dir/run.csv" > /dev/null || fail "the run exited $?"
csv_select "$dir/run.csv" op,metric,min,max > "$dir/rows"
# expected OP: "bytes factor" by nccl-tests' convention
expected() {
  case $1 in
    bcast | reduce) echo "$size 1" ;;
    scatter | gather) echo "$((size * np)) $(awk -v n="$np" 'BEGIN { print (n - 1) / n }')" ;;
    allreduce) echo "$size $(awk -v n="$np" 'BEGIN { print 2 * (n - 1) / n }')" ;;
  esac
}
for op in bcast scatter gather reduce allreduce; do
  read -r bytes factor < <(expected "$op")
  lat=$(awk -F, -v o="$op" '$1 == o && $2 == "latency" { print $3 }' "$dir/rows")
  alg=$(awk -F, -v o="$op" '$1 == o && $2 == "algbw" { print $4 }' "$dir/rows")
  bus=$(awk -F, -v o="$op" '$1 == o && $2 == "busbw" { print $4 }' "$dir/rows")
  [ -n "$lat" ] && [ -n "$alg" ] && [ -n "$bus" ] || fail "$op: no latency, algbw or busbw row"
  # MB/s x us = bytes; the CSV keeps 6 significant digits
  awk -v l="$lat" -v a="$alg" -v b="$bytes" 'BEGIN { r = a * l / b; exit !(r > 0.9998 && r < 1.0002) }' ||
    fail "$op at $np ranks: algbw $alg MB/s x latency $lat us is not $bytes B"
  awk -v a="$alg" -v u="$bus" -v f="$factor" 'BEGIN { r = u / (a * f); exit !(r > 0.9998 && r < 1.0002) }' ||
    fail "$op at $np ranks: busbw $bus MB/s is not $factor x algbw $alg MB/s"
  echo "$op: algbw $alg MB/s = $bytes B / $lat us; busbw $bus MB/s = $factor x algbw"
done
echo "ok: algbw and busbw at $np ranks are nccl-tests'"
