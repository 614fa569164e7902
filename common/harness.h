/* The harness: the only place in mpimark that times anything. Operations
 * provide a kernel (one iteration, no timing, no printing); the harness
 * warms up, sizes batches, samples, decides when to stop and reduces the
 * samples across ranks after the loop. */
#ifndef MM_HARNESS_H
#define MM_HARNESS_H

#include <mpi.h>
#include <stdbool.h>
#include <stddef.h>

#include "options.h"

/* Everything a kernel may use for one (operation, path, size). */
typedef struct mm_ctx {
  MPI_Comm comm;
  int rank, nranks, root;
  size_t bytes;            /* payload bytes of one message */
  size_t wire_bytes;       /* bytes on the wire per message; setup may change it */
  int window;              /* messages in flight for bandwidth kernels */
  mm_payload payload;      /* object path payload kind */
  unsigned char *sbuf, *rbuf; /* buffer-path memory, sized for the largest message */
  MPI_Request *reqs;       /* 2 * window requests */
  void *state;             /* operation-private state made by setup */
} mm_ctx;

/* One iteration of an operation. Returns MM_OK or an mm_err. */
typedef int (*mm_kernel_fn)(mm_ctx *ctx);

typedef struct mm_plan {
  long iterations;     /* fixed timed iterations; 0: sample within the budget */
  long warmup;         /* untimed iterations first; MM_WARMUP_AUTO: see below */
  double budget;       /* seconds of sampling per measurement */
  bool max_over_ranks; /* collectives: a sample is the slowest rank's time;
                          point-to-point: rank 0's (the initiator's) time */
} mm_plan;

/* Samples of one measurement, valid at rank 0: seconds per iteration, one
 * per timed batch. */
typedef struct mm_samples {
  double *t;
  size_t n;
  long long iterations;  /* timed iterations in all batches */
} mm_samples;

/* Automatic warmup: up to MM_AUTO_WARMUP iterations, as many as fit in a
 * quarter of the time budget (at least one), so that slow kernels (large
 * pickled windows) do not spend seconds warming up. */
#define MM_AUTO_WARMUP 10 /* plan->warmup == MM_WARMUP_AUTO (options.h) */

/* Stop rules, documented in the README. */
#define MM_MIN_SAMPLES 5
#define MM_MAX_SAMPLES 1000
#define MM_FIXED_BATCHES 20      /* -i N is split into at most this many batches */
#define MM_CI_TARGET 0.01        /* stop once the 95% CI half-width is 1% of the median */

/* Measures kernel `run` on every rank of ctx->comm (collective call).
 * Returns MM_OK; a kernel error aborts the job (ranks would otherwise wait). */
int mm_harness_measure(mm_ctx *ctx, mm_kernel_fn run, const mm_plan *plan, mm_samples *out);

void mm_samples_free(mm_samples *s);

#endif
