#!/usr/bin/env bash
# hostile.sh CASE: the Python tools (plot, report, compare, merge) fed
# results files and file names from someone else, hostile ones included
# (docs/output.md, "Files from others"). MPIMARK_REPO is the repository.
#
#   gnuplot    values that gnuplot would run as commands (backquotes, system(),
#              macros, quotes, ';', '\') in the metadata and in file names:
#              every tool draws its figures, and no command ran (canary files)
#   formula    file names and metadata that start spreadsheet formulas: no
#              cell of any CSV written starts with = + - @
#   refuse     a name not in the lists, nan, inf, negative or huge numbers,
#              a repeated row, an overlong line, a bad metadata key: each
#              tool exits 2 with one line naming the file, line and column,
#              and no traceback
#   together   files that do not belong together: merge of launches of other
#              operations, compare of files without a row in common, report of
#              a measure run's unmerged launches folder: exit 2
#   scaling    a scaling study of a command whose words are hostile values and
#              formula cells: its table, CSV and figure hold them as text,
#              no command ran, no formula cell in scaling.csv
#   full-disk  plot and compare --plot onto a full file system (a 64 KiB
#              tmpfs): exit 1 with the reason, no empty folder left (77,
#              skipped, where no tmpfs can be mounted)
source "$(dirname "$0")/../lib.sh"
REPO=${MPIMARK_REPO:?set MPIMARK_REPO to the repository}
FIX=$REPO/tests/compare/fixtures
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

# The hostile values: each runs `touch CANARY` if gnuplot (or a shell)
# evaluates it anywhere (the tools run in $dir: a short relative name, so
# that no label is cut before its closing backquote). One per line.
hostile_values() {
  local c=canary
  printf '%s\n' "\`touch $c.1\`" "system(\"touch $c.2\")" "x\" . system(\"touch $c.3\") . \"" \
    "x' . system('touch $c.4') . '" "@c; \`touch $c.5\`" "a\\\\\`touch $c.6\`\\\\" \
    "\$(touch $c.7); touch $c.8" "'\`touch $c.9\`'"
}
no_canary() {
  local found
  found=$(ls "$dir" | grep '^canary' || true)
  [ -z "$found" ] || fail "$1 ran a command from a results file: $found"
}
# no_formula_cells FILE: no cell a spreadsheet would see (split at commas
# outside quotes, metadata lines too) starts a formula.
no_formula_cells() {
  python3 - "$1" <<'PY' || fail "$1 holds a formula cell"
import csv, sys
bad = [(n, c) for n, line in enumerate(open(sys.argv[1]), 1)
       for c in next(csv.reader([line.rstrip("\n")]), []) if c[:1] in ("=", "+", "-", "@", "\t")]
if bad:
    sys.exit("formula cells: %s" % bad[:5])
PY
}
# one_line_exit2 WHAT COMMAND...: the command refuses with exit 2 and one
# line on stderr that names WHAT, without a traceback.
one_line_exit2() {
  local what=$1 rc=0
  shift
  "$@" > out.txt 2> err.txt || rc=$?
  [ $rc -eq 2 ] || fail "$* exited $rc, not 2 ($(head -c 300 err.txt))"
  [ "$(wc -l < err.txt)" -eq 1 ] || fail "$* printed $(wc -l < err.txt) lines, not one: $(head -c 600 err.txt)"
  grep -q Traceback err.txt && fail "$* printed a traceback"
  grep -qF -- "$what" err.txt || fail "$* does not name '$what': $(cat err.txt)"
  [ "$(wc -c < err.txt)" -lt 400 ] || fail "$* printed $(wc -c < err.txt) characters"
}

case $1 in
  gnuplot)
    # One folder of files, each with one hostile value in the metadata that
    # labels and titles show and in its name (a '/' cannot be in a name:
    # the value's last part); then each tool once over all of them.
    mkdir all
    n=0
    while IFS= read -r v; do
      n=$((n + 1))
      esc=$(sed 's/[|&\\]/\\&/g' <<< "$v")
      name="all/r$n-$(basename -- "$v" | tr -d '\n').csv"
      sed -e "s|^#@mpi_library=.*|#@mpi_library=$esc|" -e "s|^#@hosts=.*|#@hosts=$esc|" "$FIX/a.csv" > "$name"
      grep -qF -- "$v" "$name" || fail "the fixture did not take the value $v"
    done < <(hostile_values)
    [ $n -ge 8 ] || fail "only $n hostile values"
    files=(all/*.csv)
    [ ${#files[@]} = "$n" ] || fail "${#files[@]} files for $n values"
    for f in "${files[@]}"; do  # alone, a file's library and hosts are in the title
      "$REPO/scripts/plot" --formats svg "$f" -o "plots/${f#all/r}" > /dev/null || fail "plot of $f: exit $?"
    done
    "$REPO/scripts/plot" "${files[@]}" -o plots/all > /dev/null || fail "plot: exit $?"
    [ -s plots/all/latency-sendrecv.svg ] || fail "plot drew nothing"
    "$REPO/scripts/compare" --plot --plot-dir cmp "${files[@]}" > /dev/null || fail "compare --plot: exit $?"
    [ -s cmp/latency-sendrecv.svg ] || fail "compare --plot drew nothing"
    "$REPO/scripts/report" all > /dev/null || fail "report: exit $?"
    grep -q '<svg' all/report.html || fail "the report has no figure"
    no_canary "plot, compare --plot or report"
    # The text arrived as text: the legend shows the values as written.
    grep -qF 'touch canary.1' plots/1-*/latency-sendrecv.svg || fail "the hostile title is not in the figure"
    ;;
  formula)
    # File names that hold cells of their own, and a command line too.
    cp "$FIX/a.csv" "x,=1+1.csv"
    cp "$FIX/b.csv" "y,@SUM(A1).csv"
    sed 's|^#@command=.*|#@command=mpimark -o a,=1+2,@SUM(1),-3,+4.csv|' "$FIX/round1.csv" > "r,-1.csv"
    cp "$FIX/round2.csv" "r,+2.csv"
    "$REPO/scripts/compare" --format csv "x,=1+1.csv" "y,@SUM(A1).csv" > cmp.csv || fail "compare --format csv: exit $?"
    "$REPO/scripts/compare" --merge -o merged.csv "r,-1.csv" "r,+2.csv" 2> /dev/null || fail "merge: exit $?"
    for f in cmp.csv merged.csv; do
      [ -s "$f" ] || fail "$f is empty"
      no_formula_cells "$f"
    done
    grep -qF "a,'=1+2,'@SUM(1),'-3,'+4.csv" merged.csv || fail "the command was not kept, neutralized"
    grep -qF "#@a_file=x,'=1+1.csv" cmp.csv || fail "the file name was not kept, neutralized"
    ;;
  refuse)
    # CASE|sed expression on a.csv|what the line must name
    # Every tool on the first three cases, then one tool a case in turn
    # (they share the one reader; this keeps the test short).
    i=0
    while IFS='|' read -r what expr name; do
      sed -e "$expr" "$FIX/a.csv" > bad.csv
      cmp -s bad.csv "$FIX/a.csv" && fail "$what: the sed expression changed nothing"
      cp "$FIX/b.csv" good.csv
      rm -rf plots folder && mkdir folder && cp bad.csv folder/
      for t in 0 1 2 3 4; do
        [ $i -lt 3 ] || [ $((i % 5)) = $t ] || continue
        case $t in
          0) one_line_exit2 "$name" "$REPO/scripts/plot" bad.csv -o plots
             [ ! -e plots ] || [ -z "$(ls plots)" ] || fail "$what: plot drew figures" ;;
          1) one_line_exit2 "$name" "$REPO/scripts/compare" good.csv bad.csv ;;
          2) one_line_exit2 "$name" "$REPO/scripts/compare" --format csv bad.csv good.csv ;;
          3) one_line_exit2 "$name" "$REPO/scripts/compare" --merge -o m.csv good.csv bad.csv
             [ ! -e m.csv ] || fail "$what: merge wrote m.csv" ;;
          4) one_line_exit2 "$name" "$REPO/scripts/report" folder ;;
        esac
      done
      i=$((i + 1))
    done <<'CASES'
op formula|s/^sendrecv,buffer,MPI_BYTE,1,1,latency/=1+1,buffer,MPI_BYTE,1,1,latency/|bad.csv:13: column op
unknown op|s/^bcast,buffer,MPI_BYTE,1,1,latency/bcastx,buffer,MPI_BYTE,1,1,latency/|column op
payload|s/^bcast,buffer,MPI_BYTE,1,1,latency/bcast,buffer,@foo,1,1,latency/|column payload
path|s/^bcast,buffer,MPI_BYTE,1,1,latency/bcast,buf,MPI_BYTE,1,1,latency/|column path
metric|s/^bcast,buffer,MPI_BYTE,1,1,latency/bcast,buffer,MPI_BYTE,1,1,speed/|column metric
nan median|13s/,1,1,1.2,1.2,0.95,1.05$/,nan,1,1.2,1.2,0.95,1.05/|bad.csv:13: column median
-nan median|13s/,1,1,1.2,1.2,0.95,1.05$/,-nan,1,1.2,1.2,0.95,1.05/|column median
inf max|13s/,1,1,1.2,1.2,0.95,1.05$/,1,1,inf,1.2,0.95,1.05/|column max
huge max|13s/,1,1,1.2,1.2,0.95,1.05$/,1,1,1e999,1.2,0.95,1.05/|column max
negative median|13s/,1,1,1.2,1.2,0.95,1.05$/,-5,1,1.2,1.2,0.95,1.05/|column median
negative ci|13s/,1,1,1.2,1.2,0.95,1.05$/,1,1,1.2,1.2,-0.95,1.05/|column ci_low
text size|13s/^sendrecv,buffer,MPI_BYTE,1,/sendrecv,buffer,MPI_BYTE,one,/|column bytes
repeated row|14s/.*/sendrecv,buffer,MPI_BYTE,1,1,latency,us,20,100,0.9,1,1,1.2,1.2,0.95,1.05/|bad.csv:14: a second row
metadata key|2s/.*/#@a,=1+2=x/|bad.csv:2: malformed metadata
short row|13s/,1.05$//|bad.csv:13: 15 fields
CASES
    # A line of a megabyte and more: refused before it is parsed.
    { cat "$FIX/a.csv"; head -c 1100000 /dev/zero | tr '\0' 'x'; echo; } > bad.csv
    one_line_exit2 "longer than" "$REPO/scripts/plot" bad.csv -o plots
    # A newline inside a bad name is shown escaped: still one line.
    printf '#@ranks=2\nop,path,payload,bytes,wire_bytes,metric,unit,samples,iterations,min,median,mean,max,p99,ci_low,ci_high\n"a\nb",buffer,MPI_BYTE,1,1,latency,us,1,1,1,1,1,1,1,1,1\n' > bad.csv
    one_line_exit2 "bad.csv" "$REPO/scripts/compare" bad.csv "$FIX/b.csv"
    ;;
  together)
    sed 's/^sendrecv,/gather,/' "$FIX/round2.csv" > other-op.csv
    one_line_exit2 "not the sweep of" "$REPO/scripts/compare" --merge -o m.csv "$FIX/round1.csv" other-op.csv
    [ ! -e m.csv ] || fail "merge of different sweeps wrote m.csv"
    sed 's/^sendrecv,/gather,/; s/^bcast,/scatter,/; s/^allreduce,/reduce,/' "$FIX/new-ok.csv" > disjoint.csv
    one_line_exit2 "no row in common" "$REPO/scripts/compare" --baseline "$FIX/old.csv" disjoint.csv
    one_line_exit2 "no row in common" "$REPO/scripts/compare" "$FIX/old.csv" disjoint.csv
    mkdir .m-launches.x1y2 && cp "$FIX/round1.csv" .m-launches.x1y2/launch1.csv
    one_line_exit2 "did not finish" "$REPO/scripts/report" .m-launches.x1y2
    ;;
  scaling)
    # The command's words go into scaling.csv (#@study_command, #@application)
    # and the figure's title.
    "$REPO/scripts/scaling" --ranks 1 --reps 1 -o study -- sh -c ': "$1" "$2"' sh \
      "\`touch $dir/canary.s1\`" "x,=1+2,@SUM(1)" > /dev/null 2> err.txt ||
      fail "scaling: exit $?: $(tail -2 err.txt)"
    no_canary "scaling"
    [ -s study/scaling.svg ] || fail "scaling drew no figure: $(ls study)"
    no_formula_cells study/scaling.csv
    grep -qF "x,'=1+2,'@SUM(1)" study/scaling.csv || fail "the command was not kept, neutralized"
    ;;
  full-disk)
    mkdir full
    mount -t tmpfs -o size=64k tmpfs full 2> /dev/null || { echo "skipped: cannot mount a tmpfs here"; exit 77; }
    trap 'umount "$dir/full"; rm -rf "$dir"' EXIT
    head -c 60000 /dev/zero > full/filler 2> /dev/null || true
    rc=0
    "$REPO/scripts/plot" "$FIX/a.csv" -o full/plots > /dev/null 2> err.txt || rc=$?
    [ $rc -eq 1 ] || fail "plot onto a full disk: exit $rc, not 1"
    grep -q "no space left in 'full/plots'" err.txt || fail "plot does not say the disk is full: $(head -3 err.txt)"
    [ ! -e full/plots ] || fail "plot left an empty folder"
    rc=0
    "$REPO/scripts/compare" --plot --plot-dir full/cmp "$FIX/a.csv" "$FIX/b.csv" > out.txt 2> err.txt || rc=$?
    [ $rc -eq 1 ] || fail "compare --plot onto a full disk: exit $rc, not 1"
    grep -q "overlay figures failed" err.txt || fail "compare --plot: $(tail -1 err.txt)"
    grep -q "no row in common\|faster\|slower\|no significant" out.txt || fail "compare --plot: the table is missing"
    ;;
  *) fail "unknown case $1" ;;
esac
echo "ok: $1"
