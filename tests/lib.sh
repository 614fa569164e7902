# Shared helpers for the test scripts (sourced, not run).
# MPIEXEC may name the launcher (default: mpiexec); MPIMARK the binary.

set -euo pipefail

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Open MPI prints a banner per failed job; keep test logs readable.
export OMPI_MCA_orte_base_help_aggregate=1
# When a rank exits non-zero, Open MPI's mpirun waits this long (default 1 s,
# 2 s in all) before it kills the job's other processes. mpimark's ranks
# agree on an error before any exits (MPI_Finalize), so nothing is lost by
# not waiting; the tests launch hundreds of jobs that must fail.
export OMPI_MCA_odls_base_sigkill_timeout=0
# scripts/measure's launches run back to back unless a span is asked for
# (--span, MPIMARK_SPAN); so do the tests' whatever the caller's
# environment says, unless a test asks (measure.span).
export MPIMARK_SPAN=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# runner_prog c|python: into the array prog, the program a test runs: the
# C binary ($MPIMARK) or the mpi4py runner ($PYTHON $MPIMARK_PY).
runner_prog() {
  prog=("${MPIMARK:-}")
  if [ "$1" = python ]; then prog=("${PYTHON:-/usr/bin/python3}" "$MPIMARK_PY"); fi
}

# launch NP ARGS...: run under the MPI launcher with NP ranks; more ranks
# than cores need --oversubscribe with Open MPI (MPICH takes them as is).
launch() {
  local np=$1
  shift
  local mpiexec=${MPIEXEC:-mpiexec}
  local extra=()
  local version
  version=$("$mpiexec" --version 2>&1 || true) # no pipe: grep -q would SIGPIPE it
  if [[ $version == *"Open MPI"* || $version == *OpenRTE* ]]; then extra=(--oversubscribe); fi
  "$mpiexec" "${extra[@]}" -n "$np" "$@"
}

# csv_rows FILE: the data rows (no metadata, no header).
csv_rows() { grep -v '^#' "$1" | tail -n +2; }

# csv_header FILE: the header row (awk reads to the end: no SIGPIPE under
# pipefail, as grep | head would risk).
csv_header() { awk '!/^#/ { print; exit }' "$1"; }

# csv_meta FILE KEY: the value of a #@KEY= metadata line.
csv_meta() { sed -n "s/^#@$2=//p" "$1"; }

# The metrics each operation reports, from its kind.
# matrix_sizes OP PATH PAYLOAD: the bytes of OP's rows on PATH for the
# operation matrices' sizes, -m 0,1,999,64K: float64 elements (reductions,
# the floats and ndarray payloads on the pickled paths) round 999 down to
# 992 and skip 1; an operation that moves no data (barrier) has one 0-byte
# row.
matrix_sizes() {
  if [ "$1" = barrier ]; then
    echo 0
  elif [[ $1 == reduce || $1 == allreduce || $1 == reduce_scatter || $1 == scan || $1 == exscan ||
    $1 == iallreduce ||
    ($2 != buffer && $3 != bytes) ]]; then
    echo "0 992 65536"
  else
    echo "0 1 999 65536"
  fi
}

metrics_of() {
  case $1 in
    sendrecv) echo "latency bandwidth" ;;
    isendirecv) echo "latency bandwidth bibw" ;;
    barrier) echo "latency" ;;
    pairs) echo "bandwidth message_rate" ;;
    ibcast | iallreduce) echo "latency algbw busbw overall compute overlap" ;;
    *) echo "latency algbw busbw" ;;
  esac
}

# expect_nccl_bw CSV NP SIZE: the buffer path's collectives of SIZE bytes
# in CSV (a run's or a merged measurement's) at NP ranks have nccl-tests'
# algbw and busbw: algbw counts SIZE (bcast, reduce, allreduce) or SIZE x NP
# (scatter, gather: the root's whole buffer; allgather: every rank's
# receive buffer; alltoall: every rank's send buffer) over the time, busbw
# is algbw x 1, (NP-1)/NP or 2(NP-1)/NP. The operations: OP... after SIZE
# (default the five collectives of the default run). Written out here, not read from mpimark's
# tables. Checked on the rows' extremes, which map exactly: the largest
# algbw is the bytes over the smallest latency, and the largest busbw that
# times the factor (the CSV keeps 6 significant digits).
expect_nccl_bw() {
  local csv=$1 np=$2 size=$3 op bytes factor lat alg bus rows ops=("${@:4}")
  [ ${#ops[@]} -gt 0 ] || ops=(bcast scatter gather reduce allreduce)
  rows=$(csv_select "$csv" op,path,bytes,metric,min,max | awk -F, -v s="$size" '$2 == "buffer" && $3 == s')
  for op in "${ops[@]}"; do
    case $op in
      bcast | reduce | scan | exscan | ibcast) bytes=$size factor=1 ;;
      scatter | gather | allgather | alltoall | reduce_scatter)
        bytes=$((size * np)) factor=$(awk -v n="$np" 'BEGIN { print (n - 1) / n }') ;;
      allreduce | iallreduce) bytes=$size factor=$(awk -v n="$np" 'BEGIN { print 2 * (n - 1) / n }') ;;
      *) fail "expect_nccl_bw: no factor written out for $op" ;;
    esac
    lat=$(awk -F, -v o="$op" '$1 == o && $4 == "latency" { print $5 }' <<<"$rows")
    alg=$(awk -F, -v o="$op" '$1 == o && $4 == "algbw" { print $6 }' <<<"$rows")
    bus=$(awk -F, -v o="$op" '$1 == o && $4 == "busbw" { print $6 }' <<<"$rows")
    [ -n "$lat" ] && [ -n "$alg" ] && [ -n "$bus" ] || fail "$op $size B: no latency, algbw or busbw row in $csv"
    awk -v l="$lat" -v a="$alg" -v b="$bytes" 'BEGIN { r = a * l / b; exit !(r > 0.9998 && r < 1.0002) }' ||
      fail "$op at $np ranks: algbw $alg MB/s x latency $lat us is not $bytes B"
    awk -v a="$alg" -v u="$bus" -v f="$factor" 'BEGIN { r = u / (a * f); exit !(r > 0.9998 && r < 1.0002) }' ||
      fail "$op at $np ranks: busbw $bus MB/s is not $factor x algbw $alg MB/s"
    echo "$op: algbw $alg MB/s = $bytes B / $lat us; busbw $bus MB/s = $factor x algbw"
  done
}

workdir() { mktemp -d "${TMPDIR:-/tmp}/mpimark-test-XXXXXX"; }

# The CSV header row every mpimark runner writes, and a merged
# measurement's, as output.c names them (common/defs/columns.def).
read -r MPIMARK_CSV_HEADER MPIMARK_MERGED_CSV_HEADER < <(
  PYTHONPATH="$(dirname "${BASH_SOURCE[0]}")/../python" /usr/bin/python3 -c '
from mpimark_py import core
print(",".join(core.columns()), ",".join(core.columns(merged=True)))')

# csv_select FILE COLUMNS: the data rows of an mpimark CSV, only the named
# columns (a comma list), by name: the header says where each one is.
csv_select() {
  grep -v '^#' "$1" | awk -F, -v want="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; n = split(want, w, ",")
              for (j = 1; j <= n; j++) if (!(w[j] in at)) { print "no column " w[j] > "/dev/stderr"; exit 1 }
              next }
    { line = ""; for (j = 1; j <= n; j++) line = line (j > 1 ? "," : "") $at[w[j]]; print line }'
}

# expect_sane_rows FILE ITERATIONS: every data row of an mpimark CSV has
# ITERATIONS timed iterations per round (valid calls plus late ones dropped:
# iterations + late = ITERATIONS x rounds; more only when every call of a
# round was late, which the window retries until one is valid), as many
# round medians as rounds,
# statistics in order (min <= median <= max, ci_low <= median <= ci_high,
# round_min <= median <= round_max) and a positive latency. Columns by name.
expect_sane_rows() {
  csv_select "$1" iterations,rounds,late,round_medians,min,median,max,ci_low,ci_high,round_min,round_max,metric \
    | awk -F, -v it="$2" '
    { iters = $1; rounds = $2; late = $3; medians = $4; min = $5; med = $6; max = $7
      lo = $8; hi = $9; rmin = $10; rmax = $11; metric = $12 }
    iters + late < it * rounds || (late == 0 && iters != it * rounds) || iters < rounds { print "iterations " iters " + late " late " != " it " x " rounds " rounds: " $0; bad = 1 }
    split(medians, r, ";") != rounds { print "round medians != rounds: " $0; bad = 1 }
    !(min <= med && med <= max && lo <= med && med <= hi) { print "stats out of order: " $0; bad = 1 }
    !(rmin <= med && med <= rmax) { print "median outside the round medians: " $0; bad = 1 }
    metric == "latency" && !(med > 0) { print "latency not positive: " $0; bad = 1 }
    END { exit bad }'
}

# check_mpi_env CMD...: CMD (a command or function), a run that prints its
# CSV on stdout, records in #@mpi_env the MPI configuration variables set
# for it (common/defs/mpi_env.def), and only those: "none" when none is set,
# both an MCA parameter and an MPICH control variable when they are set,
# sorted; never the launcher's own.
check_mpi_env() {
  local got
  got=$( (clear_mpi_env && "$@") | csv_meta /dev/stdin mpi_env)
  [ "$got" = none ] || fail "#@mpi_env is '$got' with no MPI variable set"
  got=$( (clear_mpi_env && export OMPI_MCA_btl_vader_single_copy_mechanism=none \
    MPIR_CVAR_MPIMARK_TEST=1 && "$@") | csv_meta /dev/stdin mpi_env)
  [ "$got" = "MPIR_CVAR_MPIMARK_TEST=1;OMPI_MCA_btl_vader_single_copy_mechanism=none" ] \
    || fail "#@mpi_env is '$got'"
}
clear_mpi_env() {
  local v
  for v in $(compgen -e); do
    case $v in OMPI_MCA_* | MPIR_CVAR_* | UCX_*) unset "$v" ;; esac
  done
}

# expect_documented_keys FILE: every #@key that FILE (an mpimark CSV) holds
# has its row in docs/output.md's table of metadata keys.
expect_documented_keys() {
  local doc key missing=""
  doc="$(dirname "${BASH_SOURCE[0]}")/../docs/output.md"
  for key in $(sed -n 's/^#@\([a-z0-9_]*\)=.*/\1/p' "$1"); do
    grep -qF "| \`#@$key\` |" "$doc" || missing+=" $key"
  done
  [ -z "$missing" ] || fail "metadata keys not in docs/output.md:$missing"
}
