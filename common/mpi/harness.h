/* The harness: the only place in mpimark that times anything. Operations
 * provide a kernel (one iteration, no timing, no printing); the harness
 * warms up, sizes batches, samples, decides when to stop and reduces the
 * samples across ranks after the loop. */
#ifndef MM_HARNESS_H
#define MM_HARNESS_H

#include <mpi.h>
#include <stdbool.h>
#include <stddef.h>

#include "clocksync.h"
#include "testhooks.h"
#include "timing.h"
#include "time_split.h"

/* What the harness times: run(ctx) is one iteration of a benchmark's
 * kernel (no timing, no printing), run on every rank of comm at once; it
 * returns MM_OK or an mm_err. The context is the benchmark's own type
 * (mpimark's is in programs/op.h; the mpi4py runner's, a Python callable:
 * pyharness.c): the harness only passes it on, and calls the kernel
 * directly, with nothing in between. */
/* What the harness keeps over a run, owned by its caller: zeroed before
 * the first visit, mm_harness_state_free after the last (collective). */
typedef struct mm_harness_state {
  mm_clocksync_state clock; /* the window sync's clock model */
  int node_ranks;           /* ranks of the communicator on this node; 0: not counted yet */
} mm_harness_state;

void mm_harness_state_free(mm_harness_state *st);

struct mm_ctx;
typedef struct mm_job {
  MPI_Comm comm;
  int rank;
  int (*run)(struct mm_ctx *ctx);
  struct mm_ctx *ctx;
  const mm_test_hooks *hooks; /* the program's test hooks (testhooks.h); NULL: none */
  mm_harness_state *state;    /* the run's */
} mm_job;

/* What the harness remembers of a cell between rounds, so that later rounds
 * skip the calibration (agreed values, the same on every rank). */
typedef struct mm_cell_cache {
  long batch;    /* iterations per timed batch; 0: not calibrated yet */
  double window; /* window mode: seconds between call starts; 0: not yet */
  double first_window; /* the first visit's starting window (its runaway bound) */
  bool warmed;   /* the first visit's warm-up is done */
} mm_cell_cache;

typedef struct mm_plan {
  long iterations;     /* fixed timed iterations (or calls); 0: sample within the budget */
  long warmup;         /* untimed iterations first; MM_WARMUP_AUTO: see below */
  double budget;       /* seconds of sampling for this visit (one round's share) */
  int min_samples;     /* take at least this many, whatever the budget */
  bool collective;     /* collectives: sync applies, a sample is rank_time's;
                          point-to-point: batches timed by rank 0 (the initiator) */
  mm_sync sync;        /* collectives: how each call is started and timed */
  mm_rank_time rank_time; /* collectives: which rank's time a sample is */
  bool heap_settles;   /* the kernel allocates per call (pickled paths): auto warm-up on
                          later visits is MM_REVISIT_WARMUP calls, else one */
  mm_cell_cache *cache;
} mm_plan;

/* A visit's plan in a sweep of `rounds` rounds (both runners' suites): a
 * round's share of the time budget, and at least MM_MIN_SAMPLES per cell
 * over its rounds. */
mm_plan mm_plan_of(long iterations, long warmup, double time_budget, int rounds, bool collective,
                   mm_sync sync, mm_rank_time rank_time, bool heap_settles, mm_cell_cache *cache);

/* Samples of one visit, valid at rank 0: seconds per iteration, one per
 * timed batch (batch sync, point-to-point) or per valid call (window,
 * barrier). */
typedef struct mm_samples {
  double *t;
  size_t n;
  long long iterations;  /* timed iterations (valid calls) behind the samples */
  mm_sync_facts sync;    /* window sync only; zero otherwise */
  double spent[MM_SPENT_COUNT]; /* seconds (time_split.h); SAMPLING excludes TIMED */
  bool runaway;          /* the window ran away (window.h): the visit failed */
} mm_samples;

/* Automatic warmup: up to MM_AUTO_WARMUP iterations, as many as fit in a
 * quarter of the time budget (at least one), so that slow kernels (large
 * pickled windows) do not spend seconds warming up. */
#define MM_AUTO_WARMUP 10 /* plan->warmup == MM_WARMUP_AUTO */
/* ... and on a later visit of a cell whose kernel allocates per call (the
 * pickled paths: plan->heap_settles), this many: the first call after another
 * cell may regrow the heap (a large pickle maps fresh pages until glibc's
 * thresholds settle again). Measured, 16 MiB object sendrecv of real mpi4py,
 * heap default: 22 ms with one, 15 ms with two or three, a plain loop of
 * comm.send 14-15 ms (bench/heap). */
#define MM_REVISIT_WARMUP 2

/* Stop rules of one visit, documented in docs/method.md. */
#define MM_MIN_SAMPLES 6         /* per cell over all rounds: ceil(6 / R) per visit */
#define MM_MAX_SAMPLES 1000
#define MM_FIXED_BATCHES 20      /* -i N is split into at most this many batches */
#define MM_CI_TARGET 0.03        /* stop a visit once its 95% CI half-width is 3% of the median */

/* Measures the job on every rank of job->comm (collective call). Returns
 * MM_OK, or on every rank MM_ECLOCK when the start window ran away
 * (window.h; out->runaway); a kernel error aborts the job (ranks would
 * otherwise wait). */
int mm_harness_measure(const mm_job *job, const mm_plan *plan, mm_samples *out);

void mm_samples_free(mm_samples *s);

#endif
