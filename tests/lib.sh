# Shared helpers for the test scripts (sourced, not run).
# MPIEXEC may name the launcher (default: mpiexec); MPIMARK the binary.

set -euo pipefail

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Open MPI prints a banner per failed job; keep test logs readable.
export OMPI_MCA_orte_base_help_aggregate=1

fail() {
  echo "FAIL: $*" >&2
  exit 1
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

# csv_meta FILE KEY: the value of a #@KEY= metadata line.
csv_meta() { sed -n "s/^#@$2=//p" "$1"; }

# The metrics each operation reports, from its kind.
metrics_of() {
  case $1 in
    sendrecv) echo "latency bandwidth" ;;
    isendirecv) echo "latency bandwidth bibw" ;;
    *) echo "latency algbw busbw" ;;
  esac
}

workdir() { mktemp -d "${TMPDIR:-/tmp}/mpimark-test-XXXXXX"; }

# The CSV header row every mpimark runner writes, from the one list of
# columns (common/columns.def).
MPIMARK_CSV_HEADER=$(sed -n 's/^MM_COLUMN(\(.*\))$/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../common/columns.def" | paste -sd,)

# expect_sane_rows FILE ITERATIONS: every data row of an mpimark CSV has
# ITERATIONS timed iterations per round (valid calls plus late ones dropped:
# iterations + late = ITERATIONS x rounds; more only when every call of a
# round was late, which the window retries until one is valid), as many
# round medians as rounds,
# statistics in order (min <= median <= max, ci_low <= median <= ci_high,
# round_min <= median <= round_max) and a positive latency.
expect_sane_rows() {
  csv_rows "$1" | awk -F, -v it="$2" '
    $9 + $21 < it * $17 || ($21 == 0 && $9 != it * $17) || $9 < $17 { print "iterations " $9 " + late " $21 " != " it " x " $17 " rounds: " $0; bad = 1 }
    split($22, r, ";") != $17 { print "round medians != rounds: " $0; bad = 1 }
    !($10 <= $11 && $11 <= $13 && $15 <= $11 && $11 <= $16) { print "stats out of order: " $0; bad = 1 }
    !($18 <= $11 && $11 <= $19) { print "median outside the round medians: " $0; bad = 1 }
    $6 == "latency" && !($11 > 0) { print "latency not positive: " $0; bad = 1 }
    END { exit bad }'
}

# check_mpi_env CMD...: CMD (a command or function), a run that prints its
# CSV on stdout, records in #@mpi_env the MPI configuration variables set
# for it (common/mpi_env.def), and only those: "none" when none is set,
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
