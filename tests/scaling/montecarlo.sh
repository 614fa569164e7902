#!/usr/bin/env bash
# montecarlo.sh CASE [NP] [BAD-INPUT CASE]: end-to-end checks of montecarlo_pi
# under the real MPI launcher. MONTECARLO_PI names the binary.
#
#   accuracy NP             the estimate lies within 5 standard errors of pi
#                           (checked here from the CSV, and by -c)
#   seed NP                 same seed: same hits; another seed: other hits
#   strong-same-samples     1, 2 and 4 ranks draw the same total (an odd
#                           number, not divisible by the ranks) and, with one
#                           counter-based stream, get the same hits
#   weak                    --weak at 2 ranks: twice the samples, and the
#                           hits of a strong run of that total
#   formats                 table, csv and json; -o writes, refuses to
#                           overwrite, --force replaces
#   check-fails             -c exits 1 when the estimate is too far off
#   bad-input NP CASE       exit 2, one line from rank 0, no hang, no output
source "$(dirname "$0")/../lib.sh"
MC=${MONTECARLO_PI:?set MONTECARLO_PI to the montecarlo_pi binary}
case=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

# mc NP ARGS...: run under a timeout; stdout to $dir/out, stderr to $dir/err.
mc() {
  local np=$1
  shift
  set +e
  timeout 120 bash -c 'source "$1"; shift; launch "$@"' _ "$(dirname "$0")/../lib.sh" \
    "$np" "$MC" "$@" > "$dir/out" 2> "$dir/err"
  rc=$?
  set -e
  [ $rc -ne 124 ] || fail "montecarlo_pi $* at $np ranks timed out (a rank hung)"
}

# col FILE NAME: the value of column NAME in the single data row of a CSV.
col() {
  awk -F, -v name="$2" '/^#/ {next} !h {for (i = 1; i <= NF; i++) if ($i == name) c = i; h = 1; next}
    {print $c; exit}' "$1"
}

# run_csv NP NAME ARGS...: a run that must succeed, its CSV kept as $dir/NAME.csv.
run_csv() {
  local np=$1 name=$2
  shift 2
  mc "$np" --format csv "$@"
  [ $rc -eq 0 ] || { cat "$dir/err" >&2; fail "montecarlo_pi $* at $np ranks: exit $rc"; }
  cp "$dir/out" "$dir/$name.csv"
  [ "$(csv_meta "$dir/$name.csv" ranks)" = "$np" ] || fail "$name: #@ranks is not $np"
  [ "$(col "$dir/$name.csv" ranks)" = "$np" ] || fail "$name: ranks column is not $np"
}

case $case in
  accuracy)
    np=$2
    run_csv "$np" a --samples 20M --seed 7 -c
    est=$(col "$dir/a.csv" estimate) err=$(col "$dir/a.csv" abs_error) se=$(col "$dir/a.csv" std_error)
    samples=$(col "$dir/a.csv" samples) hits=$(col "$dir/a.csv" hits)
    [ "$samples" = 20000000 ] || fail "samples $samples, want 20000000"
    awk -v e="$est" -v h="$hits" -v n="$samples" -v err="$err" -v se="$se" 'BEGIN {
      pi = atan2(0, -1); p = pi / 4; want_se = 4 * sqrt(p * (1 - p) / n)
      if (e - 4 * h / n > 1e-9 || 4 * h / n - e > 1e-9) { print "estimate != 4*hits/samples"; exit 1 }
      d = e - pi; if (d < 0) d = -d
      if (err - d > 1e-9 || d - err > 1e-9) { print "abs_error != |estimate - pi|"; exit 1 }
      if (se / want_se > 1.0001 || se / want_se < 0.9999) { print "std_error is not 4*sqrt(p(1-p)/N)"; exit 1 }
      if (d > 5 * se) { printf "estimate %.8f is %.1f standard errors from pi\n", e, d / se; exit 1 }
    }' || fail "accuracy at $np ranks"
    for k in time_s samples_per_s samples_per_s_per_rank; do
      v=$(col "$dir/a.csv" $k)
      awk -v v="$v" 'BEGIN { exit !(v > 0) }' || fail "$k is '$v', want > 0"
    done
    for k in mpimark_version git_commit mpi_library ranks nodes hosts date_utc command mode seed generator; do
      [ -n "$(csv_meta "$dir/a.csv" $k)" ] || fail "metadata #@$k missing"
    done
    echo "ok: $np ranks: pi ~ $est, |error| $err, standard error $se"
    ;;
  seed)
    np=$2
    run_csv "$np" s1 --samples 3M --seed 42
    run_csv "$np" s2 --samples 3M --seed 42
    run_csv "$np" s3 --samples 3M --seed 43
    h1=$(col "$dir/s1.csv" hits) h2=$(col "$dir/s2.csv" hits) h3=$(col "$dir/s3.csv" hits)
    [ "$h1" = "$h2" ] || fail "seed 42 twice at $np ranks: hits $h1 and $h2"
    [ "$h1" != "$h3" ] || fail "seeds 42 and 43 at $np ranks both give $h1 hits"
    [ "$(col "$dir/s3.csv" seed)" = 43 ] || fail "seed column is not 43"
    echo "ok: $np ranks: seed 42 -> $h1 twice, seed 43 -> $h3"
    ;;
  strong-same-samples)
    want=
    for np in 1 2 4; do
      run_csv $np n$np --strong --samples 1000003 --seed 5
      s=$(col "$dir/n$np.csv" samples) h=$(col "$dir/n$np.csv" hits)
      [ "$s" = 1000003 ] || fail "strong at $np ranks drew $s samples, want 1000003"
      [ "$(col "$dir/n$np.csv" mode)" = strong ] || fail "mode column is not strong"
      [ -z "$want" ] || [ "$h" = "$want" ] || fail "strong at $np ranks: $h hits, at 1 rank $want"
      want=$h
    done
    echo "ok: 1000003 samples and $want hits at 1, 2 and 4 ranks"
    ;;
  weak)
    run_csv 2 w --weak --samples 1500001 --seed 9
    run_csv 1 s --strong --samples 3000002 --seed 9
    [ "$(col "$dir/w.csv" samples)" = 3000002 ] || fail "weak at 2 ranks: $(col "$dir/w.csv" samples) samples, want 3000002"
    [ "$(col "$dir/w.csv" samples_per_rank)" = 1500001 ] || fail "weak: samples_per_rank"
    [ "$(csv_meta "$dir/w.csv" mode)" = weak ] || fail "weak: #@mode"
    [ "$(col "$dir/w.csv" hits)" = "$(col "$dir/s.csv" hits)" ] || fail "weak 2 x 1500001 and strong 3000002 differ"
    echo "ok: weak at 2 ranks = strong with the total"
    ;;
  formats)
    mc 2 --samples 1M
    [ $rc -eq 0 ] || fail "table: exit $rc"
    grep -q '^estimate  *3\.1' "$dir/out" || { cat "$dir/out" >&2; fail "table lacks the estimate"; }
    grep -q '^standard error' "$dir/out" || fail "table lacks the standard error"
    grep -q '^samples/s' "$dir/out" || fail "table lacks samples/s"
    mc 2 --samples 1M --format json -o "$dir/r.json"
    [ $rc -eq 0 ] || fail "json: exit $rc"
    for f in "$dir/out" "$dir/r.json"; do
      /usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1]));
assert d["result"]["samples"] == 1000000 and d["result"]["ranks"] == 2, d
assert d["metadata"]["ranks"] == "2" and d["metadata"]["program"] == "montecarlo_pi"' "$f" ||
        fail "bad JSON in $f"
    done
    mc 2 --samples 1M -o "$dir/r.csv"
    [ $rc -eq 0 ] || fail "-o csv: exit $rc"
    [ "$(col "$dir/r.csv" samples)" = 1000000 ] || fail "-o csv: no result row"
    [ "$(csv_meta "$dir/r.csv" program)" = montecarlo_pi ] || fail "-o csv: no metadata"
    echo keep > "$dir/k.csv"
    mc 2 --samples 1M -o "$dir/k.csv"
    [ $rc -eq 2 ] || fail "existing output: exit $rc, want 2"
    [ "$(cat "$dir/k.csv")" = keep ] || fail "existing output was changed"
    mc 2 --samples 1M -o "$dir/k.csv" --force
    [ $rc -eq 0 ] && [ "$(col "$dir/k.csv" samples)" = 1000000 ] || fail "--force did not replace"
    ! compgen -G "$dir/.*.tmp-*" > /dev/null || fail "a temporary file was left behind"
    mc 1 --version
    grep -q '^montecarlo_pi (mpimark ' "$dir/out" || fail "--version"
    mc 1 -h
    grep -q 'powers of 1000' "$dir/out" || fail "--help does not say the suffixes are decimal"
    echo "ok: table, csv, json, -o, --force, --version, --help"
    ;;
  check-fails)
    # An honest run is off by some fraction r of a standard error: -c with
    # --check-sigmas r/2 must fail (exit 1), with the default 5 pass.
    mc 2 --samples 1M --seed 3 --format csv
    r=$(awk -v e="$(col "$dir/out" abs_error)" -v s="$(col "$dir/out" std_error)" 'BEGIN { print e / s }')
    awk -v r="$r" 'BEGIN { exit !(r > 0.01) }' || fail "seed 3 happens to be within 0.01 SE; pick another"
    k=$(awk -v r="$r" 'BEGIN { print r / 2 }')
    mc 2 --samples 1M --seed 3 -c --check-sigmas "$k"
    [ $rc -eq 1 ] || fail "-c --check-sigmas $k with an error of $r SE: exit $rc, want 1"
    grep -q '^montecarlo_pi: check failed' "$dir/err" || fail "-c: no 'check failed' message"
    mc 2 --samples 1M --seed 3 -c
    [ $rc -eq 0 ] || fail "-c (5 SE) on an error of $r SE: exit $rc"
    echo "ok: an error of $r SE fails -c --check-sigmas $k and passes -c"
    ;;
  bad-input)
    np=$2 bad=$3
    case $bad in
      zero-samples) args=(--samples 0) want="bad --samples '0': at least 1" ;;
      bad-suffix) args=(--samples 10X) want="bad --samples '10X'" ;;
      negative-samples) args=(--samples -5) want="bad --samples '-5'" ;;
      huge-samples) args=(--samples 99999999T) want="at most" ;;
      weak-overflow) args=(--weak --samples 4000000G) want="makes more than" ;;
      bad-seed) args=(--seed 1.5) want="bad --seed '1.5'" ;;
      bad-format) args=(--format xml) want="bad --format 'xml'" ;;
      bad-sigmas) args=(-c --check-sigmas 0) want="bad --check-sigmas '0'" ;;
      unknown-option) args=(--frobnicate) want="unknown option '--frobnicate'" ;;
      stray-argument) args=(100M) want="unexpected argument '100M'" ;;
      missing-value) args=(--samples) want="needs a value" ;;
      output-exists)
        echo keep > "$dir/r.csv"
        args=(-o "$dir/r.csv") want="exists" ;;
      bad-output-suffix) args=(-o "$dir/r.txt") want="must end in .csv or .json" ;;
      unwritable-output) args=(-o /proc/mpimark/r.csv) want="cannot write '/proc/mpimark/r.csv'" ;;
      *) fail "unknown bad-input case $bad" ;;
    esac
    mc "$np" "${args[@]}"
    [ $rc -eq 2 ] || { cat "$dir/err" >&2; fail "$bad: exit $rc, want 2"; }
    n=$(grep -c '^montecarlo_pi: ' "$dir/err" || true)
    [ "$n" -eq 1 ] || { cat "$dir/err" >&2; fail "$bad: $n montecarlo_pi lines on stderr, want 1"; }
    grep -qF -- "$want" "$dir/err" || { cat "$dir/err" >&2; fail "$bad: stderr lacks '$want'"; }
    [ -s "$dir/out" ] && { cat "$dir/out" >&2; fail "$bad: printed a result"; }
    [ "$bad" != output-exists ] || [ "$(cat "$dir/r.csv")" = keep ] || fail "existing file changed"
    echo "ok: $bad at $np ranks: $(grep '^montecarlo_pi: ' "$dir/err")"
    ;;
  *) fail "unknown case $case" ;;
esac
