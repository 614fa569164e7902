/* An operation is a table, not a main(): what it is, and one kernel per
 * (path, metric). Kernels communicate; the harness times them; the suite
 * turns samples into rows; the output module prints. */
#ifndef MM_OP_H
#define MM_OP_H

#include <stdbool.h>
#include <stddef.h>

#include <mpi.h>

#include "metrics.h"
#include "options.h"
#include "sweep.h"

/* Everything a kernel may use for one (operation, path, size). */
typedef struct mm_ctx {
  MPI_Comm comm;
  int rank, nranks, root;
  size_t bytes;            /* payload bytes of one message */
  size_t wire_bytes;       /* bytes on the wire per message; setup may change it */
  mm_path path;            /* the path measured: object-path kernels also run pkl5's */
  size_t pkl5_threshold;   /* pkl5 path: arrays of at least this many bytes go out-of-band */
  int window;              /* messages in flight for bandwidth kernels */
  mm_payload payload;      /* object path payload kind */
  int numpy;               /* ndarray payload: pickled as this NumPy major version does */
  int mpi4py;              /* pickled paths: the mpi4py protocol generation modelled (3 or 4) */
  unsigned char *sbuf, *rbuf; /* buffer-path memory, sized for the largest message */
  MPI_Request *reqs;       /* 2 * window requests */
  void *state;             /* operation-private state made by setup */
  double compute_s;        /* overlap kernels: the compute phase, s (the call alone's time) */
  mm_data data;            /* what the operation moves (ops.def): the object path's payloads follow it */
} mm_ctx;

/* One iteration of an operation (the harness times it). Returns MM_OK or an
 * mm_err. */
typedef int (*mm_kernel_fn)(mm_ctx *ctx);

/* How an operation communicates; what it is (point-to-point or collective,
 * float64, where its root's messages are, pkl5) is its line of ops.def
 * (mm_op_traits, sweep.h). */
typedef struct mm_op {
  /* Per path (buffer, object): setup/teardown around a size (may be NULL),
   * the kernels (in the order of ops.def's kernels column, which says the
   * shape of each), and prepare() before the one untimed run whose data are
   * checked (by ops.def's data column for every path of both runners:
   * validate.h, objects.h). The pkl5
   * path runs the object path's table, whose kernels call the lowercase
   * methods of the cell's path (objects.h). */
  struct mm_op_path {
    int (*setup)(mm_ctx *ctx);
    void (*teardown)(mm_ctx *ctx);
    void (*prepare)(mm_ctx *ctx);
    mm_kernel_fn kernels[MM_MAX_KERNELS];
  } path[MM_PATH_OBJECT + 1];
} mm_op;

/* The registry, generated from ops.def. */
#define MM_OP(name, ...) extern const mm_op mm_op_##name;
#include "ops.def"
#undef MM_OP
extern const mm_op *const mm_ops[];
extern const size_t mm_n_ops;

/* The table a path runs: pkl5 runs the object path's. */
static inline const struct mm_op_path *mm_op_path(const mm_op *op, mm_path path) {
  return &op->path[path == MM_PATH_PKL5 ? MM_PATH_OBJECT : path];
}

/* Message tags of the point-to-point kernels. */
enum { MM_TAG_DATA = 1, MM_TAG_ACK = 2 };

/* The nccl-tests bus-bandwidth factors (mm_busbw_one, ...) are in metrics.h. */

/* The 1-byte acknowledgement that closes a window of messages (kernels.c). */
void mm_ack_send(const mm_ctx *ctx, int to);
void mm_ack_wait(const mm_ctx *ctx, int from);

/* A stream of the buffer path (kernels.c; isendirecv, pairs): a window of
 * ctx->window non-blocking messages to `to` then its ack, or the window's
 * receives (into one buffer, as osu_bw) from `from` then the ack. */
int mm_window_send(mm_ctx *ctx, int to);
int mm_window_recv(mm_ctx *ctx, int from);

/* Non-blocking collectives (kernels.c; ibcast, iallreduce): start() posts
 * the call into ctx->reqs[0]. mm_nbc_alone is the call and its wait (the
 * operation's kernel 0, which the sweep run times to set compute_s);
 * mm_nbc_overlap the call, a compute phase of ctx->compute_s (the CPU
 * busy, no MPI call), then the wait. */
typedef int (*mm_start_fn)(mm_ctx *ctx);
int mm_nbc_alone(mm_ctx *ctx, mm_start_fn start);
int mm_nbc_overlap(mm_ctx *ctx, mm_start_fn start);

#endif
