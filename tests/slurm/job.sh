#!/usr/bin/env bash
# Slurm e2e test cases: submit the templates to the private test cluster
# (tests/slurm/cluster.sh) and check what they leave behind.
#
#   tests/slurm/job.sh CASE
#
# CASE:
#   pingpong-1node   sbatch -N1 -n2 slurm/pingpong.slurm: same-node results
#   collectives      sbatch -n2 slurm/collectives.slurm (submitted from the
#                    repository root with a relative path)
#   fail-build       MPIMARK_ROOT points at a source tree that does not
#                    compile: the job fails, says so, leaves no results
#   fail-launcher    MPIMARK_SRUN_MPI=bogus: srun cannot start; the job fails,
#                    says so, leaves no results
#   fail-args        MPIMARK_ARGS=--no-such-option: mpimark exits 2; the job
#                    fails with exit code 2, leaves no results
#   cancel           scancel in the middle of a run: no results folder, no
#                    unfinished folder left behind, no launch running 5 s later
#   pingpong-2node   sbatch slurm/pingpong.slurm, unmodified defaults, on the
#                    two-node cluster: cross-node results
#   collectives-2node sbatch slurm/collectives.slurm, unmodified defaults (4
#                    ranks), on the two-node cluster
#   scaling-1node    sbatch -n2 slurm/scaling.slurm (tiny strong sweep at 1
#                    and 2 ranks): scaling.csv, runs/, job metadata, srun
#   scaling-command  sbatch -n2 slurm/scaling.slurm -- python3 montecarlo_pi.py
#                    with --time-from and --mpi-time in MPIMARK_SCALING_ARGS:
#                    the user's program at 1 and 2 ranks, one srun step
#                    each, the MPI time of every rank
#   scaling-2node    sbatch -N2 -n2 slurm/scaling.slurm --mpi-time on the
#                    two-node cluster: the 2-rank steps run across both nodes
#   scaling-mpi-time-2node  --mpi-time on mpishare across two nodes: its
#                    known share of time in MPI within 5 points
#   scaling-fail     MPIMARK_SCALING_ARGS="--ranks 4" with -n2: the job
#                    fails before any run, leaves no results
#   compare-mpi-1node sbatch -N1 -n2 slurm/compare-mpi.slurm with the
#                    compare tests' Open MPI and MPICH builds (2 launches):
#                    srun --mpi=pmix / --mpi=pmi2, 2 ranks in every launch
#   compare-mpi-wrong-plugin MPIMARK_SRUN_MPI=pmix also for MPICH: the MPICH
#                    run starts copies of size 1; the job fails, no results
#   compare-mpi-2node sbatch -N2 -n2 slurm/compare-mpi.slurm on the two-node
#                    cluster: cross-node launches
#   collectives-4node-8  sbatch -N4 -n8 slurm/collectives.slurm on the
#                    four-node cluster: 2 ranks per node, 4 node leaders in the
#                    clock tree; busbw's factors at 8 ranks
#   collectives-4node-16 sbatch -N4 -n16 --overcommit slurm/collectives.slurm
#                    (16 ranks on this machine's 2 cores): 4 per node
#   clock-drift-4node sbatch -N4 -n8 with the clock test hooks (rank r 20 ms x r
#                    off, 5000 x r ppm fast): the drift found across the nodes
#                    is the one made, in every launch
#   local            bash slurm/pingpong.slurm outside Slurm (mpirun); needs
#                    no cluster
#
# The compare-mpi cases use the builds of the compare tests' fixtures
# (MPIMARK_COMPARE_BUILDS, default $MPIMARK_BUILD_DIR/tests/compare:
# build-openmpi/ and build-mpich/).
# shellcheck source=tests/slurm/testlib.sh
source "$(dirname "${BASH_SOURCE[0]}")/testlib.sh"
# shellcheck disable=SC2164 # set -e (from testlib.sh) stops on a failed cd

case=${1:?usage: job.sh CASE}

COMPARE_BUILDS=${MPIMARK_COMPARE_BUILDS:-$MPIMARK_BUILD_DIR/tests/compare}
COMPARE_LAUNCHES=2
COMPARE_ARGS="sendrecv bcast --path buffer -m 1,4K -i 20"

# compare_submit SBATCH_ARGS...: submit slurm/compare-mpi.slurm with the
# compare builds and a tiny sweep (2 launches per library).
compare_submit() {
    local lib
    for lib in openmpi mpich; do
        [[ -x $COMPARE_BUILDS/build-$lib/bin/mpimark ]] ||
            fail "no $lib build in $COMPARE_BUILDS/build-$lib (the compare_$lib fixture builds it)"
    done
    MPIMARK_LAUNCHES=$COMPARE_LAUNCHES MPIMARK_ARGS=$COMPARE_ARGS \
        MPIMARK_BUILD_OPENMPI=$COMPARE_BUILDS/build-openmpi \
        MPIMARK_BUILD_MPICH=$COMPARE_BUILDS/build-mpich \
        submit "$@" "$REPO/slurm/compare-mpi.slurm"
}

# compare_expect_results PLACEMENT: the compare-mpi results folder of job
# $JOB: every launch of both libraries ran 2 ranks in this job at PLACEMENT
# under its own srun plugin, the launches were merged and compared.
compare_expect_results() {
    local placement=$1 lib plugin r n f
    result_dir -compare-mpi compare.txt
    [[ $OUTPUT == "$WORK/results/mpimark-compare-mpi-$JOB.out" ]] || fail "the job log is $OUTPUT, expected results/mpimark-compare-mpi-$JOB.out under the submit folder"
    for lib in openmpi mpich; do
        for ((r = 1; r <= COMPARE_LAUNCHES; r++)); do
            CSV=$RES/$lib-launch$r.csv
            [[ -s $CSV ]] || fail "$CSV is missing or empty"
            expect_meta ranks 2
            expect_meta slurm_job_id "$JOB"
            expect_meta p2p_placement "$placement"
        done
        [[ -s $RES/$lib.csv ]] || fail "the merged $RES/$lib.csv is missing or empty"
        case $lib in openmpi) plugin=pmix ;; mpich) plugin=pmi2 ;; esac
        # run.txt: one line per run; each library under its own plugin.
        n=$(grep -c "^launch=[0-9]* lib=$lib " "$RES/run.txt" || true)
        [[ $n == "$COMPARE_LAUNCHES" ]] || fail "$RES/run.txt lists $n $lib runs, expected $COMPARE_LAUNCHES"
        n=$(grep "^launch=[0-9]* lib=$lib " "$RES/run.txt" | grep -c " command=srun --mpi=$plugin .*/build-$lib/bin/mpimark " || true)
        [[ $n == "$COMPARE_LAUNCHES" ]] || fail "not every $lib run in $RES/run.txt was launched with srun --mpi=$plugin: $(cat "$RES/run.txt")"
        grep -q "launch 1/$COMPARE_LAUNCHES $lib: srun --mpi=$plugin " "$OUTPUT" || fail "the job log does not show the $lib run launched with srun --mpi=$plugin"
    done
    local first
    first=$(head -n1 "$RES/compare.txt")
    [[ $first == *"A: Open MPI"*"B: MPICH"* ]] || fail "the first line of compare.txt does not name Open MPI (A) and MPICH (B): '$first'"
    for f in compare.md compare.csv; do [[ -s $RES/$f ]] || fail "$RES/$f is missing or empty"; done
    expect_log_ends_with_results
}

case $case in
pingpong-1node)
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_ARGS=$TEST_ARGS submit -N1 -n2 "$REPO/slurm/pingpong.slurm"
    wait_job
    expect_completed
    [[ $OUTPUT == "$WORK/results/mpimark-pingpong-$JOB.out" ]] || fail "the job log is $OUTPUT, expected results/mpimark-pingpong-$JOB.out under the submit folder"
    result_dir
    expect_meta slurm_job_id "$JOB"
    expect_meta_nonempty slurm_nodelist
    expect_meta slurm_partition mpimark
    expect_meta ranks 2
    expect_meta nodes 1
    expect_meta p2p_placement same-node
    expect_rows sendrecv isendirecv
    # scripts/measure: MPIMARK_LAUNCHES launches, each kept, merged.
    expect_meta launches "$MPIMARK_LAUNCHES"
    expect_meta rounds "$(csv_meta "$RES/mpimark-launches/launch1.csv" rounds)" # each launch's rounds
    n=$(ls "$RES"/mpimark-launches/launch*.csv | wc -l)
    [[ $n == "$MPIMARK_LAUNCHES" ]] || fail "$n launch CSVs in $RES/mpimark-launches, want $MPIMARK_LAUNCHES"
    expect_log_ends_with_results
    ;;

collectives)
    use_cluster
    fresh_work "$case"
    cd "$REPO"
    MPIMARK_ARGS=$TEST_ARGS submit -n2 -o "$WORK/%x-%j.out" slurm/collectives.slurm
    wait_job
    expect_completed
    result_dir
    expect_meta slurm_job_id "$JOB"
    expect_meta_nonempty slurm_nodelist
    expect_meta ranks 2
    expect_rows bcast scatter gather reduce allreduce
    ;;

fail-build)
    use_cluster
    fresh_work "$case"
    # A source tree that configures but does not compile.
    broken=$WORK/broken-src
    mkdir -p "$broken"
    cat >"$broken/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.18)
project(broken C)
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
add_executable(mpimark main.c)
EOF
    echo '#error this source tree is broken on purpose (mpimark e2e test)' >"$broken/main.c"
    cd "$WORK"
    MPIMARK_ROOT=$broken MPIMARK_BUILD_DIR='' MPIMARK_ARGS=$TEST_ARGS \
        submit -N1 -n2 "$REPO/slurm/pingpong.slurm"
    wait_job
    expect_failed_with "building mpimark failed"
    grep -qF "broken on purpose" "$OUTPUT" || fail "the compiler's error is not in the job output"
    expect_no_results
    [[ ! -e $broken/results ]] || [[ -z $(ls -A "$broken/results") ]] || fail "results were written in $broken/results"
    ;;

fail-launcher)
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_SRUN_MPI=bogus MPIMARK_ARGS=$TEST_ARGS submit -N1 -n2 "$REPO/slurm/pingpong.slurm"
    wait_job
    expect_failed_with "the run failed (srun exit status"
    expect_no_results
    grep -q "removed the unfinished results folder" "$OUTPUT" || fail "the job output does not say it removed the unfinished folder"
    ;;

fail-args)
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_ARGS="--no-such-option" submit -N1 -n2 "$REPO/slurm/pingpong.slurm"
    wait_job
    expect_failed_with "the run failed"
    [[ $EXIT == 2 ]] || fail "a usage error should end the job with exit code 2, got $EXIT"
    expect_no_results
    ;;

cancel)
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    # Long enough to be caught running: every size gets a 2 s budget.
    MPIMARK_ARGS="-m 8:64K --time 2" submit -N1 -n2 "$REPO/slurm/pingpong.slurm"
    for ((i = 0; i < JOB_TIMEOUT * 4; i++)); do
        [[ -n $(find "$MPIMARK_RESULTS_DIR" -maxdepth 1 -name '.*partial') ]] && break
        [[ -n $(squeue -h -j "$JOB" 2>/dev/null) ]] || break
        sleep 0.25
    done
    [[ -n $(find "$MPIMARK_RESULTS_DIR" -maxdepth 1 -name '.*partial') ]] || { wait_job; fail "job $JOB never started measuring"; }
    sleep 1
    note "scancel $JOB while it measures"
    scancel "$JOB"
    wait_job
    show_output
    [[ $STATE == CANCELLED ]] || fail "job $JOB should be CANCELLED, is $STATE"
    expect_no_results
    # The launch under way ended with the job: no rank runs on (measure ends
    # its launch's process group, the template waits for it).
    sleep 5
    left=$(pgrep -fa -- "--launch [0-9]+/[0-9]+" || true)
    [[ -z $left ]] || fail "job $JOB cancelled, but 5 s later its launch still runs: $left"
    ;;

pingpong-2node)
    use_cluster
    [[ $(sinfo -h -o %D) == 2 ]] || fail "the test cluster does not have 2 nodes: $(sinfo -h -N)"
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_ARGS=$TEST_ARGS submit "$REPO/slurm/pingpong.slurm"
    wait_job
    expect_completed
    result_dir
    expect_meta slurm_job_id "$JOB"
    expect_meta slurm_nodelist "mmn[1-2]"
    expect_meta ranks 2
    expect_meta nodes 2
    expect_meta ranks_per_node 1
    expect_meta p2p_placement cross-node
    expect_rows sendrecv isendirecv
    ;;

collectives-2node)
    use_cluster
    [[ $(sinfo -h -o %D) == 2 ]] || fail "the test cluster does not have 2 nodes: $(sinfo -h -N)"
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_ARGS=$TEST_ARGS submit "$REPO/slurm/collectives.slurm"
    wait_job
    expect_completed
    result_dir
    expect_meta slurm_job_id "$JOB"
    expect_meta ranks 4
    expect_meta nodes 2
    expect_rows bcast scatter gather reduce allreduce
    # The default sync across "nodes": clock offsets estimated over the
    # network; the namespaces share one kernel clock, so the offset found
    # must lie within its own uncertainty.
    expect_meta sync window
    off=$(meta clock_offset_max_us) unc=$(meta clock_offset_uncertainty_us)
    [[ -n $off && -n $unc ]] || fail "no clock offsets in the metadata"
    awk -v o="$off" -v u="$unc" 'BEGIN { exit !(o <= u && u > 0) }' \
        || fail "clock offset $off us exceeds its uncertainty $unc us on one kernel clock"
    note "clock offset $off us +- $unc us across the two nodes"
    ;;

scaling-1node)
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_SCALING_ARGS="--samples 20M --reps 1" submit -n2 "$REPO/slurm/scaling.slurm"
    wait_job
    expect_completed
    [[ $OUTPUT == "$WORK/results/mpimark-scaling-$JOB.out" ]] || fail "the job log is $OUTPUT, expected results/mpimark-scaling-$JOB.out under the submit folder"
    result_dir -scaling scaling.csv
    expect_meta slurm_job_id "$JOB"
    expect_meta slurm_partition mpimark
    expect_meta ranks_list 1,2
    expect_meta reps 1
    # The plugin that fits the MPI the build links (Open MPI: pmix).
    case $(meta mpi_library) in
        "Open MPI"*) plugin=pmix ;;
        MPICH*) plugin=pmi2 ;;
        *) fail "#@mpi_library '$(meta mpi_library)' is neither Open MPI nor MPICH" ;;
    esac
    [[ $(meta launcher) == "srun --mpi=$plugin "* ]] || fail "#@launcher is '$(meta launcher)', expected srun --mpi=$plugin ..."
    for k in 1 2; do
        n=$(csv_select "$CSV" mode,ranks,time_s | awk -F, -v k="$k" '$1 == "strong" && $2 == k && $3 + 0 > 0' | wc -l)
        [[ $n == 1 ]] || fail "$CSV has $n strong rows for $k rank(s) with a positive time, expected 1"
    done
    n=$(grep -cv '^#' "$CSV" || true)
    [[ $n == 3 ]] || fail "$CSV has $((n - 1)) data rows, expected 2 (1 and 2 ranks)"
    [[ -s $RES/scaling.md ]] || fail "$RES/scaling.md is missing or empty"
    for k in 1 2; do
        CSV=$RES/runs/np$k-rep1.csv
        [[ -s $CSV ]] || fail "$CSV is missing or empty"
        expect_meta ranks "$k"
        expect_meta slurm_job_id "$JOB"
    done
    expect_log_ends_with_results
    ;;

scaling-command)
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_SCALING_ARGS="--reps 2 --mpi-time --time-from 'time_s=([0-9.e+-]+)'" submit -n2 "$REPO/slurm/scaling.slurm" \
        -- /usr/bin/python3 "$REPO/programs/python/montecarlo_pi.py" 2M
    wait_job
    expect_completed
    result_dir -scaling scaling.csv
    expect_meta application montecarlo_pi.py
    expect_meta ranks_list 1,2
    expect_meta time_source "the program's output (--time-from time_s=([0-9.e+-]+))"
    [[ $(meta launcher) == "srun --mpi=pmix -n 2" ]] || fail "#@launcher is '$(meta launcher)', expected srun --mpi=pmix -n 2"
    for k in 1 2; do
        grep -q "samples=2000000 ranks=$k " "$RES/runs/np$k-rep1.out" ||
            fail "montecarlo_pi.py did not run at $k ranks: $(cat "$RES/runs/np$k-rep1.out" "$RES/runs/np$k-rep1.err")"
    done
    n=$(grep -cv '^#' "$CSV" || true)
    [[ $n == 3 ]] || fail "$CSV has $((n - 1)) data rows, expected 2 (1 and 2 ranks)"
    # --mpi-time through srun: every rank's MPI time, each rank count's share.
    grep -q "^1,(all)," "$RES/runs/np2-rep2.mpitime.csv" || fail "no MPI time of rank 1 in np2-rep2"
    for k in 1 2; do
        csv_select "$CSV" ranks,mpi_fraction | grep -qE "^$k,0\.[0-9]{4}$" ||
            fail "no mpi_fraction at $k rank(s): $(csv_select "$CSV" ranks,mpi_fraction)"
    done
    expect_log_ends_with_results
    ;;

scaling-2node)
    use_cluster
    [[ $(sinfo -h -o %D) == 2 ]] || fail "the test cluster does not have 2 nodes: $(sinfo -h -N)"
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_SCALING_ARGS="--samples 20M --reps 1 --mpi-time" submit -N2 -n2 --ntasks-per-node=1 "$REPO/slurm/scaling.slurm"
    wait_job
    expect_completed
    result_dir -scaling scaling.csv
    expect_meta ranks_list 1,2
    # --mpi-time across two nodes: the interposer ran on both (rank 1's row).
    grep -q "^1,(all)," "$RES/runs/np2-rep1.mpitime.csv" || fail "no MPI time of rank 1 (the second node)"
    CSV=$RES/runs/np2-rep1.csv
    expect_meta ranks 2
    expect_meta nodes 2
    expect_log_ends_with_results
    ;;

scaling-mpi-time-2node)
    # --mpi-time through srun on two nodes, on mpishare (tests/scaling/mpishare.c,
    # a known share of time in MPI): the share within 5 points of it.
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_SCALING_ARGS="--ranks 1,2 --reps 1 --mpi-time" submit -N2 -n2 --ntasks-per-node=1 \
        "$REPO/slurm/scaling.slurm" -- "$MPIMARK_BUILD_DIR/bin/mpishare" 4 50
    wait_job
    expect_completed
    result_dir -scaling scaling.csv
    want=$(sed -n 's/.*ranks=2 expected_mpi_fraction=\([0-9.]*\)$/\1/p' "$RES/runs/np2-rep1.out")
    got=$(csv_select "$CSV" ranks,mpi_fraction | awk -F, '$1 == 2 {print $2}')
    awk -v g="$got" -v w="$want" 'BEGIN { exit !(w != "" && g - w < 0.05 && w - g < 0.05) }' ||
        fail "mpi_fraction at 2 ranks on 2 nodes is '$got', mpishare spends '$want' of its time in MPI"
    grep -q "^1,MPI_Barrier," "$RES/runs/np2-rep1.mpitime.csv" || fail "no MPI time of rank 1 (the second node)"
    expect_log_ends_with_results
    ;;

scaling-fail)
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_SCALING_ARGS="--ranks 4" submit -n2 "$REPO/slurm/scaling.slurm"
    wait_job
    expect_failed_with "--ranks asks for 4 ranks, more than the job's tasks (SLURM_NTASKS=2)"
    grep -qF "the scaling sweep failed" "$OUTPUT" || fail "the job log does not say the scaling sweep failed"
    [[ $EXIT == 2 ]] || fail "bad scaling arguments should end the job with exit code 2, got $EXIT"
    ! grep -q 'srun ' "$OUTPUT" || fail "a run was launched although the arguments were refused"
    expect_no_results
    ;;

compare-mpi-1node)
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    compare_submit -N1 -n2
    wait_job
    expect_completed
    compare_expect_results same-node
    ;;

compare-mpi-wrong-plugin)
    use_cluster
    fresh_work "$case"
    cd "$WORK"
    MPIMARK_SRUN_MPI=pmix compare_submit -N1 -n2
    wait_job
    expect_failed_with "the mpich run of launch 1 failed"
    grep -q "launch 1/$COMPARE_LAUNCHES mpich: srun --mpi=pmix " "$OUTPUT" || fail "the job log does not show MPICH launched with srun --mpi=pmix"
    # MPICH under pmix: 2 copies of size 1. mpimark itself refuses a world
    # of 1 rank (exit 2) before the template's own #@ranks check is reached;
    # either message says the rank count was wrong.
    grep -Eq "needs at least 2 ranks, this job has 1|launched 2 ranks but mpimark ran with 1" "$OUTPUT" ||
        fail "the job log does not say that MPICH ran with 1 rank instead of 2"
    grep -q "removed the unfinished results folder" "$OUTPUT" || fail "the job output does not say it removed the unfinished folder"
    expect_no_results
    ;;

compare-mpi-2node)
    use_cluster
    [[ $(sinfo -h -o %D) == 2 ]] || fail "the test cluster does not have 2 nodes: $(sinfo -h -N)"
    fresh_work "$case"
    cd "$WORK"
    compare_submit -N2 -n2
    wait_job
    expect_completed
    compare_expect_results cross-node
    for CSV in "$RES"/*-launch1.csv; do
        expect_meta nodes 2
        expect_meta slurm_nodelist "mmn[1-2]"
    done
    ;;

local)
    fresh_work "$case"
    # Outside Slurm even if the tests themselves run inside a job.
    for v in $(compgen -e | grep '^SLURM_' || true); do unset "$v"; done
    OUTPUT=$WORK/output.txt
    JOB=local
    rc=0
    MPIMARK_ARGS=$TEST_ARGS bash "$REPO/slurm/pingpong.slurm" >"$OUTPUT" 2>&1 || rc=$?
    cat "$OUTPUT"
    [[ $rc == 0 ]] || fail "bash slurm/pingpong.slurm exited $rc"
    grep -qE 'running in .*: .*/scripts/measure .* -- (mpirun|mpiexec)[.a-z]* ' "$OUTPUT" || fail "it did not launch with mpirun/mpiexec (through scripts/measure)"
    RES=$(find "$MPIMARK_RESULTS_DIR" -mindepth 1 -maxdepth 1 -type d -name '*-local-*')
    [[ -n $RES && $(wc -l <<<"$RES") == 1 ]] || fail "expected one results folder *-local-* in $MPIMARK_RESULTS_DIR, found: $(ls -A "$MPIMARK_RESULTS_DIR")"
    CSV=$RES/mpimark.csv
    expect_no_partial
    expect_meta ranks 2
    [[ -z $(meta slurm_job_id) ]] || fail "#@slurm_job_id is set outside Slurm"
    expect_rows sendrecv isendirecv
    ;;

collectives-4node-8 | collectives-4node-16 | clock-drift-4node)
    use_cluster
    [[ $(sinfo -h -o %D) == 4 ]] || fail "the test cluster does not have 4 nodes: $(sinfo -h -N)"
    fresh_work "$case"
    cd "$WORK"
    np=8 extra=()
    [[ $case != collectives-4node-16 ]] || np=16 extra=(--overcommit)
    # The emulated nodes share this machine's 2 cores, which Open MPI cannot
    # see from inside a node: its waiting ranks would spin and hold the cores
    # from the ranks they wait for (a ping-pong then takes a scheduler time
    # slice, the clock sync's uncertainty tens of ms). Yielding, as Open MPI
    # does by itself when it knows a node is oversubscribed; at 16 ranks,
    # --overcommit, the template sets it itself (slurm/lib.sh).
    if [[ $np == 16 ]]; then unset OMPI_MCA_mpi_yield_when_idle; else export OMPI_MCA_mpi_yield_when_idle=1; fi
    if [[ $case == clock-drift-4node ]]; then
        export MPIMARK_TEST_CLOCK_SKEW_US=20000 MPIMARK_TEST_CLOCK_DRIFT_PPM=5000
    fi
    MPIMARK_ARGS=$TEST_ARGS submit -N4 -n$np "${extra[@]}" "$REPO/slurm/collectives.slurm"
    wait_job
    # Open MPI 4.1's TCP BTL, with 8-16 ranks of 4 emulated nodes on 2
    # cores, now and then calls a NULL function inside MPI_Init (a core's
    # backtrace: mca_btl_tcp.so <- libevent <- opal_progress <-
    # ompi_mpi_init; at 16 ranks 1 launch in 10-40, 2026-12-04, and a job
    # makes two launches). Probably a race akin to open-mpi/ompi#3035's,
    # though each node has one interface. Such a job is submitted again, up
    # to twice, and says so; a third failure fails the test (once more was
    # not enough for a fresh clone). The same crash comes without the TCP
    # warnings too, after MPI_Init (the BTL connects to a peer at its first
    # message): a rank's SIGSEGV at address (nil) whose backtrace holds libc's
    # signal frame alone, a call through a NULL pointer (a CI run of 8 ranks,
    # 2026-12-07, launch 2 of 2; its core went with the unfinished results).
    tries=1
    while ((tries < 3)) && [[ $STATE == FAILED ]] && grep -q 'Segmentation fault' "$OUTPUT" &&
        { grep -q 'Open MPI failed to TCP connect to a peer' "$OUTPUT" || null_call "$OUTPUT"; }; do
        show_output
        show_cores
        note "RETRY: a rank died of SIGSEGV in Open MPI's TCP BTL's known crash (a NULL function called; open-mpi/ompi#3035); submitting once more"
        rm -f "$OUTPUT"
        MPIMARK_ARGS=$TEST_ARGS submit -N4 -n$np "${extra[@]}" "$REPO/slurm/collectives.slurm"
        wait_job
        tries=$((tries + 1))
    done
    expect_completed
    result_dir
    if [[ $np == 16 ]]; then
        grep -qF -- "--overcommit: Open MPI's waiting ranks yield their CPU (OMPI_MCA_mpi_yield_when_idle=1" "$OUTPUT" ||
            fail "the template did not say it set OMPI_MCA_mpi_yield_when_idle=1 under --overcommit"
        grep -qx 'mpi_env=OMPI_MCA_mpi_yield_when_idle=1' "$RES/run.txt" || fail "run.txt does not record mpi_env"
    fi
    expect_meta ranks $np
    expect_meta nodes 4
    expect_meta ranks_per_node $((np / 4))
    expect_meta sync window
    expect_rows bcast scatter gather reduce allreduce
    place=$(meta placement)
    for n in 1 2 3 4; do
        [[ $place == *"mmn$n: "* ]] || fail "#@placement does not name node mmn$n: $place"
    done
    expect_nccl_bw "$CSV" $np 8
    expect_nccl_bw "$CSV" $np 1024
    # Every launch estimated offsets over the network (4 node leaders, or
    # every rank under the hooks), fewer times than it visited cells.
    visits=$(( $(csv_rows "$CSV" | cut -d, -f1,2,4 | sort -u | wc -l) * 2 )) # x 2 rounds
    for f in "$RES"/mpimark-launches/launch*.csv; do
        est=$(csv_meta "$f" clock_estimates) off=$(csv_meta "$f" clock_offset_max_us)
        unc=$(csv_meta "$f" clock_offset_uncertainty_us) ppm=$(csv_meta "$f" clock_drift_max_ppm)
        [[ $est -ge 2 && $est -lt $visits ]] || fail "$(basename "$f"): $est clock estimates in $visits visits"
        if [[ $case == clock-drift-4node ]]; then
            awk -v p="$ppm" -v w=$((5000 * (np - 1))) 'BEGIN { d = p - w; if (d < 0) d = -d; exit !(d < 0.01 * w) }' ||
                fail "$(basename "$f"): largest drift found $ppm ppm, want $((5000 * (np - 1)))"
        else
            # One kernel clock: the offset found lies within its uncertainty.
            awk -v o="$off" -v u="$unc" 'BEGIN { exit !(o <= u && u > 0) }' ||
                fail "$(basename "$f"): clock offset $off us exceeds its uncertainty $unc us on one kernel clock"
        fi
        note "$(basename "$f"): $est estimates in $visits visits, offset $off us +- $unc us, drift $ppm ppm"
    done
    ;;

*)
    fail "unknown case '$case'"
    ;;
esac
note "PASS $case"
