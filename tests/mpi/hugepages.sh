#!/usr/bin/env bash
# hugepages.sh: --hugepages yes madvises the message buffers for huge pages
# (and --hugepages no does not): both validate (-c) at 4 MiB, the metadata
# says which and the kernel's THP mode, and with yes, where the kernel
# allows it (THP always or madvise), rank 0's buffers hold huge pages
# (AnonHugePages in /proc/PID/smaps, read while the run is measuring).
source "$(dirname "$0")/../lib.sh"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
for h in no yes; do
  launch 2 "$MPIMARK" sendrecv bcast --path buffer --hugepages "$h" -c -m 4M -i 5 --rounds 1 -q \
    --format csv -o "$dir/$h.csv" > /dev/null || fail "--hugepages $h exited $?"
  [ "$(csv_meta "$dir/$h.csv" hugepages)" = "$h" ] || fail "#@hugepages is not $h"
  thp=$(csv_meta "$dir/$h.csv" thp)
  [[ $thp =~ ^(always|madvise|never|unknown)$ ]] || fail "#@thp is '$thp'"
done
if [ "$thp" = madvise ]; then
  # A long run; sample the huge pages of the mpimark processes meanwhile.
  launch 2 "$MPIMARK" sendrecv --path buffer --hugepages yes -m 16M --time 3 --rounds 1 -q \
    --format csv > /dev/null &
  run=$!
  huge=0
  for _ in $(seq 30); do
    sleep 0.2
    for pid in $(pgrep -f "$MPIMARK sendrecv --path buffer --hugepages yes" || true); do
      kb=$(awk '/^AnonHugePages:/ { s += $2 } END { print s + 0 }' "/proc/$pid/smaps" 2> /dev/null || echo 0)
      [ "$kb" -gt "$huge" ] && huge=$kb
    done
    [ "$huge" -ge 16384 ] && break
  done
  wait "$run" || fail "the 16 MiB run exited $?"
  [ "$huge" -ge 16384 ] || fail "with --hugepages yes, at most $huge KiB of huge pages (want >= 16 MiB)"
  echo "ok: --hugepages yes: $huge KiB in huge pages"
fi
echo "ok: --hugepages no and yes validate; THP mode $thp"
