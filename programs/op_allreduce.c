/* allreduce: MPI_Allreduce with MPI_SUM over float64 (osu_allreduce). */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "op.h"

static int allreduce(mm_ctx *c) {
  int count = (int)(c->bytes / sizeof(double));
  MM_MPI(MPI_Allreduce(c->sbuf, c->rbuf, count, MPI_DOUBLE, MPI_SUM, c->comm));
  return MM_OK;
}

/* ---- Object path: comm.allreduce(obj, op), op an elementwise float64 sum
 * of decoded objects (a bytes payload is read as float64s) ---- */

static int obj_allreduce(mm_ctx *c) {
  mm_pyobj *got = NULL;
  int err = mm_obj_allreduce(mm_obj(c)->payload, mm_obj_sum, &got, mm_obj_comm_of(c));
  mm_obj_keep(c, 0, got);
  return err;
}

const mm_op mm_op_allreduce = {
    .path[MM_PATH_BUFFER] = {.kernels = {allreduce}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_allreduce}},
};
