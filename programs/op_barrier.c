/* barrier: MPI_Barrier. It moves no data, so it is measured once per path
 * (shape SYNC: latency only, a 0-byte row) and there is nothing to check.
 * The object path is comm.barrier(), which mpi4py makes MPI_Barrier with
 * no pickle (PyMPI_barrier, 3.1 and 4.x): its row gives Python's cost of
 * the call. */
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

static int barrier(mm_ctx *c) {
  MM_MPI(MPI_Barrier(c->comm));
  return MM_OK;
}

const mm_op mm_op_barrier = {
    .path[MM_PATH_BUFFER] = {.kernels = {barrier}},
    .path[MM_PATH_OBJECT] = {.kernels = {barrier}},
};
