#include "sweeprun.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "buffers.h"
#include "clock.h"
#include "errors.h"
#include "heap.h"
#include "metrics.h"
#include "mpi_util.h"
#include "output.h"
#include "progress.h"
#include "rounds.h"
#include "runmeta.h"
#include "sizes.h"
#include "stateprobe.h"
#include "stats.h"
#include "window.h"

/* ---- Cells: one (operation, path, size, kernel), sampled in every round ---- */

typedef struct cell {
  const mm_cell_key *key;
  size_t wire_bytes;       /* the last visit's (setup's) */
  double compute_s;        /* overlap kernels: the call alone's time (calibrate_compute) */
  mm_cell_cache cache;     /* calibration kept between rounds */
  double *t;               /* rank 0: every sample (s per iteration), rounds in order */
  size_t n, cap;
  size_t round_end[MM_MAX_ROUNDS]; /* round r's samples end here */
  double probe_ns[MM_MAX_ROUNDS];  /* rank 0: the state probe taken as round r's unit began */
  long long iterations;
  mm_sync_facts sync;      /* over the rounds */
} cell;

typedef struct run {
  const mm_sweep_job *job;
  cell *cells;                  /* one per key of job->sweep */
  double spent[MM_SPENT_COUNT]; /* rank 0: the time split, summed over the visits */
  mm_harness_state harness;     /* the run's clock sync and node facts */
} run;

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

/* The payload column: the pickled paths' payload, or the buffer path's
 * MPI datatype. */
static const char *payload_name(const mm_config *cfg, const mm_op_traits *op, mm_path path) {
  if (mm_path_pickles(path)) return cfg->user_payload ? mm_user_payload_name : mm_payload_names[cfg->payload];
  return op->float64 ? "MPI_DOUBLE" : "MPI_BYTE";
}

/* Rank 0: one row per metric of the cell's kernel shape (metrics.def). */
static int add_rows(mm_results *results, const mm_sweep_job *job, const cell *cl) {
  const mm_cell_key *k = cl->key;
  const mm_op_traits *op = &job->traits[k->op];
  int window = mm_stream_window(job->cfg, k->bytes);
  mm_metric_args args = {.bytes = mm_algbw_bytes(op->busbw, (double)k->bytes, job->nranks),
                         .window = window,
                         .busbw_factor = mm_busbw_factor(op->busbw, job->nranks),
                         .pairs = job->nranks / 2,
                         .compute_s = cl->compute_s};
  for (size_t m = 0; m < mm_n_metric_defs; m++) {
    const mm_metric_def *def = &mm_metric_defs[m];
    if (def->shape != op->shapes[k->kernel]) continue;
    mm_row row = {.bytes = k->bytes, .wire_bytes = cl->wire_bytes, .iterations = cl->iterations,
                  .late = cl->sync.late};
    snprintf(row.op, sizeof row.op, "%s", op->name);
    snprintf(row.path, sizeof row.path, "%s", mm_path_name(k->path));
    snprintf(row.payload, sizeof row.payload, "%s", payload_name(job->cfg, op, k->path));
    snprintf(row.metric, sizeof row.metric, "%s", def->name);
    snprintf(row.unit, sizeof row.unit, "%s", def->unit);
    for (int r = 0; r < job->cfg->rounds; r++) row.round_probe[r] = cl->probe_ns[r];
    if (mm_metric_row(&row, def->value, &args, cl->t, cl->round_end, job->cfg->rounds) ||
        mm_results_add_row(results, &row))
      return MM_ENOMEM;
  }
  return MM_OK;
}

/* What a visit and a compute phase's calibration share: sets up the
 * cell's kernel (every rank agreeing; on failure nothing to tear down and
 * the error is returned), gives the heap the cell's size, and measures the
 * kernel by the plan. *verdict: the harness's; *measured (unless NULL):
 * its seconds. */
static int measure_cell(run *w, mm_visit *v, mm_cell_cache *cache, mm_samples *samples, int *verdict,
                        double *measured) {
  const mm_sweep_job *job = w->job;
  const mm_config *cfg = job->cfg;
  const mm_cell_key *key = v->cell;
  const mm_op_traits *op = &job->traits[key->op];
  int err = mm_mpi_agree(job->comm, job->kernels.setup(job->kernels.self, v));
  if (err) {
    if (job->rank == 0) fprintf(stderr, "mpimark: %s: setup failed: %s\n", op->name, mm_strerror(err));
    return err;
  }
  mm_heap_visit(key->path, cfg->heap_pinned, op, job->rank == cfg->root, job->nranks, v->wire_bytes);
  void *plugs = mm_heap_plug(key->path, cfg->heap_pinned, key->bytes);
  mm_plan plan = mm_plan_of(cfg->iterations, cfg->warmup, cfg->time_budget, cfg->rounds, op->collective,
                            cfg->sync, cfg->rank_time, mm_path_pickles(key->path), cache);
  double start = mm_clock_now();
  mm_job timed = {job->comm, job->rank, v->run, v->ctx, job->hooks, &w->harness};
  *verdict = mm_harness_measure(&timed, &plan, samples);
  if (measured) *measured = mm_clock_now() - start;
  mm_heap_unplug(plugs);
  return MM_OK;
}

/* An overlap cell's compute phase (MM_SHAPE_OVERLAP), once, before its
 * first visit: the latency of the call alone (its operation's kernel 0 on
 * the same path and size), measured as that row is (one round's plan, the
 * run's sync and rank time), the median of rank 0's samples. OSU makes its
 * compute phase as long as its pure communication time the same way.
 * Its time is calibration's (#@time_split_s). */
static int calibrate_compute(run *w, cell *cl) {
  const mm_sweep_job *job = w->job;
  double begin = mm_clock_now();
  mm_cell_key alone = *cl->key;
  alone.kernel = 0;
  mm_visit v = {.cell = &alone, .window = mm_stream_window(job->cfg, alone.bytes), .wire_bytes = alone.bytes};
  mm_cell_cache cache = {0};
  mm_samples samples;
  int verdict;
  int err = measure_cell(w, &v, &cache, &samples, &verdict, NULL);
  if (err) return err;
  double median = 0;
  if (!verdict && job->rank == 0 && samples.n > 0) {
    qsort(samples.t, samples.n, sizeof *samples.t, mm_cmp_double);
    median = samples.t[samples.n / 2];
  }
  mm_samples_free(&samples);
  if (job->kernels.teardown) job->kernels.teardown(job->kernels.self, &v);
  if (verdict) return verdict;
  MM_MPI(MPI_Bcast(&median, 1, MPI_DOUBLE, 0, job->comm));
  cl->compute_s = median;
  w->spent[MM_SPENT_CALIBRATION] += mm_clock_now() - begin;
  return MM_OK;
}

/* One visit of a cell: set up, measure its kernel, keep the samples,
 * check (first round only, outside timing), tear down. */
static int visit(run *w, cell *cl, int round) {
  const mm_sweep_job *job = w->job;
  const mm_config *cfg = job->cfg;
  const mm_kernels *k = &job->kernels;
  const mm_cell_key *key = cl->key;
  const mm_op_traits *op = &job->traits[key->op];
  int err = op->shapes[key->kernel] == MM_SHAPE_OVERLAP && cl->compute_s == 0 ? calibrate_compute(w, cl)
                                                                             : MM_OK;
  if (err) return err;
  double begin = mm_clock_now();
  mm_visit v = {.cell = key, .window = mm_stream_window(cfg, key->bytes), .wire_bytes = key->bytes,
                .compute_s = cl->compute_s};
  mm_samples samples;
  int verdict;
  double measured;
  if ((err = measure_cell(w, &v, &cl->cache, &samples, &verdict, &measured))) return err;
  cl->wire_bytes = v.wire_bytes;
  for (int i = 0; i < MM_SPENT_COUNT; i++) w->spent[i] += samples.spent[i];
  if (verdict == MM_ECLOCK && job->rank == 0) { /* every rank returns it; one line */
    char size[32], why[320];
    mm_window_runaway_text(why, sizeof why, cl->cache.first_window, samples.sync.window,
                           samples.sync.offset_uncertainty);
    fprintf(stderr, "mpimark: %s (%s path), %s: %s\n", op->name, mm_path_name(key->path),
            mm_size_human(key->bytes, size, sizeof size), why);
  }
  err = job->rank == 0 && verdict == MM_OK ? keep_samples(cl, round, &samples) : MM_OK;
  mm_samples_free(&samples);
  if (mm_mpi_agree(job->comm, err)) mm_mpi_die(job->comm, MM_ENOMEM, "no memory for samples");
  if (verdict == MM_OK && cfg->validate && round == 0) {
    char why[256] = "";
    err = k->check(k->self, &v, job->hooks->corrupt_rank == job->rank, why, sizeof why);
    if (err) mm_validation_failed(op->name, mm_path_name(key->path), key->bytes, job->rank, why);
    verdict = mm_mpi_agree(job->comm, err);
  }
  if (k->teardown) k->teardown(k->self, &v);
  w->spent[MM_SPENT_SETUP] += mm_clock_now() - begin - measured;
  return verdict;
}

/* Output order: operations, sizes, paths, kernels (metrics). */
static int cmp_cells(const void *a, const void *b) {
  const mm_cell_key *x = (*(const cell *const *)a)->key, *y = (*(const cell *const *)b)->key;
  if (x->op != y->op) return x->op < y->op ? -1 : 1;
  if (x->size != y->size) return x->size < y->size ? -1 : 1;
  if (x->path != y->path) return x->path < y->path ? -1 : 1;
  return (x->kernel > y->kernel) - (x->kernel < y->kernel);
}

/* Rank 0: the rows, the run-level facts of the sync and the sweep, and
 * "#@state_probe_ns", the probe of each round in round order. */
static int finish(const run *w, double elapsed, const double *probe_ns, mm_results *results) {
  const mm_sweep_job *job = w->job;
  size_t n = job->sweep->n_cells;
  const cell **sorted = malloc((n + 1) * sizeof *sorted);
  if (!sorted) return MM_ENOMEM;
  for (size_t i = 0; i < n; i++) sorted[i] = &w->cells[i];
  qsort(sorted, n, sizeof *sorted, cmp_cells);
  int err = MM_OK;
  mm_sync_facts sync = {0};
  for (size_t i = 0; i < n && !err; i++) {
    err = add_rows(results, job, sorted[i]);
    mm_sync_facts_merge(&sync, &sorted[i]->sync);
  }
  free(sorted);
  if (!err && job->cfg->sync == MM_SYNC_WINDOW) err |= mm_sync_facts_meta(&sync, results);
  err |= mm_sweep_meta(job->sweep, job->cfg, elapsed, w->spent, results);
  char buf[MM_MAX_ROUNDS * 12 + 64];
  err |= mm_results_set_meta(results, "state_probe_ns",
                             mm_probe_meta_text(probe_ns, job->cfg->rounds, buf, sizeof buf));
  return err ? MM_ENOMEM : MM_OK;
}

/* The rounds: each in its own seeded order; within a unit the paths
 * alternate which goes first, so that neither always follows the other.
 * A round starts with a state probe (#@state_probe_ns) and each unit with
 * a short one, kept with its rows (round_probes_ns): the state changes
 * within a round of seconds.
 * With -c, the first round checks every cell and a failed check stops the
 * run after that round, so that one run names every operation, path and
 * size that delivers wrong data, not only the first. */
static int rounds(run *w, size_t *order, double *probe_ns, double start) {
  const mm_sweep_job *job = w->job;
  const mm_sweep *s = job->sweep;
  const mm_config *cfg = job->cfg;
  mm_probe probe;
  mm_probe_open(job->comm, &probe);
  int err = MM_OK, failed = MM_OK; /* a check of round 0 (agreed): the run stops after it */
  for (int r = 0; r < cfg->rounds && err == MM_OK; r++) {
    double t = mm_clock_now();
    probe_ns[r] = mm_probe_run(&probe, MM_PROBE_TRIPS);
    w->spent[MM_SPENT_PROBE] += mm_clock_now() - t;
    mm_round_order(job->seed, r, s->n_units, order);
    for (size_t u = 0; u < s->n_units && err == MM_OK; u++) {
      const mm_unit *un = &s->units[order[u]];
      t = mm_clock_now();
      double unit_ns = mm_probe_run(&probe, MM_PROBE_UNIT_TRIPS);
      w->spent[MM_SPENT_PROBE] += mm_clock_now() - t;
      for (size_t j = 0; j < un->count && err == MM_OK; j++) {
        size_t at = r % 2 ? un->first + un->count - 1 - j : un->first + j;
        w->cells[at].probe_ns[r] = unit_ns;
        err = visit(w, &w->cells[at], r);
        if (err == MM_EVALIDATE) failed = err, err = MM_OK;
      }
      if (err == MM_OK && job->rank == 0 && !cfg->quiet)
        mm_progress(r, cfg->rounds, u + 1, s->n_units, mm_clock_now() - start);
    }
    if (err == MM_OK) err = failed;
  }
  mm_probe_close(&probe);
  return err;
}

int mm_sweep_fit_job(MPI_Comm comm, const mm_config *cfg, const mm_op_traits *traits, mm_sweep *sweep,
                     char *why, size_t len) {
  MPI_Comm node;
  int node_ranks, nranks;
  MM_MPI(MPI_Comm_size(comm, &nranks));
  MM_MPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  MM_MPI(MPI_Comm_size(node, &node_ranks));
  double avail = (double)mm_memory_available();
  double bound = cfg->memory > 0 ? cfg->memory : avail > 0 ? mm_memory_auto(avail, node_ranks) : INFINITY;
  double least = 0;
  MM_MPI(MPI_Allreduce(&bound, &least, 1, MPI_DOUBLE, MPI_MIN, comm));
  mm_sweep_fit(sweep, cfg, traits, least, nranks);
  double need = (double)sweep->sbuf + (double)sweep->rbuf, node_need = 0;
  MM_MPI(MPI_Allreduce(&need, &node_need, 1, MPI_DOUBLE, MPI_SUM, node));
  MPI_Comm_free(&node);
  return mm_sweep_memory_verdict(sweep, cfg, avail, node_need, why, len);
}

int mm_sweep_run(const mm_sweep_job *job, mm_results *results) {
  mm_sweep *s = job->sweep;
  run w = {.job = job};
  int err = mm_sweep_cells(s, job->cfg, job->traits, job->rank == 0 && !job->cfg->quiet) ? MM_ENOMEM : MM_OK;
  size_t *order = NULL;
  if (!err) {
    w.cells = calloc(s->n_cells + 1, sizeof *w.cells);
    order = malloc((s->n_units + 1) * sizeof *order);
    for (size_t i = 0; w.cells && i < s->n_cells; i++) w.cells[i].key = &s->cells[i];
    if (!w.cells || !order) err = MM_ENOMEM;
  }
  if (mm_mpi_agree(job->comm, err)) mm_mpi_die(job->comm, MM_ENOMEM, "no memory for the sweep");
  double probe_ns[MM_MAX_ROUNDS] = {0};
  double start = mm_clock_now();
  err = rounds(&w, order, probe_ns, start);
  mm_harness_state_free(&w.harness);
  if (err == MM_OK && job->rank == 0 && finish(&w, mm_clock_now() - start, probe_ns, results))
    mm_mpi_die(job->comm, MM_ENOMEM, "no memory for results");
  for (size_t i = 0; w.cells && i < s->n_cells; i++) free(w.cells[i].t);
  free(w.cells);
  free(order);
  mm_sweep_free(s);
  return err;
}
