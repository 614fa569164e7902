/* scatter: MPI_Scatter of one message per rank from the root (osu_scatter). */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "op.h"

static int scatter(mm_ctx *c) {
  int n = (int)c->bytes;
  MM_MPI(MPI_Scatter(c->sbuf, n, MPI_BYTE, c->rbuf, n, MPI_BYTE, c->root, c->comm));
  return MM_OK;
}

/* ---- Object and pkl5 paths: comm.scatter(items, root) ---- */

static int obj_scatter(mm_ctx *c) {
  mm_pyobj *got = NULL;
  int err = mm_lower_scatter(c, mm_obj(c)->items, &got);
  mm_obj_keep(c, 0, got);
  return err;
}

const mm_op mm_op_scatter = {
    .path[MM_PATH_BUFFER] = {.kernels = {scatter}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_scatter}},
};
