/* The command-line engine every program shares: a table of options (long
 * name, short letter, argument, default, setter, help), parsed the same way
 * on every rank with no MPI and no I/O, and the option list of --help
 * printed from the same table. Each program keeps its own table, setters
 * and config struct; the engine only sees the config as a void pointer. */
#ifndef MM_CLI_H
#define MM_CLI_H

#include <stddef.h>
#include <stdio.h>

/* WIDE: the table's full layout (mpimark --wide; --format names the others). */
typedef enum { MM_FORMAT_TABLE = 0, MM_FORMAT_CSV = 1, MM_FORMAT_JSON = 2, MM_FORMAT_WIDE = 3 } mm_format;

/* Stores arg into cfg. Returns 0, or -1 with a one-line message in err. */
typedef int (*mm_cli_setter)(void *cfg, const char *arg, char *err, size_t errlen);

typedef struct mm_cli_option {
  const char *name;  /* long name, without "--" */
  char short_name;   /* 0 if none */
  const char *arg;   /* argument placeholder, NULL for a flag */
  const char *def;   /* default, applied through set() before parsing */
  mm_cli_setter set;
  const char *help;
} mm_cli_option;

/* Takes one positional argument (in command-line order, between options),
 * with the program's ctx. Returns 0, or -1 with a message in err. */
typedef int (*mm_cli_positional)(void *cfg, const void *ctx, const char *arg, char *err,
                                 size_t errlen);

/* A long name an option had before, which still works. */
typedef struct mm_cli_old_name {
  const char *old, *name; /* without "--" */
} mm_cli_old_name;

typedef struct mm_cli {
  const mm_cli_option *options;
  size_t n_options;
  mm_cli_positional positional; /* NULL: positional arguments are refused */
  const void *ctx;              /* handed to positional */
  const mm_cli_old_name *old_names;
  size_t n_old_names;
} mm_cli;

/* Applies the defaults, then argv[1..argc-1] (--name=V, --name V, -xV, -x V,
 * flags, positionals), to cfg, which the caller has zeroed. Returns 0, or -1
 * with a one-line message in err. */
int mm_cli_parse(const mm_cli *cli, int argc, char **argv, void *cfg, char *err, size_t errlen);

/* One line per option: "  -x, --name ARG" padded to width, the help, and
 * "(default D)". */
void mm_cli_usage(FILE *fp, const mm_cli *cli, int width);

/* The setters' work for --format and --output (a name ending in .csv or
 * .json), shared so that every program accepts and refuses the same words
 * with the same messages. Return 0, or -1 with a message in err. */
int mm_cli_parse_format(const char *arg, mm_format *out, char *err, size_t errlen);
int mm_cli_parse_output(const char *arg, const char **out, char *err, size_t errlen);

/* Defines a setter fn for a flag: it stores value in ((type *)cfg)->field. */
#define MM_CLI_FLAG(fn, type, field, value)                              \
  static int fn(void *cfg, const char *arg, char *err, size_t errlen) { \
    (void)arg, (void)err, (void)errlen;                                  \
    ((type *)cfg)->field = value;                                        \
    return 0;                                                            \
  }

#endif
