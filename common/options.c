#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef int (*setter)(mm_config *cfg, const char *arg, char *err, size_t errlen);

typedef struct option_def {
  const char *name;  /* long name, without "--" */
  char short_name;   /* 0 if none */
  const char *arg;   /* argument placeholder, NULL for a flag */
  const char *def;   /* default, applied through set() before parsing */
  setter set;
  const char *help;
} option_def;

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

static int set_path(mm_config *c, const char *a, char *err, size_t n) {
  if (!strcmp(a, "buffer")) c->paths = 1u << MM_PATH_BUFFER;
  else if (!strcmp(a, "object")) c->paths = 1u << MM_PATH_OBJECT;
  else if (!strcmp(a, "both")) c->paths = (1u << MM_PATH_BUFFER) | (1u << MM_PATH_OBJECT);
  else return snprintf(err, n, "bad --path '%s': expected buffer, object or both", a), -1;
  return 0;
}

static int set_payload(mm_config *c, const char *a, char *err, size_t n) {
  if (!strcmp(a, "bytes")) c->payload = MM_PAYLOAD_BYTES;
  else if (!strcmp(a, "floats")) c->payload = MM_PAYLOAD_FLOATS;
  else return snprintf(err, n, "bad --payload '%s': expected bytes or floats", a), -1;
  return 0;
}

static int set_sizes(mm_config *c, const char *a, char *err, size_t n) {
  return mm_sizes_parse(a, &c->sizes, err, n);
}

static int set_iterations(mm_config *c, const char *a, char *err, size_t n) {
  return parse_long(a, 1, "iteration count", &c->iterations, err, n);
}

static int set_warmup(mm_config *c, const char *a, char *err, size_t n) {
  return parse_long(a, 0, "warmup count", &c->warmup, err, n);
}

static int set_window(mm_config *c, const char *a, char *err, size_t n) {
  long v;
  if (parse_long(a, 1, "window", &v, err, n)) return -1;
  if (v > 4096) return snprintf(err, n, "bad window '%s': at most 4096", a), -1;
  c->window = (int)v;
  return 0;
}

static int set_root(mm_config *c, const char *a, char *err, size_t n) {
  long v;
  if (parse_long(a, 0, "root rank", &v, err, n)) return -1;
  if (v > 1 << 30) return snprintf(err, n, "bad root rank '%s'", a), -1;
  c->root = (int)v;
  return 0;
}

static int set_time(mm_config *c, const char *a, char *err, size_t n) {
  char *end;
  errno = 0;
  double v = strtod(a, &end);
  if (errno || end == a || *end != '\0' || !isfinite(v) || v <= 0 || v > 3600)
    return snprintf(err, n, "bad --time '%s': expected seconds, > 0 and <= 3600", a), -1;
  c->time_budget = v;
  return 0;
}

static int set_format(mm_config *c, const char *a, char *err, size_t n) {
  if (!strcmp(a, "table")) c->format = MM_FORMAT_TABLE;
  else if (!strcmp(a, "csv")) c->format = MM_FORMAT_CSV;
  else if (!strcmp(a, "json")) c->format = MM_FORMAT_JSON;
  else return snprintf(err, n, "bad --format '%s': expected table, csv or json", a), -1;
  return 0;
}

static int set_output(mm_config *c, const char *a, char *err, size_t n) {
  size_t len = strlen(a);
  if (len < 5 || (strcmp(a + len - 4, ".csv") && strcmp(a + len - 5, ".json")))
    return snprintf(err, n, "bad --output '%s': the name must end in .csv or .json", a), -1;
  c->output = a;
  return 0;
}

static int set_validate(mm_config *c, const char *a, char *e, size_t n) {
  (void)a, (void)e, (void)n;
  c->validate = true;
  return 0;
}
static int set_force(mm_config *c, const char *a, char *e, size_t n) {
  (void)a, (void)e, (void)n;
  c->force = true;
  return 0;
}
static int set_quiet(mm_config *c, const char *a, char *e, size_t n) {
  (void)a, (void)e, (void)n;
  c->quiet = true;
  return 0;
}
static int set_help(mm_config *c, const char *a, char *e, size_t n) {
  (void)a, (void)e, (void)n;
  c->help = true;
  return 0;
}
static int set_version(mm_config *c, const char *a, char *e, size_t n) {
  (void)a, (void)e, (void)n;
  c->version = true;
  return 0;
}

static const option_def options[] = {
    {"path", 0, "buffer|object|both", "both", set_path,
     "which paths to measure: raw buffers (MPI_Send), pickled objects (mpi4py's comm.send)"},
    {"payload", 0, "bytes|floats", "bytes", set_payload,
     "object-path payload: a Python bytes object, or a list of N/8 floats"},
    {"sizes", 'm', "MIN:MAX|LIST", "1:4M", set_sizes,
     "message sizes in bytes: MIN:MAX in powers of two, or a list like 8,1K,64K"},
    {"iterations", 'i', "N", NULL, set_iterations,
     "timed iterations per size (overrides the time budget)"},
    {"warmup", 'x', "N", "10", set_warmup, "untimed warmup iterations per size"},
    {"time", 0, "SECONDS", "0.1", set_time,
     "time budget per operation, metric and size; sampling stops earlier once the "
     "95% CI of the median is within 1%"},
    {"window", 'W', "N", "64", set_window, "messages in flight for bandwidth (like osu_bw)"},
    {"root", 'r', "RANK", "0", set_root, "root rank of bcast, scatter, gather and reduce"},
    {"validate", 'c', NULL, NULL, set_validate,
     "check every received byte (outside timing); exit 1 on a mismatch"},
    {"format", 0, "table|csv|json", "table", set_format, "what to print on stdout"},
    {"output", 'o', "FILE", NULL, set_output,
     "also write the results to FILE (.csv or .json), atomically"},
    {"force", 0, NULL, NULL, set_force, "let --output replace an existing file"},
    {"quiet", 'q', NULL, NULL, set_quiet, "no progress messages on stderr"},
    {"help", 'h', NULL, NULL, set_help, "show this help and exit"},
    {"version", 0, NULL, NULL, set_version, "show the version and exit"},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

static const option_def *find_option(const char *arg, const char **value) {
  *value = NULL;
  if (arg[0] == '-' && arg[1] == '-') {
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t i = 0; i < N_OPTIONS; i++) {
      if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len)) {
        if (eq) *value = eq + 1;
        return &options[i];
      }
    }
    return NULL;
  }
  if (arg[0] == '-' && arg[1] != '\0') {
    for (size_t i = 0; i < N_OPTIONS; i++) {
      if (options[i].short_name && options[i].short_name == arg[1]) {
        if (arg[2] != '\0') *value = arg + 2; /* -m1K as well as -m 1K */
        return &options[i];
      }
    }
  }
  return NULL;
}

static int select_op(mm_config *cfg, const char *name, const mm_op_names *ops, char *err,
                     size_t errlen) {
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
  memset(cfg, 0, sizeof *cfg);
  for (size_t i = 0; i < N_OPTIONS; i++)
    if (options[i].def && options[i].set(cfg, options[i].def, err, errlen)) return -1;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *value;
    if (arg[0] != '-' || arg[1] == '\0') {
      if (select_op(cfg, arg, ops, err, errlen)) return -1;
      continue;
    }
    const option_def *opt = find_option(arg, &value);
    if (!opt) {
      snprintf(err, errlen, "unknown option '%s' (see --help)", arg);
      return -1;
    }
    if (!opt->arg && value) {
      snprintf(err, errlen, "option --%s takes no value", opt->name);
      return -1;
    }
    if (opt->arg && !value) {
      if (i + 1 >= argc) {
        snprintf(err, errlen, "option --%s needs a value: %s", opt->name, opt->arg);
        return -1;
      }
      value = argv[++i];
    }
    if (opt->set(cfg, value ? value : "", err, errlen)) return -1;
  }
  if (cfg->ops == 0) cfg->ops = ops->n >= 32 ? UINT32_MAX : (1u << ops->n) - 1;
  return 0;
}

void mm_options_usage(FILE *fp, const mm_op_names *ops) {
  fprintf(fp,
          "Usage: mpirun -np N mpimark [OP ...] [options]\n"
          "\n"
          "Measures MPI latency and bandwidth across message sizes, on the buffer path\n"
          "(contiguous memory, like MPI_Send or mpi4py's comm.Send) and the object path\n"
          "(pickle protocol 5 objects, like mpi4py's comm.send).\n"
          "\n"
          "Operations (default: all):\n");
  for (size_t i = 0; i < ops->n; i++)
    fprintf(fp, "  %-12s %s\n", ops->names[i], ops->summaries[i]);
  fprintf(fp, "\nOptions:\n");
  for (size_t i = 0; i < N_OPTIONS; i++) {
    const option_def *o = &options[i];
    char left[64];
    if (o->short_name)
      snprintf(left, sizeof left, "-%c, --%s %s", o->short_name, o->name, o->arg ? o->arg : "");
    else
      snprintf(left, sizeof left, "    --%s %s", o->name, o->arg ? o->arg : "");
    fprintf(fp, "  %-30s %s", left, o->help);
    if (o->def) fprintf(fp, " (default %s)", o->def);
    fputc('\n', fp);
  }
  fprintf(fp,
          "\nSizes take K, M, G suffixes (powers of 1024). Latency is in microseconds\n"
          "(half a round trip for sendrecv/isendirecv), bandwidth in MB/s (10^6 bytes/s).\n"
          "\nExit codes: 0 ok, 1 runtime or validation failure, 2 usage error.\n");
}

const char *mm_path_name(mm_path p) { return p == MM_PATH_OBJECT ? "object" : "buffer"; }

const char *mm_format_name(mm_format f) {
  return f == MM_FORMAT_CSV ? "csv" : f == MM_FORMAT_JSON ? "json" : "table";
}
