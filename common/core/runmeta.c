#include "runmeta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buffers.h"
#include "clock.h"
#include "clockmodel.h"
#include "membw.h"
#include "request.h"
#include "sizes.h"
#include "time_split.h"
#include "stats.h"
#include "timing.h"

const size_t mm_run_facts_size = sizeof(mm_run_facts);

static int set(mm_results *r, const char *key, const char *value) {
  return mm_results_set_meta(r, key, value);
}

static int set_long(mm_results *r, const char *key, long long value) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", value);
  return set(r, key, buf);
}

static const char *name_of(const mm_run_facts *f, int rank) {
  return f->names + (size_t)rank * f->name_stride;
}

/* #@binding and #@placement from every rank's place (hosts numbered in
 * order of first appearance, as #@hosts lists them). */
static int placement_meta(const mm_run_facts *f, mm_results *r) {
  const char **hosts = calloc((size_t)f->nranks, sizeof *hosts);
  if (!hosts) return -1;
  int nhosts = 0;
  for (int i = 0; i < f->nranks; i++) {
    int k = 0;
    while (k < nhosts && strcmp(hosts[k], name_of(f, i))) k++;
    if (k == nhosts) hosts[nhosts++] = name_of(f, i);
    f->places[i].host = k;
  }
  char text[sizeof r->meta[0].value];
  int rc = set(r, "binding", mm_binding_text(f->places, (size_t)f->nranks, text, sizeof text));
  rc |= set(r, "placement", mm_placement_text(f->places, (size_t)f->nranks, hosts, text, sizeof text));
  free(hosts);
  return rc;
}

/* Host facts from every rank's processor name: how many nodes, how many
 * ranks on each, and whether ranks 0 and 1 (the point-to-point pair) share
 * a node. */
static int hosts_meta(const mm_run_facts *f, mm_results *r) {
  char hosts[1024] = "", per_node[1024] = "";
  int nodes = 0, uniform = 1, first_count = -1;
  for (int i = 0; i < f->nranks; i++) {
    const char *h = name_of(f, i);
    int seen = 0, count = 0;
    for (int j = 0; j < i && !seen; j++) seen = !strcmp(h, name_of(f, j));
    if (seen) continue;
    for (int j = 0; j < f->nranks; j++) count += !strcmp(h, name_of(f, j));
    size_t hl = strlen(hosts), pl = strlen(per_node);
    snprintf(hosts + hl, sizeof hosts - hl, "%s%s", nodes ? " " : "", h);
    snprintf(per_node + pl, sizeof per_node - pl, "%s%d", nodes ? " " : "", count);
    if (first_count < 0) first_count = count;
    uniform &= count == first_count;
    nodes++;
  }
  int rc = set_long(r, "nodes", nodes);
  rc |= uniform ? set_long(r, "ranks_per_node", first_count) : set(r, "ranks_per_node", per_node);
  rc |= set(r, "hosts", hosts);
  rc |= placement_meta(f, r);
  if (f->nranks >= 2)
    rc |= set(r, "p2p_placement", strcmp(name_of(f, 0), name_of(f, 1)) ? "cross-node" : "same-node");
  return rc;
}

static void command_line(int argc, char **argv, char *out, size_t len) {
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < argc && used < len; i++)
    used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " " : "", argv[i]);
}

static int starts(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* #@mpi_env: the variables common/defs/mpi_env.def names, sorted, NAME=value
 * joined by ';', or "none" (one line of at most 1023 bytes, as every
 * metadata value). */
static int mpi_env_meta(mm_results *r) {
  static const struct {
    const char *prefix;
    int skip;
  } rules[] = {
#define MM_MPI_ENV(prefix) {prefix, 0},
#define MM_MPI_ENV_SKIP(prefix) {prefix, 1},
#include "mpi_env.def"
#undef MM_MPI_ENV
#undef MM_MPI_ENV_SKIP
  };
  extern char **environ;
  size_t n = 0, len = 1;
  for (char **e = environ; *e; e++) n++;
  const char **found = malloc((n + 1) * sizeof *found);
  if (!found) return -1;
  n = 0;
  for (char **e = environ; *e; e++) {
    int take = 0, skip = 0;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
      if (starts(*e, rules[i].prefix)) {
        if (rules[i].skip)
          skip = 1;
        else
          take = 1;
      }
    if (take && !skip && strchr(*e, '=')) {
      found[n++] = *e;
      len += strlen(*e) + 1;
    }
  }
  qsort(found, n, sizeof *found, by_name);
  char *text = malloc(len + sizeof "none");
  int rc = -1;
  if (text) {
    strcpy(text, n ? "" : "none");
    for (size_t i = 0; i < n; i++) {
      if (i) strcat(text, ";");
      strcat(text, found[i]);
    }
    rc = set(r, "mpi_env", text);
  }
  free(text);
  free(found);
  return rc;
}

static int slurm_meta(mm_results *r) {
  static const struct {
    const char *env, *key;
  } vars[] = {{"SLURM_JOB_ID", "slurm_job_id"},
              {"SLURM_JOB_NODELIST", "slurm_nodelist"},
              {"SLURM_JOB_PARTITION", "slurm_partition"},
              {"SLURM_NTASKS", "slurm_ntasks"},
              {"SLURM_NTASKS_PER_NODE", "slurm_ntasks_per_node"}};
  if (!getenv("SLURM_JOB_ID")) return 0;
  int rc = 0;
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *v = getenv(vars[i].env);
    if (v) rc |= set(r, vars[i].key, v);
  }
  return rc;
}

int mm_run_meta(const mm_run_facts *f, mm_results *r) {
  char buf[1024];
  int rc = set(r, "mpimark_version", f->version);
  rc |= set(r, "git_commit", f->commit);
  snprintf(buf, sizeof buf, "%.*s", (int)strcspn(f->library, "\n"), f->library);
  rc |= set(r, "mpi_library", buf);
  snprintf(buf, sizeof buf, "%d.%d", f->mpi_major, f->mpi_minor);
  rc |= set(r, "mpi_version", buf);
  rc |= set_long(r, "ranks", f->nranks);
  rc |= hosts_meta(f, r);
  rc |= slurm_meta(r);
  rc |= mpi_env_meta(r);
  time_t now = time(NULL);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  rc |= set(r, "date_utc", buf);
  command_line(f->argc, f->argv, buf, sizeof buf);
  rc |= set(r, "command", buf);
  rc |= set(r, "clock", mm_clock_name());
  snprintf(buf, sizeof buf, "%g", mm_clock_resolution_ns());
  rc |= set(r, "clock_resolution_ns", buf);
  return rc ? -1 : 0;
}

int mm_settings_meta(const mm_config *cfg, unsigned long long seed, mm_results *r) {
  char buf[64];
  int rc = 0;
  snprintf(buf, sizeof buf, "%g", cfg->time_budget);
  rc |= set(r, "time_budget_s", buf);
  rc |= set_long(r, "iterations", cfg->iterations);
  if (cfg->warmup == MM_WARMUP_AUTO) rc |= set(r, "warmup", "auto");
  else rc |= set_long(r, "warmup", cfg->warmup);
  if (cfg->window_auto)
    snprintf(buf, sizeof buf, "auto (%d, at most %zu MiB in flight)", cfg->window, MM_WINDOW_AUTO_BYTES >> 20);
  else snprintf(buf, sizeof buf, "%d", cfg->window);
  rc |= set(r, "window", buf);
  rc |= set_long(r, "root", cfg->root);
  rc |= set(r, "validate", cfg->validate ? "yes" : "no");
  rc |= set(r, "hugepages", cfg->hugepages ? "yes" : "no");
  rc |= set(r, "thp", mm_thp_mode(buf, sizeof buf));
  rc |= set_long(r, "rounds", cfg->rounds);
  if (cfg->launches > 0) {
    snprintf(buf, sizeof buf, "%d/%d", cfg->launch, cfg->launches);
    rc |= set(r, "launch", buf);
  }
  snprintf(buf, sizeof buf, "%llu", seed);
  rc |= set(r, "seed", buf);
  rc |= set(r, "ci", cfg->rounds >= 2 ? mm_ci_method_rounds : mm_ci_method_samples);
  rc |= set(r, "sync", mm_sync_name(cfg->sync));
  rc |= set(r, "rank_time", mm_rank_time_name(cfg->rank_time));
  snprintf(buf, sizeof buf, "%.1f", mm_clock_read_cost() * 1e9);
  rc |= set(r, "clock_read_ns", buf);
  /* The ceiling for bandwidth figures: one core's memcpy, measured here on
   * rank 0 (about 0.1 s, touching 128 MiB) while the other ranks wait;
   * once per measurement: in its first launch only (scripts/measure's
   * merged results carry the first launch's metadata), which saves 8
   * launches 0.7 s. */
  if (cfg->launch <= 1) {
    snprintf(buf, sizeof buf, "%.0f", mm_memcpy_mbs(MM_MEMBW_CACHE_BYTES, 0.01));
    rc |= set(r, "memcpy_cache_mb_s", buf);
    snprintf(buf, sizeof buf, "%.0f", mm_memcpy_mbs(MM_MEMBW_DRAM_BYTES, 0.03));
    rc |= set(r, "memcpy_dram_mb_s", buf);
    rc |= set(r, "memcpy_method",
              "one core, memcpy of 1 MiB (in cache) and 64 MiB (DRAM) buffers, "
              "median of timed copies, MB/s = 10^6 bytes/s");
  }
  rc |= set(r, "per_call_clock_read",
            "subtracted from each per-call sample (window, barrier); samples "
            "never go below clock_resolution_ns");
  return rc ? -1 : 0;
}

int mm_sync_facts_meta(const mm_sync_facts *run, mm_results *r) {
  const struct {
    const char *key;
    double value;
    const char *format;
  } facts[] = {{"sync_window_us_max", run->window * 1e6, "%.3f"},
               {"clock_offset_max_us", run->max_offset * 1e6, "%.3f"},
               {"clock_offset_uncertainty_us", run->offset_uncertainty * 1e6, "%.3f"},
               {"late_calls", (double)run->late, "%.0f"},
               {"clock_drift_max_ppm", run->max_drift * 1e6, "%.3f"},
               {"clock_residual_max_us", run->max_residual * 1e6, "%.3f"},
               {"clock_estimates", run->estimates, "%.0f"},
               {"clock_estimates_ms", run->estimate_seconds * 1e3, "%.3f"}};
  char buf[64];
  int rc = 0;
  for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
    snprintf(buf, sizeof buf, facts[i].format, facts[i].value);
    rc |= set(r, facts[i].key, buf);
  }
  rc |= set(r, "clock_sync", run->offsets_estimated ? mm_clock_sync_estimated : mm_clock_sync_one_clock);
  return rc ? -1 : 0;
}

int mm_sweep_meta(const mm_sweep *s, const mm_config *cfg, double elapsed, const double *spent,
                  mm_results *r) {
  char buf[256];
  snprintf(buf, sizeof buf, "%.0f", s->bound);
  int rc = set(r, "memory_bound_bytes", buf);
  rc |= set(r, "memory_bound", cfg->memory > 0 ? "--memory" : mm_memory_auto_text);
  const mm_op_names *ops = mm_request_op_names();
  size_t at = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < ops->n; i++)
    for (int p = 0; p < MM_PATH_COUNT && at < sizeof buf; p++) {
      size_t b = s->over[i][p];
      if (b == SIZE_MAX) continue;
      char size[32];
      at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s %s from %s", at ? "; " : "",
                             ops->names[i], mm_path_name((mm_path)p), mm_size_human(b, size, sizeof size));
    }
  rc |= set(r, "memory_skipped", at ? buf : "none");
  rc |= set(r, "time_split_s", mm_time_split_text(elapsed, spent, buf, sizeof buf));
  return rc ? -1 : 0;
}
