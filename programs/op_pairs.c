/* pairs: several pairs at once (osu_mbw_mr). With P ranks, rank r < P/2
 * streams a window of non-blocking messages to rank r + P/2 and waits for
 * its ack, all pairs at the same time (on two nodes of P/2 ranks each,
 * every pair crosses); with an odd P the last rank idles. One iteration
 * ends when the slowest pair's ack is in: the aggregate bandwidth and
 * message rate count every pair's messages over that time. */
#include "errors.h"
#include "objects.h"
#include "op.h"

/* This rank's partner, or -1 (the idle rank of an odd P). */
static int partner(const mm_ctx *c) {
  int half = c->nranks / 2;
  if (c->rank < half) return c->rank + half;
  return c->rank < 2 * half ? c->rank - half : -1;
}

static bool sends(const mm_ctx *c) { return c->rank < c->nranks / 2; }

static int stream(mm_ctx *c) {
  int peer = partner(c);
  if (peer < 0) return MM_OK;
  return sends(c) ? mm_window_send(c, peer) : mm_window_recv(c, peer);
}

/* ---- Object path: comm.isend(obj) / comm.irecv(buf) windows, as
 * isendirecv's stream, every pair at once ---- */

static int obj_stream(mm_ctx *c) {
  int peer = partner(c);
  if (peer < 0) return MM_OK;
  return sends(c) ? mm_obj_window_send(c, peer) : mm_obj_window_recv(c, peer);
}

const mm_op mm_op_pairs = {
    .path[MM_PATH_BUFFER] = {.kernels = {stream}},
    .path[MM_PATH_OBJECT] = {.setup = mm_obj_setup_window,
                             .teardown = mm_obj_teardown,
                             .prepare = mm_obj_forget,
                             .kernels = {obj_stream}},
};
