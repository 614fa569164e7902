/* sendrecv: blocking MPI_Send/MPI_Recv between ranks 0 and 1 (osu_latency,
 * osu_bw). Other ranks idle. */
#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
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
  char ack = 0;
  if (c->rank == 0) {
    for (int w = 0; w < c->window; w++)
      MM_MPI(MPI_Send(c->sbuf, n, MPI_BYTE, 1, MM_TAG_DATA, c->comm));
    MM_MPI(MPI_Recv(&ack, 1, MPI_BYTE, 1, MM_TAG_ACK, c->comm, MPI_STATUS_IGNORE));
  } else if (c->rank == 1) {
    for (int w = 0; w < c->window; w++)
      MM_MPI(MPI_Recv(c->rbuf, n, MPI_BYTE, 0, MM_TAG_DATA, c->comm, MPI_STATUS_IGNORE));
    MM_MPI(MPI_Send(&ack, 1, MPI_BYTE, 0, MM_TAG_ACK, c->comm));
  }
  return MM_OK;
}

/* Rank 1 receives in every kernel; rank 0 only in the ping-pong. */
static int check(mm_ctx *c, mm_shape shape, char *why, size_t len) {
  if (c->rank == 1 || (c->rank == 0 && shape == MM_SHAPE_PINGPONG))
    return mm_check_bytes(c, c->rbuf, c->bytes, mm_seed_of_rank(1 - c->rank), why, len);
  return MM_OK;
}

const mm_op mm_op_sendrecv = {
    .name = "sendrecv",
    .summary = "blocking MPI_Send/MPI_Recv: ping-pong latency, windowed bandwidth",
    .kind = MM_P2P,
    .min_ranks = 2,
    .path[MM_PATH_BUFFER] = {.prepare = mm_prepare_own_bytes,
                             .check = check,
                             .kernels = {{MM_SHAPE_PINGPONG, pingpong}, {MM_SHAPE_STREAM, stream}}},
};
