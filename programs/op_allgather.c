/* allgather: MPI_Allgather, one message from each rank to every rank
 * (osu_allgather). */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "op.h"

static int allgather(mm_ctx *c) {
  int n = (int)c->bytes;
  MM_MPI(MPI_Allgather(c->sbuf, n, MPI_BYTE, c->rbuf, n, MPI_BYTE, c->comm));
  return MM_OK;
}

/* ---- Object and pkl5 paths: comm.allgather(obj); every rank decodes every item ---- */

static int obj_allgather(mm_ctx *c) {
  int err = mm_lower_allgather(c, mm_obj(c)->payload, mm_obj_fresh(c));
  mm_obj_keep_fresh(c);
  return err;
}

const mm_op mm_op_allgather = {
    .path[MM_PATH_BUFFER] = {.kernels = {allgather}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_allgather}},
};
