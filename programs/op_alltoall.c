/* alltoall: MPI_Alltoall, a message from each rank to each rank
 * (osu_alltoall). */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "op.h"

static int alltoall(mm_ctx *c) {
  int n = (int)c->bytes;
  MM_MPI(MPI_Alltoall(c->sbuf, n, MPI_BYTE, c->rbuf, n, MPI_BYTE, c->comm));
  return MM_OK;
}

/* ---- Object and pkl5 paths: comm.alltoall(items); each rank decodes what each sent it ---- */

static int obj_alltoall(mm_ctx *c) {
  int err = mm_lower_alltoall(c, mm_obj(c)->items, mm_obj_fresh(c));
  mm_obj_keep_fresh(c);
  return err;
}

const mm_op mm_op_alltoall = {
    .path[MM_PATH_BUFFER] = {.kernels = {alltoall}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_alltoall}},
};
