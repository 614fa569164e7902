#include "metadata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build_id.h"
#include "clock.h"
#include "mpi_util.h"
#include "placement.h"

static int set(mm_results *r, const char *key, const char *value) {
  return mm_results_set_meta(r, key, value);
}

static int set_long(mm_results *r, const char *key, long long value) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", value);
  return set(r, key, buf);
}

/* #@binding and #@placement from every rank's place (host names in all,
 * MPI_MAX_PROCESSOR_NAME bytes each; hosts numbered in order of first
 * appearance, as #@hosts lists them). */
static int placement_meta(const char *all, int nranks, mm_place *place, mm_results *r) {
  const char **names = calloc((size_t)nranks, sizeof *names);
  if (!names) return -1;
  int nhosts = 0;
  for (int i = 0; i < nranks; i++) {
    const char *h = all + (size_t)i * MPI_MAX_PROCESSOR_NAME;
    int k = 0;
    while (k < nhosts && strcmp(names[k], h)) k++;
    if (k == nhosts) names[nhosts++] = h;
    place[i].host = k;
  }
  char text[sizeof r->meta[0].value];
  int rc = set(r, "binding", mm_binding_text(place, (size_t)nranks, text, sizeof text));
  rc |= set(r, "placement", mm_placement_text(place, (size_t)nranks, names, text, sizeof text));
  free(names);
  return rc;
}

/* Host facts from every rank's processor name: how many nodes, how many
 * ranks on each, and whether ranks 0 and 1 (the point-to-point pair) share
 * a node. */
static int hosts_meta(MPI_Comm comm, int rank, int nranks, mm_results *r) {
  char name[MPI_MAX_PROCESSOR_NAME] = {0};
  int len;
  MM_MPI(MPI_Get_processor_name(name, &len));
  char *all = rank == 0 ? calloc((size_t)nranks, MPI_MAX_PROCESSOR_NAME) : NULL;
  int nomem = rank == 0 && !all;
  if (mm_mpi_agree(comm, nomem)) return -1;
  MM_MPI(MPI_Gather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all, MPI_MAX_PROCESSOR_NAME,
                    MPI_CHAR, 0, comm));
  mm_place mine, *place = rank == 0 ? calloc((size_t)nranks, sizeof *place) : NULL;
  mm_place_self(&mine);
  if (mm_mpi_agree(comm, rank == 0 && !place)) {
    free(all);
    return -1;
  }
  MM_MPI(MPI_Gather(&mine, (int)sizeof mine, MPI_BYTE, place, (int)sizeof mine, MPI_BYTE, 0, comm));
  if (rank != 0) return 0;

  char hosts[1024] = "", per_node[1024] = "";
  int nodes = 0, uniform = 1, first_count = -1;
  for (int i = 0; i < nranks; i++) {
    const char *h = all + (size_t)i * MPI_MAX_PROCESSOR_NAME;
    int seen = 0, count = 0;
    for (int j = 0; j < i && !seen; j++) seen = !strcmp(h, all + (size_t)j * MPI_MAX_PROCESSOR_NAME);
    if (seen) continue;
    for (int j = 0; j < nranks; j++) count += !strcmp(h, all + (size_t)j * MPI_MAX_PROCESSOR_NAME);
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
  rc |= placement_meta(all, nranks, place, r);
  if (nranks >= 2)
    rc |= set(r, "p2p_placement",
              strcmp(all, all + MPI_MAX_PROCESSOR_NAME) ? "cross-node" : "same-node");
  free(all);
  free(place);
  return rc;
}

/* The first line of MPI_Get_library_version (the rest is build detail). */
static void library_version(char *out, size_t len) {
  char lib[MPI_MAX_LIBRARY_VERSION_STRING] = {0};
  int n;
  MPI_Get_library_version(lib, &n);
  lib[strcspn(lib, "\n")] = '\0';
  snprintf(out, len, "%s", lib);
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

int mm_metadata_collect(MPI_Comm comm, int argc, char **argv, mm_results *r) {
  int rank, nranks;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  MM_MPI(MPI_Comm_size(comm, &nranks));
  char buf[1024];
  int rc = 0;
  if (rank == 0) {
    rc |= set(r, "mpimark_version", MPIMARK_VERSION);
    rc |= set(r, "git_commit", mm_build_commit);
    library_version(buf, sizeof buf);
    rc |= set(r, "mpi_library", buf);
    int major, minor;
    MPI_Get_version(&major, &minor);
    snprintf(buf, sizeof buf, "%d.%d", major, minor);
    rc |= set(r, "mpi_version", buf);
    rc |= set_long(r, "ranks", nranks);
  }
  if (hosts_meta(comm, rank, nranks, r)) rc = -1;
  if (rank != 0) return 0;

  rc |= slurm_meta(r);
  rc |= mpi_env_meta(r);
  time_t now = time(NULL);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  rc |= set(r, "date_utc", buf);
  command_line(argc, argv, buf, sizeof buf);
  rc |= set(r, "command", buf);
  rc |= set(r, "clock", mm_clock_name());
  snprintf(buf, sizeof buf, "%g", mm_clock_resolution_ns());
  rc |= set(r, "clock_resolution_ns", buf);
  return rc ? -1 : 0;
}
