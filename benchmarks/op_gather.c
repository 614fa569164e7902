/* gather: MPI_Gather of one message per rank to the root (osu_gather). */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

static int gather(mm_ctx *c) {
  int n = (int)c->bytes;
  MM_MPI(MPI_Gather(c->sbuf, n, MPI_BYTE, c->rbuf, n, MPI_BYTE, c->root, c->comm));
  return MM_OK;
}

/* The root holds every rank's message, in rank order. */
static int check(mm_ctx *c, mm_shape shape, char *why, size_t len) {
  (void)shape;
  if (c->rank != c->root) return MM_OK;
  for (int r = 0; r < c->nranks; r++) {
    int err = mm_check_bytes(c, c->rbuf + (size_t)r * c->bytes, c->bytes, mm_seed_of_rank(r),
                             why, len);
    if (err) return err;
  }
  return MM_OK;
}

const mm_op mm_op_gather = {
    .name = "gather",
    .summary = "MPI_Gather to the root, SIZE bytes from each rank: latency, algbw, busbw",
    .kind = MM_COLLECTIVE,
    .min_ranks = 2,
    .root_recvs_all = true,
    .busbw_factor = mm_busbw_gather,
    .path[MM_PATH_BUFFER] = {.prepare = mm_prepare_own_bytes,
                             .check = check,
                             .kernels = {{MM_SHAPE_COLLECTIVE, gather}}},
};
