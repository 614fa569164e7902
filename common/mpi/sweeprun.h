/* The run of a sweep, for both runners (programs/suite.c, and the mpi4py
 * runner through pyharness.c): R rounds over the sweep's cells, each round
 * in its seeded order, the state probe at each round's start, every visit
 * timed by the harness, the samples kept at rank 0 and turned into rows,
 * the run's facts into the metadata. A runner brings only its kernels:
 * how to set up a cell, check what it delivered, and tear it down. */
#ifndef MM_SWEEPRUN_H
#define MM_SWEEPRUN_H

#include <mpi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "options.h"
#include "results.h"
#include "sweep.h"
#include "testhooks.h"

/* One visit of a cell, between the sweep run and the runner's kernels. */
typedef struct mm_visit {
  const mm_cell_key *cell; /* what is visited (sweep.h) */
  int window;              /* messages in flight (streams: mm_stream_window) */
  /* Set by the runner's setup: the kernel the harness times (harness.h),
   * its context, and the bytes on the wire per message. */
  int (*run)(struct mm_ctx *ctx);
  struct mm_ctx *ctx;
  size_t wire_bytes;
  /* Overlap kernels (MM_SHAPE_OVERLAP): the compute phase, s, which the
   * sweep run measured before the cell's first visit (the call alone's
   * latency). */
  double compute_s;
} mm_visit;

/* A runner's kernels. setup() and teardown() frame each visit (teardown
 * may be NULL); check() is one untimed run with known data and its check,
 * in round 0 under -c (corrupt: the test hook that changes what this rank
 * received, to prove the check fails). setup returns MM_OK or this rank's
 * error, check MM_OK or MM_EVALIDATE with why; the sweep run agrees. */
typedef struct mm_kernels {
  void *self;
  int (*setup)(void *self, mm_visit *v);
  int (*check)(void *self, mm_visit *v, bool corrupt, char *why, size_t len);
  void (*teardown)(void *self, mm_visit *v);
} mm_kernels;

typedef struct mm_sweep_job {
  MPI_Comm comm;
  int rank, nranks;
  const mm_config *cfg;
  const mm_test_hooks *hooks;  /* read once at start-up (testhooks.h) */
  uint64_t seed;               /* of the rounds' orders: the same on every rank */
  mm_sweep *sweep;             /* fitted to the memory bound (mm_sweep_fit) */
  const mm_op_traits *traits;  /* one per line of ops.def */
  mm_kernels kernels;
} mm_sweep_job;

/* Fits the sweep to the job's memory (collective on comm): the bound per
 * rank (-M, or its auto value from this node's available memory and
 * ranks), the least over the ranks, the cells that fit it (mm_sweep_fit),
 * then the verdict on what the ranks of each node would touch together
 * (mm_sweep_memory_verdict). Returns this rank's MM_OK or MM_ETOOBIG, with
 * why (what a failed allocation would mean, on MM_OK); the caller
 * allocates sweep->sbuf and ->rbuf bytes, then agrees over the ranks. */
int mm_sweep_fit_job(MPI_Comm comm, const mm_config *cfg, const mm_op_traits *traits, mm_sweep *sweep,
                     char *why, size_t len);

/* Runs the sweep (collective): rows and the run's facts go to `results` at
 * rank 0. Returns, the same on every rank, MM_OK; MM_EVALIDATE after round
 * 0 when a check failed (every failing cell named on stderr); MM_ECLOCK
 * when a start window ran away; or the error of a failed setup (rank 0
 * says which operation). */
int mm_sweep_run(const mm_sweep_job *job, mm_results *results);

#endif
