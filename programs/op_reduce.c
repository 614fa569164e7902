/* reduce: MPI_Reduce with MPI_SUM over float64 (MPI_DOUBLE) to the root
 * (osu_reduce). The datatype matters: MPICH reduces MPI_CHAR about 10x
 * slower than Open MPI at 1-4 MiB. */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "op.h"

static int reduce(mm_ctx *c) {
  int count = (int)(c->bytes / sizeof(double));
  MM_MPI(MPI_Reduce(c->sbuf, c->rbuf, count, MPI_DOUBLE, MPI_SUM, c->root, c->comm));
  return MM_OK;
}

/* ---- Object path: comm.reduce(obj, op, root), op an elementwise float64 sum
 * of decoded objects (a bytes payload is read as float64s) ---- */

static int obj_reduce(mm_ctx *c) {
  mm_pyobj *got = NULL;
  int err = mm_obj_reduce(mm_obj(c)->payload, mm_obj_sum, &got, c->root, mm_obj_comm_of(c));
  mm_obj_keep(c, 0, got);
  return err;
}

const mm_op mm_op_reduce = {
    .path[MM_PATH_BUFFER] = {.kernels = {reduce}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_reduce}},
};
