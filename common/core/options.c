#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"

static int parse_long(const char *arg, long min, const char *what, long *out, char *err,
                      size_t errlen) {
  char *end;
  errno = 0;
  long v = strtol(arg, &end, 10);
  if (errno || end == arg || *end != '\0' || v < min) {
    snprintf(err, errlen, "bad %s '%s': expected a whole number >= %ld", what, arg, min);
    return -1;
  }
  *out = v;
  return 0;
}

static const char *const path_names[MM_PATH_COUNT] = {
#define MM_PATH(id, name) #name,
#include "paths.def"
#undef MM_PATH
};

/* A list of paths (buffer,object,pkl5), or both (buffer,object) or all. */
static int set_path(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  if (!strcmp(a, "both")) return c->paths = (1u << MM_PATH_BUFFER) | (1u << MM_PATH_OBJECT), 0;
  if (!strcmp(a, "all")) return c->paths = (1u << MM_PATH_COUNT) - 1, 0;
  c->paths = 0;
  for (const char *p = a;; p++) {
    size_t len = strcspn(p, ",");
    int found = -1;
    for (int k = 0; k < MM_PATH_COUNT; k++)
      if (strlen(path_names[k]) == len && !strncmp(p, path_names[k], len)) found = k;
    if (found < 0 || (c->paths >> found) & 1u)
      return snprintf(err, n, "bad --path '%s': expected a list of buffer, object and pkl5 "
                      "(each once), or both or all", a), -1;
    c->paths |= 1u << found;
    p += len;
    if (!*p) return 0;
  }
}

static int set_hugepages(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  if (strcmp(a, "no") && strcmp(a, "yes"))
    return snprintf(err, n, "bad --hugepages '%s': expected no or yes", a), -1;
  c->hugepages = a[0] == 'y';
  return 0;
}

static int set_heap(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  if (strcmp(a, "default") && strcmp(a, "pinned"))
    return snprintf(err, n, "bad --heap '%s': expected default or pinned", a), -1;
  c->heap_pinned = a[0] == 'p';
  return 0;
}

static int set_mpi4py(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  if (strcmp(a, "3") && strcmp(a, "4"))
    return snprintf(err, n, "bad --mpi4py '%s': expected 3 or 4", a), -1;
  c->mpi4py = a[0] - '0';
  return 0;
}

static int set_numpy(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  if (strcmp(a, "1") && strcmp(a, "2"))
    return snprintf(err, n, "bad --numpy '%s': expected 1 or 2", a), -1;
  c->numpy = a[0] - '0';
  return 0;
}

/* auto: mpi4py.util.pkl5's own rule, $MPI4PY_PICKLE_THRESHOLD or 256 KiB. */
static int set_pkl5_threshold(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  const char *env = getenv("MPI4PY_PICKLE_THRESHOLD");
  bool from_env = !strcmp(a, "auto") && env && *env;
  c->pkl5_threshold_auto = !strcmp(a, "auto") && !from_env;
  if (c->pkl5_threshold_auto) return c->pkl5_threshold = MM_PKL5_THRESHOLD_DEFAULT, 0;
  const char *text = from_env ? env : a;
  if (mm_size_parse(text, &c->pkl5_threshold, err, n))
    return snprintf(err, n, "bad %s '%s': expected bytes such as 0, 1024 or 256K",
                    from_env ? "MPI4PY_PICKLE_THRESHOLD" : "--pkl5-threshold", text), -1;
  return 0;
}

static int set_memory(void *cfg, const char *a, char *err, size_t n) {
  return mm_memory_parse(a, &((mm_config *)cfg)->memory, err, n);
}

const char *const mm_payload_names[MM_PAYLOAD_COUNT] = {
#define MM_PAYLOAD(id, name) #name,
#define MM_DATATYPE(name)
#define MM_USER_PAYLOAD(name)
#include "payloads.def"
#undef MM_PAYLOAD
#undef MM_DATATYPE
#undef MM_USER_PAYLOAD
};

const char *const mm_user_payload_name =
#define MM_PAYLOAD(id, name)
#define MM_DATATYPE(name)
#define MM_USER_PAYLOAD(name) #name
#include "payloads.def"
#undef MM_PAYLOAD
#undef MM_DATATYPE
#undef MM_USER_PAYLOAD
    ;

/* MODULE:FUNCTION: a module (a name or a .py file), then an identifier
 * after the last colon. */
static bool user_payload(const char *a) {
  const char *colon = strrchr(a, ':'), *f = colon ? colon + 1 : NULL;
  if (!colon || colon == a || !(isalpha((unsigned char)*f) || *f == '_')) return false;
  while (*++f)
    if (!(isalnum((unsigned char)*f) || *f == '_')) return false;
  return true;
}

static int set_payload(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  c->user_payload = NULL;
  for (int p = 0; p < MM_PAYLOAD_COUNT; p++)
    if (!strcmp(a, mm_payload_names[p])) return c->payload = (mm_payload)p, 0;
  if (user_payload(a)) return c->payload = MM_PAYLOAD_BYTES, c->user_payload = a, 0;
  return snprintf(err, n, "bad --payload '%s': expected bytes, floats, ndarray or MODULE:FUNCTION (mpi4py "
                  "runner only)", a), -1;
}

static int set_sizes(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  return mm_sizes_parse(a, &c->sizes, err, n);
}

static int set_iterations(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  return parse_long(a, 1, "iteration count", &c->iterations, err, n);
}

static int set_warmup(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  if (!strcmp(a, "auto")) {
    c->warmup = MM_WARMUP_AUTO; /* the harness decides */
    return 0;
  }
  return parse_long(a, 0, "warmup count", &c->warmup, err, n);
}

static int set_window(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  long v;
  c->window_auto = !strcmp(a, "auto");
  if (c->window_auto) return c->window = MM_WINDOW_AUTO_MAX, 0;
  if (parse_long(a, 1, "in-flight count", &v, err, n)) return -1;
  if (v > 4096) return snprintf(err, n, "bad in-flight count '%s': at most 4096", a), -1;
  c->window = (int)v;
  return 0;
}

static int set_root(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  long v;
  if (parse_long(a, 0, "root rank", &v, err, n)) return -1;
  if (v > 1 << 30) return snprintf(err, n, "bad root rank '%s'", a), -1;
  c->root = (int)v;
  return 0;
}

static int set_time(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  char *end;
  errno = 0;
  double v = strtod(a, &end);
  if (errno || end == a || *end != '\0' || !isfinite(v) || v <= 0 || v > 3600)
    return snprintf(err, n, "bad --time '%s': expected seconds, > 0 and <= 3600", a), -1;
  c->time_budget = v;
  return 0;
}

static int set_rounds(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  long v;
  if (parse_long(a, 1, "round count", &v, err, n)) return -1;
  if (v > MM_MAX_ROUNDS)
    return snprintf(err, n, "bad round count '%s': at most %d", a, MM_MAX_ROUNDS), -1;
  c->rounds = (int)v;
  return 0;
}

static int set_seed(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  long v;
  if (!strcmp(a, "auto")) return c->seed = 0, 0;
  if (parse_long(a, 1, "seed", &v, err, n)) return -1;
  c->seed = (unsigned long)v;
  return 0;
}

static int set_launch(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  char *slash, *end;
  long i = strtol(a, &slash, 10), l = 0;
  bool ok = a[0] >= '0' && a[0] <= '9' && *slash == '/' && slash[1] >= '0' && slash[1] <= '9';
  if (ok) l = strtol(slash + 1, &end, 10);
  if (!ok || *end != '\0' || l < 1 || l > 1000 || i < 1 || i > 1000)
    return snprintf(err, n, "bad --launch '%s': expected I/L with 1 <= I, L <= 1000", a), -1;
  c->launch = (int)i;
  c->launches = (int)l;
  return 0;
}

static int set_sync(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  for (int s = MM_SYNC_WINDOW; s <= MM_SYNC_BATCH; s++)
    if (!strcmp(a, mm_sync_name((mm_sync)s))) return c->sync = (mm_sync)s, 0;
  return snprintf(err, n, "bad --sync '%s': expected window, barrier or batch", a), -1;
}

static int set_rank_time(void *cfg, const char *a, char *err, size_t n) {
  mm_config *c = cfg;
  for (int s = MM_RANK_SLOWEST; s <= MM_RANK_FASTEST; s++)
    if (!strcmp(a, mm_rank_time_name((mm_rank_time)s))) return c->rank_time = (mm_rank_time)s, 0;
  return snprintf(err, n, "bad --rank-time '%s': expected slowest, average or fastest", a), -1;
}

static int set_format(void *cfg, const char *a, char *err, size_t n) {
  return mm_cli_parse_format(a, &((mm_config *)cfg)->format, err, n);
}

static int set_output(void *cfg, const char *a, char *err, size_t n) {
  return mm_cli_parse_output(a, &((mm_config *)cfg)->output, err, n);
}

MM_CLI_FLAG(set_validate, mm_config, validate, true)
MM_CLI_FLAG(set_force, mm_config, force, true)
MM_CLI_FLAG(set_wide, mm_config, wide, true)
MM_CLI_FLAG(set_quiet, mm_config, quiet, true)
MM_CLI_FLAG(set_help, mm_config, help, true)
MM_CLI_FLAG(set_version, mm_config, version, true)

static const mm_cli_option options[] = {
#define MM_OPTION(name, short_name, arg, def, set, help) {#name, short_name, arg, def, set, help},
#define MM_OPTION_OLD(old, name)
#include "options.def"
#undef MM_OPTION_OLD
#undef MM_OPTION
};
#define N_OPTIONS (sizeof options / sizeof options[0])

static const mm_cli_old_name old_names[] = {
#define MM_OPTION(name, short_name, arg, def, set, help)
#define MM_OPTION_OLD(old, name) {#old, #name},
#include "options.def"
#undef MM_OPTION_OLD
#undef MM_OPTION
};
#define N_OLD_NAMES (sizeof old_names / sizeof old_names[0])

/* A positional argument names an operation to run. */
static int select_op(void *vcfg, const void *ctx, const char *name, char *err, size_t errlen) {
  mm_config *cfg = vcfg;
  const mm_op_names *ops = ctx;
  for (size_t i = 0; i < ops->n; i++) {
    if (!strcmp(ops->names[i], name)) {
      cfg->ops |= 1u << i;
      return 0;
    }
  }
  int len = snprintf(err, errlen, "unknown operation '%s' (choose from:", name);
  for (size_t i = 0; i < ops->n && len > 0 && (size_t)len < errlen; i++)
    len += snprintf(err + len, errlen - (size_t)len, " %s", ops->names[i]);
  if (len > 0 && (size_t)len < errlen) snprintf(err + len, errlen - (size_t)len, ")");
  return -1;
}

int mm_options_parse(int argc, char **argv, const mm_op_names *ops, mm_config *cfg, char *err,
                     size_t errlen) {
  const mm_cli cli = {options, N_OPTIONS, select_op, ops, old_names, N_OLD_NAMES};
  memset(cfg, 0, sizeof *cfg);
  if (mm_cli_parse(&cli, argc, argv, cfg, err, errlen)) return -1;
  bool named = cfg->ops != 0; /* else the default run's operations */
  for (size_t i = 0; !named && i < ops->n && i < 32; i++)
    if (ops->in_default[i]) cfg->ops |= 1u << i;
  if (cfg->wide && cfg->format != MM_FORMAT_TABLE)
    return snprintf(err, errlen, "--wide is a layout of the table; --format %s has none",
                    mm_format_name(cfg->format)), -1;
  if (cfg->wide) cfg->format = MM_FORMAT_WIDE;
  if (cfg->launches > 1) { /* this launch's share of the measurement */
    cfg->rounds = (cfg->rounds + cfg->launches - 1) / cfg->launches;
    cfg->time_budget /= cfg->launches;
  }
  return 0;
}

const char *const mm_options_intro =
    "Usage: mpirun -np N mpimark [OP ...] [options]\n"
    "\n"
    "Measures MPI latency and bandwidth across message sizes, on the buffer path\n"
    "(contiguous memory, like MPI_Send or mpi4py's comm.Send), the object path\n"
    "(pickle protocol 5 objects, like mpi4py's comm.send) and the pkl5 path\n"
    "(mpi4py.util.pkl5: large arrays as out-of-band messages).\n";
const char *const mm_options_notes = "";
const size_t mm_config_size = sizeof(mm_config);

void mm_options_usage(FILE *fp, const mm_op_names *ops, const char *intro, const char *notes) {
  fprintf(fp, "%s\nOperations (default: all but those marked 'named only'):\n", intro);
  for (size_t i = 0; i < ops->n; i++)
    fprintf(fp, "  %-12s %s%s\n", ops->names[i], ops->summaries[i],
            ops->in_default[i] ? "" : " (named only)");
  fprintf(fp, "\nOptions:\n");
  mm_cli_usage(fp, &(const mm_cli){options, N_OPTIONS, NULL, NULL, NULL, 0}, 30);
  fprintf(fp, "\nNext to OSU and IMB (docs/osu-imb.md):\n");
  static const char *const equivalents[][2] = {
#define MM_EQUIV(theirs, ours) {theirs, ours},
#include "equivalents.def"
#undef MM_EQUIV
  };
  for (size_t i = 0; i < sizeof equivalents / sizeof *equivalents; i++)
    fprintf(fp, "  %-26s %s\n", equivalents[i][0], equivalents[i][1]);
  fprintf(fp,
          "\nSizes take K, M, G suffixes (powers of 1024). Latency is in microseconds\n"
          "(half a round trip for sendrecv/isendirecv), bandwidth in MB/s (10^6 bytes/s).\n"
          "%s\nExit codes: 0 ok, 1 runtime or validation failure, 2 usage error.\n", notes);
}

char *mm_options_usage_text(const mm_op_names *ops, const char *intro, const char *notes) {
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&text, &len);
  if (!fp) return NULL;
  mm_options_usage(fp, ops, intro, notes);
  return fclose(fp) ? (free(text), NULL) : text;
}

const char *mm_path_name(mm_path p) { return path_names[p]; }

int mm_stream_window_of(int window, bool window_auto, size_t bytes) {
  if (!window_auto || bytes == 0) return window;
  size_t fit = MM_WINDOW_AUTO_BYTES / bytes;
  return fit < 2 ? 2 : fit > (size_t)window ? window : (int)fit;
}

int mm_stream_window(const mm_config *cfg, size_t bytes) {
  return mm_stream_window_of(cfg->window, cfg->window_auto, bytes);
}

const size_t mm_window_auto_bytes = MM_WINDOW_AUTO_BYTES;

const char *mm_format_name(mm_format f) {
  return f == MM_FORMAT_CSV ? "csv" : f == MM_FORMAT_JSON ? "json" : "table";
}
