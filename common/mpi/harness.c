#include "harness.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "clocksync.h"
#include "errors.h"
#include "mpi_util.h"
#include "stats.h"
#include "window.h"

mm_plan mm_plan_of(long iterations, long warmup, double time_budget, int rounds, bool collective,
                   mm_sync sync, mm_rank_time rank_time, bool heap_settles, mm_cell_cache *cache) {
  return (mm_plan){.iterations = iterations,
                   .warmup = warmup,
                   .budget = time_budget / rounds,
                   .min_samples = (MM_MIN_SAMPLES + rounds - 1) / rounds,
                   .collective = collective,
                   .sync = sync,
                   .rank_time = rank_time,
                   .heap_settles = heap_settles,
                   .cache = cache};
}

static void run_n(const mm_job *job, long n) {
  for (long i = 0; i < n; i++) {
    int err = job->run(job->ctx);
    if (err != MM_OK) mm_mpi_die(job->comm, err, "%s", mm_strerror(err));
  }
}

static void run_once(const mm_job *job) { run_n(job, 1); }

/* Warms up with plan->warmup iterations, or automatically: on a cell's
 * first visit the slowest rank's first iteration decides how many more fit
 * in a quarter of the budget, so every rank runs the same count and none
 * waits; on later visits (the path, its connections and buffers were
 * warmed up before) one iteration brings the cell's data back, or, for a
 * kernel that allocates per call, MM_REVISIT_WARMUP bring its heap back. */
static void warm_up(const mm_job *job, const mm_plan *plan) {
  long n = plan->warmup;
  if (n == MM_WARMUP_AUTO && plan->cache->warmed) {
    n = plan->heap_settles ? MM_REVISIT_WARMUP : 1;
  } else if (n == MM_WARMUP_AUTO) {
    double t0 = mm_clock_now(), t, slowest;
    run_once(job);
    t = mm_clock_now() - t0;
    MM_MPI(MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, job->comm));
    double room = slowest > 0 ? plan->budget / 4.0 / slowest : (double)MM_AUTO_WARMUP;
    n = room >= MM_AUTO_WARMUP - 1 ? MM_AUTO_WARMUP - 1 : (long)room;
  }
  run_n(job, n);
  plan->cache->warmed = true;
}

/* Batches long enough that two clock reads (tens of ns) stay far below 1%
 * of what is timed, short enough to give many samples within the budget. */
static double batch_target(double budget) {
  double t = budget / 100.0;
  return t < 20e-6 ? 20e-6 : t > 10e-3 ? 10e-3 : t;
}

/* Rank 0 decides, from its own samples, whether to take more. */
static int keep_sampling(const double *t, size_t n, double elapsed, const mm_plan *plan) {
  double budget = plan->budget;
  if (n < (size_t)plan->min_samples) return 1;
  if (n >= MM_MAX_SAMPLES || elapsed >= budget) return 0;
  mm_stats st;
  if (n >= 10 && mm_stats_compute(t, n, &st) == 0 && mm_stats_rel_ci(&st) <= MM_CI_TARGET)
    return 0;
  return 1;
}

/* ---- Batches: point-to-point kernels, and collectives under --sync batch ---- */

/* One timed batch of n iterations, started together: the barrier lines the
 * ranks up (to within its exit skew) so that a collective's time does not
 * include waiting for a late rank of the previous batch. Back-to-back
 * collective calls pipeline, so a batch gives a rate, not a latency. */
static double time_batch(const mm_job *job, long n) {
  MM_MPI(MPI_Barrier(job->comm));
  double t0 = mm_clock_now();
  run_n(job, n);
  return mm_clock_now() - t0;
}

/* Finds a batch size whose slowest rank takes about the target time; the
 * calibration batches double as extra warmup. */
static long calibrate(const mm_job *job, double target) {
  long n = 1;
  for (;;) {
    double t = time_batch(job, n), slowest;
    MM_MPI(MPI_Allreduce(&t, &slowest, 1, MPI_DOUBLE, MPI_MAX, job->comm));
    if (slowest >= target || n >= (1L << 24)) return n;
    /* Grow toward the target, at most 8x a step so one lucky fast batch
     * cannot make the next one huge. */
    double grow = slowest > 0 ? target / slowest : 8.0;
    n = (long)ceil((double)n * (grow > 8.0 ? 8.0 : grow < 2.0 ? 2.0 : grow));
  }
}

/* Every rank's own times in[0..n) into one per call at rank 0 (out; in ==
 * out allowed there), as --rank-time says: the largest, the mean over ranks
 * or the smallest. In window mode the times are exit clocks read against
 * one start, so the mean exit is the start plus the ranks' mean time. */
static void reduce_rank_times(MPI_Comm comm, mm_rank_time how, double *in, double *out, int n) {
  int rank, size;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  MM_MPI(MPI_Comm_size(comm, &size));
  MPI_Op op = how == MM_RANK_AVERAGE ? MPI_SUM : how == MM_RANK_FASTEST ? MPI_MIN : MPI_MAX;
  MM_MPI(MPI_Reduce(rank == 0 && in == out ? MPI_IN_PLACE : in, out, n, MPI_DOUBLE, op, 0, comm));
  if (rank == 0 && how == MM_RANK_AVERAGE)
    for (int i = 0; i < n; i++) out[i] /= size;
}

static size_t measure_batches(const mm_job *job, const mm_plan *plan,
                              double *local, mm_samples *out) {
  size_t n = 0;
  double begin = mm_clock_now(), timed = 0;
  if (plan->iterations > 0) {
    /* Fixed count: split into equal-as-possible batches. */
    long batches = plan->iterations < MM_FIXED_BATCHES ? plan->iterations : MM_FIXED_BATCHES;
    for (long b = 0; b < batches; b++) {
      long k = plan->iterations / batches + (b < plan->iterations % batches);
      double t = time_batch(job, k);
      timed += t;
      local[n++] = t / (double)k;
      out->iterations += k;
    }
  } else {
    if (plan->cache->batch == 0) {
      plan->cache->batch = calibrate(job, batch_target(plan->budget));
      out->spent[MM_SPENT_CALIBRATION] = mm_clock_now() - begin;
    }
    long k = plan->cache->batch;
    double start = mm_clock_now();
    int more = 1;
    while (more) {
      double t = time_batch(job, k);
      timed += t;
      local[n++] = t / (double)k;
      out->iterations += k;
      if (job->rank == 0) more = keep_sampling(local, n, mm_clock_now() - start, plan);
      MM_MPI(MPI_Bcast(&more, 1, MPI_INT, 0, job->comm));
    }
  }
  /* Reduce after the loop, never inside it. */
  if (plan->collective) reduce_rank_times(job->comm, plan->rank_time, local, local, (int)n);
  out->spent[MM_SPENT_TIMED] = timed;
  out->spent[MM_SPENT_SAMPLING] =
      mm_clock_now() - begin - timed - out->spent[MM_SPENT_CALIBRATION];
  return n;
}

/* ---- Per-call timing: collectives under --sync barrier and window ---- */

typedef struct calls {
  const mm_job *job;
  double read_cost, resolution;
  double *buf, *red; /* 2 * capacity each: per call exit (or time) and late flag;
                        red: the latest exits and any rank's late flag */
  double *rt;        /* capacity: --rank-time's exits (average, fastest) */
  mm_clocksync sync;
  mm_rank_time rank_time;
  bool yield;        /* more ranks than cores on this node: let others run while waiting */
  int late_rank;     /* test hook: this rank starts every 4th call late (-1 none) */
  int slow_rank;     /* test hook: this rank leaves every call ... */
  double slow;       /* ... this many seconds late (the --rank-time test) */
} calls;

/* One call, and the slow-rank test hook's delay before its exit is read
 * (a sleep: on an oversubscribed node a spin would delay the other ranks). */
static void timed_call(const calls *c) {
  run_once(c->job);
  if (c->job->rank == c->slow_rank) {
    struct timespec ts = {(time_t)c->slow, (long)((c->slow - floor(c->slow)) * 1e9)};
    nanosleep(&ts, NULL);
  }
}

/* Barrier mode: each call after an MPI_Barrier, timed alone on every rank;
 * a sample is the slowest rank's time (--rank-time: or the average or the
 * fastest; the barrier's exit skew stays in). */
static size_t barrier_calls(calls *c, size_t n, double *out, mm_rank_time how) {
  for (size_t k = 0; k < n; k++) {
    MM_MPI(MPI_Barrier(c->job->comm));
    double t0 = mm_clock_now();
    timed_call(c);
    c->buf[k] = mm_call_time(mm_clock_now() - t0, c->read_cost, c->resolution);
  }
  reduce_rank_times(c->job->comm, how, c->buf, out, (int)n);
  return n;
}

/* Window mode: call k starts when the global clock reaches t0 + k * w on
 * every rank; a sample is the latest exit minus that start (--rank-time:
 * or the mean or the earliest exit). A rank that arrives after the start
 * marks the call late; it is dropped. Rank 0 also leaves in c->rt the
 * valid calls' times by the latest exit (*fit_n of them), which the
 * window must hold whatever --rank-time says. */
static size_t window_calls(calls *c, size_t n, double w, double *out, size_t *late,
                           size_t *fit_n) {
  const mm_job *job = c->job;
  /* Rank 0 schedules the first start far enough ahead for the broadcast. */
  double t0 = mm_clocksync_now(&c->sync, job->rank) + 50e-6 + 4.0 * c->sync.max_uncertainty + w;
  MM_MPI(MPI_Bcast(&t0, 1, MPI_DOUBLE, 0, job->comm));
  for (size_t k = 0; k < n; k++) {
    double start = mm_window_start(t0, w, k);
    if (job->rank == c->late_rank && k % 4 == 0) /* test hook: arrive after the start */
      while (mm_clocksync_now(&c->sync, job->rank) <= start) continue;
    double now = mm_clocksync_now(&c->sync, job->rank);
    c->buf[n + k] = now > start;
    while (now < start) {
      if (c->yield) sched_yield();
      now = mm_clocksync_now(&c->sync, job->rank);
    }
    timed_call(c);
    c->buf[k] = mm_clocksync_now(&c->sync, job->rank);
  }
  /* Latest exits and late flags in one reduction; another for --rank-time. */
  MM_MPI(MPI_Reduce(c->buf, c->red, 2 * (int)n, MPI_DOUBLE, MPI_MAX, 0, job->comm));
  const double *exits = c->red;
  if (c->rank_time != MM_RANK_SLOWEST) {
    reduce_rank_times(job->comm, c->rank_time, c->buf, c->rt, (int)n);
    exits = c->rt;
  }
  if (job->rank != 0) return 0;
  size_t got = mm_window_samples(t0, w, n, exits, c->red + n, c->read_cost, c->resolution, out, late);
  size_t same_late;
  *fit_n = mm_window_samples(t0, w, n, c->red, c->red + n, c->read_cost, c->resolution, c->rt,
                             &same_late);
  return got;
}

/* Whether this node runs more ranks than it has cores (counted once a run). */
static bool oversubscribed(const mm_job *job) {
  if (job->state->node_ranks == 0) job->state->node_ranks = mm_mpi_node_ranks(job->comm);
  return job->state->node_ranks > sysconf(_SC_NPROCESSORS_ONLN);
}

void mm_harness_state_free(mm_harness_state *st) {
  mm_clocksync_state_free(&st->clock);
  st->node_ranks = 0;
}

/* The window (or, in barrier mode, the expected call time) from a few
 * calls timed alone: twice the slowest, plus the clock sync's error on
 * both sides. */
static double calibrate_window(calls *c) {
  enum { PROBES = 5 };
  double t[PROBES], w = 0;
  barrier_calls(c, PROBES, t, MM_RANK_SLOWEST);
  if (c->job->rank == 0) {
    for (int i = 0; i < PROBES; i++) w = t[i] > w ? t[i] : w;
    w = 2.0 * w + 4.0 * c->sync.max_uncertainty + 1e-6;
  }
  MM_MPI(MPI_Bcast(&w, 1, MPI_DOUBLE, 0, c->job->comm));
  return w;
}

static size_t measure_calls(const mm_job *job, const mm_plan *plan, double *local,
                            size_t cap, mm_samples *out) {
  calls c = {.job = job, .rank_time = plan->rank_time, .read_cost = mm_clock_read_cost(),
             .resolution = mm_clock_resolution_ns() * 1e-9};
  c.buf = malloc(5 * cap * sizeof *c.buf);
  if (!c.buf) mm_mpi_die(job->comm, MM_ENOMEM, "no memory for samples");
  c.red = c.buf + 2 * cap;
  c.rt = c.buf + 4 * cap;
  c.slow_rank = job->hooks ? job->hooks->slow_rank : -1;
  c.slow = job->hooks ? job->hooks->slow : 0;
  c.late_rank = job->hooks ? job->hooks->late_rank : -1;
  bool window = plan->sync == MM_SYNC_WINDOW;
  double begin = mm_clock_now();
  if (window) {
    mm_clocksync_refresh(job->comm, job->hooks, &job->state->clock, &c.sync);
    c.yield = oversubscribed(job);
    out->sync.offsets_estimated = c.sync.estimated;
    out->sync.max_offset = c.sync.max_abs_offset;
    out->sync.offset_uncertainty = c.sync.max_uncertainty;
    out->sync.max_drift = c.sync.max_drift;
    out->sync.max_residual = c.sync.max_residual;
    out->sync.estimates = c.sync.estimates;
    out->sync.estimate_seconds = c.sync.seconds;
  }
  double synced = mm_clock_now();
  out->spent[MM_SPENT_CLOCKSYNC] = synced - begin;
  /* The window of an earlier visit, else one calibrated now; after every
   * batch it grows when calls were late, else fits them (window.h). */
  double w = plan->cache->window > 0 ? plan->cache->window : calibrate_window(&c);
  if (plan->cache->first_window == 0) plan->cache->first_window = w;
  double sampling = mm_clock_now();
  out->spent[MM_SPENT_CALIBRATION] = sampling - synced;

  /* Rank 0 decides; every rank follows its state: more, window, samples. */
  size_t n = 0;
  long long attempted = 0;
  double start = mm_clock_now(), state[3] = {1, w, 0};
  while (state[0] != 0) {
    size_t room = cap - (size_t)state[2], m = (size_t)ceil(batch_target(plan->budget) / w);
    if (plan->iterations > 0 && (long long)m > plan->iterations - attempted)
      m = attempted < plan->iterations ? (size_t)(plan->iterations - attempted) : 1;
    if (m > room) m = room;
    size_t got, late = 0;
    size_t fit_n = 0;
    got = window ? window_calls(&c, m, w, local + n, &late, &fit_n)
                 : barrier_calls(&c, m, local + n, c.rank_time);
    attempted += (long long)m;
    if (job->rank == 0) {
      n += got;
      out->sync.late += (long long)late;
      out->iterations += (long long)got;
      if (plan->iterations > 0) /* every attempt made, and at least one valid call */
        state[0] = (attempted < plan->iterations || n == 0) && n < cap;
      else
        state[0] = keep_sampling(local, n, mm_clock_now() - start, plan) && n < cap;
      state[1] = !window ? w : mm_window_next(w, late, m);
      if (window && state[1] == w) /* few late: fit the window to the calls */
        state[1] = mm_window_fit(w, c.rt, fit_n, 4.0 * c.sync.max_uncertainty + MM_WINDOW_SLACK);
      state[2] = (double)n;
      if (window && mm_window_runaway(state[1], plan->cache->first_window, c.sync.max_uncertainty))
        state[0] = -1;
    }
    MM_MPI(MPI_Bcast(state, 3, MPI_DOUBLE, 0, job->comm));
    w = state[1];
    if (state[0] < 0) out->runaway = true, state[0] = 0;
  }
  plan->cache->window = w;
  out->sync.window = window ? w : 0.0;
  free(c.buf);
  for (size_t i = 0; i < n; i++) out->spent[MM_SPENT_TIMED] += local[i]; /* rank 0's samples */
  out->spent[MM_SPENT_SAMPLING] = mm_clock_now() - sampling - out->spent[MM_SPENT_TIMED];
  return n;
}

int mm_harness_measure(const mm_job *job, const mm_plan *plan, mm_samples *out) {
  *out = (mm_samples){0};
  bool per_call = plan->collective && plan->sync != MM_SYNC_BATCH;
  size_t cap = MM_MAX_SAMPLES;
  if (per_call && plan->iterations > MM_MAX_SAMPLES) cap = (size_t)plan->iterations;
  double *local = malloc(cap * sizeof *local);
  if (!local) mm_mpi_die(job->comm, MM_ENOMEM, "no memory for samples");

  double t0 = mm_clock_now();
  warm_up(job, plan);
  out->spent[MM_SPENT_WARMUP] = mm_clock_now() - t0;
  out->n = per_call ? measure_calls(job, plan, local, cap, out)
                    : measure_batches(job, plan, local, out);
  out->t = local;
  return out->runaway ? MM_ECLOCK : MM_OK;
}

void mm_samples_free(mm_samples *s) {
  free(s->t);
  s->t = NULL;
  s->n = 0;
}
