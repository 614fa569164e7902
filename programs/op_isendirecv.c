/* isendirecv: non-blocking MPI_Isend/MPI_Irecv between ranks 0 and 1
 * (osu_latency with non-blocking calls, osu_bw, osu_bibw). Other ranks idle.
 * A window's receives share one buffer, as in osu_bw: the messages are
 * identical, and one buffer keeps memory use at one message. */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "op.h"

static int pingpong(mm_ctx *c) {
  int n = (int)c->bytes, peer = 1 - c->rank;
  if (c->rank == 0) {
    MM_MPI(MPI_Irecv(c->rbuf, n, MPI_BYTE, peer, MM_TAG_DATA, c->comm, &c->reqs[0]));
    MM_MPI(MPI_Isend(c->sbuf, n, MPI_BYTE, peer, MM_TAG_DATA, c->comm, &c->reqs[1]));
    MM_MPI(MPI_Waitall(2, c->reqs, MPI_STATUSES_IGNORE));
  } else if (c->rank == 1) {
    MM_MPI(MPI_Irecv(c->rbuf, n, MPI_BYTE, peer, MM_TAG_DATA, c->comm, &c->reqs[0]));
    MM_MPI(MPI_Wait(&c->reqs[0], MPI_STATUS_IGNORE));
    MM_MPI(MPI_Isend(c->sbuf, n, MPI_BYTE, peer, MM_TAG_DATA, c->comm, &c->reqs[1]));
    MM_MPI(MPI_Wait(&c->reqs[1], MPI_STATUS_IGNORE));
  }
  return MM_OK;
}

static int stream(mm_ctx *c) {
  if (c->rank == 0) return mm_window_send(c, 1);
  if (c->rank == 1) return mm_window_recv(c, 0);
  return MM_OK;
}

/* Both ranks post a window of receives and a window of sends at once. */
static int bistream(mm_ctx *c) {
  if (c->rank > 1) return MM_OK;
  int n = (int)c->bytes, peer = 1 - c->rank, w = c->window;
  for (int i = 0; i < w; i++)
    MM_MPI(MPI_Irecv(c->rbuf, n, MPI_BYTE, peer, MM_TAG_DATA, c->comm, &c->reqs[i]));
  for (int i = 0; i < w; i++)
    MM_MPI(MPI_Isend(c->sbuf, n, MPI_BYTE, peer, MM_TAG_DATA, c->comm, &c->reqs[w + i]));
  MM_MPI(MPI_Waitall(2 * w, c->reqs, MPI_STATUSES_IGNORE));
  return MM_OK;
}

/* ---- Object path: comm.isend(obj) / comm.irecv(buf), Request.waitall ----
 * Each receive gets its own buffer, sized for the peer's pickle, as an
 * mpi4py user passes one to irecv; the decoded objects of an iteration are
 * freed at the start of the next (still inside the timed region). */

/* The object received replaces the one before once it is in, as
 * `got = ....wait()` does: rank 0 pickles its message while the old one
 * still lives, rank 1 after it is gone (which decides whether a pickle's
 * buffer fits in the heap's free memory: docs/performance.md, the heap). */
static int obj_pingpong(mm_ctx *c) {
  if (c->rank > 1) return MM_OK;
  mm_obj_state *s = mm_obj(c);
  int peer = 1 - c->rank, err;
  mm_pyobj *old = s->received[0];
  s->received[0] = NULL;
  if (c->rank == 0) {
    if (!(err = mm_obj_irecv_slot(c, 0, peer)) && !(err = mm_obj_isend(s->payload, peer, MM_TAG_DATA,
                                                                mm_obj_comm_of(c), &s->reqs[1])))
      err = mm_obj_waitall(2, s->reqs, s->received);
    mm_pyobj_free(old);
    return err;
  }
  if (!(err = mm_obj_irecv_slot(c, 0, peer))) err = mm_obj_waitall(1, s->reqs, s->received);
  mm_pyobj_free(old);
  if (err) return err;
  if ((err = mm_obj_isend(s->payload, peer, MM_TAG_DATA, mm_obj_comm_of(c), &s->reqs[1]))) return err;
  return mm_obj_waitall(1, &s->reqs[1], NULL);
}

static int obj_stream(mm_ctx *c) {
  if (c->rank == 0) return mm_obj_window_send(c, 1);
  if (c->rank == 1) return mm_obj_window_recv(c, 0);
  return MM_OK;
}

static int obj_bistream(mm_ctx *c) {
  if (c->rank > 1) return MM_OK;
  mm_obj_state *s = mm_obj(c);
  int err = MM_OK, w = c->window, peer = 1 - c->rank;
  mm_obj_forget(c);
  for (int i = 0; i < w && !err; i++) err = mm_obj_irecv_slot(c, i, peer);
  for (int i = 0; i < w && !err; i++)
    err = mm_obj_isend(s->payload, peer, MM_TAG_DATA, mm_obj_comm_of(c), &s->reqs[w + i]);
  if (!err) err = mm_obj_waitall(2 * (size_t)w, s->reqs, s->received);
  return err;
}

const mm_op mm_op_isendirecv = {
    .path[MM_PATH_BUFFER] = {.kernels = {pingpong, stream, bistream}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup_window,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_pingpong, obj_stream, obj_bistream}},
};
