#!/usr/bin/env bash
# busbw.sh NP c|python: a collective's algbw and busbw follow nccl-tests'
# convention at NP ranks. algbw counts the call's bytes (SIZE for bcast,
# reduce and allreduce, SIZE x NP for scatter and gather, the root's whole
# buffer; allgather and alltoall: each rank's) over its time; busbw is
# algbw times 1 (bcast, reduce, scan, exscan, ibcast), (NP-1)/NP (scatter, gather, allgather,
# alltoall, reduce_scatter) or 2(NP-1)/NP (allreduce, iallreduce): expect_nccl_bw in
# tests/lib.sh, which the 4-node Slurm jobs run too.
# The C binary ($MPIMARK) or the mpi4py runner ($PYTHON $MPIMARK_PY).
source "$(dirname "$0")/../lib.sh"
np=$1 runner=$2
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
runner_prog "$runner"
size=1024
ops=(bcast scatter gather reduce allreduce allgather alltoall reduce_scatter scan exscan ibcast iallreduce)
launch "$np" "${prog[@]}" "${ops[@]}" --path buffer -m $size -i 30 \
  --rounds 1 -q --format csv -o "$dir/run.csv" > /dev/null || fail "the run exited $?"
expect_nccl_bw "$dir/run.csv" "$np" $size "${ops[@]}"
echo "ok: algbw and busbw at $np ranks are nccl-tests'"
