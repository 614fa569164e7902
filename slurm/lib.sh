# shellcheck shell=bash
# What every mpimark Slurm template does, written once. Sourced by
# slurm/*.slurm after they have found this file; not run on its own.
#
# A template calls:  mm_main <name> <ranks outside Slurm> <op ...>
#
#  1. finds the repository (MPIMARK_ROOT, default: the folder above slurm/);
#  2. finds build/bin/mpimark (MPIMARK_BUILD_DIR, default <root>/build) and
#     builds it with cmake if it is missing; installed (cmake --install:
#     PREFIX/share/mpimark/slurm) it takes PREFIX/bin/mpimark or mpimark on
#     PATH, never builds, and writes results under the submit folder;
#  3. detects the MPI the binary links (ldd) and picks the launcher:
#       inside a Slurm allocation  srun --mpi=pmix (Open MPI)
#                                  srun --mpi=pmi2 (MPICH and derivatives)
#       outside Slurm              mpirun -np N (Open MPI), mpiexec.mpich -n N
#  4. runs  mpimark <op ...> $MPIMARK_ARGS  in MPIMARK_LAUNCHES launches merged
#     into mpimark.csv (scripts/measure) inside a
#     temporary folder results/.<stamp>-<jobid>.partial, checks that the
#     run used as many ranks as were launched, renders plots if
#     scripts/plot exists, then renames the folder to
#     results/<UTC stamp>-<jobid>/ and prints it. A failed run leaves no
#     results folder (the partial one is removed and the log says so).
#
# Environment (all optional):
#   MPIMARK_ARGS         extra mpimark options, e.g. "-m 1:64K --time 0.5"
#   MPIMARK_LAUNCHES     separate launches merged into the result (default 6;
#                        scripts/measure; each launch's CSV in mpimark-launches/)
#   MPIMARK_ROOT         repository root (sources, build/, results/)
#   MPIMARK_BUILD_DIR    build folder holding bin/mpimark (default <root>/build)
#   MPIMARK_RESULTS_DIR  where result folders go (default <root>/results)
#   MPIMARK_NP           number of ranks when run outside Slurm
#   MPIMARK_SRUN_MPI     srun --mpi= value, overriding the detected one
#   MPIMARK_SRUN_ARGS    extra srun options, e.g. "--cpu-bind=cores"
#   MPIMARK_MPIRUN_ARGS  extra mpirun/mpiexec options outside Slurm
#
# Under sbatch --overcommit with Open MPI, OMPI_MCA_mpi_yield_when_idle=1
# is set unless already set (mm_launcher says why), and run.txt records it.

MM_TAG=mpimark-slurm

mm_log() { printf '%s: %s\n' "$MM_TAG" "$*"; }
mm_warn() { printf '%s: warning: %s\n' "$MM_TAG" "$*" >&2; }
mm_die() {
    printf '%s: error: %s\n' "$MM_TAG" "$1" >&2
    exit "${2:-1}"
}

# mm_paths TEMPLATE_DIR: sets MM_ROOT, MM_BUILD, MM_BIN, MM_RESULTS, and
# MM_INSTALLED (1 when the templates run from an installed prefix:
# PREFIX/share/mpimark/slurm, with no CMakeLists.txt above them). Installed,
# the binary is PREFIX/bin/mpimark (else mpimark on PATH), results go under
# the submit folder, and nothing is ever built.
mm_paths() {
    local tdir=$1
    MM_ROOT=${MPIMARK_ROOT:-$(cd "$tdir/.." && pwd)}
    [[ -d $MM_ROOT ]] || mm_die "MPIMARK_ROOT=$MM_ROOT is not a folder"
    MM_ROOT=$(cd "$MM_ROOT" && pwd)
    MM_INSTALLED=0
    [[ -f $MM_ROOT/CMakeLists.txt || -n ${MPIMARK_BUILD_DIR:-} ]] || MM_INSTALLED=1
    if [[ $MM_INSTALLED == 1 ]]; then
        MM_BUILD=''
        MM_BIN=$(cd "$MM_ROOT/../.." && pwd)/bin/mpimark
        [[ -x $MM_BIN ]] || MM_BIN=$(command -v mpimark || echo "$MM_BIN")
        MM_RESULTS=${MPIMARK_RESULTS_DIR:-${SLURM_SUBMIT_DIR:-$PWD}/results}
    else
        MM_BUILD=${MPIMARK_BUILD_DIR:-$MM_ROOT/build}
        [[ $MM_BUILD == /* ]] || MM_BUILD=$PWD/$MM_BUILD
        MM_BIN=$MM_BUILD/bin/mpimark
        MM_RESULTS=${MPIMARK_RESULTS_DIR:-$MM_ROOT/results}
    fi
    [[ $MM_RESULTS == /* ]] || MM_RESULTS=$PWD/$MM_RESULTS
}

# mm_ensure_binary: build the binary MM_BIN (mpimark, or another target of
# the build: montecarlo_pi) if it is missing. Concurrent jobs serialize on a
# lock file so they do not build into one folder at once.
mm_ensure_binary() {
    [[ -x $MM_BIN ]] && return 0
    local target
    target=$(basename "$MM_BIN")
    [[ $MM_INSTALLED == 0 ]] || mm_die "$MM_BIN does not exist and mpimark is not on PATH: this is an installed copy of the templates, which never builds (install mpimark, or add its bin/ folder to PATH)"
    mm_log "$MM_BIN is missing; building it (cmake -S $MM_ROOT -B $MM_BUILD)"
    command -v cmake >/dev/null || mm_die "cannot build $target: cmake is not installed (or load your site's cmake module), and $MM_BIN does not exist"
    [[ -f $MM_ROOT/CMakeLists.txt ]] || mm_die "cannot build $target: $MM_ROOT has no CMakeLists.txt (set MPIMARK_ROOT to the mpimark repository)"
    mkdir -p "$MM_BUILD" || mm_die "cannot create the build folder $MM_BUILD"
    local jobs
    jobs=$(nproc 2>/dev/null || echo 2)
    (
        if command -v flock >/dev/null; then
            exec 9>"$MM_BUILD/.mpimark-build.lock"
            flock -w 1800 9 || { echo "$MM_TAG: error: waited 30 min for another build in $MM_BUILD" >&2; exit 1; }
        fi
        [[ -x $MM_BIN ]] && exit 0 # another job built it meanwhile
        cmake -S "$MM_ROOT" -B "$MM_BUILD" && cmake --build "$MM_BUILD" --target "$target" -j "$jobs"
    ) || mm_die "building $target failed (see the cmake output above); nothing was run. Fix the build, or build it yourself: cmake -S $MM_ROOT -B $MM_BUILD && cmake --build $MM_BUILD"
    [[ -x $MM_BIN ]] || mm_die "the build finished but $MM_BIN does not exist"
    mm_log "built $MM_BIN"
}

# mm_detect_mpi: sets MM_MPI to openmpi, mpich (MPICH, Intel MPI, MVAPICH,
# Cray MPICH: all take PMI-2 from srun) or unknown, from what MM_BIN links;
# mm_launcher NP: sets the array MM_LAUNCH (the command before the binary)
# and MM_NP. The rule is written once, in python/mpimark_py/launcher.py
# (`mpimark-py launcher --help`); these ask it.
mm_detect_mpi() {
    MM_MPI=$(mm_py launcher --binary "$MM_BIN") || exit 2
}
mm_launcher() {
    local out
    out=$(mm_py launcher --mpi "${MM_MPI:-unknown}" "$1") || exit 2
    mapfile -t MM_LAUNCH < <(sed 1d <<<"$out")
    MM_NP=$1
    [[ -z ${SLURM_JOB_ID:-} ]] || MM_NP=${SLURM_NTASKS:-${SLURM_NPROCS:-}}
    if [[ $(id -u) == 0 && -z ${SLURM_JOB_ID:-} ]]; then
        # Containers and CI often run as root; Open MPI refuses that
        # unless told twice.
        export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    fi
    MM_MPI_ENV=
    if [[ ${SLURM_OVERCOMMIT:-} == 1 && $MM_MPI == openmpi && -z ${OMPI_MCA_mpi_yield_when_idle+set} ]]; then
        # sbatch --overcommit: more ranks than CPUs, which Open MPI cannot
        # see under srun (mpirun tells it). Waiting ranks then spin and hold
        # the CPUs of the ranks they wait for: on 4 emulated nodes sharing 2
        # cores, a 16-rank job did not finish in 120 s instead of 4-7 s
        # (docs/slurm.md).
        export OMPI_MCA_mpi_yield_when_idle=1
        MM_MPI_ENV=OMPI_MCA_mpi_yield_when_idle=1
        mm_log "--overcommit: Open MPI's waiting ranks yield their CPU ($MM_MPI_ENV; set it to 0 to keep them spinning)"
    fi
}
# mm_py COMMAND ARGS...: mpimark-py from this repository or installed prefix.
mm_py() {
    PYTHONPATH="$MM_ROOT/python${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
        "${MPIMARK_PYTHON:-python3}" -m mpimark_py "$@"
}

# mm_csv_meta FILE KEY: value of a "#@KEY=value" line.
mm_csv_meta() { sed -n "s/^#@$2=//p" "$1" | head -n1; }

# mm_main NAME NP_OUTSIDE_SLURM OP...
mm_main() {
    local name=$1 np=$2
    shift 2
    local ops=("$@") args jobid stamp final rc
    mm_paths "$MM_TEMPLATE_DIR"
    mm_log "$name: repository $MM_ROOT"
    mm_ensure_binary
    mm_detect_mpi
    mm_launcher "$np"

    jobid=${SLURM_JOB_ID:-local-$$}
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    mkdir -p "$MM_RESULTS" || mm_die "cannot create $MM_RESULTS"
    final=$MM_RESULTS/$stamp-$jobid
    MM_PARTIAL=$MM_RESULTS/.$stamp-$jobid.partial
    [[ ! -e $final ]] || mm_die "$final already exists; not overwriting it"
    mkdir "$MM_PARTIAL" || mm_die "cannot create $MM_PARTIAL"
    mm_traps

    read -r -a args <<<"${MPIMARK_ARGS:-}"
    # Run inside the (temporary) results folder so that the command recorded
    # in the metadata reads "-o mpimark.csv", not the temporary path.
    # MPIMARK_LAUNCHES separate launches merged (scripts/measure), so that
    # the intervals include what changes from one launch to the next.
    local cmd=("$MM_ROOT/scripts/measure" -o mpimark.csv --
               "${MM_LAUNCH[@]}" "$MM_BIN" "${ops[@]}" "${args[@]}")
    mm_log "MPI: $MM_MPI; ranks: ${MM_NP:-?}${SLURM_JOB_ID:+; job $SLURM_JOB_ID on ${SLURM_JOB_NODELIST:-?}}"
    mm_log "running in $MM_PARTIAL: ${cmd[*]}"
    rc=0
    mm_child "$MM_PARTIAL" "${cmd[@]}" || rc=$?
    if [[ $rc != 0 ]]; then
        mm_die "the run failed (${MM_LAUNCH[0]} exit status $rc); no results kept. See the messages above." "$rc"
    fi
    [[ -s $MM_PARTIAL/mpimark.csv ]] || mm_die "the run reported success but wrote no $MM_PARTIAL/mpimark.csv; no results kept"
    local ranks
    ranks=$(mm_csv_meta "$MM_PARTIAL/mpimark.csv" ranks)
    if [[ -n ${MM_NP:-} && -n $ranks && $ranks != "$MM_NP" ]]; then
        # MPICH under srun --mpi=pmix starts N separate copies of size 1.
        mm_die "launched $MM_NP ranks but mpimark ran with $ranks (wrong srun --mpi plugin? MPI detected: $MM_MPI); no results kept"
    fi
    {
        echo "template=$name"
        echo "job_id=${SLURM_JOB_ID:-}"
        echo "launcher=${MM_LAUNCH[*]}"
        echo "command=${cmd[*]}"
        echo "mpi=$MM_MPI"
        [[ -z $MM_MPI_ENV ]] || echo "mpi_env=$MM_MPI_ENV"
        [[ -z ${SLURM_JOB_ID:-} ]] || echo "slurm_output=$(scontrol show job "$SLURM_JOB_ID" 2>/dev/null | sed -n 's/^ *StdOut=//p')"
    } >"$MM_PARTIAL/run.txt"

    if [[ -x $MM_ROOT/scripts/plot ]]; then
        mm_log "rendering plots: scripts/plot $MM_PARTIAL/mpimark.csv"
        "$MM_ROOT/scripts/plot" "$MM_PARTIAL/mpimark.csv" ||
            mm_warn "scripts/plot failed (exit $?); the results are kept without plots"
    else
        mm_log "no plots: $MM_ROOT/scripts/plot does not exist"
    fi

    mv -T "$MM_PARTIAL" "$final" || mm_die "cannot rename $MM_PARTIAL to $final"
    MM_PARTIAL=
    mm_log "results: $final"
    mm_report "$final"
}

# mm_report DIR: the report of a finished results folder (scripts/report;
# kept if the folder already has one), logged as the job's last line. A
# failed report keeps the results.
mm_report() {
    local out
    if [[ ! -f $1/report.html ]] && ! out=$("$MM_ROOT/scripts/report" "$1" 2>&1); then
        mm_warn "no report: $out (the results are kept)"
        return 0
    fi
    mm_log "report: $1/report.html"
}

# mm_child DIR COMMAND...: runs COMMAND in DIR and returns its exit status;
# in the background and waited for, so that a signal (scancel, the time
# limit) reaches mm_stop at once: bash runs no trap while a foreground
# child runs.
mm_child() {
    local dir=$1 rc=0
    shift
    (cd "$dir" && exec "$@") &
    MM_CHILD=$!
    wait "$MM_CHILD" || rc=$?
    MM_CHILD=
    return $rc
}

# mm_traps: whatever ends the script early (error, scancel, time limit), no
# half-written results folder stays behind and no launch runs on.
mm_traps() {
    trap 'mm_cleanup' EXIT
    trap 'mm_stop TERM' TERM
    trap 'mm_stop INT' INT
    trap 'mm_stop HUP' HUP
}

# mm_stop SIGNAL: the run told to stop: scripts/measure ends its launch (its
# ranks too), then the partial folder goes (mm_cleanup, on EXIT).
mm_stop() {
    trap '' TERM INT HUP
    mm_log "terminated by SIG$1"
    if [[ -n ${MM_CHILD:-} ]]; then
        kill -"$1" "$MM_CHILD" 2>/dev/null
        wait "$MM_CHILD" 2>/dev/null
    fi
    case $1 in INT) exit 130 ;; HUP) exit 129 ;; *) exit 143 ;; esac
}

mm_cleanup() {
    if [[ -n ${MM_PARTIAL:-} && -d $MM_PARTIAL ]]; then
        # A rank's core dump is the evidence of a crash: it stays, beside.
        local core stamp=${MM_PARTIAL##*/}
        stamp=${stamp#.}
        stamp=${stamp%.partial}
        for core in "$MM_PARTIAL"/core "$MM_PARTIAL"/core.[0-9]*; do
            [[ -f $core ]] && mv -- "$core" "${MM_PARTIAL%/*}/$stamp.${core##*/}" &&
                printf '%s: kept the core dump %s\n' "$MM_TAG" "${MM_PARTIAL%/*}/$stamp.${core##*/}" >&2
        done
        rm -rf -- "$MM_PARTIAL"
        printf '%s: removed the unfinished results folder %s\n' "$MM_TAG" "$MM_PARTIAL" >&2
    fi
}
