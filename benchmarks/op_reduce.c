/* reduce: MPI_Reduce with MPI_SUM over float64 (MPI_DOUBLE) to the root
 * (osu_reduce). The datatype matters: MPICH reduces MPI_CHAR about 10x
 * slower than Open MPI at 1-4 MiB. */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

static int reduce(mm_ctx *c) {
  int count = (int)(c->bytes / sizeof(double));
  MM_MPI(MPI_Reduce(c->sbuf, c->rbuf, count, MPI_DOUBLE, MPI_SUM, c->root, c->comm));
  return MM_OK;
}

static int check(mm_ctx *c, mm_shape shape, char *why, size_t len) {
  (void)shape;
  if (c->rank != c->root) return MM_OK;
  return mm_check_sums(c, (const double *)c->rbuf, c->bytes / sizeof(double), why, len);
}

const mm_op mm_op_reduce = {
    .name = "reduce",
    .summary = "MPI_Reduce, MPI_SUM of float64 to the root: latency, algbw, busbw",
    .kind = MM_COLLECTIVE,
    .min_ranks = 2,
    .float64 = true,
    .busbw_factor = mm_busbw_one,
    .path[MM_PATH_BUFFER] = {.prepare = mm_prepare_own_doubles,
                             .check = check,
                             .kernels = {{MM_SHAPE_COLLECTIVE, reduce}}},
};
