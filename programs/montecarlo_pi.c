/* montecarlo_pi: the scaling application. Every rank draws its share of
 * random points in the unit square from its own range of one counter-based
 * stream (Philox4x32-10, see montecarlo.h), counts the points inside the
 * quarter circle, and MPI_Reduce sums the hits at rank 0, which reports the
 * estimate of pi, its error, the standard error and the time.
 *
 *   --strong  a fixed total of samples split over the ranks (default)
 *   --weak    a fixed number of samples per rank
 *
 * Options are parsed identically on every rank, so a usage error is seen by
 * all of them: rank 0 prints one line and everyone exits 2. */
#include <errno.h>
#include <math.h>
#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "build_id.h"
#include "cli.h"
#include "clock.h"
#include "errors.h"
#include "metadata.h"
#include "montecarlo.h"
#include "mpi_util.h"
#include "output.h"
#include "results.h"

#define PROG "montecarlo_pi"
#define MC_PI 3.14159265358979323846
/* Totals stay far from overflow in every sum, and doubles stay exact. */
#define MC_MAX_SAMPLES (UINT64_C(1) << 52)

typedef enum { MODE_STRONG, MODE_WEAK } mc_mode;

typedef struct mc_config {
  mc_mode mode;
  uint64_t samples; /* strong: total; weak: per rank */
  uint64_t seed;
  mm_format format;
  const char *output;
  double check_sigmas; /* -c: the largest |error| allowed, in standard errors */
  bool force, check, help, version;
} mc_config;

/* ---- options: one table, parsed the same way on every rank (common/core/cli.h) ---- */

/* A sample count: digits with an optional decimal suffix K (10^3), M (10^6),
 * G (10^9) or T (10^12), case-insensitive. */
static int parse_count(const char *a, uint64_t *out, char *err, size_t n) {
  const char *p = a;
  uint64_t v = 0;
  if (*p < '0' || *p > '9') goto bad;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > (UINT64_MAX - 9) / 10) goto big;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  uint64_t mul = 1;
  switch (*p) {
    case '\0': break;
    case 'k': case 'K': mul = UINT64_C(1000); p++; break;
    case 'm': case 'M': mul = UINT64_C(1000000); p++; break;
    case 'g': case 'G': mul = UINT64_C(1000000000); p++; break;
    case 't': case 'T': mul = UINT64_C(1000000000000); p++; break;
    default: goto bad;
  }
  if (*p != '\0') goto bad;
  if (v > MC_MAX_SAMPLES / mul) goto big;
  *out = v * mul;
  return 0;
bad:
  snprintf(err, n,
           "bad --samples '%s': expected a whole number with an optional K, M, G or T "
           "(powers of 1000), e.g. 100M",
           a);
  return -1;
big:
  snprintf(err, n, "bad --samples '%s': at most %llu samples", a,
           (unsigned long long)MC_MAX_SAMPLES);
  return -1;
}

static int set_samples(void *cfg, const char *a, char *err, size_t n) {
  mc_config *c = cfg;
  if (parse_count(a, &c->samples, err, n)) return -1;
  if (c->samples == 0) return snprintf(err, n, "bad --samples '%s': at least 1", a), -1;
  return 0;
}

static int set_seed(void *cfg, const char *a, char *err, size_t n) {
  mc_config *c = cfg;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(a, &end, 0);
  if (errno || end == a || *end != '\0' || a[0] == '-' || a[0] == '+')
    return snprintf(err, n, "bad --seed '%s': expected a whole number 0..2^64-1", a), -1;
  c->seed = (uint64_t)v;
  return 0;
}

static int set_format(void *cfg, const char *a, char *err, size_t n) {
  return mm_cli_parse_format(a, &((mc_config *)cfg)->format, err, n);
}

static int set_output(void *cfg, const char *a, char *err, size_t n) {
  return mm_cli_parse_output(a, &((mc_config *)cfg)->output, err, n);
}

static int set_check_sigmas(void *cfg, const char *a, char *err, size_t n) {
  mc_config *c = cfg;
  char *end;
  errno = 0;
  double v = strtod(a, &end);
  if (errno || end == a || *end != '\0' || !isfinite(v) || v <= 0)
    return snprintf(err, n, "bad --check-sigmas '%s': expected a number > 0", a), -1;
  c->check_sigmas = v;
  return 0;
}

MM_CLI_FLAG(set_strong, mc_config, mode, MODE_STRONG)
MM_CLI_FLAG(set_weak, mc_config, mode, MODE_WEAK)
MM_CLI_FLAG(set_force, mc_config, force, true)
MM_CLI_FLAG(set_check, mc_config, check, true)
MM_CLI_FLAG(set_help, mc_config, help, true)
MM_CLI_FLAG(set_version, mc_config, version, true)

static const mm_cli_option options[] = {
    {"strong", 0, NULL, NULL, set_strong,
     "strong scaling: --samples is the total, split over the ranks (default)"},
    {"weak", 0, NULL, NULL, set_weak, "weak scaling: --samples is per rank"},
    {"samples", 'n', "N", "100M", set_samples,
     "samples (points); K, M, G, T are powers of 1000 (decimal): 100M = 10^8"},
    {"seed", 's', "S", "1", set_seed, "seed of the random stream, 0..2^64-1 (decimal or 0x hex)"},
    {"format", 0, "table|csv|json", "table", set_format, "what to print on stdout"},
    {"output", 'o', "FILE", NULL, set_output,
     "also write the result to FILE (.csv or .json), atomically"},
    {"force", 0, NULL, NULL, set_force, "let --output replace an existing file"},
    {"check", 'c', NULL, NULL, set_check,
     "exit 1 when |estimate - pi| exceeds K standard errors (--check-sigmas)"},
    {"check-sigmas", 0, "K", "5", set_check_sigmas, "K for --check"},
    {"help", 'h', NULL, NULL, set_help, "show this help and exit"},
    {"version", 0, NULL, NULL, set_version, "show the version and exit"},
};

static const mm_cli cli = {options, sizeof options / sizeof options[0], NULL, NULL, NULL, 0};

static void usage(FILE *fp) {
  fprintf(fp,
          "Usage: mpirun -np N " PROG " [options]\n"
          "\n"
          "Estimates pi from random points in the unit square: the fraction inside the\n"
          "quarter circle is pi/4. Each rank draws its own range of one Philox4x32-10\n"
          "counter-based stream keyed by --seed, so a run's hits depend only on the seed\n"
          "and the samples drawn, not on the number of ranks. The hits are summed with\n"
          "MPI_Reduce. A scaling application: see scripts/scaling.\n"
          "\nOptions:\n");
  mm_cli_usage(fp, &cli, 28);
  fprintf(fp,
          "\nReports the samples, hits, the estimate, |estimate - pi|, the standard error\n"
          "4*sqrt(p(1-p)/N) with p = pi/4, the wall time (slowest rank, from a barrier to\n"
          "the end of the reduction) and samples per second.\n"
          "\nExit codes: 0 ok, 1 runtime failure or failed --check, 2 usage error.\n");
}

/* ---- the run ---- */

typedef struct mc_result {
  int ranks;
  uint64_t samples, samples_per_rank, hits;
  double estimate, abs_error, std_error, time_s, rate, rate_per_rank;
} mc_result;

static const char *mode_name(mc_mode m) { return m == MODE_WEAK ? "weak" : "strong"; }

/* Rank r's samples: a contiguous range of the global sample numbers. In
 * strong mode the total is split as evenly as possible (the first
 * total % ranks ranks draw one more). */
static void my_range(const mc_config *c, int rank, int nranks, uint64_t *start, uint64_t *n) {
  uint64_t r = (uint64_t)rank, p = (uint64_t)nranks;
  if (c->mode == MODE_WEAK) {
    *start = r * c->samples, *n = c->samples;
  } else {
    uint64_t q = c->samples / p, extra = c->samples % p;
    *start = r * q + (r < extra ? r : extra);
    *n = q + (r < extra ? 1 : 0);
  }
}

static void measure(MPI_Comm comm, const mc_config *c, int rank, int nranks, mc_result *res) {
  uint64_t start, n;
  my_range(c, rank, nranks, &start, &n);
  MM_MPI(MPI_Barrier(comm));
  double t0 = mm_clock_now();
  /* Hits and the samples actually drawn, summed in one reduction: the
   * reported total is what the ranks drew, not what was asked for. */
  uint64_t mine[2] = {mm_mc_count(start, n, c->seed), n}, sum[2] = {0, 0};
  MM_MPI(MPI_Reduce(mine, sum, 2, MPI_UINT64_T, MPI_SUM, 0, comm));
  double t = mm_clock_now() - t0, tmax = 0;
  MM_MPI(MPI_Reduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, 0, comm));

  res->ranks = nranks;
  res->samples = sum[1];
  res->samples_per_rank =
      c->mode == MODE_WEAK ? c->samples : (c->samples + (uint64_t)nranks - 1) / (uint64_t)nranks;
  res->hits = sum[0];
  double N = res->samples ? (double)res->samples : 1.0, p = MC_PI / 4;
  res->estimate = 4.0 * (double)res->hits / N;
  res->abs_error = fabs(res->estimate - MC_PI);
  res->std_error = 4.0 * sqrt(p * (1 - p) / N);
  res->time_s = tmax;
  res->rate = tmax > 0 ? N / tmax : 0;
  res->rate_per_rank = res->rate / nranks;
}

/* ---- output (rank 0) ---- */

static const char *const csv_columns =
    "mode,ranks,samples,samples_per_rank,seed,hits,estimate,abs_error,std_error,time_s,"
    "samples_per_s,samples_per_s_per_rank";

static void write_csv(FILE *fp, const mm_results *meta, const mc_config *c, const mc_result *r) {
  mm_output_csv_meta(fp, meta);
  fprintf(fp, "%s\n", csv_columns);
  fprintf(fp, "%s,%d,%llu,%llu,%llu,%llu,%.12f,%.6e,%.6e,%.6f,%.6e,%.6e\n", mode_name(c->mode),
          r->ranks, (unsigned long long)r->samples, (unsigned long long)r->samples_per_rank,
          (unsigned long long)c->seed, (unsigned long long)r->hits, r->estimate, r->abs_error,
          r->std_error, r->time_s, r->rate, r->rate_per_rank);
}

static void write_json(FILE *fp, const mm_results *meta, const mc_config *c, const mc_result *r) {
  mm_output_json_meta(fp, meta);
  fprintf(fp,
          ",\n  \"result\": {\"mode\": \"%s\", \"ranks\": %d, \"samples\": %llu, "
          "\"samples_per_rank\": %llu, \"seed\": %llu, \"hits\": %llu, \"estimate\": %.12f, "
          "\"abs_error\": %.6e, \"std_error\": %.6e, \"time_s\": %.6f, \"samples_per_s\": %.6e, "
          "\"samples_per_s_per_rank\": %.6e}\n}\n",
          mode_name(c->mode), r->ranks, (unsigned long long)r->samples,
          (unsigned long long)r->samples_per_rank, (unsigned long long)c->seed,
          (unsigned long long)r->hits, r->estimate, r->abs_error, r->std_error, r->time_s,
          r->rate, r->rate_per_rank);
}

static void write_table(FILE *fp, const mm_results *meta, const mc_config *c, const mc_result *r) {
  const char *lib = mm_results_meta(meta, "mpi_library"), *nodes = mm_results_meta(meta, "nodes");
  fprintf(fp, "# %s: %s; %d rank%s on %s node%s\n", PROG, lib ? lib : "?", r->ranks,
          r->ranks == 1 ? "" : "s", nodes ? nodes : "?", nodes && !strcmp(nodes, "1") ? "" : "s");
  fprintf(fp, "%-18s %s (%s)\n", "mode", mode_name(c->mode),
          c->mode == MODE_WEAK ? "fixed samples per rank" : "fixed total samples");
  fprintf(fp, "%-18s %d\n", "ranks", r->ranks);
  fprintf(fp, "%-18s %llu (%llu per rank)\n", "samples", (unsigned long long)r->samples,
          (unsigned long long)r->samples_per_rank);
  fprintf(fp, "%-18s %llu\n", "seed", (unsigned long long)c->seed);
  fprintf(fp, "%-18s %llu\n", "hits", (unsigned long long)r->hits);
  fprintf(fp, "%-18s %.12f\n", "estimate", r->estimate);
  fprintf(fp, "%-18s %.3e (%.2f standard errors)\n", "|estimate - pi|", r->abs_error,
          r->std_error > 0 ? r->abs_error / r->std_error : 0.0);
  fprintf(fp, "%-18s %.3e\n", "standard error", r->std_error);
  fprintf(fp, "%-18s %.6f s (slowest rank)\n", "wall time", r->time_s);
  fprintf(fp, "%-18s %.4g (%.4g per rank)\n", "samples/s", r->rate, r->rate_per_rank);
}

/* What rank 0 reports, in one place for the writers (stdout and the file). */
typedef struct mc_report {
  const mm_results *meta;
  const mc_config *c;
  const mc_result *r;
  mm_format format;
} mc_report;

static int write_report(FILE *fp, const void *arg) {
  const mc_report *p = arg;
  if (p->format == MM_FORMAT_CSV) write_csv(fp, p->meta, p->c, p->r);
  else if (p->format == MM_FORMAT_JSON) write_json(fp, p->meta, p->c, p->r);
  else write_table(fp, p->meta, p->c, p->r);
  return 0;
}

static int write_file(mc_report rep) {
  char why[512];
  rep.format = mm_output_format_for(rep.c->output);
  int err = mm_write_file_atomic(rep.c->output, rep.c->force, write_report, &rep, why, sizeof why);
  if (err) fprintf(stderr, PROG ": %s\n", why);
  return err ? MM_EIO : MM_OK;
}

static int settings_meta(const mc_config *c, int nranks, mm_results *m) {
  char buf[64];
  int rc = mm_results_set_meta(m, "program", PROG);
  rc |= mm_results_set_meta(m, "mode", mode_name(c->mode));
  snprintf(buf, sizeof buf, "%llu",
           (unsigned long long)(c->mode == MODE_WEAK ? c->samples * (uint64_t)nranks : c->samples));
  rc |= mm_results_set_meta(m, "samples", buf);
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->seed);
  rc |= mm_results_set_meta(m, "seed", buf);
  rc |= mm_results_set_meta(m, "generator", "philox4x32-10 (counter = sample / 2, key = seed)");
  return rc;
}

static int finish(MPI_Comm *comm, int err) {
  MPI_Comm_free(comm);
  MPI_Finalize();
  return mm_exit_code(err);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm comm;
  int rank, nranks;
  MPI_Comm_dup(MPI_COMM_WORLD, &comm);
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &nranks);

  mc_config cfg;
  char why[512] = "";
  int err = MM_OK;
  memset(&cfg, 0, sizeof cfg);
  if (mm_cli_parse(&cli, argc, argv, &cfg, why, sizeof why)) {
    err = MM_EUSAGE;
  } else if (cfg.mode == MODE_WEAK && cfg.samples > MC_MAX_SAMPLES / (uint64_t)nranks) {
    snprintf(why, sizeof why, "--weak --samples %llu at %d ranks makes more than %llu samples",
             (unsigned long long)cfg.samples, nranks, (unsigned long long)MC_MAX_SAMPLES);
    err = MM_EUSAGE;
  }
  if (err) {
    if (rank == 0) fprintf(stderr, PROG ": %s\n", why);
    return finish(&comm, err);
  }
  if (cfg.help || cfg.version) {
    if (rank == 0 && cfg.help) usage(stdout);
    else if (rank == 0)
      printf(PROG " (mpimark %s, git %s)\n", MPIMARK_VERSION, mm_build_commit);
    return finish(&comm, MM_OK);
  }
  /* The output file is checked before the work, not after. */
  if (cfg.output && rank == 0) err = mm_atomic_check(cfg.output, cfg.force, why, sizeof why);
  if ((err = mm_mpi_agree(comm, err))) {
    if (rank == 0) fprintf(stderr, PROG ": %s\n", why);
    return finish(&comm, err);
  }

  mm_results meta = {0};
  if (mm_metadata_collect(comm, MPIMARK_VERSION, mm_build_commit, argc, argv, &meta) ||
      (rank == 0 && settings_meta(&cfg, nranks, &meta)))
    mm_mpi_die(comm, MM_ENOMEM, "no memory for metadata");

  mc_result res;
  measure(comm, &cfg, rank, nranks, &res);

  if (rank == 0) {
    const mc_report rep = {&meta, &cfg, &res, cfg.format};
    write_report(stdout, &rep);
    fflush(stdout);
    if (cfg.output) err = write_file(rep);
    if (!err && cfg.check && res.abs_error > cfg.check_sigmas * res.std_error) {
      fprintf(stderr,
              PROG ": check failed: |estimate - pi| = %.3e is more than %g standard errors "
                   "(%.3e)\n",
              res.abs_error, cfg.check_sigmas, cfg.check_sigmas * res.std_error);
      err = MM_EVALIDATE;
    }
  }
  err = mm_mpi_agree(comm, err);
  mm_results_free(&meta);
  return finish(&comm, err);
}
