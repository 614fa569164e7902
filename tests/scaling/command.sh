#!/usr/bin/env bash
# command.sh CASE: scripts/scaling -- COMMAND on programs that are not
# montecarlo_pi's C binary, through real mpirun: BUSY (tests/scaling/busy.c,
# written only for these tests: a known serial part, its own time on
# stdout) and the bundled mpi4py montecarlo_pi.py. The table's numbers are
# checked against the runs' own files (runs/runs.csv, each run's stdout).
#
#   time-from      strong, --time-from: each run's time is the number on its
#                  stdout; time_s is their median, speedup T(1) / T(2)
#   wall-weak      weak, wall-clock, {ranks} in the command: launch-cost
#                  runs before every run and their median as launch_cost_s
#   python         montecarlo_pi.py under mpi4py, its own time (read without
#                  --time-from), its estimate; the launch's share outside it
#                  said in a caveat
#   fit-outside    run times that grow with the ranks: the Amdahl fit leaves
#                  [0, 1], is shown bounded, and a caveat says so
#   mpi-time       --mpi-time on mpishare (tests/scaling/mpishare.c, a known
#                  share of time in MPI): mpi_fraction within 5 points of
#                  it at 1 and 2 ranks, its min <= it <= max, MPI_Barrier the
#                  costliest call, the runs' files kept, the stacked figure
#   mpi-time-python --mpi-time on montecarlo_pi.py under mpi4py: the share
#                  of every rank count, the calls mpi4py made
#   run-fails      a run that fails at 2 ranks: exit 1, one line naming it,
#                  the runs before it kept, no scaling.csv
#   oversubscribe  more ranks than cores: refused without --oversubscribe,
#                  marked in the CSV and the table with it
#   bad CASE       exit 2, one line, nothing written
source "$(dirname "$0")/../lib.sh"
REPO=${MPIMARK_REPO:?set MPIMARK_REPO to the repository}
BUSY=${BUSY:?set BUSY to the busy test program}
SCALING=$REPO/scripts/scaling
case=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
out=$dir/out

col() { # col FILE RANKS NAME: column NAME of the row for RANKS
  csv_select "$1" ranks,"$3" | awk -F, -v k="$2" '$1 == k {print $2; exit}'
}
run_col() { # run_col RANKS REP KIND NAME: a column of runs/runs.csv
  awk -F, -v k="$1" -v r="$2" -v kind="$3" -v name="$4" 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
    $c["ranks"] == k && $c["rep"] == r && $c["kind"] == kind {print $c[name]; exit}' "$out/runs/runs.csv"
}
close_to() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a - b < 1e-5 * (a > 0 ? a : -a) + 1e-6 && b - a < 1e-5 * (a > 0 ? a : -a) + 1e-6) }'; }
median_of() { sort -g | awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
study() { # study ARGS...: scripts/scaling into $out; fails the test unless it exits 0
  local rc=0
  timeout 280 "$SCALING" -o "$out" --no-plot "$@" > "$dir/stdout" 2> "$dir/stderr" || rc=$?
  [ $rc -eq 0 ] || { cat "$dir/stderr" >&2; fail "scripts/scaling $*: exit $rc"; }
}
medians_match() { # medians_match K REPS NAME: time_s at K is the median of the runs' NAME
  local k=$1 reps=$2 name=$3 want
  want=$(for ((r = 1; r <= reps; r++)); do run_col "$k" "$r" run "$name"; done | median_of)
  close_to "$want" "$(col "$out/scaling.csv" "$k" time_s)" ||
    fail "time_s at $k ranks is $(col "$out/scaling.csv" "$k" time_s), the median of the runs' $name is $want"
}

case $case in
  time-from)
    study --ranks 1,2 --reps 3 --time-from 'elapsed ([0-9.]+) s' -- "$BUSY" 40 200
    csv=$out/scaling.csv
    [ "$(csv_meta "$csv" time_source)" = "the program's output (--time-from elapsed ([0-9.]+) s)" ] ||
      fail "#@time_source is '$(csv_meta "$csv" time_source)'"
    [ "$(csv_meta "$csv" application)" = busy ] || fail "#@application is '$(csv_meta "$csv" application)'"
    for k in 1 2; do
      for r in 1 2 3; do
        said=$(sed -n 's/.*elapsed \([0-9.]*\) s$/\1/p' "$out/runs/np$k-rep$r.out")
        close_to "$said" "$(run_col $k $r run time_s)" || fail "run np$k-rep$r said $said s, runs.csv has $(run_col $k $r run time_s)"
        grep -q "ranks=$k " "$out/runs/np$k-rep$r.out" || fail "np$k-rep$r did not run at $k ranks"
      done
      medians_match $k 3 time_s
    done
    t1=$(col "$csv" 1 time_s) t2=$(col "$csv" 2 time_s)
    close_to "$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.4f", a / b }')" "$(col "$csv" 2 speedup)" ||
      fail "speedup at 2 ranks is $(col "$csv" 2 speedup), T(1)/T(2) = $t1/$t2"
    [ -z "$(col "$csv" 1 launch_cost_s)" ] || fail "launch_cost_s with the program's own time"
    # busy's serial fraction is 40 / 240 = 0.17 plus its sleeps' overshoot:
    # a sane fit is well inside (0, 0.5) and its interval holds the value.
    f=$(csv_meta "$csv" serial_fraction) lo=$(csv_meta "$csv" serial_fraction_ci_low) hi=$(csv_meta "$csv" serial_fraction_ci_high)
    awk -v f="$f" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(f > 0.05 && f < 0.5 && lo <= f && f <= hi) }' ||
      fail "serial fraction $f [$lo, $hi]: not near busy's 0.17"
    [ "$(csv_meta "$csv" fit_model)" = Amdahl ] || fail "#@fit_model is not Amdahl"
    grep -q "^Serial fraction (Amdahl fit to every run): " "$dir/stdout" || fail "no serial fraction under the table"
    ;;
  wall-weak)
    # 1 and 2 s of parallel work: a launch costs 0.4-0.7 s here, more under
    # load, and the check below (launch cost inside the run time) failed
    # once with 0.1 and 0.2 s (0.69 s against 0.62 s, e2e's other tests
    # running beside it).
    study --weak --ranks 1,2 --reps 2 -- "$BUSY" 20 '{ranks}000'
    csv=$out/scaling.csv
    [ "$(csv_meta "$csv" time_source)" = "wall-clock time of the launch" ] || fail "#@time_source is '$(csv_meta "$csv" time_source)'"
    [ -n "$(csv_meta "$csv" launch_cost_program)" ] || fail "no #@launch_cost_program"
    grep -q "parallel_ms=1000 " "$out/runs/np1-rep1.out" && grep -q "parallel_ms=2000 " "$out/runs/np2-rep2.out" ||
      fail "{ranks} was not replaced by the rank count"
    for k in 1 2; do
      medians_match $k 2 wall_s
      want=$(for r in 1 2; do run_col $k $r launch-cost wall_s; done | median_of)
      close_to "$want" "$(col "$csv" $k launch_cost_s)" || fail "launch_cost_s at $k ranks is not the median of the launch-cost runs ($want)"
    done
    awk -v c="$(col "$csv" 2 launch_cost_s)" -v t="$(col "$csv" 2 time_s)" 'BEGIN { exit !(c > 0 && c < t) }' ||
      fail "launch cost $(col "$csv" 2 launch_cost_s) s is not inside the run time $(col "$csv" 2 time_s) s"
    [ "$(csv_meta "$csv" fit_model)" = Gustafson ] || fail "#@fit_model is not Gustafson"
    grep -q '| launch cost (s) |$' "$dir/stdout" || fail "no launch cost column in the table"
    ;;
  python)
    study --ranks 1,2 --reps 2 -- /usr/bin/python3 "$REPO/programs/python/montecarlo_pi.py" 2M
    for k in 1 2; do
      grep -q "samples=2000000 ranks=$k " "$out/runs/np$k-rep1.out" || fail "montecarlo_pi.py at $k ranks: $(cat "$out/runs/np$k-rep1.out")"
      err=$(sed -n 's/.* error=\([^ ]*\) .*/\1/p' "$out/runs/np$k-rep1.out")
      awk -v e="$err" 'BEGIN { exit !(e < 0.01) }' || fail "montecarlo_pi.py's estimate is $err off pi"
      medians_match $k 2 time_s
    done
    [ "$(csv_meta "$out/scaling.csv" application)" = montecarlo_pi.py ] || fail "#@application is not montecarlo_pi.py"
    [ "$(csv_meta "$out/scaling.csv" time_source)" = "montecarlo_pi.py's own time (its time_s= line)" ] ||
      fail "#@time_source is '$(csv_meta "$out/scaling.csv" time_source)'"
    # 2M samples take milliseconds; starting Python and MPI takes most of a launch.
    csv_meta "$out/scaling.csv" caveats | grep -q "% of each launch at [12] rank(s) was spent outside the program's own time" ||
      fail "no caveat on the launch's share: '$(csv_meta "$out/scaling.csv" caveats)'"
    grep -q "^Caveat: .* outside the program's own time" "$dir/stdout" || fail "no caveat under the table"
    ;;
  fit-outside)
    study --ranks 1,2 --reps 2 --time-from 'took (\S+) s' -- sh -c 'echo took {ranks} s'
    csv=$out/scaling.csv
    [ "$(csv_meta "$csv" serial_fraction)" = 1.000000 ] && [ "$(csv_meta "$csv" serial_fraction_ci_high)" = 1.000000 ] ||
      fail "the fit is not bounded to [0, 1]: $(csv_meta "$csv" serial_fraction) [.., $(csv_meta "$csv" serial_fraction_ci_high)]"
    csv_meta "$csv" caveats | grep -qF "The fitted serial fraction, 3, lies outside [0, 1]" ||
      fail "no caveat on the fit: '$(csv_meta "$csv" caveats)'"
    grep -qF "Caveat: The fitted serial fraction, 3, lies outside [0, 1]" "$dir/stdout" || fail "no caveat under the table"
    ;;
  mpi-time)
    study --ranks 1,2 --reps 2 --mpi-time -- "$MPISHARE" 4 50
    csv=$out/scaling.csv
    for k in 1 2; do
      want=$(sed -n 's/.*expected_mpi_fraction=\([0-9.]*\)$/\1/p' "$out/runs/np$k-rep1.out")
      [ -n "$want" ] || fail "mpishare at $k ranks printed no expected share"
      got=$(col "$csv" $k mpi_fraction) lo=$(col "$csv" $k mpi_fraction_min) hi=$(col "$csv" $k mpi_fraction_max)
      awk -v g="$got" -v w="$want" -v lo="$lo" -v hi="$hi" 'BEGIN { d = g - w; exit !(d < 0.05 && d > -0.05 && lo <= g && g <= hi) }' ||
        fail "mpi_fraction at $k ranks is $got [$lo, $hi], mpishare spends $want of its time in MPI"
      [ -s "$out/runs/np$k-rep2.mpitime.csv" ] || fail "no MPI-time file for np$k-rep2"
    done
    [[ "$(col "$csv" 2 mpi_top_calls)" == "MPI_Barrier 100%"* ]] || fail "costliest calls at 2 ranks: '$(col "$csv" 2 mpi_top_calls)'"
    [ -n "$(csv_meta "$csv" mpi_time_library)" ] || fail "no #@mpi_time_library"
    grep -q "| time in MPI \[min, max over ranks\] | costliest MPI calls |$" "$dir/stdout" || fail "no MPI columns in the table"
    "$REPO/scripts/plot" "$csv" -o "$dir/fig" --formats svg > /dev/null || fail "scripts/plot exited $?"
    grep -q "in MPI calls" "$dir/fig/scaling-mpi-time.svg" || fail "no scaling-mpi-time figure with its MPI bars"
    ;;
  mpi-time-python)
    study --ranks 1,2 --reps 1 --mpi-time -- /usr/bin/python3 "$REPO/programs/python/montecarlo_pi.py" 2M
    for k in 1 2; do
      awk -v g="$(col "$out/scaling.csv" $k mpi_fraction)" 'BEGIN { exit !(g != "" && g >= 0 && g < 1) }' ||
        fail "mpi_fraction at $k ranks: '$(col "$out/scaling.csv" $k mpi_fraction)'"
    done
    grep -q "^1,MPI_" "$out/runs/np2-rep1.mpitime.csv" || fail "rank 1 made no MPI call mpi4py's reduce needs: $(cat "$out/runs/np2-rep1.mpitime.csv")"
    ;;
  run-fails)
    rc=0
    timeout 120 "$SCALING" -o "$out" --no-plot --ranks 1,2 --reps 2 -- "$BUSY" 1 10 2 > "$dir/stdout" 2> "$dir/stderr" || rc=$?
    [ $rc -eq 1 ] || { cat "$dir/stderr" >&2; fail "exit $rc, want 1"; }
    grep -v '^\[mpimark\]' "$dir/stderr" > "$dir/errline"
    [ "$(wc -l < "$dir/errline")" -eq 1 ] && grep -qF "the run at 2 rank(s), rep 1, failed (exit 3)" "$dir/errline" ||
      { cat "$dir/stderr" >&2; fail "not one line naming the failed run"; }
    [ -s "$out/runs/np1-rep1.out" ] && grep -q "failing at 2 ranks" "$out/runs/np2-rep1.err" ||
      fail "the runs' output is not kept"
    [ "$(run_col 2 1 run exit_status)" = 3 ] || fail "runs.csv does not record exit status 3"
    [ ! -e "$out/scaling.csv" ] || fail "a failed study wrote scaling.csv"
    ;;
  oversubscribe)
    over=$(($(nproc) + 1))
    rc=0
    timeout 60 "$SCALING" -o "$out" --ranks 1,$over -- "$BUSY" 1 10 > /dev/null 2> "$dir/stderr" || rc=$?
    [ $rc -eq 2 ] && grep -qF "add --oversubscribe" "$dir/stderr" && [ ! -e "$out" ] ||
      { cat "$dir/stderr" >&2; fail "more ranks than cores were not refused (exit $rc)"; }
    study --oversubscribe --ranks 1,$over --reps 1 --time-from 'elapsed ([0-9.]+) s' -- "$BUSY" 1 10
    [ "$(col "$out/scaling.csv" 1 oversubscribed)" = 0 ] && [ "$(col "$out/scaling.csv" $over oversubscribed)" = 1 ] ||
      fail "the oversubscribed column is wrong"
    [ "$(csv_meta "$out/scaling.csv" oversubscribed_ranks)" = $over ] || fail "no #@oversubscribed_ranks"
    grep -q "^| $over (oversubscribed) |" "$dir/stdout" || fail "the table does not mark $over ranks"
    ;;
  bad)
    bad=$2
    printf 'echo hi\n' > "$dir/not-executable"
    case $bad in
      no-command) args=(-- "$dir/nope") want="'$dir/nope' is not an executable program" ;;
      not-executable) args=(-- "$dir/not-executable") want="is not an executable program" ;;
      no-group) args=(--time-from 'elapsed [0-9.]+' -- "$BUSY" 1 10) want="it needs exactly one capture group" ;;
      two-groups) args=(--time-from '(elapsed) ([0-9.]+)' -- "$BUSY" 1 10) want="it has 2" ;;
      bad-regex) args=(--time-from 'elapsed ([0-9.]+' -- "$BUSY" 1 10) want="bad --time-from" ;;
      no-match) args=(--time-from 'took ([0-9.]+) s' -- "$BUSY" 1 10) want="at 1 rank(s), rep 1: no line of the run's output matches it" ;;
      empty-regex) args=(--time-from '' -- "$BUSY" 1 10) want="--time-from '' is empty" ;;
      time-abc | time-0 | time-negative | time-huge) # a time that is no time: quoted, not a path to a deleted file
        value=$(case $bad in time-abc) echo abc ;; time-0) echo 0 ;; time-negative) echo -3 ;; *) echo 1e999 ;; esac)
        args=(--time-from 'took (\S+) s' -- sh -c "echo 'took $value s'")
        want="its group took '$value' from the line 'took $value s': not a positive number of seconds" ;;
      samples) args=(--samples 1M -- "$BUSY" 1 10) want="--samples is montecarlo_pi's" ;;
      *) fail "unknown case $bad" ;;
    esac
    rc=0
    timeout 60 "$SCALING" -o "$out" --ranks 1 --reps 1 --no-plot "${args[@]}" > "$dir/stdout" 2> "$dir/stderr" || rc=$?
    grep -v '^\[mpimark\] rep\|^\[mpimark\] strong' "$dir/stderr" > "$dir/errline" || true
    [ $rc -eq 2 ] || { cat "$dir/stderr" >&2; fail "$bad: exit $rc, want 2"; }
    grep -qF -- "$want" "$dir/errline" || { cat "$dir/stderr" >&2; fail "$bad: stderr lacks '$want'"; }
    [ "$(wc -l < "$dir/errline")" -eq 1 ] || { cat "$dir/stderr" >&2; fail "$bad: more than one line"; }
    [ ! -s "$dir/stdout" ] || fail "$bad: printed something on stdout"
    [ ! -e "$out" ] || fail "$bad: left $out behind"
    echo "ok: $bad: $(cat "$dir/errline")"
    ;;
  *) fail "unknown case $case" ;;
esac
echo "ok: $case"
