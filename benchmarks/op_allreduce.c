/* allreduce: MPI_Allreduce with MPI_SUM over float64 (osu_allreduce). */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

static int allreduce(mm_ctx *c) {
  int count = (int)(c->bytes / sizeof(double));
  MM_MPI(MPI_Allreduce(c->sbuf, c->rbuf, count, MPI_DOUBLE, MPI_SUM, c->comm));
  return MM_OK;
}

static int check(mm_ctx *c, mm_shape shape, char *why, size_t len) {
  (void)shape;
  return mm_check_sums(c, (const double *)c->rbuf, c->bytes / sizeof(double), why, len);
}

const mm_op mm_op_allreduce = {
    .name = "allreduce",
    .summary = "MPI_Allreduce, MPI_SUM of float64: latency, algbw, busbw",
    .kind = MM_COLLECTIVE,
    .min_ranks = 2,
    .float64 = true,
    .busbw_factor = mm_busbw_allreduce,
    .path[MM_PATH_BUFFER] = {.prepare = mm_prepare_own_doubles,
                             .check = check,
                             .kernels = {{MM_SHAPE_COLLECTIVE, allreduce}}},
};
