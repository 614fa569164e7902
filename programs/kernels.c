/* Kernel pieces several operations share: the ack that closes a window,
 * a window of non-blocking messages (isendirecv, pairs), and the
 * non-blocking collectives' call alone and with a compute phase (ibcast,
 * iallreduce). */
#include "clock.h"
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

void mm_ack_send(const mm_ctx *ctx, int to) {
  char ack = 0;
  MM_MPI(MPI_Send(&ack, 1, MPI_BYTE, to, MM_TAG_ACK, ctx->comm));
}

void mm_ack_wait(const mm_ctx *ctx, int from) {
  char ack;
  MM_MPI(MPI_Recv(&ack, 1, MPI_BYTE, from, MM_TAG_ACK, ctx->comm, MPI_STATUS_IGNORE));
}

int mm_window_send(mm_ctx *ctx, int to) {
  for (int w = 0; w < ctx->window; w++)
    MM_MPI(MPI_Isend(ctx->sbuf, (int)ctx->bytes, MPI_BYTE, to, MM_TAG_DATA, ctx->comm, &ctx->reqs[w]));
  MM_MPI(MPI_Waitall(ctx->window, ctx->reqs, MPI_STATUSES_IGNORE));
  mm_ack_wait(ctx, to);
  return MM_OK;
}

int mm_window_recv(mm_ctx *ctx, int from) {
  for (int w = 0; w < ctx->window; w++)
    MM_MPI(MPI_Irecv(ctx->rbuf, (int)ctx->bytes, MPI_BYTE, from, MM_TAG_DATA, ctx->comm, &ctx->reqs[w]));
  MM_MPI(MPI_Waitall(ctx->window, ctx->reqs, MPI_STATUSES_IGNORE));
  mm_ack_send(ctx, from);
  return MM_OK;
}

int mm_nbc_alone(mm_ctx *ctx, mm_start_fn start) {
  int err = start(ctx);
  if (err) return err;
  MM_MPI(MPI_Wait(&ctx->reqs[0], MPI_STATUS_IGNORE));
  return MM_OK;
}

int mm_nbc_overlap(mm_ctx *ctx, mm_start_fn start) {
  int err = start(ctx);
  if (err) return err;
  double end = mm_clock_now() + ctx->compute_s;
  while (mm_clock_now() < end) { /* the compute phase: busy, no MPI call */
  }
  MM_MPI(MPI_Wait(&ctx->reqs[0], MPI_STATUS_IGNORE));
  return MM_OK;
}
