#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "clocksync.h"
#include "clock.h"
#include "errors.h"
#include "harness.h"
#include "heap.h"
#include "metrics.h"
#include "mpi_util.h"
#include "objects.h"
#include "output.h"
#include "progress.h"
#include "rounds.h"
#include "runmeta.h"
#include "stateprobe.h"
#include "sizes.h"
#include "stats.h"
#include "window.h"

/* What the sweep needs to know of each operation (sweep.h): the paths it
 * has in this run (pkl5 only where the modelled mpi4py has the method) and
 * the kernels of each. */
static void op_traits(const mm_config *cfg, mm_op_traits t[MM_MAX_OPS]) {
  for (size_t i = 0; i < mm_n_ops; i++) {
    const mm_op *op = mm_ops[i];
    t[i] = (mm_op_traits){.float64 = op->float64, .root_sends_all = op->root_sends_all,
                          .root_recvs_all = op->root_recvs_all};
    for (int p = 0; p < MM_PATH_COUNT; p++) {
      if (!mm_op_has_path(op, (mm_path)p, cfg->mpi4py)) continue;
      t[i].paths |= 1u << p;
      for (size_t k = 0; k < MM_MAX_KERNELS; k++)
        if (mm_op_path(op, (mm_path)p)->kernels[k].run) t[i].kernels[p] |= 1u << k;
    }
  }
}

void mm_suite_fit_memory(mm_suite *s, double bound) {
  op_traits(s->cfg, s->traits);
  mm_sweep_fit(&s->sweep, s->cfg, s->traits, bound, s->nranks);
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

typedef struct sweep {
  cell *cells;
  size_t n_cells;
  mm_unit *units;           /* the sweep's (s->sweep) */
  size_t n_units;
  double spent[MM_SPENT_COUNT]; /* rank 0: the time split, summed over the visits */
  mm_harness_state harness;     /* the run's clock sync and node facts */
} sweep;

static const mm_kernel *kernel_of(const cell *c) {
  return &mm_op_path(c->op, c->path)->kernels[c->kernel];
}

/* The cells of the sweep (sweep.h), a unit per (operation, size, kernel)
 * with its paths inside; notes the operations that have no pkl5 path. */
static int build_sweep(mm_suite *s, sweep *w) {
  const mm_config *cfg = s->cfg;
  bool notes = s->rank == 0 && !cfg->quiet;
  for (size_t i = 0; i < mm_n_ops && notes; i++) {
    const mm_op *op = mm_ops[i];
    if (!((cfg->ops >> i) & 1u) || !(cfg->paths & (1u << MM_PATH_PKL5)) ||
        mm_op_has_path(op, MM_PATH_PKL5, cfg->mpi4py))
      continue;
    if (op->pkl5)
      fprintf(stderr, "mpimark: %s: no pkl5 path (mpi4py %d's mpi4py.util.pkl5 has no %s): "
              "skipped\n", op->name, cfg->mpi4py, op->name);
    else
      fprintf(stderr, "mpimark: %s: no pkl5 path (mpi4py.util.pkl5 has no %s): skipped\n",
              op->name, op->name);
  }
  if (mm_sweep_cells(&s->sweep, cfg, s->traits, notes)) return MM_ENOMEM;
  w->n_cells = s->sweep.n_cells;
  w->n_units = s->sweep.n_units;
  w->units = s->sweep.units;
  w->cells = calloc(w->n_cells + 1, sizeof *w->cells);
  if (!w->cells) return MM_ENOMEM;
  for (size_t i = 0; i < w->n_cells; i++) {
    const mm_cell_key *k = &s->sweep.cells[i];
    w->cells[i] = (cell){.op = mm_ops[k->op], .op_index = k->op, .size_index = k->size,
                         .path = k->path, .bytes = k->bytes, .wire_bytes = k->bytes,
                         .kernel = k->kernel};
  }
  return MM_OK;
}

static void free_sweep(mm_suite *s, sweep *w) {
  for (size_t i = 0; w->cells && i < w->n_cells; i++) free(w->cells[i].t);
  free(w->cells);
  mm_sweep_free(&s->sweep);
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

/* Rank 0: one row per metric of the cell's kernel shape (metrics.h). */
static int add_rows(mm_results *results, const mm_suite *s, const cell *cl, int rounds) {
  const mm_op *op = cl->op;
  mm_shape shape = kernel_of(cl)->shape;
  int window = mm_stream_window(s->cfg, cl->bytes);
  /* collectives only: nccl-tests' bytes and bus-bandwidth factor */
  double factor = op->busbw_factor ? op->busbw_factor(s->nranks) : 0.0;
  double bytes = op->algbw_bytes ? op->algbw_bytes((double)cl->bytes, s->nranks) : (double)cl->bytes;
  for (size_t m = 0; m < sizeof metrics / sizeof *metrics; m++) {
    const metric_def *def = &metrics[m];
    if (def->shape != shape) continue;
    mm_row row = {.bytes = cl->bytes, .wire_bytes = cl->wire_bytes,
                  .iterations = cl->iterations, .late = cl->sync.late};
    snprintf(row.op, sizeof row.op, "%s", op->name);
    snprintf(row.path, sizeof row.path, "%s", mm_path_name(cl->path));
    snprintf(row.payload, sizeof row.payload, "%s", payload_name(op, cl->path, s->cfg->payload));
    snprintf(row.metric, sizeof row.metric, "%s", def->name);
    snprintf(row.unit, sizeof row.unit, "%s", def->unit);
    if (mm_metric_row(&row, def->value, bytes, window, factor, cl->t, cl->round_end, rounds) ||
        mm_results_add_row(results, &row))
      return MM_ENOMEM;
  }
  return MM_OK;
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
  if (err) mm_validation_failed(op->name, mm_path_name(path), c->bytes, c->rank, why);
  return mm_mpi_agree(c->comm, err);
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
              .payload = cfg->payload, .numpy = cfg->numpy, .mpi4py = cfg->mpi4py,
              .sbuf = s->sbuf, .rbuf = s->rbuf, .reqs = s->reqs};
  if (table->setup) {
    int err = mm_mpi_agree(s->comm, table->setup(&c));
    if (err) mm_mpi_die(s->comm, err, "%s: setup failed: %s", op->name, mm_strerror(err));
  }
  cl->wire_bytes = c.wire_bytes;
  mm_heap_visit(cl->path, cfg->heap_pinned, &s->traits[cl->op_index], s->rank == cfg->root, s->nranks,
                c.wire_bytes);
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
  if (!err && s->cfg->sync == MM_SYNC_WINDOW) err |= mm_sync_facts_meta(&run, results);
  err |= mm_sweep_meta(&s->sweep, s->cfg, elapsed, w->spent, results);
  return err ? MM_ENOMEM : MM_OK;
}

/* R rounds over all cells, each in its own seeded order; within a unit the
 * paths alternate which goes first, so that neither always follows the
 * other. With -c, the first round checks every cell and a failed check
 * stops the run after that round, so that one run names every operation,
 * path and size that delivers wrong data, not only the first. */
int mm_suite_run(mm_suite *s, mm_results *results) {
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
      const mm_unit *un = &w.units[order[u]];
      for (size_t j = 0; j < un->count && err == MM_OK; j++) {
        size_t at = r % 2 ? un->first + un->count - 1 - j : un->first + j;
        err = visit(s, &w, &w.cells[at], r);
        if (err == MM_EVALIDATE) failed = err, err = MM_OK;
      }
      if (err == MM_OK && s->rank == 0 && !cfg->quiet)
        mm_progress(r, cfg->rounds, u + 1, w.n_units, mm_clock_now() - start);
    }
    if (err == MM_OK) err = failed;
  }
  mm_probe_close(&probe);
  mm_harness_state_free(&w.harness);
  if (err == MM_OK && s->rank == 0 &&
      (finish(s, &w, mm_clock_now() - start, results) || probe_meta(results, probe_ns, cfg->rounds)))
    mm_mpi_die(s->comm, MM_ENOMEM, "no memory for results");
  free(order);
  free_sweep(s, &w);
  return err;
}
