#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffers.h"
#include "clock.h"
#include "errors.h"
#include "harness.h"
#include "mpi_util.h"
#include "objects.h"
#include "sizes.h"
#include "stats.h"

static bool selected(const mm_config *cfg, size_t i) { return (cfg->ops >> i) & 1u; }

void mm_suite_buffer_bytes(const mm_config *cfg, int nranks, size_t *sbuf, size_t *rbuf) {
  size_t max = mm_sizes_max(&cfg->sizes), s = max, r = max;
  for (size_t i = 0; i < mm_n_ops; i++) {
    if (!selected(cfg, i)) continue;
    if (mm_ops[i]->root_sends_all) s = max * (size_t)nranks;
    if (mm_ops[i]->root_recvs_all) r = max * (size_t)nranks;
  }
  *sbuf = s;
  *rbuf = r;
}

/* ---- From seconds per iteration to the metrics a kernel's shape defines ---- */

typedef struct metric_def {
  const char *name, *unit;
  double (*value)(const mm_op *op, const mm_ctx *c, double t); /* t: seconds per iteration */
} metric_def;

static double half_round_trip_us(const mm_op *op, const mm_ctx *c, double t) {
  (void)op, (void)c;
  return t * 1e6 / 2.0;
}
static double latency_us(const mm_op *op, const mm_ctx *c, double t) {
  (void)op, (void)c;
  return t * 1e6;
}
static double algbw(const mm_op *op, const mm_ctx *c, double t) {
  (void)op;
  return (double)c->bytes / t / 1e6;
}
static double busbw(const mm_op *op, const mm_ctx *c, double t) {
  return algbw(op, c, t) * op->busbw_factor(c->nranks);
}
static double stream_bw(const mm_op *op, const mm_ctx *c, double t) {
  (void)op;
  return (double)c->bytes * c->window / t / 1e6;
}
static double bistream_bw(const mm_op *op, const mm_ctx *c, double t) {
  return 2.0 * stream_bw(op, c, t);
}

static const metric_def shape_metrics[][3] = {
    [MM_SHAPE_PINGPONG] = {{"latency", "us", half_round_trip_us}},
    [MM_SHAPE_COLLECTIVE] = {{"latency", "us", latency_us},
                             {"algbw", "MB/s", algbw},
                             {"busbw", "MB/s", busbw}},
    [MM_SHAPE_STREAM] = {{"bandwidth", "MB/s", stream_bw}},
    [MM_SHAPE_BISTREAM] = {{"bibw", "MB/s", bistream_bw}},
};

static const char *payload_name(const mm_op *op, mm_path path, mm_payload payload) {
  if (path == MM_PATH_OBJECT) return payload == MM_PAYLOAD_FLOATS ? "floats" : "bytes";
  return op->float64 ? "MPI_DOUBLE" : "MPI_BYTE";
}

/* Rank 0: one row per metric of the kernel's shape, from the same samples. */
static void add_rows(mm_results *results, const mm_op *op, mm_path path, const mm_ctx *c,
                     mm_shape shape, const mm_samples *s) {
  double *values = malloc(s->n * sizeof *values);
  if (!values) mm_mpi_die(c->comm, MM_ENOMEM, "no memory for results");
  for (size_t m = 0; m < 3 && shape_metrics[shape][m].name; m++) {
    const metric_def *def = &shape_metrics[shape][m];
    mm_row row = {.bytes = c->bytes, .wire_bytes = c->wire_bytes, .iterations = s->iterations};
    snprintf(row.op, sizeof row.op, "%s", op->name);
    snprintf(row.path, sizeof row.path, "%s", mm_path_name(path));
    snprintf(row.payload, sizeof row.payload, "%s", payload_name(op, path, c->payload));
    snprintf(row.metric, sizeof row.metric, "%s", def->name);
    snprintf(row.unit, sizeof row.unit, "%s", def->unit);
    for (size_t i = 0; i < s->n; i++) values[i] = def->value(op, c, s->t[i]);
    if (mm_stats_compute(values, s->n, &row.st) || mm_results_add_row(results, &row))
      mm_mpi_die(c->comm, MM_ENOMEM, "no memory for results");
  }
  free(values);
}

/* One untimed run with known data, then every rank checks what it got.
 * A rank that finds a mismatch names itself; all ranks agree on the verdict. */
static int validate(const mm_op *op, mm_path path, mm_ctx *c, const mm_kernel *k,
                    size_t rbuf_bytes) {
  const char *corrupt = getenv("MPIMARK_TEST_CORRUPT_RANK"); /* test hook: proves checks fail */
  mm_pattern_fill(c->rbuf, rbuf_bytes, 0xdeadu); /* no stale pattern from an earlier run */
  op->path[path].prepare(c);
  int err = k->run(c);
  if (err) mm_mpi_die(c->comm, err, "%s", mm_strerror(err));
  if (corrupt && atoi(corrupt) == c->rank) {
    if (path == MM_PATH_OBJECT) mm_obj_corrupt(c);
    else if (rbuf_bytes > 0) c->rbuf[0] ^= 0xffu;
  }
  char why[256] = "";
  err = op->path[path].check(c, k->shape, why, sizeof why);
  if (err) {
    char size[32];
    fprintf(stderr, "mpimark: validation failed: %s (%s path), %s: rank %d: %s\n", op->name,
            mm_path_name(path), mm_size_human(c->bytes, size, sizeof size), c->rank, why);
  }
  return mm_mpi_agree(c->comm, err);
}

/* Progress on stderr for long sweeps: a live line on a terminal, else one
 * line per operation and path. */
static void progress(const mm_suite *s, const mm_op *op, size_t done, size_t total,
                     double elapsed) {
  if (s->rank != 0 || s->cfg->quiet) return;
  bool tty = isatty(STDERR_FILENO);
  if (done < total && !tty) return;
  fprintf(stderr, "%smpimark: %-10s %zu/%zu sizes, %.1f s%s", tty ? "\r" : "", op->name, done,
          total, elapsed, done == total ? "\n" : "");
  fflush(stderr);
}

/* The sizes an operation measures: float64 operations and the floats
 * payload (N/8 floats) round down to whole elements and skip what that
 * makes empty or repeated. */
static size_t effective_bytes(const mm_op *op, mm_path path, mm_payload payload,
                              size_t requested) {
  bool elements = op->float64 || (path == MM_PATH_OBJECT && payload == MM_PAYLOAD_FLOATS);
  return elements ? requested / sizeof(double) * sizeof(double) : requested;
}

static int run_size(const mm_suite *s, const mm_op *op, mm_path path, mm_ctx *c,
                    mm_results *results) {
  const mm_config *cfg = s->cfg;
  if (op->path[path].setup) {
    int err = mm_mpi_agree(s->comm, op->path[path].setup(c));
    if (err) mm_mpi_die(s->comm, err, "%s: setup failed: %s", op->name, mm_strerror(err));
  }
  mm_plan plan = {.iterations = cfg->iterations,
                  .warmup = cfg->warmup,
                  .budget = cfg->time_budget,
                  .max_over_ranks = op->kind == MM_COLLECTIVE};
  size_t rbuf_bytes = op->root_recvs_all ? c->bytes * (size_t)c->nranks : c->bytes;
  int verdict = MM_OK;
  for (size_t k = 0; k < MM_MAX_KERNELS && verdict == MM_OK; k++) {
    const mm_kernel *kernel = &op->path[path].kernels[k];
    if (!kernel->run) break;
    mm_samples samples;
    mm_harness_measure(c, kernel->run, &plan, &samples);
    if (s->rank == 0) add_rows(results, op, path, c, kernel->shape, &samples);
    mm_samples_free(&samples);
    if (cfg->validate) verdict = validate(op, path, c, kernel, rbuf_bytes);
  }
  if (op->path[path].teardown) op->path[path].teardown(c);
  return verdict;
}

/* Sizes outer, paths inner: the buffer and object measurements of one size
 * run back to back, so the object/buffer ratio compares the machine in one
 * state (this kind of machine drifts between performance states within
 * seconds). */
int mm_suite_run(const mm_suite *s, mm_results *results) {
  const mm_config *cfg = s->cfg;
  for (size_t i = 0; i < mm_n_ops; i++) {
    if (!selected(cfg, i)) continue;
    const mm_op *op = mm_ops[i];
    double start = mm_clock_now();
    size_t previous[MM_PATH_COUNT] = {SIZE_MAX, SIZE_MAX}, skipped = 0;
    for (size_t z = 0; z < cfg->sizes.n; z++) {
      bool skip = false;
      for (int p = 0; p < MM_PATH_COUNT; p++) {
        mm_path path = (mm_path)p;
        if (!(cfg->paths & (1u << path)) || !mm_op_has_path(op, path)) continue;
        size_t bytes = effective_bytes(op, path, cfg->payload, cfg->sizes.v[z]);
        if ((bytes == 0 && cfg->sizes.v[z] != 0) || bytes == previous[p]) {
          skip = true;
          continue;
        }
        previous[p] = bytes;
        mm_ctx c = {.comm = s->comm,
                    .rank = s->rank,
                    .nranks = s->nranks,
                    .root = cfg->root,
                    .bytes = bytes,
                    .wire_bytes = bytes,
                    .window = cfg->window,
                    .payload = cfg->payload,
                    .sbuf = s->sbuf,
                    .rbuf = s->rbuf,
                    .reqs = s->reqs};
        int verdict = run_size(s, op, path, &c, results);
        if (verdict != MM_OK) return verdict;
      }
      skipped += skip;
      progress(s, op, z + 1, cfg->sizes.n, mm_clock_now() - start);
    }
    if (skipped && s->rank == 0 && !cfg->quiet)
      fprintf(stderr,
              "mpimark: %s: %zu size(s) skipped: float64 elements round sizes down to "
              "multiples of 8 bytes\n",
              op->name, skipped);
  }
  return MM_OK;
}
