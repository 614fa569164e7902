# shellcheck shell=bash
# Helpers for the Slurm e2e tests (tests/slurm/*.sh). Sourced, not run.
#
# Environment (set by tests/slurm.cmake):
#   MPIMARK_REPO        the source tree (templates live in $MPIMARK_REPO/slurm)
#   MPIMARK_BUILD_DIR   the build tree whose bin/mpimark is under test
#   MPIMARK_TEST_WORK   scratch folder for this test area
#   MPIMARK_JOB_TIMEOUT seconds a job may take before it is cancelled (120)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The helpers of every test (csv_select, csv_rows, MPIMARK_CSV_HEADER, ...).
source "$HERE/../lib.sh"
REPO=${MPIMARK_REPO:-$(cd "$HERE/../.." && pwd)}
export MPIMARK_BUILD_DIR=${MPIMARK_BUILD_DIR:-$REPO/build}
WORK_BASE=${MPIMARK_TEST_WORK:-/tmp/mpimark-slurm-tests}
JOB_TIMEOUT=${MPIMARK_JOB_TIMEOUT:-120}
# shellcheck disable=SC2034 # used by job.sh
# Small, fixed measurements: the tests check plumbing, not performance.
# Two rounds: the 2-node jobs run 4 ranks on this machine's 2 cores, where
# every synchronized collective call waits out a scheduler time slice
# (about 10 ms), as it would on any oversubscribed node.
TEST_ARGS=${MPIMARK_TEST_ARGS:--m 8,1K -i 10 -x 2 --rounds 2}
# Two launches merged (scripts/measure) instead of the templates' 6: the
# merge is what is tested, and every srun costs about a second here.
export MPIMARK_LAUNCHES=${MPIMARK_LAUNCHES:-2}

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    show_cores
    exit 1
}

# show_cores: the stack of every core file a job left in $WORK (submit
# lets jobs dump core), so that a rare crash leaves its evidence in the
# test's log (the folder goes with the next run).
show_cores() {
    local core exe
    [[ -n ${WORK:-} && -d $WORK ]] && command -v file >/dev/null || return 0
    while IFS= read -r core; do
        file -b "$core" | grep -q 'core file' || continue
        exe=$(file -b "$core" | sed -n "s/.*execfn: '\([^']*\)'.*/\1/p")
        printf -- '---- %s (%s)\n' "$core" "${exe:-program unknown}" >&2
        if command -v gdb >/dev/null && [[ -n $exe && -x $exe ]]; then
            gdb -batch -q -ex 'thread apply all bt' "$exe" "$core" 2>&1 | grep -v '^\[New LWP' | head -60 >&2 || true
        fi
    done < <(find "$WORK" -maxdepth 3 -type f \( -name core -o -name 'core.[0-9]*' -o -name '*.core' -o -name '*.core.[0-9]*' \) 2>/dev/null)
}
note() { printf -- '-- %s\n' "$*"; }

# Point the Slurm clients at the private test cluster.
use_cluster() {
    eval "$("$HERE/cluster.sh" env)"
    scontrol ping >/dev/null 2>&1 || fail "the test cluster does not answer (SLURM_CONF=$SLURM_CONF); is the slurm.cluster.start test running first?"
}

# fresh_work NAME: an empty scratch folder $WORK with results/ inside.
fresh_work() {
    WORK=$WORK_BASE/$1
    rm -rf -- "$WORK"
    mkdir -p "$WORK/results"
    export MPIMARK_RESULTS_DIR=$WORK/results
}

# submit ARGS...: sbatch --parsable, sets JOB.
submit() {
    note "sbatch $*"
    ulimit -c unlimited 2>/dev/null || true # Slurm passes the limit on to the job's ranks
    JOB=$(sbatch --parsable "$@") || fail "sbatch $* was rejected"
    JOB=${JOB%%;*}
    [[ $JOB =~ ^[0-9]+$ ]] || fail "sbatch printed '$JOB', not a job id"
    note "job $JOB"
}

# wait_job: poll squeue until job $JOB leaves the queue (bounded); on
# timeout cancel it and fail. Sets STATE and EXIT (ExitCode=a:b -> a).
wait_job() {
    local i
    for ((i = 0; i < JOB_TIMEOUT * 4; i++)); do
        [[ -z $(squeue -h -j "$JOB" 2>/dev/null) ]] && break
        sleep 0.25
    done
    if [[ -n $(squeue -h -j "$JOB" 2>/dev/null) ]]; then
        scancel "$JOB" || true
        show_output
        fail "job $JOB did not finish within ${JOB_TIMEOUT}s; cancelled it"
    fi
    local info
    info=$(scontrol show job -o "$JOB" 2>/dev/null) || fail "scontrol knows no job $JOB"
    STATE=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$info")
    EXIT=$(sed -n 's/.* ExitCode=\([0-9]*\):.*/\1/p' <<<"$info")
    OUTPUT=$(sed -n 's/.* StdOut=\([^ ]*\).*/\1/p' <<<"$info")
    note "job $JOB: $STATE, exit code $EXIT, output $OUTPUT"
}

# null_call FILE: a rank's crash report in FILE (Open MPI's signal handler)
# is a call through a NULL pointer: SIGSEGV at address (nil), and its
# backtrace stops at frame [ 0], libc's signal frame (no code to unwind).
null_call() {
    local tag
    while IFS= read -r tag; do
        grep -qF "$tag [ 0]" "$1" && ! grep -qF "$tag [ 1]" "$1" && return 0
    done < <(sed -n 's/^\(\[[^]]*\]\) Failing at address: (nil)$/\1/p' "$1")
    return 1
}

show_output() {
    if [[ -n ${OUTPUT:-} && -f $OUTPUT ]]; then
        printf -- '---- job output %s\n' "$OUTPUT"
        cat "$OUTPUT"
        printf -- '---- end of job output\n'
    fi
}

expect_completed() {
    show_output
    [[ $STATE == COMPLETED && $EXIT == 0 ]] || fail "job $JOB should have completed with exit 0 but is $STATE with exit $EXIT"
}

# expect_failed_with TEXT: the job failed and its output says TEXT.
expect_failed_with() {
    show_output
    [[ $STATE == FAILED && $EXIT != 0 ]] || fail "job $JOB should have failed but is $STATE with exit $EXIT"
    grep -qF -- "$1" "$OUTPUT" || fail "the output of job $JOB does not say '$1'"
}

# result_dir [SUFFIX [FILE]]: the one results folder of job $JOB, named
# <UTC stamp>-<job id>SUFFIX (SUFFIX e.g. -scaling); sets RES and CSV
# (RES/FILE, default mpimark.csv).
result_dir() {
    local suffix=${1:-} file=${2:-mpimark.csv} dirs
    dirs=$(find "$MPIMARK_RESULTS_DIR" -mindepth 1 -maxdepth 1 -type d -name "*-$JOB$suffix")
    [[ -n $dirs ]] || fail "no results folder *-$JOB$suffix in $MPIMARK_RESULTS_DIR: $(ls -A "$MPIMARK_RESULTS_DIR")"
    [[ $(wc -l <<<"$dirs") == 1 ]] || fail "several results folders for job $JOB: $dirs"
    RES=$dirs CSV=$dirs/$file
    [[ $(basename "$RES") =~ ^[0-9]{8}T[0-9]{6}Z-$JOB$suffix$ ]] || fail "results folder name $(basename "$RES") is not <UTC stamp>-<job id>$suffix"
    [[ -s $CSV ]] || fail "$CSV is missing or empty"
    expect_no_partial
    note "results in $RES"
}

# No unfinished (.partial) folders anywhere in the results folder.
expect_no_partial() {
    local left
    left=$(find "$MPIMARK_RESULTS_DIR" -mindepth 1 -maxdepth 1 -name '.*partial*')
    [[ -z $left ]] || fail "an unfinished results folder was left behind: $left"
}

# expect_log_ends_with_results: the job log ends by naming $RES and then
# its report ($RES/report.html, written by scripts/report), which exists.
expect_log_ends_with_results() {
    local last
    last=$(tail -n2 "$OUTPUT" | tr '\n' '|')
    [[ $last == "mpimark-slurm: results: $RES|mpimark-slurm: report: $RES/report.html|" ]] || fail "the job log does not end by naming the results folder $RES and its report; its last lines are '$last'"
    grep -q '<svg' "$RES/report.html" || fail "$RES/report.html has no figures"
}

# expect_no_results: a failed job left no results folder at all (its log
# file, *.out, may be there).
expect_no_results() {
    local left
    left=$(find "$MPIMARK_RESULTS_DIR" -mindepth 1 -maxdepth 1 ! -name '*.out')
    [[ -z $left ]] || fail "job $JOB failed but left results behind: $left"
}

# meta KEY: the value of #@KEY= in $CSV (empty if absent).
# shellcheck disable=SC2034 # CSV, RES, OUTPUT, STATE, EXIT are read by job.sh
meta() { sed -n "s/^#@$1=//p" "$CSV" | head -n1; }

# expect_meta KEY VALUE
expect_meta() {
    local v
    v=$(meta "$1")
    [[ $v == "$2" ]] || fail "#@$1 is '$v', expected '$2' (in $CSV)"
}

expect_meta_nonempty() {
    [[ -n $(meta "$1") ]] || fail "#@$1 is missing or empty in $CSV"
}



# expect_rows OP...: for each op and both paths, latency rows for 8 and
# 1024 bytes with a positive median.
expect_rows() {
    grep -qxF -e "$MPIMARK_CSV_HEADER" -e "$MPIMARK_MERGED_CSV_HEADER" "$CSV" \
      || fail "$CSV has no header row '$MPIMARK_CSV_HEADER' (or a merged measurement's)"
    local paths=(buffer object) op path size n
    for op in "$@"; do
        for path in "${paths[@]}"; do
            for size in 8 1024; do
                n=$(csv_select "$CSV" op,path,bytes,metric,median | awk -F, -v op="$op" -v path="$path" -v size="$size" \
                    '$1 == op && $2 == path && $3 == size && $4 == "latency" && $5 + 0 > 0' | wc -l)
                [[ $n -ge 1 ]] || fail "no $op/$path latency row for $size bytes with a positive median in $CSV"
            done
        done
    done
    note "rows ok for: $* (paths: ${paths[*]})"
}
