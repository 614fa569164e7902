#include "cli.h"

#include <stdbool.h>
#include <string.h>

/* Whether `name` is the first len characters of an argument, whole. */
static bool named(const char *name, const char *arg, size_t len) {
  return strlen(name) == len && !strncmp(name, arg, len);
}

static const mm_cli_option *find_option(const mm_cli *cli, const char *arg, const char **value) {
  *value = NULL;
  if (arg[0] == '-' && arg[1] == '-') {
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t i = 0; i < cli->n_old_names; i++) /* an earlier spelling */
      if (named(cli->old_names[i].old, name, len)) {
        name = cli->old_names[i].name;
        len = strlen(name);
        break;
      }
    for (size_t i = 0; i < cli->n_options; i++) {
      const mm_cli_option *o = &cli->options[i];
      if (named(o->name, name, len)) {
        if (eq) *value = eq + 1;
        return o;
      }
    }
    return NULL;
  }
  if (arg[0] == '-' && arg[1] != '\0') {
    for (size_t i = 0; i < cli->n_options; i++) {
      const mm_cli_option *o = &cli->options[i];
      if (o->short_name && o->short_name == arg[1]) {
        if (arg[2] != '\0') *value = arg + 2; /* -m1K as well as -m 1K */
        return o;
      }
    }
  }
  return NULL;
}

int mm_cli_parse(const mm_cli *cli, int argc, char **argv, void *cfg, char *err, size_t errlen) {
  for (size_t i = 0; i < cli->n_options; i++) {
    const mm_cli_option *o = &cli->options[i];
    if (o->def && o->set(cfg, o->def, err, errlen)) return -1;
  }
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *value;
    if (arg[0] != '-' || arg[1] == '\0') { /* a lone "-" is an argument, as for getopt */
      if (!cli->positional)
        return snprintf(err, errlen, "unexpected argument '%s' (see --help)", arg), -1;
      if (cli->positional(cfg, cli->ctx, arg, err, errlen)) return -1;
      continue;
    }
    const mm_cli_option *o = find_option(cli, arg, &value);
    if (!o) return snprintf(err, errlen, "unknown option '%s' (see --help)", arg), -1;
    if (!o->arg && value) return snprintf(err, errlen, "option --%s takes no value", o->name), -1;
    if (o->arg && !value) {
      if (i + 1 >= argc)
        return snprintf(err, errlen, "option --%s needs a value: %s", o->name, o->arg), -1;
      value = argv[++i];
    }
    if (o->set(cfg, value ? value : "", err, errlen)) return -1;
  }
  return 0;
}

void mm_cli_usage(FILE *fp, const mm_cli *cli, int width) {
  for (size_t i = 0; i < cli->n_options; i++) {
    const mm_cli_option *o = &cli->options[i];
    char left[64];
    if (o->short_name)
      snprintf(left, sizeof left, "-%c, --%s %s", o->short_name, o->name, o->arg ? o->arg : "");
    else
      snprintf(left, sizeof left, "    --%s %s", o->name, o->arg ? o->arg : "");
    fprintf(fp, "  %-*s %s", width, left, o->help);
    if (o->def) fprintf(fp, " (default %s)", o->def);
    fputc('\n', fp);
  }
}

int mm_cli_parse_format(const char *arg, mm_format *out, char *err, size_t errlen) {
  if (!strcmp(arg, "table")) *out = MM_FORMAT_TABLE;
  else if (!strcmp(arg, "csv")) *out = MM_FORMAT_CSV;
  else if (!strcmp(arg, "json")) *out = MM_FORMAT_JSON;
  else return snprintf(err, errlen, "bad --format '%s': expected table, csv or json", arg), -1;
  return 0;
}

int mm_cli_parse_output(const char *arg, const char **out, char *err, size_t errlen) {
  size_t len = strlen(arg);
  if (len < 5 || (strcmp(arg + len - 4, ".csv") && strcmp(arg + len - 5, ".json")))
    return snprintf(err, errlen, "bad --output '%s': the name must end in .csv or .json", arg), -1;
  *out = arg;
  return 0;
}
