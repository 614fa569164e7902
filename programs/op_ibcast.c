/* ibcast: MPI_Ibcast from the root, then MPI_Wait (osu_ibcast): the call
 * alone (latency, algbw, busbw, as bcast's), and the call with a compute
 * phase as long as the call alone between start and wait (overall time,
 * overlap %). The buffer path only: mpi4py has no lowercase ibcast. */
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

/* As bcast: the root sends from sbuf, the others receive into rbuf. */
static int start(mm_ctx *c) {
  void *buf = c->rank == c->root ? c->sbuf : c->rbuf;
  MM_MPI(MPI_Ibcast(buf, (int)c->bytes, MPI_BYTE, c->root, c->comm, &c->reqs[0]));
  return MM_OK;
}

static int alone(mm_ctx *c) { return mm_nbc_alone(c, start); }
static int overlap(mm_ctx *c) { return mm_nbc_overlap(c, start); }

const mm_op mm_op_ibcast = {
    .path[MM_PATH_BUFFER] = {.kernels = {alone, overlap}},
};
