#!/usr/bin/env bash
# shellcheck disable=SC2054 # the commas inside --ranks values are meant
# scaling.sh CASE: end-to-end checks of scripts/scaling (real mpirun runs of
# montecarlo_pi, named by MONTECARLO_PI; MPIMARK_REPO is the repository).
#
#   strong | weak      --ranks 1,2 --reps 3: scaling.csv with metadata, the
#                      expected columns and one row per rank count, sane
#                      numbers, and the markdown table on stdout
#   bad-args CASE      exit 2 with a clear message and no results folder
source "$(dirname "$0")/../lib.sh"
REPO=${MPIMARK_REPO:?set MPIMARK_REPO to the repository}
MC=${MONTECARLO_PI:?set MONTECARLO_PI to the montecarlo_pi binary}
SCALING=$REPO/scripts/scaling
case=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

col() { # col FILE RANKS NAME: column NAME of the row for RANKS
  awk -F, -v k="$2" -v name="$3" '/^#/ {next} !h {for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next}
    $c["ranks"] == k {print $c[name]; exit}' "$1"
}

case $case in
  strong | weak)
    mode=$case
    set +e
    timeout 240 "$SCALING" --$mode --ranks 2,1 --reps 3 --samples 4M --bin "$MC" -o "$dir/out" \
      --no-plot > "$dir/stdout" 2> "$dir/stderr"
    rc=$?
    set -e
    [ $rc -eq 0 ] || { cat "$dir/stderr" >&2; fail "scripts/scaling --$mode: exit $rc"; }
    csv=$dir/out/scaling.csv
    [ -s "$csv" ] || fail "no $csv"
    header=$(csv_header "$csv")
    for c in mode ranks samples reps time_s speedup efficiency weak_efficiency samples_per_s estimate std_error; do
      tr , '\n' <<< "$header" | grep -qx "$c" || fail "column $c missing from: $header"
    done
    [ "$(csv_rows "$csv" | cut -d, -f2 | paste -sd,)" = 1,2 ] || fail "rows are not ranks 1,2: $(csv_rows "$csv")"
    for k in program mode reps ranks_list mpi_library nodes date_utc command launcher; do
      [ -n "$(csv_meta "$csv" $k)" ] || fail "metadata #@$k missing"
    done
    [ "$(csv_meta "$csv" mode)" = $mode ] && [ "$(csv_meta "$csv" reps)" = 3 ] &&
      [ "$(csv_meta "$csv" ranks_list)" = 1,2 ] || fail "wrong #@mode, #@reps or #@ranks_list"
    [ "$(col "$csv" 1 speedup)" = 1.0000 ] && [ "$(col "$csv" 1 efficiency)" = 1.0000 ] ||
      fail "speedup and efficiency at 1 rank are not 1"
    for k in 1 2; do [ "$(col "$csv" $k reps)" = 3 ] || fail "reps column at $k ranks"; done
    runs=("$dir"/out/runs/np[12]-rep[123].csv)
    [ ${#runs[@]} -eq 6 ] || fail "not 6 runs in runs/"
    # time_s is the median of the runs' times; speedup and efficiency follow from it.
    for k in 1 2; do
      med=$(for f in "$dir/out/runs/np$k-rep"*.csv; do
        awk -F, '/^#/ {next} !h {for (i = 1; i <= NF; i++) if ($i == "time_s") c = i; h = 1; next} {print $c}' "$f"
      done | sort -g | sed -n 2p)
      awk -v a="$med" -v b="$(col "$csv" $k time_s)" 'BEGIN { exit !(a - b < 1e-6 && b - a < 1e-6) }' ||
        fail "time_s at $k ranks is $(col "$csv" $k time_s), the median of the runs is $med"
    done
    t1=$(col "$csv" 1 time_s) t2=$(col "$csv" 2 time_s) s2=$(col "$csv" 2 speedup) e2=$(col "$csv" 2 efficiency)
    if [ $mode = strong ]; then
      [ "$(col "$csv" 1 samples)" = 4000000 ] && [ "$(col "$csv" 2 samples)" = 4000000 ] ||
        fail "strong: samples are not 4000000 at both rank counts"
      [ -z "$(col "$csv" 2 weak_efficiency)" ] || fail "strong: weak_efficiency is set"
      want_s=$(awk -v a="$t1" -v b="$t2" 'BEGIN { print a / b }')
    else
      [ "$(col "$csv" 2 samples)" = 8000000 ] || fail "weak: samples at 2 ranks are not 8000000"
      [ "$(col "$csv" 2 weak_efficiency)" = "$e2" ] || fail "weak: weak_efficiency differs from efficiency"
      want_s=$(awk -v a="$t1" -v b="$t2" 'BEGIN { print 2 * a / b }')
    fi
    awk -v s="$s2" -v w="$want_s" -v e="$e2" 'BEGIN { exit !(s / w < 1.001 && s / w > 0.999 &&
      e / (s / 2) < 1.001 && e / (s / 2) > 0.999) }' || fail "speedup $s2 / efficiency $e2, want $want_s"
    # The markdown table: header, separator, a row per rank count.
    grep -qx '| ranks | run time (s) | speedup \[95% PI\] | parallel efficiency \[95% PI\] |' "$dir/stdout" ||
      { cat "$dir/stdout" >&2; fail "no markdown table header"; }
    grep -qE '^\|-+:\|-+:\|-+:\|-+:\|$' "$dir/stdout" || fail "no markdown separator row"
    grep -qE '^\| 1 \| [0-9.]+ \| 1\.00 \[1\.00, 1\.00\] \| 100\.0% \[100\.0, 100\.0\] \|$' "$dir/stdout" || fail "no row for 1 rank"
    grep -qE '^\| 2 \| [0-9.]+ \| [0-9.]+ \[[0-9.]+, [0-9.]+\] \| [0-9.]+% \[[0-9.]+, [0-9.]+\] \|$' "$dir/stdout" || fail "no row for 2 ranks"
    [ "$(grep -c '^| [0-9]' "$dir/stdout")" = 2 ] || fail "not 2 table rows"
    cmp -s <(grep '^|' "$dir/stdout") <(grep '^|' "$dir/out/scaling.md") || fail "scaling.md differs from stdout"
    cat "$dir/stdout"
    ;;
  bad-args)
    bad=$2
    out=$dir/out
    case $bad in
      bad-ranks) args=(--ranks 1,two) want="bad --ranks '1,two'" ;;
      zero-ranks) args=(--ranks 0,2) want="rank counts start at 1" ;;
      empty-ranks) args=(--ranks "") want="bad --ranks ''" ;;
      bad-reps) args=(--reps 0) want="bad --reps '0'" ;;
      bad-samples) args=(--samples 1.5M) want="bad --samples '1.5M'" ;;
      zero-samples) args=(--samples 0K) want="bad --samples '0K'" ;;
      both-modes) args=(--strong --weak) want="choose one of --strong and --weak" ;;
      unknown-option) args=(--frobnicate) want="unknown option '--frobnicate'" ;;
      missing-value) args=(--reps) want="argument --reps: expected one argument" ;;
      missing-binary) args=(--bin "$dir/nope") want="is not an executable file" ;;
      outdir-exists)
        mkdir -p "$out" && echo keep > "$out/scaling.csv"
        args=() want="exists; not overwriting results" ;;
      *) fail "unknown case $bad" ;;
    esac
    [ "$bad" = missing-binary ] || args=(--bin "$MC" "${args[@]}")
    set +e
    timeout 60 "$SCALING" --samples 1M --ranks 1 -o "$out" --no-plot "${args[@]}" > "$dir/stdout" 2> "$dir/stderr"
    rc=$?
    set -e
    [ $rc -eq 2 ] || { cat "$dir/stderr" >&2; fail "$bad: exit $rc, want 2"; }
    grep -qF -- "$want" "$dir/stderr" || { cat "$dir/stderr" >&2; fail "$bad: stderr lacks '$want'"; }
    [ "$(wc -l < "$dir/stderr")" -eq 1 ] || { cat "$dir/stderr" >&2; fail "$bad: more than one line on stderr"; }
    [ ! -s "$dir/stdout" ] || fail "$bad: printed something on stdout"
    if [ "$bad" = outdir-exists ]; then
      [ "$(cat "$out/scaling.csv")" = keep ] && [ ! -e "$out/runs" ] || fail "$bad: touched the folder"
    else
      [ ! -e "$out" ] || fail "$bad: left $out behind"
    fi
    echo "ok: $bad: $(cat "$dir/stderr")"
    ;;
  *) fail "unknown case $case" ;;
esac
