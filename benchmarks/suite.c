#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffers.h"
#include "clocksync.h"
#include "clock.h"
#include "errors.h"
#include "harness.h"
#include "metrics.h"
#include "mpi_util.h"
#include "objects.h"
#include "rounds.h"
#include "stateprobe.h"
#include "sizes.h"
#include "stats.h"
#include "window.h"

static bool selected(const mm_config *cfg, size_t i) { return (cfg->ops >> i) & 1u; }

/* The sizes an operation measures: float64 operations and the floats
 * payload (N/8 floats) round down to whole elements and skip what that
 * makes empty or repeated. */
static size_t effective_bytes(const mm_op *op, mm_path path, mm_payload payload,
                              size_t requested) {
  bool elements = op->float64 || (mm_path_pickles(path) && mm_payload_float64(payload));
  return elements ? requested / sizeof(double) * sizeof(double) : requested;
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* Smaller messages first: the bound keeps as many sizes as fit. */
size_t mm_suite_fit_memory(mm_suite *s, size_t *sbuf, size_t *rbuf, size_t *asked) {
  const mm_config *cfg = s->cfg;
  size_t fit = 0, bytes[MM_SIZES_MAX_COUNT];
  *asked = 0;
  *sbuf = *rbuf = 0;
  for (size_t i = 0; i < mm_n_ops; i++)
    for (int p = 0; p < MM_PATH_COUNT; p++) {
      const mm_op *op = mm_ops[i];
      mm_path path = (mm_path)p;
      s->over[i][p] = SIZE_MAX;
      if (!selected(cfg, i) || !(cfg->paths & (1u << path)) || !mm_op_has_path(op, path, cfg->mpi4py))
        continue;
      for (size_t z = 0; z < cfg->sizes.n; z++)
        bytes[z] = effective_bytes(op, path, cfg->payload, cfg->sizes.v[z]);
      qsort(bytes, cfg->sizes.n, sizeof *bytes, cmp_size);
      *asked += cfg->sizes.n;
      for (size_t z = 0; z < cfg->sizes.n && s->over[i][p] == SIZE_MAX; z++) {
        if (mm_memory_fits(s->memory_bound, bytes[z], s->nranks, op->root_sends_all,
                           op->root_recvs_all, mm_path_pickles(path), sbuf, rbuf))
          fit++;
        else
          s->over[i][p] = bytes[z];
      }
    }
  return fit;
}

/* ---- From seconds per iteration to the metrics a kernel's shape defines ---- */

typedef struct metric_def {
  mm_shape shape;
  const char *name, *unit;
  mm_metric_fn value; /* of seconds per iteration (metrics.h) */
} metric_def;

static const metric_def metrics[] = {
#define MM_METRIC(shape, metric, unit, formula) {MM_SHAPE_##shape, #metric, unit, mm_metric_##formula},
#include "metrics.def"
#undef MM_METRIC
};

static const char *payload_name(const mm_op *op, mm_path path, mm_payload payload) {
  if (mm_path_pickles(path))
    return mm_payload_names[payload];
  return op->float64 ? "MPI_DOUBLE" : "MPI_BYTE";
}

/* ---- Cells: one (operation, path, size, kernel), sampled in every round ---- */

typedef struct cell {
  const mm_op *op;
  size_t op_index, size_index; /* for the output order */
  mm_path path;
  size_t bytes, wire_bytes;
  size_t kernel;           /* index into mm_op_path(op, path)->kernels */
  mm_cell_cache cache;     /* calibration kept between rounds */
  double *t;               /* rank 0: every sample (s per iteration), rounds in order */
  size_t n, cap;
  size_t round_end[MM_MAX_ROUNDS]; /* round r's samples end here */
  long long iterations;
  mm_sync_facts sync;      /* over the rounds */
} cell;

/* Cells measured back to back in a round: both paths of one (op, size,
 * kernel), so that their ratio is paired. The rounds shuffle units. */
typedef struct unit {
  size_t first, count;
} unit;

typedef struct sweep {
  cell *cells;
  size_t n_cells;
  unit *units;
  size_t n_units;
  double spent[MM_SPENT_COUNT]; /* rank 0: the time split, summed over the visits */
  mm_harness_state harness;     /* the run's clock sync and node facts */
} sweep;

static const mm_kernel *kernel_of(const cell *c) {
  return &mm_op_path(c->op, c->path)->kernels[c->kernel];
}

/* Lists the cells, a unit per (operation, size, kernel) with its paths
 * inside, and notes the sizes skipped by rounding. */
static int build_sweep(const mm_suite *s, sweep *w) {
  const mm_config *cfg = s->cfg;
  size_t max = mm_n_ops * cfg->sizes.n * MM_PATH_COUNT * MM_MAX_KERNELS + 1;
  w->cells = calloc(max, sizeof *w->cells);
  w->units = calloc(max, sizeof *w->units);
  if (!w->cells || !w->units) return MM_ENOMEM;
  for (size_t i = 0; i < mm_n_ops; i++) {
    if (!selected(cfg, i)) continue;
    const mm_op *op = mm_ops[i];
    size_t previous[MM_PATH_COUNT], skipped = 0;
    for (int p = 0; p < MM_PATH_COUNT; p++) previous[p] = SIZE_MAX;
    if ((cfg->paths & (1u << MM_PATH_PKL5)) && !mm_op_has_path(op, MM_PATH_PKL5, cfg->mpi4py) &&
        s->rank == 0 && !cfg->quiet) {
      if (op->pkl5)
        fprintf(stderr, "mpimark: %s: no pkl5 path (mpi4py %d's mpi4py.util.pkl5 has no %s): "
                "skipped\n", op->name, cfg->mpi4py, op->name);
      else
        fprintf(stderr, "mpimark: %s: no pkl5 path (mpi4py.util.pkl5 has no %s): skipped\n",
                op->name, op->name);
    }
    for (size_t z = 0; z < cfg->sizes.n; z++) {
      size_t bytes[MM_PATH_COUNT] = {0};
      bool measured[MM_PATH_COUNT] = {false}, skip = false;
      for (int p = 0; p < MM_PATH_COUNT; p++) {
        mm_path path = (mm_path)p;
        if (!(cfg->paths & (1u << path)) || !mm_op_has_path(op, path, cfg->mpi4py)) continue;
        bytes[p] = effective_bytes(op, path, cfg->payload, cfg->sizes.v[z]);
        if (bytes[p] >= s->over[i][p]) continue; /* over the memory bound: finish() notes it */
        if ((bytes[p] == 0 && cfg->sizes.v[z] != 0) || bytes[p] == previous[p]) {
          skip = true;
          continue;
        }
        previous[p] = bytes[p];
        measured[p] = true;
      }
      skipped += skip;
      for (size_t k = 0; k < MM_MAX_KERNELS; k++) {
        unit u = {w->n_cells, 0};
        for (int p = 0; p < MM_PATH_COUNT; p++) {
          if (!measured[p] || !mm_op_path(op, (mm_path)p)->kernels[k].run) continue;
          w->cells[w->n_cells++] = (cell){.op = op, .op_index = i, .size_index = z,
                                          .path = (mm_path)p, .bytes = bytes[p],
                                          .wire_bytes = bytes[p], .kernel = k};
          u.count++;
        }
        if (u.count) w->units[w->n_units++] = u;
      }
    }
    if (skipped && s->rank == 0 && !cfg->quiet)
      fprintf(stderr,
              "mpimark: %s: %zu size(s) skipped: float64 elements round sizes down to "
              "multiples of 8 bytes\n",
              op->name, skipped);
  }
  return MM_OK;
}

static void free_sweep(sweep *w) {
  for (size_t i = 0; i < w->n_cells; i++) free(w->cells[i].t);
  free(w->cells);
  free(w->units);
}

/* Rank 0 keeps a visit's samples in its cell. */
static int keep_samples(cell *c, int round, const mm_samples *s) {
  if (c->n + s->n > c->cap) {
    size_t cap = c->cap ? c->cap : 64;
    while (cap < c->n + s->n) cap *= 2;
    double *t = realloc(c->t, cap * sizeof *t);
    if (!t) return MM_ENOMEM;
    c->t = t;
    c->cap = cap;
  }
  for (size_t i = 0; i < s->n; i++) c->t[c->n++] = s->t[i];
  c->round_end[round] = c->n;
  c->iterations += s->iterations;
  mm_sync_facts_merge(&c->sync, &s->sync);
  return MM_OK;
}

/* Rank 0: one row per metric of the cell's kernel shape: the pooled samples'
 * statistics, with the median and CI from the round medians. */
static int add_rows(mm_results *results, const mm_suite *s, const cell *cl, int rounds) {
  const mm_op *op = cl->op;
  mm_shape shape = kernel_of(cl)->shape;
  mm_ctx c = {.nranks = s->nranks, .bytes = cl->bytes, .window = mm_stream_window(s->cfg, cl->bytes)};
  double *values = malloc((cl->n ? cl->n : 1) * sizeof *values);
  if (!values) return MM_ENOMEM;
  int err = MM_OK;
  for (size_t m = 0; m < sizeof metrics / sizeof *metrics && !err; m++) {
    const metric_def *def = &metrics[m];
    if (def->shape != shape) continue;
    mm_row row = {.bytes = cl->bytes, .wire_bytes = cl->wire_bytes,
                  .iterations = cl->iterations, .late = cl->sync.late, .rounds = rounds};
    snprintf(row.op, sizeof row.op, "%s", op->name);
    snprintf(row.path, sizeof row.path, "%s", mm_path_name(cl->path));
    snprintf(row.payload, sizeof row.payload, "%s", payload_name(op, cl->path, s->cfg->payload));
    snprintf(row.metric, sizeof row.metric, "%s", def->name);
    snprintf(row.unit, sizeof row.unit, "%s", def->unit);
    /* collectives only: nccl-tests' bytes and bus-bandwidth factor */
    double factor = op->busbw_factor ? op->busbw_factor(c.nranks) : 0.0;
    double bytes = op->algbw_bytes ? op->algbw_bytes((double)c.bytes, c.nranks) : (double)c.bytes;
    for (size_t i = 0; i < cl->n; i++) values[i] = def->value(bytes, c.window, factor, cl->t[i]);
    size_t from = 0;
    for (int r = 0; r < rounds && !err; r++) {
      mm_stats st;
      if (mm_stats_compute(values + from, cl->round_end[r] - from, &st)) {
        err = MM_ENOMEM;
        break;
      }
      row.round_median[r] = st.median;
      from = cl->round_end[r];
    }
    mm_round_stats rs;
    if (err || mm_stats_compute(values, cl->n, &row.st) ||
        mm_stats_rounds(row.round_median, (size_t)rounds, &rs)) {
      err = MM_ENOMEM;
      break;
    }
    row.round_min = rs.round_min;
    row.round_max = rs.round_max;
    if (rounds >= 2) row.st.median = rs.median, row.st.ci_low = rs.ci_low, row.st.ci_high = rs.ci_high;
    if (mm_results_add_row(results, &row)) err = MM_ENOMEM;
  }
  free(values);
  return err;
}

/* One untimed run with known data, then every rank checks what it got.
 * A rank that finds a mismatch names itself; all ranks agree on the verdict. */
static int validate(const mm_suite *s, const mm_op *op, mm_path path, mm_ctx *c,
                    const mm_kernel *k, size_t rbuf_bytes) {
  mm_pattern_fill(c->rbuf, rbuf_bytes, 0xdeadu); /* no stale pattern from an earlier run */
  mm_op_path(op, path)->prepare(c);
  int err = k->run(c);
  if (err) mm_mpi_die(c->comm, err, "%s", mm_strerror(err));
  if (s->hooks->corrupt_rank == c->rank) { /* test hook: proves the checks fail */
    if (mm_path_pickles(path)) mm_obj_corrupt(c);
    else if (rbuf_bytes > 0) c->rbuf[0] ^= 0xffu;
  }
  char why[256] = "";
  err = mm_op_path(op, path)->check(c, k->shape, why, sizeof why);
  if (err) {
    char size[32];
    fprintf(stderr, "mpimark: validation failed: %s (%s path), %s: rank %d: %s\n", op->name,
            mm_path_name(path), mm_size_human(c->bytes, size, sizeof size), c->rank, why);
  }
  return mm_mpi_agree(c->comm, err);
}

/* Progress on stderr for long sweeps: a live line on a terminal, else one
 * line per round. */
static void progress(const mm_suite *s, int round, size_t done, size_t total, double elapsed) {
  if (s->rank != 0 || s->cfg->quiet) return;
  bool tty = isatty(STDERR_FILENO);
  if (done < total && !tty) return;
  fprintf(stderr, "%smpimark: round %d/%d: %zu/%zu cells, %.1f s%s", tty ? "\r" : "", round + 1,
          s->cfg->rounds, done, total, elapsed, done == total ? "\n" : "");
  fflush(stderr);
}

/* One visit of a cell: set up, measure its kernel, keep the samples,
 * validate (first round only, outside timing), tear down. */
static int visit(const mm_suite *s, sweep *w, cell *cl, int round) {
  const mm_config *cfg = s->cfg;
  double begin = mm_clock_now();
  const mm_op *op = cl->op;
  const struct mm_op_path *table = mm_op_path(op, cl->path);
  mm_ctx c = {.comm = s->comm, .rank = s->rank, .nranks = s->nranks, .root = cfg->root,
              .bytes = cl->bytes, .wire_bytes = cl->bytes, .path = cl->path,
              .pkl5_threshold = cfg->pkl5_threshold, .window = mm_stream_window(cfg, cl->bytes),
              .payload = cfg->payload, .numpy = cfg->numpy, .sbuf = s->sbuf, .rbuf = s->rbuf, .reqs = s->reqs};
  if (table->setup) {
    int err = mm_mpi_agree(s->comm, table->setup(&c));
    if (err) mm_mpi_die(s->comm, err, "%s: setup failed: %s", op->name, mm_strerror(err));
  }
  cl->wire_bytes = c.wire_bytes;
  mm_plan plan = mm_plan_of(cfg->iterations, cfg->warmup, cfg->time_budget, cfg->rounds,
                            op->kind == MM_COLLECTIVE, cfg->sync, cfg->rank_time,
                            cl->path != MM_PATH_BUFFER, &cl->cache);
  mm_samples samples;
  double measured = mm_clock_now();
  mm_job job = {s->comm, s->rank, kernel_of(cl)->run, &c, s->hooks, &w->harness};
  int verdict = mm_harness_measure(&job, &plan, &samples);
  measured = mm_clock_now() - measured;
  for (int i = 0; i < MM_SPENT_COUNT; i++) w->spent[i] += samples.spent[i];
  if (verdict == MM_ECLOCK && s->rank == 0) { /* every rank returns it; one line */
    char size[32], why[320];
    mm_window_runaway_text(why, sizeof why, cl->cache.first_window, samples.sync.window,
                           samples.sync.offset_uncertainty);
    fprintf(stderr, "mpimark: %s (%s path), %s: %s\n", op->name, mm_path_name(cl->path),
            mm_size_human(c.bytes, size, sizeof size), why);
  }
  int err = s->rank == 0 && verdict == MM_OK ? keep_samples(cl, round, &samples) : MM_OK;
  mm_samples_free(&samples);
  if (mm_mpi_agree(s->comm, err)) mm_mpi_die(s->comm, MM_ENOMEM, "no memory for samples");
  if (verdict == MM_OK && cfg->validate && round == 0) {
    size_t rbuf_bytes = op->root_recvs_all ? c.bytes * (size_t)c.nranks : c.bytes;
    verdict = validate(s, op, cl->path, &c, kernel_of(cl), rbuf_bytes);
  }
  if (table->teardown) table->teardown(&c);
  w->spent[MM_SPENT_SETUP] += mm_clock_now() - begin - measured;
  return verdict;
}

/* Output order: operations, sizes, paths, kernels (metrics). */
static int cmp_cells(const void *a, const void *b) {
  const cell *x = *(const cell *const *)a, *y = *(const cell *const *)b;
  if (x->op_index != y->op_index) return x->op_index < y->op_index ? -1 : 1;
  if (x->size_index != y->size_index) return x->size_index < y->size_index ? -1 : 1;
  if (x->path != y->path) return x->path < y->path ? -1 : 1;
  return (x->kernel > y->kernel) - (x->kernel < y->kernel);
}

/* "#@state_probe_ns": the probe of each round, in round order (rank 0). */
static int probe_meta(mm_results *results, const double *ns, int rounds) {
  char buf[MM_MAX_ROUNDS * 12 + 64];
  return mm_results_set_meta(results, "state_probe_ns", mm_probe_meta_text(ns, rounds, buf, sizeof buf));
}

/* Rank 0: the rows, and the run-level facts of the sync in the metadata. */
static int finish(const mm_suite *s, const sweep *w, double elapsed, mm_results *results) {
  const cell **sorted = malloc((w->n_cells + 1) * sizeof *sorted);
  if (!sorted) return MM_ENOMEM;
  for (size_t i = 0; i < w->n_cells; i++) sorted[i] = &w->cells[i];
  qsort(sorted, w->n_cells, sizeof *sorted, cmp_cells);
  int err = MM_OK;
  mm_sync_facts run = {0};
  for (size_t i = 0; i < w->n_cells && !err; i++) {
    const cell *c = sorted[i];
    err = add_rows(results, s, c, s->cfg->rounds);
    mm_sync_facts_merge(&run, &c->sync);
  }
  free(sorted);
  char buf[256];
  if (!err && s->cfg->sync == MM_SYNC_WINDOW) {
    const struct {
      const char *key;
      double value;
      const char *format;
    } facts[] = {{"sync_window_us_max", run.window * 1e6, "%.3f"},
                 {"clock_offset_max_us", run.max_offset * 1e6, "%.3f"},
                 {"clock_offset_uncertainty_us", run.offset_uncertainty * 1e6, "%.3f"},
                 {"late_calls", (double)run.late, "%.0f"},
                 {"clock_drift_max_ppm", run.max_drift * 1e6, "%.3f"},
                 {"clock_residual_max_us", run.max_residual * 1e6, "%.3f"},
                 {"clock_estimates", run.estimates, "%.0f"},
                 {"clock_estimates_ms", run.estimate_seconds * 1e3, "%.3f"}};
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
      snprintf(buf, sizeof buf, facts[i].format, facts[i].value);
      err |= mm_results_set_meta(results, facts[i].key, buf);
    }
    err |= mm_results_set_meta(results, "clock_sync", mm_clocksync_method(run.offsets_estimated));
  }
  snprintf(buf, sizeof buf, "%.0f", s->memory_bound);
  err |= mm_results_set_meta(results, "memory_bound_bytes", buf);
  err |= mm_results_set_meta(results, "memory_bound",
                             s->cfg->memory > 0 ? "--memory" : mm_memory_auto_text);
  size_t at = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < mm_n_ops; i++)
    for (int p = 0; p < MM_PATH_COUNT && at < sizeof buf; p++) {
      if (s->over[i][p] == SIZE_MAX) continue;
      char size[32];
      at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s %s from %s", at ? "; " : "",
                             mm_ops[i]->name, mm_path_name((mm_path)p),
                             mm_size_human(s->over[i][p], size, sizeof size));
    }
  err |= mm_results_set_meta(results, "memory_skipped", at ? buf : "none");
  mm_time_split_text(elapsed, w->spent, buf, sizeof buf);
  err |= mm_results_set_meta(results, "time_split_s", buf);
  return err ? MM_ENOMEM : MM_OK;
}

/* R rounds over all cells, each in its own seeded order; within a unit the
 * paths alternate which goes first, so that neither always follows the
 * other. With -c, the first round checks every cell and a failed check
 * stops the run after that round, so that one run names every operation,
 * path and size that delivers wrong data, not only the first. */
int mm_suite_run(const mm_suite *s, mm_results *results) {
  const mm_config *cfg = s->cfg;
  sweep w = {0};
  int err = mm_mpi_agree(s->comm, build_sweep(s, &w));
  size_t *order = malloc((w.n_units + 1) * sizeof *order);
  if (mm_mpi_agree(s->comm, err || !order ? MM_ENOMEM : MM_OK))
    mm_mpi_die(s->comm, MM_ENOMEM, "no memory for the sweep");
  mm_probe probe;
  mm_probe_open(s->comm, &probe);
  double probe_ns[MM_MAX_ROUNDS] = {0};
  double start = mm_clock_now();
  int failed = MM_OK; /* a check of round 0 (agreed): the run stops after it */
  for (int r = 0; r < cfg->rounds && err == MM_OK; r++) {
    double t = mm_clock_now();
    probe_ns[r] = mm_probe_run(&probe);
    w.spent[MM_SPENT_PROBE] += mm_clock_now() - t;
    mm_round_order(s->seed, r, w.n_units, order);
    for (size_t u = 0; u < w.n_units && err == MM_OK; u++) {
      const unit *un = &w.units[order[u]];
      for (size_t j = 0; j < un->count && err == MM_OK; j++) {
        size_t at = r % 2 ? un->first + un->count - 1 - j : un->first + j;
        err = visit(s, &w, &w.cells[at], r);
        if (err == MM_EVALIDATE) failed = err, err = MM_OK;
      }
      if (err == MM_OK) progress(s, r, u + 1, w.n_units, mm_clock_now() - start);
    }
    if (err == MM_OK) err = failed;
  }
  mm_probe_close(&probe);
  mm_harness_state_free(&w.harness);
  if (err == MM_OK && s->rank == 0 &&
      (finish(s, &w, mm_clock_now() - start, results) || probe_meta(results, probe_ns, cfg->rounds)))
    mm_mpi_die(s->comm, MM_ENOMEM, "no memory for results");
  free(order);
  free_sweep(&w);
  return err;
}
