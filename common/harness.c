#include "harness.h"

#include <math.h>
#include <stdlib.h>

#include "clock.h"
#include "errors.h"
#include "mpi_util.h"
#include "stats.h"

static void run_n(mm_ctx *ctx, mm_kernel_fn run, long n) {
  for (long i = 0; i < n; i++) {
    int err = run(ctx);
    if (err != MM_OK) mm_mpi_die(ctx->comm, err, "%s", mm_strerror(err));
  }
}

/* Warms up with plan->warmup iterations, or automatically: the slowest
 * rank's first iteration decides how many more fit in a quarter of the
 * budget, so every rank runs the same count and none waits. */
static void warm_up(mm_ctx *ctx, mm_kernel_fn run, const mm_plan *plan) {
  long n = plan->warmup;
  if (n == MM_WARMUP_AUTO) {
    double t0 = mm_clock_now(), t, slowest;
    run_n(ctx, run, 1);
    t = mm_clock_now() - t0;
    MM_MPI(MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, ctx->comm));
    double room = slowest > 0 ? plan->budget / 4.0 / slowest : (double)MM_AUTO_WARMUP;
    n = room >= MM_AUTO_WARMUP - 1 ? MM_AUTO_WARMUP - 1 : (long)room;
  }
  run_n(ctx, run, n);
}

/* One timed batch of n iterations, started together: the barrier lines the
 * ranks up (to within its exit skew) so that a collective's time does not
 * include waiting for a late rank of the previous batch. */
static double time_batch(mm_ctx *ctx, mm_kernel_fn run, long n) {
  MM_MPI(MPI_Barrier(ctx->comm));
  double t0 = mm_clock_now();
  run_n(ctx, run, n);
  return mm_clock_now() - t0;
}

/* Batches long enough that two clock reads (tens of ns) stay far below 1%
 * of what is timed, short enough to give many samples within the budget. */
static double batch_target(double budget) {
  double t = budget / 50.0;
  return t < 20e-6 ? 20e-6 : t > 10e-3 ? 10e-3 : t;
}

/* Finds a batch size whose slowest rank takes about the target time; the
 * calibration batches double as extra warmup. */
static long calibrate(mm_ctx *ctx, mm_kernel_fn run, double target) {
  long n = 1;
  for (;;) {
    double t = time_batch(ctx, run, n), slowest;
    MM_MPI(MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, ctx->comm));
    if (slowest >= target || n >= (1L << 24)) return n;
    /* Grow toward the target, at most 8x a step so one lucky fast batch
     * cannot make the next one huge. */
    double grow = slowest > 0 ? target / slowest : 8.0;
    n = (long)ceil((double)n * (grow > 8.0 ? 8.0 : grow < 2.0 ? 2.0 : grow));
  }
}

/* Rank 0 decides, from its own samples, whether to take another batch. */
static int keep_sampling(const double *t, size_t n, double elapsed, double budget) {
  if (n < MM_MIN_SAMPLES) return 1;
  if (n >= MM_MAX_SAMPLES || elapsed >= budget) return 0;
  mm_stats st;
  if (n >= 10 && mm_stats_compute(t, n, &st) == 0 && mm_stats_rel_ci(&st) <= MM_CI_TARGET)
    return 0;
  return 1;
}

int mm_harness_measure(mm_ctx *ctx, mm_kernel_fn run, const mm_plan *plan, mm_samples *out) {
  out->n = 0;
  out->iterations = 0;
  out->t = NULL;
  double *local = malloc(MM_MAX_SAMPLES * sizeof *local);
  if (!local) mm_mpi_die(ctx->comm, MM_ENOMEM, "no memory for samples");

  warm_up(ctx, run, plan);

  size_t n = 0;
  if (plan->iterations > 0) {
    /* Fixed count: split into equal-as-possible batches. */
    long batches = plan->iterations < MM_FIXED_BATCHES ? plan->iterations : MM_FIXED_BATCHES;
    for (long b = 0; b < batches; b++) {
      long k = plan->iterations / batches + (b < plan->iterations % batches);
      local[n++] = time_batch(ctx, run, k) / (double)k;
      out->iterations += k;
    }
  } else {
    long k = calibrate(ctx, run, batch_target(plan->budget));
    double start = mm_clock_now();
    int more = 1;
    while (more) {
      local[n++] = time_batch(ctx, run, k) / (double)k;
      out->iterations += k;
      if (ctx->rank == 0) more = keep_sampling(local, n, mm_clock_now() - start, plan->budget);
      MM_MPI(MPI_Bcast(&more, 1, MPI_INT, 0, ctx->comm));
    }
  }

  /* Reduce after the loop, never inside it. */
  if (plan->max_over_ranks) {
    double *slowest = ctx->rank == 0 ? malloc(n * sizeof *slowest) : NULL;
    if (ctx->rank == 0 && !slowest) mm_mpi_die(ctx->comm, MM_ENOMEM, "no memory for samples");
    MM_MPI(MPI_Reduce(local, slowest, (int)n, MPI_DOUBLE, MPI_MAX, 0, ctx->comm));
    free(local);
    local = slowest;
  }
  out->t = local;
  out->n = n;
  return MM_OK;
}

void mm_samples_free(mm_samples *s) {
  free(s->t);
  s->t = NULL;
  s->n = 0;
}
