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
#                    unfinished folder left behind
#   pingpong-2node   sbatch slurm/pingpong.slurm, unmodified defaults, on the
#                    two-node cluster: cross-node results
#   collectives-2node sbatch slurm/collectives.slurm, unmodified defaults (4
#                    ranks), on the two-node cluster
#   local            bash slurm/pingpong.slurm outside Slurm (mpirun); needs
#                    no cluster
# shellcheck source=tests/slurm/testlib.sh
source "$(dirname "${BASH_SOURCE[0]}")/testlib.sh"
# shellcheck disable=SC2164 # set -e (from testlib.sh) stops on a failed cd

case=${1:?usage: job.sh CASE}

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
    grep -q "results: $RES" "$OUTPUT" || fail "the job output does not end by naming the results folder"
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
    grep -q 'running in .*: mpirun' "$OUTPUT" || grep -q 'running in .*: mpiexec' "$OUTPUT" || fail "it did not launch with mpirun/mpiexec"
    RES=$(find "$MPIMARK_RESULTS_DIR" -mindepth 1 -maxdepth 1 -type d -name '*-local-*')
    [[ -n $RES && $(wc -l <<<"$RES") == 1 ]] || fail "expected one results folder *-local-* in $MPIMARK_RESULTS_DIR, found: $(ls -A "$MPIMARK_RESULTS_DIR")"
    CSV=$RES/mpimark.csv
    expect_no_partial
    expect_meta ranks 2
    [[ -z $(meta slurm_job_id) ]] || fail "#@slurm_job_id is set outside Slurm"
    expect_rows sendrecv isendirecv
    ;;

*)
    fail "unknown case '$case'"
    ;;
esac
note "PASS $case"
