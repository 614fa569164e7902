#!/usr/bin/env bash
# plot.sh CASE: end-to-end checks of scripts/plot.
#
#   mpimark-overlay   real mpimark runs at 2 and 3 ranks (both paths), plotted
#                     together into -o DIR and alone into the CSV's folder:
#                     every expected figure as PNG and SVG that `file`
#                     recognises, of a sensible size, with axis labels and
#                     series names (from the metadata) in the SVG
#   scaling           scripts/scaling --ranks 1,2, then scripts/plot on its CSV
#   labels            hand-made CSVs of Open MPI, MPICH and the mpi4py runner:
#                     the legend names them from #@mpi_library and #@runner
#   bad-input CASE    exit 2, one clear line, no figures
source "$(dirname "$0")/../lib.sh"
REPO=${MPIMARK_REPO:?set MPIMARK_REPO to the repository}
PLOT=$REPO/scripts/plot
case=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

# figure DIR NAME: NAME.png and NAME.svg exist, are what they claim, and
# are not trivially small.
figure() {
  local png=$1/$2.png svg=$1/$2.svg
  [ -f "$png" ] && [ -f "$svg" ] || fail "$2: missing $png or $svg (have: $(ls "$1" | tr '\n' ' '))"
  file -b "$png" | grep -q '^PNG image data' || fail "$png: $(file -b "$png")"
  file -b "$svg" | grep -q 'SVG' || fail "$svg: $(file -b "$svg")"
  [ "$(stat -c %s "$png")" -gt 15000 ] || fail "$png is only $(stat -c %s "$png") bytes"
  [ "$(stat -c %s "$svg")" -gt 15000 ] || fail "$svg is only $(stat -c %s "$svg") bytes"
  # More than axes: at least one drawn data path beyond the frame and grid.
  [ "$(grep -c '<path' "$svg")" -gt 20 ] || fail "$svg draws almost nothing"
}
# svg_has SVG TEXT...: every TEXT appears in the SVG's text.
svg_has() {
  local svg=$1 t
  shift
  for t in "$@"; do
    grep -qF -- "$t" "$svg" || fail "$(basename "$svg") lacks the text '$t'"
  done
}
# The short library name the legend should show, e.g. "Open MPI 4.1.4".
short_lib() {
  sed -E 's/^Open MPI v?([0-9][0-9a-z.]*).*/Open MPI \1/; s/^MPICH Version:[[:space:]]*([0-9][0-9a-z.]*).*/MPICH \1/' <<< "$1"
}

case $case in
  mpimark-overlay)
    MPIMARK=${MPIMARK:?set MPIMARK to the mpimark binary}
    mkdir "$dir/r2" "$dir/r3"
    for np in 2 3; do
      timeout 180 bash -c 'source "$1"; shift; launch "$@"' _ "$(dirname "$0")/../lib.sh" "$np" \
        "$MPIMARK" sendrecv isendirecv bcast allreduce ibcast -m 1:16K --time 0.01 -q \
        -o "$dir/r$np/mpimark.csv" > /dev/null || fail "mpimark at $np ranks failed"
    done
    "$PLOT" "$dir/r2/mpimark.csv" "$dir/r3/mpimark.csv" -o "$dir/out" > "$dir/list" ||
      fail "scripts/plot on two CSVs: exit $?"
    object=$(grep -c ',object,' "$dir/r2/mpimark.csv" || true)
    figs=(latency-sendrecv latency-isendirecv latency-bcast latency-allreduce latency-ibcast bandwidth collectives
      overlap)
    [ "$object" -eq 0 ] || figs+=(object-buffer-ratio)
    for f in "${figs[@]}"; do figure "$dir/out" "$f"; done
    [ "$object" -ne 0 ] || [ ! -e "$dir/out/object-buffer-ratio.png" ] || fail "a ratio figure without object rows"
    [ "$(wc -l < "$dir/list")" -eq $((2 * ${#figs[@]})) ] || fail "scripts/plot listed $(wc -l < "$dir/list") files, want $((2 * ${#figs[@]}))"
    lib=$(short_lib "$(csv_meta "$dir/r2/mpimark.csv" mpi_library)")
    # Overlay: the two runs differ in ranks, so the legend says so; what they
    # share (the library) is in the title.
    svg_has "$dir/out/latency-sendrecv.svg" "Message size (bytes)" "Latency (µs)" "$lib" \
      "2 ranks" "3 ranks" "sendrecv latency" "1K" "16K"
    svg_has "$dir/out/latency-bcast.svg" "2 ranks, buffer" "3 ranks, buffer"
    svg_has "$dir/out/bandwidth.svg" "Bandwidth (MB/s)" "Message size (bytes)" "Point-to-point" \
      "Collectives (bus bandwidth)" "2 ranks: sendrecv" "3 ranks: bcast" "isendirecv bibw"
    # The ceiling: one core's memcpy from the run's metadata, in the legend.
    cache=$(csv_meta "$dir/r2/mpimark.csv" memcpy_cache_mb_s)
    dram=$(csv_meta "$dir/r2/mpimark.csv" memcpy_dram_mb_s)
    [[ $cache -gt 0 && $dram -gt 0 ]] || fail "no memcpy bandwidth in the metadata ('$cache', '$dram')"
    svg_has "$dir/out/bandwidth.svg" "memcpy, one core, in cache: $cache MB/s" \
      "memcpy, one core, DRAM: $dram MB/s"
    svg_has "$dir/out/collectives.svg" "bcast" "allreduce" "Latency (µs)" "2 ranks" "3 ranks"
    # ibcast's overlap row (%, 0 included: a linear axis), a series per run
    svg_has "$dir/out/overlap.svg" "Overlap (%)" "2 ranks, ibcast" "3 ranks, ibcast" "Message size (bytes)"
    [ "$object" -eq 0 ] || svg_has "$dir/out/object-buffer-ratio.svg" "Pickled / buffer latency" "equal cost"
    # The error bars are the 95% intervals: the data behind latency-sendrecv holds
    # each row's (bytes, median, ci_low, ci_high), plotted with yerrorbars.
    "$PLOT" "$dir/r2/mpimark.csv" --keep-scripts --formats svg -o "$dir/gp" > /dev/null || fail "--keep-scripts"
    row=$(csv_select "$dir/r2/mpimark.csv" op,path,bytes,metric,median,ci_low,ci_high \
      | awk -F, '$1 == "sendrecv" && $2 == "buffer" && $3 == 1024 && $4 == "latency" {print $3, $5, $6, $7}')
    [ -n "$row" ] || fail "no sendrecv 1 KiB latency row"
    /usr/bin/python3 - "$dir/gp/latency-sendrecv.gp" $row << 'PY' || fail "the CI of sendrecv at 1 KiB ($row) is not what is plotted"
import sys
gp, want = open(sys.argv[1]).read(), [float(v) for v in sys.argv[2:]]
assert "with yerrorbars" in gp
rows = [[float(v) for v in l.split()] for l in gp.splitlines() if l[:1].isdigit() and len(l.split()) == 4]
assert any(all(abs(a - b) <= 1e-9 * max(1, abs(b)) for a, b in zip(r, want)) for r in rows), rows[:5]
PY
    # Every series is a solid line (dashes between sparse points read as gaps
    # in the data); the object path differs by its hollow points.
    if grep -qE 'with linespoints .* dt [2-9]' "$dir/gp/collectives.gp" "$dir/gp/bandwidth.gp"; then
      fail "a data series is drawn dashed"
    fi
    if [ "$object" -ne 0 ]; then
      grep -qE "with linespoints .* pt 6 title '[^']*object" "$dir/gp/collectives.gp" \
        || fail "the object path's points are not hollow in the collectives figure"
    fi
    # One CSV, no -o: the figures go next to it (quickstart's call).
    "$PLOT" "$dir/r2/mpimark.csv" > /dev/null || fail "scripts/plot on one CSV: exit $?"
    figure "$dir/r2" latency-sendrecv
    svg_has "$dir/r2/latency-sendrecv.svg" "$lib, 1 node, 2 ranks" "buffer"
    cmp -s "$dir/r2/latency-sendrecv.png" "$dir/out/latency-sendrecv.png" && fail "overlay and single plot are the same image"
    ! compgen -G "$dir/out/.*.tmp" > /dev/null && ! compgen -G "$dir/r2/.*.tmp" > /dev/null ||
      fail "a temporary file was left behind"
    echo "ok: ${#figs[@]} figures x 2 formats ($lib, object rows: $object)"
    ;;
  scaling)
    MONTECARLO_PI=${MONTECARLO_PI:?set MONTECARLO_PI}
    timeout 240 "$REPO/scripts/scaling" --ranks 1,2 --reps 1 --samples 2M --bin "$MONTECARLO_PI" \
      -o "$dir/s" --no-plot > /dev/null 2>&1 || fail "scripts/scaling failed"
    "$PLOT" "$dir/s/scaling.csv" > /dev/null || fail "scripts/plot scaling.csv: exit $?"
    figure "$dir/s" scaling
    lib=$(short_lib "$(csv_meta "$dir/s/scaling.csv" mpi_library)")
    svg_has "$dir/s/scaling.svg" "MPI ranks" "Speedup (×)" "Parallel efficiency (%)" "ideal" \
      "$lib, 1 node" "strong scaling" "2M samples"
    [ ! -e "$dir/s/latency-sendrecv.png" ] || fail "latency figures from a scaling CSV"
    echo "ok: scaling figure ($lib)"
    ;;
  modes)
    # A merged row whose launches fall into two modes: each mode is drawn
    # as a point of its own (docs/method.md, Modes); a row of one mode is not.
    # At 8 B the object/buffer ratios of the launches, 2.0 3.0 2.2 3.3 2.6
    # 3.6, are one group by their values and two by the launches' states
    # (probes 50 and 400 ns): the ratio figure draws 2.2 and 3.3.
    states="50;400;50;400;50;400"
    { printf '#@mpi_library=Open MPI v4.1.4\n#@ranks=2\n#@launches=6\n%s\n' "$MPIMARK_MERGED_CSV_HEADER"
      for b in 8 1024; do
        modes="1,$b.5,$b,$b.9,1,," && [ $b = 8 ] && modes="2,0.14;0.36,0.13;0.35,0.15;0.37,0.5;0.5,53;201,$states"
        echo "bcast,buffer,MPI_BYTE,$b,$b,latency,us,60,600,0.1,0.25,0.25,0.5,0.5,0.1,0.6,6,0.1,0.5,0,0,0.2;0.2;0.2;0.2;0.2;0.2,$modes"
      done
      echo "bcast,object,bytes,8,30,latency,us,60,600,0.4,0.56,0.56,0.72,0.72,0.4,0.72,6,0.4,0.72,0,0,0.4;0.6;0.44;0.66;0.52;0.72,1,0.56,0.4,0.72,1,,$states"
    } > "$dir/m.csv"
    "$PLOT" "$dir/m.csv" --keep-scripts --formats svg -o "$dir/out" > /dev/null || fail "plot: exit $?"
    gp=$dir/out/latency-bcast.gp
    grep -q "with points pt 2 .* title 'a mode" "$gp" || fail "no mode points in the latency figure"
    pts=$(awk '/^\$m[0-9]* << EOD/ {on = 1; next} /^EOD/ {on = 0} on' "$gp" | tr '\n' ' ')
    [ "$pts" = "8 0.14 8 0.36 " ] || fail "the mode points are '$pts', want 8 0.14 and 8 0.36 only"
    gp=$dir/out/object-buffer-ratio.gp
    pts=$(awk '/^\$m[0-9]* << EOD/ {on = 1; next} /^EOD/ {on = 0} on' "$gp" | tr '\n' ' ')
    [ "$pts" = "8 2.2 8 3.3 " ] || fail "the ratio's mode points are '$pts', want 8 2.2 and 8 3.3 (by state)"
    ;;
  labels)
    # The same numbers under three labels: Open MPI, MPICH, and mpi4py on
    # Open MPI (a #@runner key). Labels name what differs.
    mk() { # mk FILE LIBRARY [RUNNER]
      {
        echo "#@mpi_library=$2"
        echo "#@ranks=2"
        echo "#@nodes=1"
        [ -z "${3:-}" ] || echo "#@runner=$3"
        echo "op,path,payload,bytes,wire_bytes,metric,unit,samples,iterations,min,median,mean,max,p99,ci_low,ci_high"
        for b in 1 8 64 512 4096 32768; do
          echo "sendrecv,buffer,MPI_BYTE,$b,$b,latency,us,20,100,1,$((b / 64 + 2)),2,3,3,1.5,$((b / 32 + 3))"
          echo "sendrecv,object,bytes,$b,$((b + 40)),latency,us,20,100,1,$((b / 16 + 5)),2,3,3,4,$((b / 8 + 6))"
        done
      } > "$1"
    }
    mk "$dir/ompi.csv" "Open MPI v4.1.4, package: Debian OpenMPI, ident: 4.1.4, repo rev: v4.1.4, May 26, 2022"
    mk "$dir/mpich.csv" "$(printf 'MPICH Version:\t4.0.2')"
    mk "$dir/py.csv" "Open MPI v4.1.4, package: Debian OpenMPI" mpi4py
    "$PLOT" "$dir/ompi.csv" "$dir/mpich.csv" -o "$dir/a" > /dev/null || fail "plot Open MPI + MPICH"
    svg_has "$dir/a/latency-sendrecv.svg" "Open MPI 4.1.4, buffer" "MPICH 4.0.2, buffer" \
      "Open MPI 4.1.4, object (bytes)" "MPICH 4.0.2, object (bytes)"
    svg_has "$dir/a/object-buffer-ratio.svg" "Open MPI 4.1.4: sendrecv" "MPICH 4.0.2: sendrecv"
    "$PLOT" "$dir/ompi.csv" "$dir/py.csv" -o "$dir/b" > /dev/null || fail "plot C + mpi4py"
    svg_has "$dir/b/latency-sendrecv.svg" "C, buffer" "mpi4py, buffer" "mpi4py, object (bytes)"
    # Two runs with identical metadata: told apart by date or file name.
    cp "$dir/ompi.csv" "$dir/ompi2.csv"
    "$PLOT" "$dir/ompi.csv" "$dir/ompi2.csv" --formats svg -o "$dir/c" > /dev/null || fail "plot twins"
    svg_has "$dir/c/latency-sendrecv.svg" "ompi.csv" "ompi2.csv"
    [ ! -e "$dir/c/latency-sendrecv.png" ] || fail "--formats svg wrote a PNG"
    echo "ok: labels from metadata"
    ;;
  bad-input)
    bad=$2
    good=$dir/good.csv
    printf '#@mpi_library=X\nop,path,payload,bytes,wire_bytes,metric,unit,samples,iterations,min,median,mean,max,p99,ci_low,ci_high\nbcast,buffer,MPI_BYTE,8,8,latency,us,5,5,1,1,1,1,1,1,1\n' > "$good"
    env=(env)
    case $bad in
      missing-file) args=("$dir/nope.csv") want="nope.csv: no such file" ;;
      not-csv) printf 'name,value\na,1\n' > "$dir/x.csv"; args=("$dir/x.csv") want="not an mpimark CSV" ;;
      binary-file) head -c 4096 /bin/sh > "$dir/x.csv"; args=("$dir/x.csv") want="not an mpimark CSV" ;;
      header-only) grep -v '^bcast' "$good" > "$dir/x.csv"; args=("$dir/x.csv") want="no result rows" ;;
      montecarlo-run)
        printf '#@program=montecarlo_pi\nmode,ranks,samples,samples_per_rank,seed,hits,estimate\nstrong,1,10,10,1,8,3.2\n' > "$dir/x.csv"
        args=("$dir/x.csv") want="a single montecarlo_pi run has nothing to plot" ;;
      no-args) args=() want="no CSV given" ;;
      unknown-option) args=(--frobnicate "$good") want="unknown option '--frobnicate'" ;;
      bad-formats) args=(--formats gif "$good") want="bad --formats 'gif'" ;;
      no-gnuplot)
        # A PATH without gnuplot (python3 is run directly, the package as mpimark-py runs it).
        mkdir "$dir/bin"
        env=(env PATH="$dir/bin")
        args=("$good") want="gnuplot is not installed; install it with: sudo apt-get install gnuplot-nox" ;;
      *) fail "unknown case $bad" ;;
    esac
    set +e
    "${env[@]}" PYTHONPATH="$REPO/python" /usr/bin/python3 -m mpimark_py plot "${args[@]}" -o "$dir/out" \
      > "$dir/stdout" 2> "$dir/stderr"
    rc=$?
    set -e
    [ $rc -eq 2 ] || { cat "$dir/stderr" >&2; fail "$bad: exit $rc, want 2"; }
    [ "$(wc -l < "$dir/stderr")" -eq 1 ] || { cat "$dir/stderr" >&2; fail "$bad: not one line on stderr"; }
    grep -qF -- "$want" "$dir/stderr" || { cat "$dir/stderr" >&2; fail "$bad: stderr lacks '$want'"; }
    [ ! -s "$dir/stdout" ] || fail "$bad: printed on stdout"
    [ ! -e "$dir/out" ] || [ -z "$(ls "$dir/out")" ] || fail "$bad: wrote figures"
    echo "ok: $bad: $(cat "$dir/stderr")"
    ;;
  *) fail "unknown case $case" ;;
esac
