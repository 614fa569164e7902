/* sendrecv: blocking MPI_Send/MPI_Recv between ranks 0 and 1 (osu_latency,
 * osu_bw); on the object path mpi4py's comm.send/comm.recv. Other ranks
 * idle. */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "op.h"

/* Rank 0 sends, rank 1 sends the same size back. */
static int pingpong(mm_ctx *c) {
  int n = (int)c->bytes;
  if (c->rank == 0) {
    MM_MPI(MPI_Send(c->sbuf, n, MPI_BYTE, 1, MM_TAG_DATA, c->comm));
    MM_MPI(MPI_Recv(c->rbuf, n, MPI_BYTE, 1, MM_TAG_DATA, c->comm, MPI_STATUS_IGNORE));
  } else if (c->rank == 1) {
    MM_MPI(MPI_Recv(c->rbuf, n, MPI_BYTE, 0, MM_TAG_DATA, c->comm, MPI_STATUS_IGNORE));
    MM_MPI(MPI_Send(c->sbuf, n, MPI_BYTE, 0, MM_TAG_DATA, c->comm));
  }
  return MM_OK;
}

/* Rank 0 sends a window of messages back to back; rank 1 acknowledges the
 * window with one small message, so the time covers their delivery. */
static int stream(mm_ctx *c) {
  int n = (int)c->bytes;
  if (c->rank == 0) {
    for (int w = 0; w < c->window; w++)
      MM_MPI(MPI_Send(c->sbuf, n, MPI_BYTE, 1, MM_TAG_DATA, c->comm));
    mm_ack_wait(c, 1);
  } else if (c->rank == 1) {
    for (int w = 0; w < c->window; w++)
      MM_MPI(MPI_Recv(c->rbuf, n, MPI_BYTE, 0, MM_TAG_DATA, c->comm, MPI_STATUS_IGNORE));
    mm_ack_send(c, 0);
  }
  return MM_OK;
}

/* ---- Object and pkl5 paths: comm.send(obj) / comm.recv() ---- */

/* The object received replaces the one before as soon as it arrives, as
 * `got = comm.recv()` does: rank 1 frees the old one before it pickles its
 * answer, which decides whether that pickle's buffer fits in the heap's
 * free memory or maps fresh pages (docs/performance.md, the heap). */
static int obj_pingpong(mm_ctx *c) {
  mm_obj_state *s = mm_obj(c);
  mm_pyobj *got = NULL;
  int err = MM_OK, peer = 1 - c->rank;
  if (c->rank == 0) {
    if (!(err = mm_lower_send(c, s->payload, peer))) err = mm_lower_recv(c, &got, peer);
    mm_obj_keep(c, 0, got);
  } else if (c->rank == 1) {
    err = mm_lower_recv(c, &got, peer);
    mm_obj_keep(c, 0, got);
    if (!err) err = mm_lower_send(c, s->payload, peer);
  }
  return err;
}

static int obj_stream(mm_ctx *c) {
  mm_obj_state *s = mm_obj(c);
  int err = MM_OK;
  if (c->rank == 0) {
    for (int w = 0; w < c->window && !err; w++)
      err = mm_lower_send(c, s->payload, 1);
    mm_ack_wait(c, 1);
  } else if (c->rank == 1) {
    for (int w = 0; w < c->window && !err; w++) {
      mm_pyobj *got = NULL;
      err = mm_lower_recv(c, &got, 0);
      mm_obj_keep(c, 0, got);
    }
    mm_ack_send(c, 0);
  }
  return err;
}

const mm_op mm_op_sendrecv = {
    .path[MM_PATH_BUFFER] = {.kernels = {pingpong, stream}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_pingpong, obj_stream}},
};
