#!/usr/bin/env bash
# verdicts.sh CASE: scripts/compare on the hand-made CSVs in fixtures/
# (A = a.csv, B = b.csv; old.csv and new-*.csv for regression mode).
source "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
compare=$root/scripts/compare
fx=$here/fixtures
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
cd "$fx" || fail "cannot cd to $fx"

# run ARGS...: scripts/compare with stdout in $out, stderr in $err, exit status in $rc.
run() {
  rc=0
  "$compare" "$@" > "$dir/out" 2> "$dir/err" || rc=$?
  out=$(cat "$dir/out") err=$(cat "$dir/err")
}
# verdict_of OP SIZE METRIC: the verdict column of that table row.
verdict_of() {
  awk -v op="$1" -v size="$2" -v m="$3" '$1 == op && $4 == size && $5 == m {
    v = $0; sub(/.*(\]|-)  +[^ ]+  +/, "", v); print v }' "$dir/out"
}
expect_verdict() {
  local got
  got=$(verdict_of "$1" "$2" "$3")
  [ "$got" = "$4" ] || fail "$1 $2 $3: verdict '$got', expected '$4'; output:
$out"
}
expect_rc() {
  [ "$rc" = "$1" ] || fail "exit status $rc, expected $1; stdout:
$out
stderr:
$err"
}
# expect_error PATTERN: exit 2 and a one-line error naming the problem.
expect_error() {
  expect_rc 2
  [ -z "$out" ] || fail "an error case printed on stdout: $out"
  [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "the error is not one line: $err"
  grep -qE -e "$1" <<< "$err" || fail "the error does not match '$1': $err"
}

case $1 in
  by-state) # Rows whose launches fall into modes are judged state by state.
    # moded FILE MEDIANS CI_LOWS CI_HIGHS SHARES PROBES: a merged 8 B
    # sendrecv latency row with those modes (';'-lists), its all-data
    # median and interval spanning them.
    moded() {
      printf '#@mpi_library=Lib\n#@ranks=2\n#@launches=6\n%s\n' "$MPIMARK_MERGED_CSV_HEADER" > "$1"
      local n
      n=$(tr ';' '\n' <<< "$2" | wc -l)
      echo "sendrecv,buffer,MPI_BYTE,8,8,latency,us,60,600,0.1,0.25,0.25,0.5,0.5,0.1,0.6,6,0.1,0.5,0,0,0.2;0.2;0.2;0.2;0.2;0.2,$n,$2,$3,$4,$5,$6," >> "$1"
    }
    # A saw both states (fast 0.14 at 53 ns, slow 0.36 at 201 ns), B only the slow one.
    moded "$dir/A.csv" "0.14;0.36" "0.13;0.35" "0.15;0.37" "0.5;0.5" "53;201"
    moded "$dir/same.csv" "0.36" "0.35" "0.37" "1" "190"
    moded "$dir/worse.csv" "0.54" "0.52" "0.56" "1" "210"
    moded "$dir/other.csv" "4.0" "3.9" "4.1" "1" "4000"
    sed -i 's/,0.1,0.25,0.25,0.5,0.5,0.1,0.6,/,0.3,0.36,0.36,0.4,0.4,0.35,0.37,/' "$dir/same.csv"
    run "$dir/A.csv" "$dir/same.csv"
    expect_rc 0
    expect_verdict sendrecv 8 latency "no significant difference"
    run --baseline "$dir/A.csv" "$dir/worse.csv"  # the slow state 1.5x slower: a regression
    expect_rc 1
    expect_verdict sendrecv 8 latency "slower"
    run --baseline "$dir/A.csv" "$dir/other.csv"  # a state A never saw: not a regression
    expect_rc 0
    expect_verdict sendrecv 8 latency "different states"
    # A mode whose probe lies within 3x of both of A's states pairs with
    # the closer one only (A's slow state, as fast as it), not with both.
    moded "$dir/between.csv" "0.36" "0.35" "0.37" "1" "110"
    run --baseline "$dir/A.csv" "$dir/between.csv"
    expect_rc 0
    expect_verdict sendrecv 8 latency "no significant difference"
    ;;
  slower) # B is clearly slower: latency doubles, bandwidth halves.
    run a.csv b.csv
    expect_rc 0
    expect_verdict sendrecv 1 latency slower
    expect_verdict sendrecv 1 bandwidth slower
    grep -q "^sendrecv .* 1 .* latency .* 2 \+slower$" "$dir/out" || fail "no ratio 2 on the slower latency row"
    ;;
  faster) # lower latency and higher bandwidth are both "faster".
    run a.csv b.csv
    expect_verdict bcast 1 latency faster
    expect_verdict sendrecv 1K bandwidth faster
    ;;
  overlap) # overlapping CIs: no significant difference, whatever the ratio.
    run a.csv b.csv
    expect_verdict sendrecv 1K latency "no significant difference"
    expect_verdict bcast 1 algbw "no significant difference"
    grep -q "^summary sendrecv (buffer): 4 rows: B faster in 1, slower in 2, no significant difference in 1" \
      "$dir/out" || fail "wrong sendrecv summary:
$out"
    grep -q "^summary bcast (buffer): 2 rows: B faster in 1, slower in 0, no significant difference in 1" \
      "$dir/out" || fail "wrong bcast summary:
$out"
    ;;
  mismatch) # rows in one file only are listed, not dropped.
    run a.csv b.csv
    expect_rc 0
    grep -A1 "^only in A (a.csv): 1 row$" "$dir/out" | grep -q "allreduce buffer MPI_DOUBLE 8 B latency" \
      || fail "the row only in A is not listed:
$out"
    grep -A1 "^only in B (b.csv): 1 row$" "$dir/out" | grep -q "gather buffer MPI_BYTE 64 B latency" \
      || fail "the row only in B is not listed:
$out"
    ! grep -q "^all .* rows are in both files" "$dir/out" || fail "claims all rows are in both files"
    run --format csv a.csv b.csv
    grep -q "^A,B,allreduce,buffer,MPI_DOUBLE,8,latency,.*,only in A$" "$dir/out" || fail "CSV lacks the only-in-A row"
    grep -q "^A,B,gather,buffer,MPI_BYTE,64,latency,.*,only in B$" "$dir/out" || fail "CSV lacks the only-in-B row"
    ;;
  metadata) # a line naming both libraries, hosts and ranks.
    run a.csv b.csv
    head -1 "$dir/out" | grep -qx "# comparing A: Libfast MPI 1.0 (2 ranks on nodeA) vs B: Libslow MPI 2.0 (2 ranks on nodeB)" \
      || fail "wrong metadata line: $(head -1 "$dir/out")"
    grep -q "^# A vs B differ in: hosts: nodeA -> nodeB" "$dir/out" || fail "the differing hosts are not reported"
    # The thread level MPI granted (the C binary's single, mpi4py's multiple).
    sed '/^#@hosts=/a #@mpi_thread_level=single' a.csv > "$dir/a.csv"
    sed '/^#@hosts=/a #@mpi_thread_level=multiple' b.csv > "$dir/b.csv"
    run "$dir/a.csv" "$dir/b.csv"
    grep -q "^# A vs B differ in: .*mpi_thread_level: single -> multiple" "$dir/out" \
      || fail "the differing thread levels are not reported: $(grep "differ in" "$dir/out")"
    ;;
  formats) # csv and markdown carry the same verdicts.
    run --format csv a.csv b.csv
    expect_rc 0
    grep -q "^#@a_mpi_library=Libfast MPI 1.0, fixture$" "$dir/out" || fail "CSV: no #@a_mpi_library"
    grep -q "^a,b,op,path,payload,bytes,metric,unit,a_median,a_ci_low,a_ci_high,b_median,b_ci_low,b_ci_high,ratio,verdict$" \
      "$dir/out" || fail "CSV: wrong header"
    grep -qx "A,B,sendrecv,buffer,MPI_BYTE,1,latency,us,1,0.95,1.05,2,1.95,2.05,2,slower" "$dir/out" \
      || fail "CSV: wrong slower row:
$out"
    [ "$(grep -c '^A,B,' "$dir/out")" = 8 ] || fail "CSV: not 6 common + 2 one-sided rows"
    run --format markdown a.csv b.csv
    grep -qx "| sendrecv | buffer | MPI_BYTE | 1 | latency | us | 1 \[0.95, 1.05\] | 2 \[1.95, 2.05\] | 2 | slower |" \
      "$dir/out" || fail "markdown: wrong slower row:
$out"
    grep -q "^|---|" "$dir/out" || fail "markdown: no separator row"
    ;;
  regression-fails) # bandwidth 20% worse, CIs apart: exit 1 and the row listed.
    run --baseline old.csv new-regressed.csv --tolerance 5%
    expect_rc 1
    grep -q "^REGRESSION: 1 row significantly worse than the baseline by more than 5%:" "$dir/out" \
      || fail "no REGRESSION line:
$out"
    grep -A1 "^REGRESSION" "$dir/out" | grep -q "sendrecv buffer MPI_BYTE 8 B bandwidth: 100 \[99, 101\] -> 80 \[79, 81\]" \
      || fail "the regressed row is not listed:
$out"
    run --baseline old.csv new-regressed.csv --tolerance 5% --format csv
    expect_rc 1
    grep -q "^#@regressions=1$" "$dir/out" || fail "CSV: no #@regressions=1"
    ;;
  regression-passes) # 3% worse (within 5%), or 30% worse inside the noise: exit 0.
    run --baseline old.csv new-ok.csv --tolerance 5%
    expect_rc 0
    grep -q "^no regression" "$dir/out" || fail "no 'no regression' line:
$out"
    expect_verdict sendrecv 8 latency slower # significant, but within tolerance
    expect_verdict bcast 64K latency "no significant difference" # 30% worse in the noise
    run --baseline old.csv new-ok.csv # default tolerance 5%
    expect_rc 0
    run --baseline old.csv old.csv --tolerance 0
    expect_rc 0
    ;;
  tolerance) # the same 3% slowdown fails at 2% tolerance ("2" means 2% too).
    run --baseline old.csv new-ok.csv --tolerance 2%
    expect_rc 1
    grep -q "^REGRESSION: 2 rows .* by more than 2%:" "$dir/out" || fail "not 2 regressions at 2%:
$out"
    run --baseline old.csv new-ok.csv --tolerance 2
    expect_rc 1
    run --baseline old.csv new-ok.csv --tolerance 3.5%
    expect_rc 0
    ;;
  merge) # launches: median of the launch medians (launch 3), the interval a
    # repeat's median falls in from the launch medians (as mpimark's own
    # rounds: 2 * exp(-+ t(2) * sd(ln 1, ln 2, ln 3) * sqrt(pi/3)), t(2) =
    # 4.303, sd = 0.5493: [0.173263, 23.0863]), mean weighted by samples.
    run --merge -o "$dir/m.csv" round1.csv round2.csv round3.csv
    expect_rc 0
    grep -q "^#@launches=3$" "$dir/m.csv" || fail "no #@launches=3"
    grep -q "^#@launch_files=round1.csv round2.csv round3.csv$" "$dir/m.csv" || fail "no #@launch_files"
    grep -q "^#@mpi_library=Libfast MPI 1.0, fixture$" "$dir/m.csv" || fail "metadata not kept"
    row=$(csv_rows "$dir/m.csv")
    # The merged measurement has every column, what the fixtures lack
    # included: 3 launches, their smallest and largest median, unstable 0 (a
    # row cannot stand out of a run of one row, however wide), 0 late, the
    # launch medians in file order, one mode (three lone values are no modes).
    [ "$row" = "sendrecv,buffer,MPI_BYTE,1,1,latency,us,60,150,0.9,2,1.83333,3.5,3.5,0.173263,23.0863,3,1,3,0,0,3;1;2,1,2,0.173263,23.0863,1,," ] \
      || fail "merged row: $row"
    # Six rounds: the interval comes from the round medians (median 3.5,
    # t(5) = 2.570 from the expansion), not from one round's wide CI (0.01-100).
    r=0
    for m in 5 1 3 6 2 4; do
      r=$((r + 1))
      lo=$(awk -v m=$m 'BEGIN { print (m == 3 ? 0.01 : m - 0.1) }')
      hi=$(awk -v m=$m 'BEGIN { print (m == 3 ? 100 : m + 0.1) }')
      sed "\$s/.*/sendrecv,buffer,MPI_BYTE,1,1,latency,us,10,50,$lo,$m,$m,$hi,$hi,$lo,$hi/" round1.csv > "$dir/r6-$r.csv"
    done
    run --merge -o "$dir/m6.csv" "$dir"/r6-*.csv
    expect_rc 0
    row=$(csv_rows "$dir/m6.csv")
    [ "$row" = "sendrecv,buffer,MPI_BYTE,1,1,latency,us,60,300,0.01,3.5,3.5,100,100,1.02053,12.0035,6,1,6,0,0,5;1;3;6;2;4,1,3.5,1.02053,12.0035,1,," ] \
      || fail "merged row of 6 rounds: $row"
    grep -q "^#@merge=.*prediction interval of a repeat run.s median, from the launch medians" "$dir/m6.csv" || fail "#@merge does not state the rule"
    run --merge -o "$dir/m.csv" round1.csv round2.csv
    expect_error "exists"
    run --merge -o "$dir/m2.csv" round1.csv b.csv
    expect_error "mpi_library differs"
    ;;
  plot-kept) # --plot where the figures exist: says so, keeps them, the table stands, exit 0.
    mkdir -p "$dir/plots"
    echo earlier > "$dir/plots/latency-sendrecv.png"
    run --plot --plot-dir "$dir/plots" a.csv b.csv
    expect_rc 0
    grep -q "sendrecv" "$dir/out" || fail "no table"
    grep -q "no overlay plot: .*latency-sendrecv.png' exists" "$dir/err" || fail "does not say the figure exists: $err"
    [ "$(cat "$dir/plots/latency-sendrecv.png")" = earlier ] || fail "the earlier figure was replaced"
    ;;
  plot-present) # --plot draws the overlay of A.csv B.csv into DIR (gnuplot, real).
    run --plot --plot-dir "$dir/plots" a.csv b.csv
    expect_rc 0
    [ -s "$dir/plots/latency-sendrecv.svg" ] && [ -s "$dir/plots/latency-sendrecv.png" ] \
      || fail "no overlay figures in $dir/plots: $err"
    grep -q "overlay plots in $dir/plots" "$dir/err" || fail "does not say where the plots are: $err"
    ;;
  missing-file)
    run a.csv no-such.csv
    expect_error "no-such.csv: no such file"
    run --baseline no-such.csv b.csv
    expect_error "no-such.csv: no such file"
    ;;
  different-schema)
    run a.csv other-schema.csv
    expect_error "different schemas"
    ;;
  not-mpimark)
    run a.csv not-mpimark.csv
    expect_error "not-mpimark.csv: not an mpimark CSV"
    run a.csv "$fx"
    expect_error "is a folder"
    ;;
  usage)
    run a.csv
    expect_error "need two CSV files"
    run --tolerance 5% a.csv b.csv
    expect_error "--tolerance needs --baseline"
    run --baseline old.csv new-ok.csv --tolerance fast
    expect_error "--tolerance 'fast'"
    run --format xml a.csv b.csv
    expect_error "invalid choice"
    run --help
    expect_rc 0
    grep -q "no significant difference" "$dir/out" || fail "--help does not explain the verdict"
    ;;
  paired-slower | paired-flip | paired-regression)
    # Merged files (interleaved rounds): each round's B/A ratio is 2 while
    # the machine swings 3x between rounds, so the rounds' CIs overlap; the
    # paired verdict must still see the gap. In paired-flip B is 2x slower in
    # three rounds and 2x faster in three: no significant difference.
    a_r="1;3;1;3;1;3" b_r="2;6;2;6;2;6"
    [ "$1" = paired-flip ] && b_r="2;1.5;2;1.5;0.5;6"
    paired_csv() { # FILE LIBRARY ROUND_MEDIANS
      printf '#@mpi_library=%s\n#@ranks=2\n#@rounds=6\n#@merge=interleaved runs\n%s\n' "$2" \
        "$MPIMARK_CSV_HEADER" > "$1"
      /usr/bin/python3 - "$3" >> "$1" <<'PY'
import sys
r = sys.argv[1]
v = sorted(float(x) for x in r.split(";"))
med = (v[2] + v[3]) / 2
print("sendrecv,buffer,MPI_BYTE,8,8,latency,us,60,600,%g,%g,%g,%g,%g,%g,%g,6,%g,%g,0,0,%s,1,%g,%g,%g,1,,"
      % (v[0], med, med, v[5], v[5], v[0], v[5], v[0], v[5], r, med, v[0], v[5]))
PY
    }
    paired_csv "$dir/A.csv" "Lib A" "$a_r"
    paired_csv "$dir/B.csv" "Lib B" "$b_r"
    if [ "$1" = paired-regression ]; then
      run --baseline "$dir/A.csv" "$dir/B.csv"
      expect_rc 1
      grep -q "sendrecv" "$dir/out" || fail "the regression is not listed"
    else
      run "$dir/A.csv" "$dir/B.csv"
      expect_rc 0
      want=slower
      [ "$1" = paired-flip ] && want="no significant difference"
      expect_verdict sendrecv 8 latency "$want"
      # Unpaired (the same files without #@merge), the CIs overlap: NSD.
      sed -i '/^#@merge=/d' "$dir/A.csv" "$dir/B.csv"
      run "$dir/A.csv" "$dir/B.csv"
      expect_verdict sendrecv 8 latency "no significant difference"
    fi
    ;;
  *) fail "unknown case $1" ;;
esac
echo "ok: $1"
