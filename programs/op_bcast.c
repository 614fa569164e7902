/* bcast: MPI_Bcast from the root (osu_bcast). */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "op.h"

/* The root broadcasts from sbuf, the others receive into rbuf, so a check
 * never reads the root's own data. */
static int bcast(mm_ctx *c) {
  void *buf = c->rank == c->root ? c->sbuf : c->rbuf;
  MM_MPI(MPI_Bcast(buf, (int)c->bytes, MPI_BYTE, c->root, c->comm));
  return MM_OK;
}

/* ---- Object and pkl5 paths: comm.bcast(obj, root); every rank decodes ---- */

static int obj_bcast(mm_ctx *c) {
  mm_pyobj *got = NULL;
  int err = mm_lower_bcast(c, mm_obj(c)->payload, &got);
  mm_obj_keep(c, 0, got);
  return err;
}

const mm_op mm_op_bcast = {
    .path[MM_PATH_BUFFER] = {.kernels = {bcast}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_bcast}},
};
