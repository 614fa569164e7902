#!/usr/bin/env bash
# add_op.sh: adding an operation is one C file and one line. In a copy of
# this tree, writes programs/op_added.c (MPI_Barrier, a collective on
# the buffer path) and adds MM_OP(added) to common/defs/ops.def, and
# nothing else; then builds mpimark and runs the new operation: --help lists
# it, and a run at 2 ranks gives its latency rows.
source "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

mkdir "$dir/src"
(cd "$src" && git ls-files -z | xargs -0 cp -P --parents -t "$dir/src") || fail "cannot copy the tree"
cat > "$dir/src/programs/op_added.c" <<'C'
/* added: MPI_Barrier, a throwaway operation of tests/add_op.sh. */
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

static int barrier(mm_ctx *c) {
  MM_MPI(MPI_Barrier(c->comm));
  return MM_OK;
}

const mm_op mm_op_added = {
    .path[MM_PATH_BUFFER] = {.kernels = {barrier}},
};
C
echo 'MM_OP(added, 2, 0, COLLECTIVE, "collective", ONE, 0, NONE, "MPI_Barrier (a test'"'"'s throwaway operation): latency")' >> "$dir/src/common/defs/ops.def"

cmake -S "$dir/src" -B "$dir/b" > "$dir/log" 2>&1 || { cat "$dir/log"; fail "configure failed"; }
cmake --build "$dir/b" -j "$(nproc)" --target mpimark > "$dir/log" 2>&1 \
  || { tail -30 "$dir/log"; fail "the build with one more operation failed"; }
launch 1 "$dir/b/bin/mpimark" --help > "$dir/help.txt" || fail "--help failed"
grep -q "added .*MPI_Barrier" "$dir/help.txt" || fail "--help does not list added"
launch 2 "$dir/b/bin/mpimark" added --path buffer -m 8 -i 5 -q -o "$dir/r.csv" > /dev/null \
  || fail "the new operation did not run"
[ "$(csv_select "$dir/r.csv" op,path,metric | sed -n 1p)" = "added,buffer,latency" ] \
  || fail "no latency row of the added operation: $(csv_rows "$dir/r.csv")"
echo "ok: one file and one line added an operation that builds and runs"
