#!/usr/bin/env bash
# report.sh CASE: scripts/report end to end, each report kind checked in
# real headless Chromium (tests/report/browser.py: no console errors, every
# figure rendered with a size, no request leaving the file, a PDF whose text
# names the operations and the MPI library).
#
#   single          a real mpimark run (both paths): report.html and
#                   report.md with the headline numbers; not overwritten
#                   without --force, replaced with it
#   python          C and mpi4py runs in one folder: both in the report
#   compare         scripts/compare-mpi (the compare tests' two builds)
#                   ends with the report's path; the verdicts are in it
#   scaling         scripts/scaling ends with the report's path; the scaling
#                   table is in it
#   modes           a merged result whose 8 B latency and object/buffer ratio
#                   fall into modes: the headline and the operation's table
#                   show each mode with its share and state, the notes say so
#   browser-detects the browser check fails on a report that fetches from
#                   the network, logs a console error or hides a figure
#   bad-input CASE  exit 2, one line naming the problem, nothing written
source "$(dirname "$0")/../lib.sh"
REPO=${MPIMARK_REPO:?set MPIMARK_REPO to the repository}
REPORT=$REPO/scripts/report
BROWSER=(/usr/bin/python3 "$(dirname "$0")/browser.py")
case=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

# run_c DIR: a small real mpimark run of two operations, both paths.
run_c() {
  mkdir -p "$1"
  launch 2 "$MPIMARK" sendrecv bcast --path both -m 8,1K,64K -i 20 --rounds 2 -q \
    -o "$1/mpimark.csv" > "$1/mpimark.txt" || fail "mpimark exited $?"
}
# md_has FILE TEXT...: the markdown report holds every TEXT.
md_has() {
  local f=$1 t
  shift
  for t in "$@"; do grep -qF -- "$t" "$f" || fail "$(basename "$f") lacks '$t'"; done
}
# last_report STDERR: the report path from a script's last line.
last_report() {
  local last
  last=$(tail -n1 "$1")
  [[ $last == "[mpimark] report: "*report.html ]] || fail "the last line is not the report's path: '$last'"
  echo "${last#\[mpimark\] report: }"
}

case $case in
  modes)
    # 6 launches: 8 B in two states (3 launches each, probes 30 and 180 ns),
    # the object path 8x the buffer path in every launch but one.
    mkdir -p "$dir/r"
    { printf '#@mpi_library=Open MPI v4.1.4\n#@ranks=2\n#@launches=6\n#@merge=median of the launch medians\n%s\n' \
        "$MPIMARK_MERGED_CSV_HEADER"
      states="30;180;30;180;30;180"
      echo "sendrecv,buffer,MPI_BYTE,8,8,latency,us,60,600,0.1,0.25,0.25,0.5,0.5,0.1,0.6,6,0.14,0.36,0,0,0.14;0.36;0.14;0.36;0.14;0.36,2,0.14;0.36,0.13;0.35,0.15;0.37,0.5;0.5,30;180,$states"
      echo "sendrecv,object,bytes,8,30,latency,us,60,600,1,2,2,3,3,1,3,6,1.1,2.9,0,0,1.12;2.88;1.12;2.88;1.12;0.37,1,2,1,3,1,,$states"
      # 1 KiB: the object path 8x in the fast state, about 4x in the slow
      # one; the ratios alone are one noisy group, their states two modes.
      echo "sendrecv,buffer,MPI_BYTE,1024,1024,latency,us,60,600,1,1,1,1,1,1,1,6,1,1,0,0,1;1;1;1;1;1,1,1,1,1,1,,$states"
      echo "sendrecv,object,bytes,1024,1050,latency,us,60,600,4,6,6,8,8,4,8,6,3.8,8.4,0,0,8;4.2;7.6;3.8;8.4;5,1,6,4,8,1,,$states"
    } > "$dir/r/merged.csv"
    "$REPORT" "$dir/r" > /dev/null || fail "scripts/report exited $?"
    md_has "$dir/r/report.md" "| 0.140 +-7.1% (3 of 6, line 30 ns) \\| 0.360 +-2.8% (3 of 6, line 180 ns) us |" \
      "| 1.03x (1 of 6, no interval, line 180 ns) \\| 8.00x +-0.0% (5 of 6, line 30 ns) |" \
      "| 4.20x +-84% (3 of 6, line 180 ns) \\| 8.00x +-25% (3 of 6, line 30 ns) |" \
      "- modes: 3 of 4 rows fall into separate groups"
    ;;
  single)
    run_c "$dir/r"
    "$REPORT" "$dir/r" > "$dir/out" || fail "scripts/report exited $?"
    [ "$(cat "$dir/out")" = "$dir/r/report.html" ] || fail "printed '$(cat "$dir/out")', not the report's path"
    md_has "$dir/r/report.md" "Headline numbers" "latency at 8 B (buffer path)" \
      "object/buffer latency at 64 KiB (bytes)" "### sendrecv" "### bcast" "Method and notes" \
      "## Model: " "latency = alpha + bytes / beta" "| sendrecv | buffer (MPI_BYTE) | 8 B .. 64 KiB |"
    lib=$(csv_meta "$dir/r/mpimark.csv" mpi_library)
    md_has "$dir/r/report.md" "$lib" "$(csv_meta "$dir/r/mpimark.csv" command)"
    md_has "$dir/r/report.md" "Placement" "$(csv_meta "$dir/r/mpimark.csv" binding)" \
      "$(csv_meta "$dir/r/mpimark.csv" placement)"
    "${BROWSER[@]}" "$dir/r/report.html" sendrecv bcast "Open MPI" || fail "browser check"
    cp "$dir/r/report.html" "$dir/before"
    rc=0
    "$REPORT" "$dir/r" 2> "$dir/err" || rc=$?
    [ $rc = 2 ] && grep -q "exists" "$dir/err" || fail "a second report exited $rc: $(cat "$dir/err")"
    cmp -s "$dir/before" "$dir/r/report.html" || fail "the earlier report was changed"
    "$REPORT" "$dir/r" --force > /dev/null || fail "--force exited $?"
    ;;
  python)
    run_c "$dir/r"
    launch 2 "$PYTHON" "$REPO/programs/python/mpimark.py" sendrecv bcast --path both -m 8,1K,64K \
      -i 20 --rounds 2 -q -o "$dir/r/mpi4py.csv" > "$dir/r/mpi4py.txt" || fail "the runner exited $?"
    "$REPORT" "$dir/r" > /dev/null || fail "scripts/report exited $?"
    md_has "$dir/r/report.md" "Open MPI 4" "(C) (mpimark.csv)" "(mpi4py) (mpi4py.csv)" \
      "mpi4py.csv: " "mpimark.csv: "
    "${BROWSER[@]}" "$dir/r/report.html" sendrecv bcast mpi4py "Open MPI" || fail "browser check"
    ;;
  compare)
    MPIMARK_BUILD_OPENMPI=$COMPARE_BUILD_OPENMPI MPIMARK_BUILD_MPICH=$COMPARE_BUILD_MPICH \
      MPIMARK_RESULTS_DIR=$dir "$REPO/scripts/compare-mpi" --rounds 2 \
      sendrecv allreduce --path buffer -m 8,4K -i 20 -x 2 > /dev/null 2> "$dir/err" \
      || { cat "$dir/err"; fail "scripts/compare-mpi exited $?"; }
    report=$(last_report "$dir/err")
    md_has "${report%.html}.md" "Comparison: verdicts" "MPICH" "Open MPI" "no significant difference"
    "${BROWSER[@]}" "$report" sendrecv allreduce "Open MPI" MPICH || fail "browser check"
    ;;
  scaling)
    timeout 240 "$REPO/scripts/scaling" --ranks 1,2 --reps 1 --samples 2M --bin "$MONTECARLO_PI" \
      -o "$dir/s" > /dev/null 2> "$dir/err" || { cat "$dir/err"; fail "scripts/scaling exited $?"; }
    report=$(last_report "$dir/err")
    [ "$report" = "$dir/s/report.html" ] || fail "report at $report"
    md_has "$dir/s/report.md" "## Scaling" "parallel efficiency" "montecarlo_pi"
    "${BROWSER[@]}" "$report" montecarlo_pi speedup "Open MPI" || fail "browser check"
    ;;
  browser-detects)
    # A report from a fixture CSV, then three broken copies of it.
    mkdir "$dir/r"
    cp "$REPO/tests/compare/fixtures/a.csv" "$dir/r/mpimark.csv"
    "$REPORT" "$dir/r" > /dev/null || fail "scripts/report exited $?"
    "${BROWSER[@]}" "$dir/r/report.html" sendrecv Libfast > "$dir/log" || { cat "$dir/log"; fail "the good report fails"; }
    broken() { # broken NAME SED-EXPR WANT
      sed "$2" "$dir/r/report.html" > "$dir/$1.html"
      if "${BROWSER[@]}" "$dir/$1.html" sendrecv > "$dir/log"; then fail "$1: the check passed"; fi
      grep -q "$3" "$dir/log" || fail "$1: failed for another reason: $(cat "$dir/log")"
    }
    broken network 's|</body>|<img src="http://192.0.2.1/x.png" alt=""></body>|' "requests leave the file"
    broken console 's|</body>|<script>console.error("broken")</script></body>|' "console errors"
    broken hidden 's|<svg class="figure"|<svg class="figure" style="display:none"|' "no rendered size"
    ;;
  bad-input)
    what=$2
    mkdir -p "$dir/r"
    args=("$dir/r")
    case $what in
      empty-folder) want="no mpimark results here" ;;
      not-mpimark) printf 'name,value\na,1\n' > "$dir/r/other.csv"; want="other.csv: not an mpimark CSV" ;;
      partial)
        mv "$dir/r" "$dir/.20260101T000000Z-1.partial"
        cp "$REPO/tests/compare/fixtures/a.csv" "$dir/.20260101T000000Z-1.partial/mpimark.csv"
        args=("$dir/.20260101T000000Z-1.partial") want="half-written .partial folder" ;;
      a-file) cp "$REPO/tests/compare/fixtures/a.csv" "$dir/r/a.csv"; args=("$dir/r/a.csv") want="not a results folder" ;;
      no-such-folder) args=("$dir/nope") want="no such folder" ;;
      no-args) args=() want="no results folder given" ;;
      unknown-option) args=(--bogus "$dir/r") want="unknown option '--bogus'" ;;
      bad-output) cp "$REPO/tests/compare/fixtures/a.csv" "$dir/r/"; args=("$dir/r" -o "$dir/r/x.pdf") want="must end in .html" ;;
      *) fail "unknown bad-input case $what" ;;
    esac
    rc=0
    "$REPORT" "${args[@]}" > "$dir/out" 2> "$dir/err" || rc=$?
    [ $rc = 2 ] || fail "$what: exit $rc, not 2 ($(cat "$dir/err"))"
    [ "$(wc -l < "$dir/err")" = 1 ] || fail "$what: not one line: $(cat "$dir/err")"
    grep -qF -- "$want" "$dir/err" || fail "$what: '$(cat "$dir/err")' does not say '$want'"
    [ -z "$(find "$dir" -name 'report.*')" ] || fail "$what: a report was written"
    ;;
  *) fail "unknown case $case" ;;
esac
echo "ok: report $case ${2:-}"
