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

const mm_op mm_op_reduce_scatter = {
    .path[MM_PATH_BUFFER] = {.kernels = {reduce_scatter}},
};
