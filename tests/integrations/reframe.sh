#!/usr/bin/env bash
# reframe.sh local|slurm: integrations/reframe/mpimark_checks.py run by real
# ReFrame (pinned, scripts/venv --reframe: $REFRAME_VENV) on this machine
# with mpirun (local) or through the private test cluster with srun
# (slurm; the cluster fixture must be up). Every check passes and reports
# latency (us) and bandwidth (MB/s) read from mpimark's JSON; with a
# reference no run can meet (-S mpimark_check.reference_latency_us=1e-6)
# ReFrame fails the checks in their performance stage, and exits 1.
source "$(dirname "$0")/../lib.sh"
where=${1:?usage: reframe.sh local|slurm}
root=$(cd "$(dirname "$0")/../.." && pwd)
reframe=${REFRAME_VENV:?no REFRAME_VENV}/bin/reframe
[ -x "$reframe" ] || fail "no ReFrame at $reframe (the integrations.reframe.venv fixture failed?)"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
case $where in
  local) checks=() ;;
  slurm) # the test cluster's clients; sendrecv on both paths at 8 B: the
    # srun launch and the report are under test here, the checks' matrix
    # runs locally (each Slurm job costs ReFrame's squeue delay, 2 s)
    eval "$("$root/tests/slurm/cluster.sh" env)"
    checks=(-n 'op=sendrecv.*size=8') ;;
  *) fail "usage: reframe.sh local|slurm" ;;
esac
# ReFrame polls a job at least every 10 s by default; a test job takes a
# second or two, so poll every half second.
export RFM_POLL_RATE_MIN=2
rf() { # ARGS...: reframe on the test library, in $dir
  (cd "$dir" && "$reframe" -C "$root/integrations/reframe/config.py" --system "$where" \
    -c "$root/integrations/reframe/mpimark_checks.py" ${checks[@]+"${checks[@]}"} "$@")
}

rf -r --performance-report > "$dir/ok.log" 2>&1 || { cat "$dir/ok.log"; fail "ReFrame failed on $where"; }
n=$(grep -c 'OK.*mpimark_check %op=' "$dir/ok.log" || true)
want=$([ "$where" = local ] && echo 12 || echo 2)
[ "$n" = "$want" ] || { cat "$dir/ok.log"; fail "$n of $want mpimark checks passed"; }
for v in "latency: [0-9.e+-]* us" "bandwidth: [0-9.e+-]* MB/s"; do
  [ "$(grep -c "P: $v" "$dir/ok.log")" = "$want" ] || fail "not every check reported $v"
done
echo "ok: ReFrame ($where) ran $n mpimark checks, each with its latency and bandwidth"

rc=0
rf -r -n '%op=sendrecv' -S mpimark_check.reference_latency_us=1e-6 > "$dir/bad.log" 2>&1 || rc=$?
[ $rc = 1 ] || { cat "$dir/bad.log"; fail "a wrong reference: ReFrame exited $rc, not 1"; }
n=$(grep -c "failed during 'performance'" "$dir/bad.log" || true)
[ "$n" -ge 1 ] && ! grep -q "failed during 'sanity'" "$dir/bad.log" \
  || { cat "$dir/bad.log"; fail "a wrong reference did not fail the performance stage alone"; }
# ReFrame names a local job "local", a Slurm one "batch job".
job=$([ "$where" = local ] && echo local || echo "batch job")
grep -q "Job type: $job (id=[0-9]*)" "$dir/bad.log" || fail "the checks did not run as $where jobs"
echo "ok: a wrong reference fails $n checks ($where jobs) in their performance stage"
