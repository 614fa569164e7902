#!/usr/bin/env bash
# sync.sh NP MODE: the collective sync modes and rounds.
#   window|barrier|batch  every collective on both paths validates (-c) under
#                         that mode; #@sync says it; window rows drop no more
#                         than they time, and the clock offsets are in the
#                         metadata.
#   late     a rank made late for every 4th call (test hook): those calls
#            are dropped and counted, and the table says so.
#   skew     every rank's clock shifted by 20 ms x rank (test hook): the
#            estimator finds the shift to within its own uncertainty, and
#            the window still times the calls.
#   offsets  no skew (the hook set to 0 runs the estimator, which one node
#            otherwise skips: one clock): the offset found is below its own
#            uncertainty.
#   rounds   every cell gets --rounds R round medians; the same --seed
#            prints the same visiting order's results shape; -i counts per round.
source "$(dirname "$0")/../lib.sh"
np=$1 mode=$2
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
colls=(bcast scatter gather reduce allreduce)

meta_num() { csv_meta "$dir/r.csv" "$1"; }

case $mode in
  window | barrier | batch)
    launch "$np" "$MPIMARK" "${colls[@]}" --path both --sync "$mode" -c -m 0,8,999,64K -i 10 \
      --rounds 2 --root $((np - 1)) -q --format csv -o "$dir/r.csv" > /dev/null \
      || fail "--sync $mode at $np ranks exited $?"
    [ "$(meta_num sync)" = "$mode" ] || fail "#@sync is '$(meta_num sync)', want $mode"
    expect_sane_rows "$dir/r.csv" 10 || fail "bad statistics"
    if [ "$mode" = window ]; then
      for key in sync_window_us_max clock_offset_max_us clock_offset_uncertainty_us late_calls clock_sync; do
        [ -n "$(meta_num "$key")" ] || fail "metadata key $key missing"
      done
    else
      csv_select "$dir/r.csv" late | awk '$1 != 0 { exit 1 }' || fail "late calls outside window mode"
    fi
    ;;
  late)
    MPIMARK_TEST_LATE_RANK=1 launch 2 "$MPIMARK" bcast --path buffer -m 8 -i 40 --rounds 1 \
      -o "$dir/r.csv" > "$dir/table.txt" 2> "$dir/err" || fail "exited $?"
    late=$(csv_select "$dir/r.csv" metric,late | awk -F, '$1 == "latency" { print $2 }')
    valid=$(csv_select "$dir/r.csv" metric,iterations | awk -F, '$1 == "latency" { print $2 }')
    [ "$late" -ge 10 ] || fail "$late late calls, want >= 10 (every 4th of 40)"
    [ $((late + valid)) -ge 40 ] || fail "late $late + valid $valid < 40"
    [ "$(meta_num late_calls)" = "$late" ] || fail "#@late_calls != $late"
    grep -q "^# note: bcast 8 B (buffer path): $late of $((late + valid)) calls" "$dir/table.txt" \
      || { cat "$dir/table.txt"; fail "no table note on dropped calls"; }
    ;;
  skew | offsets)
    skew=0
    [ "$mode" = skew ] && skew=20000
    MPIMARK_TEST_CLOCK_SKEW_US=$skew launch "$np" "$MPIMARK" bcast --path buffer -m 8 -i 50 \
      --rounds 2 -q --format csv -o "$dir/r.csv" > /dev/null || fail "exited $?"
    off=$(meta_num clock_offset_max_us) unc=$(meta_num clock_offset_uncertainty_us)
    want=$((skew * (np - 1)))
    awk -v o="$off" -v u="$unc" -v w="$want" 'BEGIN { d = o - w; if (d < 0) d = -d; exit !(d <= u && u > 0) }' \
      || fail "offset found $off us, want $want us +- $unc us"
    # A preemption on a busy machine makes a run of calls late, so the count
    # of valid calls is bounded loosely; an uncorrected skew would make every
    # call late on one rank or add the 20 ms to each call's time.
    read -r valid median < <(csv_select "$dir/r.csv" metric,iterations,median | awk -F, '$1 == "latency" { print $2, $3 }')
    [ "$valid" -ge 10 ] || fail "only $valid valid calls of 100 under a skew"
    # (half the skew: more than a scheduler time slice of an oversubscribed node)
    awk -v m="$median" -v s="$skew" 'BEGIN { exit !(s == 0 || m < s / 2) }' \
      || fail "median call time $median us under a skew of $skew us per rank"
    echo "ok: offset $off us (want $want) +- $unc us; $valid valid calls, median $median us"
    ;;
  rounds)
    launch 2 "$MPIMARK" sendrecv bcast --path both -m 8,1K -i 6 --rounds 5 --seed 42 -q \
      --format csv -o "$dir/r.csv" > /dev/null || fail "exited $?"
    [ "$(meta_num rounds)" = 5 ] && [ "$(meta_num seed)" = 42 ] || fail "rounds/seed metadata"
    expect_sane_rows "$dir/r.csv" 6 || fail "bad statistics"
    csv_select "$dir/r.csv" rounds | awk '$1 != 5 { exit 1 }' || fail "a row without 5 rounds"
    launch 2 "$MPIMARK" bcast -m 8 -i 3 -q --format csv > "$dir/auto.csv" || fail "exited $?"
    seed=$(sed -n 's/^#@seed=//p' "$dir/auto.csv")
    [[ $seed =~ ^[1-9][0-9]*$ ]] || fail "auto seed '$seed' not recorded"
    ;;
  *) fail "unknown mode $mode" ;;
esac
echo "ok: $mode at $np ranks"
