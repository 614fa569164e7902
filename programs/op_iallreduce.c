/* iallreduce: MPI_Iallreduce, sum of float64, then MPI_Wait
 * (osu_iallreduce): the call alone (latency, algbw, busbw, as
 * allreduce's), and the call with a compute phase as long as the call
 * alone between start and wait (overall time, overlap %). The buffer path
 * only: mpi4py has no lowercase iallreduce. */
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

static int start(mm_ctx *c) {
  int count = (int)(c->bytes / sizeof(double));
  MM_MPI(MPI_Iallreduce(c->sbuf, c->rbuf, count, MPI_DOUBLE, MPI_SUM, c->comm, &c->reqs[0]));
  return MM_OK;
}

static int alone(mm_ctx *c) { return mm_nbc_alone(c, start); }
static int overlap(mm_ctx *c) { return mm_nbc_overlap(c, start); }

const mm_op mm_op_iallreduce = {
    .path[MM_PATH_BUFFER] = {.kernels = {alone, overlap}},
};
