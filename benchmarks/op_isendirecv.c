/* isendirecv: non-blocking MPI_Isend/MPI_Irecv between ranks 0 and 1
 * (osu_latency with non-blocking calls, osu_bw, osu_bibw). Other ranks idle.
 * A window's receives share one buffer, as in osu_bw: the messages are
 * identical, and one buffer keeps memory use at one message. */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
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
  int n = (int)c->bytes;
  char ack = 0;
  if (c->rank == 0) {
    for (int w = 0; w < c->window; w++)
      MM_MPI(MPI_Isend(c->sbuf, n, MPI_BYTE, 1, MM_TAG_DATA, c->comm, &c->reqs[w]));
    MM_MPI(MPI_Waitall(c->window, c->reqs, MPI_STATUSES_IGNORE));
    MM_MPI(MPI_Recv(&ack, 1, MPI_BYTE, 1, MM_TAG_ACK, c->comm, MPI_STATUS_IGNORE));
  } else if (c->rank == 1) {
    for (int w = 0; w < c->window; w++)
      MM_MPI(MPI_Irecv(c->rbuf, n, MPI_BYTE, 0, MM_TAG_DATA, c->comm, &c->reqs[w]));
    MM_MPI(MPI_Waitall(c->window, c->reqs, MPI_STATUSES_IGNORE));
    MM_MPI(MPI_Send(&ack, 1, MPI_BYTE, 0, MM_TAG_ACK, c->comm));
  }
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

static int check(mm_ctx *c, mm_shape shape, char *why, size_t len) {
  if (c->rank == 1 || (c->rank == 0 && shape != MM_SHAPE_STREAM))
    return mm_check_bytes(c, c->rbuf, c->bytes, mm_seed_of_rank(1 - c->rank), why, len);
  return MM_OK;
}

const mm_op mm_op_isendirecv = {
    .name = "isendirecv",
    .summary = "non-blocking MPI_Isend/MPI_Irecv: latency, windowed bandwidth, bibw",
    .kind = MM_P2P,
    .min_ranks = 2,
    .path[MM_PATH_BUFFER] = {.prepare = mm_prepare_own_bytes,
                             .check = check,
                             .kernels = {{MM_SHAPE_PINGPONG, pingpong},
                                         {MM_SHAPE_STREAM, stream},
                                         {MM_SHAPE_BISTREAM, bistream}}},
};
