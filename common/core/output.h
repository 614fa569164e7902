/* The output module: every format is written from one mm_results. */
#ifndef MM_OUTPUT_H
#define MM_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "modes.h"
#include "results.h"

/* The CSV columns, in order, as the header row names them (columns.def). */
extern const char *const mm_csv_columns[];

/* Column i's name (NULL past the last): as a launch names it, or with
 * merged as a merged measurement (#@merge) does: launches, launch_min,
 * launch_max, launch_medians for the round columns. */
const char *mm_output_column(size_t i, int merged);

/* Text as it goes into a CSV file, never as a spreadsheet formula: a piece
 * that a spreadsheet would take for a cell (the text, and whatever follows
 * each ',' in a metadata value) and starts with '=', '+', '-', '@' or a tab
 * gets a "'" before it, as OWASP advises; control characters become spaces
 * (a newline would end the line). A row's cell (meta false) that holds ','
 * or '"' is quoted. Writes at most n-1 bytes and a NUL into out; returns
 * the length it needed. Every CSV writer goes through here, C and Python
 * (core.py). */
size_t mm_csv_text(char *out, size_t n, const char *in, bool meta);

/* The #@key=value metadata lines alone, for programs with their own rows
 * (montecarlo_pi, the scripts) that keep the same self-describing header. */
void mm_output_csv_meta(FILE *fp, const mm_results *r);

/* The opening of a JSON results file, '{' and the "metadata" object, for
 * programs with their own results member (montecarlo_pi). */
void mm_output_json_meta(FILE *fp, const mm_results *r);

/* s as a JSON string: quoted, with '"', '\\' and control characters escaped. */
void mm_output_json_string(FILE *fp, const char *s);

/* Writes r to fp in the given format. Returns 0, or -1 on a write error. */
int mm_output_write(FILE *fp, const mm_results *r, mm_format format);

/* r in the given format as a new string (for the Python side, which calls
 * this through ctypes: python/mpimark_py/core.py), to be released with
 * mm_output_text_free; NULL when memory runs out. */
char *mm_output_text(const mm_results *r, mm_format format);
void mm_output_text_free(char *text);

/* sizeof(mm_row) and sizeof(mm_meta): the Python side checks its mirror of
 * results.h against them before it writes one row. */
extern const size_t mm_row_size, mm_meta_size;

/* A median and its interval as the default table shows them, "0.267 +-2.1%"
 * (ratio: "2.50x +-57%"), into buf; for the report (through core.py). */
const char *mm_output_cell(double median, double lo, double hi, bool ratio, char *buf, size_t n);

/* Modes m[0..k) of total rounds (launches) as the table shows them under a
 * row, "0.140 +-9.1% (3 of 6) | 0.358 (1 of 6, no interval, line 175 ns)"
 * (probe: each mode's state probe in ns, NaN or NULL when not measured;
 * ratio: "2.50x"), into buf; for the table and the report (core.py). */
const char *mm_output_modes(const mm_mode *m, size_t k, const double *probe, size_t total, bool ratio,
                            char *buf, size_t n);

/* The format a file name asks for: .json gives JSON, anything else CSV. */
mm_format mm_output_format_for(const char *path);

/* The results at the end of a run, as both runners write them: to stdout
 * in `format` and, with a path (-o), to that file atomically, never over
 * an existing one unless force (atomic_file.h), in the format its name
 * asks for. A failed write (disk full, closed pipe) is one line on stderr
 * and MM_EIO, a runtime failure; the file is written even when stdout
 * fails, so the results are not lost. Returns MM_OK or MM_EIO. */
int mm_output_results(const mm_results *r, mm_format format, const char *path, bool force);

/* A failed check of received data (-c), on stderr as both runners say it:
 * "mpimark: validation failed: OP (PATH path), SIZE: rank R: WHY". */
void mm_validation_failed(const char *op, const char *path, size_t bytes, int rank, const char *why);

#endif
