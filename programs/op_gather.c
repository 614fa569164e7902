/* gather: MPI_Gather of one message per rank to the root (osu_gather). */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "op.h"

static int gather(mm_ctx *c) {
  int n = (int)c->bytes;
  MM_MPI(MPI_Gather(c->sbuf, n, MPI_BYTE, c->rbuf, n, MPI_BYTE, c->root, c->comm));
  return MM_OK;
}

/* ---- Object and pkl5 paths: comm.gather(obj, root); the root decodes every item ---- */

static int obj_gather(mm_ctx *c) {
  int err = mm_lower_gather(c, mm_obj(c)->payload, mm_obj_fresh(c));
  mm_obj_keep_fresh(c);
  return err;
}

const mm_op mm_op_gather = {
    .path[MM_PATH_BUFFER] = {.kernels = {gather}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_gather}},
};
