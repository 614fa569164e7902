/* reduce_scatter: MPI_Reduce_scatter_block with MPI_SUM over float64:
 * each rank gives n blocks of SIZE bytes and gets the sum of every rank's
 * block of its own rank (osu_reduce_scatter_block). The buffer path only:
 * mpi4py has no lowercase reduce_scatter. */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

static int reduce_scatter(mm_ctx *c) {
  int count = (int)(c->bytes / sizeof(double));
  MM_MPI(MPI_Reduce_scatter_block(c->sbuf, c->rbuf, count, MPI_DOUBLE, MPI_SUM, c->comm));
  return MM_OK;
}

/* Every block of the send buffer holds this rank's pattern. */
static void prepare(mm_ctx *c) {
  size_t count = c->bytes / sizeof(double);
  for (int r = 0; r < c->nranks; r++)
    mm_pattern_fill_doubles((double *)c->sbuf + (size_t)r * count, count, mm_seed_of_rank(c->rank));
}

static int check(mm_ctx *c, mm_shape shape, char *why, size_t len) {
  (void)shape;
  return mm_check_sums(c, (const double *)c->rbuf, c->bytes / sizeof(double), c->nranks, why, len);
}

const mm_op mm_op_reduce_scatter = {
    .path[MM_PATH_BUFFER] = {.prepare = prepare,
                             .check = check,
                             .kernels = {{MM_SHAPE_COLLECTIVE, reduce_scatter}}},
};
