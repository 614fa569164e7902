#include "output.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include "atomic_file.h"
#include "errors.h"
#include "marks.h"
#include "modes.h"
#include "placement.h"
#include "sizes.h"
#include "stats.h"

const char *const mm_csv_columns[] = {
#define MM_COLUMN(name, what) #name,
#include "columns.def"
#undef MM_COLUMN
    NULL};

/* Column indices, from the same list: the writers below go through the
 * columns in the list's order, so no writer can put a value under the
 * wrong name. */
enum {
#define MM_COLUMN(name, what) MM_COL_##name,
#include "columns.def"
#undef MM_COLUMN
  MM_N_COLUMNS
};

const char *mm_output_column(size_t i, int merged) {
  if (i >= MM_N_COLUMNS) return NULL;
  if (merged) { /* a merged measurement names its level (docs/output.md) */
    switch (i) {
      case MM_COL_rounds: return "launches";
      case MM_COL_round_min: return "launch_min";
      case MM_COL_round_max: return "launch_max";
      case MM_COL_round_medians: return "launch_medians";
      case MM_COL_round_probes_ns: return "launch_probes_ns";
      default: break;
    }
  }
  return mm_csv_columns[i];
}

static void csv_put(FILE *fp, const char *s, bool meta);

/* The run's state probes (#@state_probe_ns: one a round, merged one a
 * launch) into ns[0..MM_MAX_ROUNDS); how many (0: none measured). */
static size_t run_probes(const mm_results *r, double *ns) {
  size_t got = 0;
  const char *text = mm_results_meta(r, "state_probe_ns");
  for (char *end; text && got < MM_MAX_ROUNDS && (ns[got] = strtod(text, &end)) > 0; text = end + (*end == ';'))
    got++;
  return got;
}

/* The modes of a row's round medians (modes.h: mm_modes_probed, by the
 * states its rounds ran in where they tell); one mode is the row itself
 * (its median and interval: the same rule over the same values, or the
 * samples' CI for one round). The state of each round: the row's own probe
 * (round_probes_ns), else the run's per round (#@state_probe_ns, files
 * written before rows had their own), else none; probe[j] is the median
 * over mode j's rounds, NaN without. */
static size_t row_modes(const mm_results *r, const mm_row *w, mm_mode *m, double *probe) {
  size_t which[MM_MAX_ROUNDS], n = w->rounds > 0 ? (size_t)w->rounds : 0;
  double ns[MM_MAX_ROUNDS];
  size_t got = mm_row_probes(w);
  if (got) memcpy(ns, w->round_probe, got * sizeof *ns);
  else got = run_probes(r, ns);
  size_t k = n >= 2 ? mm_modes_probed(w->round_median, got == n ? ns : NULL, n, m, which) : 0;
  if (k < 2) {
    m[0] = (mm_mode){w->st.median, w->st.ci_low, w->st.ci_high, n ? n : 1};
    k = 1;
    for (size_t i = 0; i < n; i++) which[i] = 0;
  }
  if (probe) mm_mode_probes(which, got == n ? ns : NULL, n, k, probe);
  return k;
}

/* What a row's columns say of its modes, found once per row written: the
 * modes, each one's state probe, and the all-data interval, where another
 * run's median falls: the row's own, widened over its modes
 * (mm_modes_widen). The same modes each time the row is written, so a
 * file written again keeps its interval. */
typedef struct row_view {
  mm_mode m[MM_MAX_MODES];
  double probe[MM_MAX_MODES];
  size_t k;
  double lo, hi;
} row_view;

static void row_view_of(const mm_results *r, const mm_row *w, row_view *v) {
  v->k = row_modes(r, w, v->m, v->probe);
  v->lo = w->st.ci_low, v->hi = w->st.ci_high;
  mm_modes_widen(v->m, v->k, &v->lo, &v->hi);
}

static void row_interval(const mm_results *r, const mm_row *w, double *lo, double *hi) {
  row_view v;
  row_view_of(r, w, &v);
  *lo = v.lo, *hi = v.hi;
}

/* A list of numbers: ';'-separated (CSV) or an array (JSON); NaN as an
 * empty item (CSV) or null (JSON). */
static void write_list(FILE *fp, const double *v, size_t n, bool json) {
  if (json) fputc('[', fp);
  for (size_t i = 0; i < n; i++) {
    if (i) fputs(json ? ", " : ";", fp);
    if (isfinite(v[i])) fprintf(fp, "%.6g", v[i]);
    else if (json) fputs("null", fp);
  }
  if (json) fputc(']', fp);
}

/* Column col of a row's modes. */
static void write_modes(FILE *fp, const row_view *v, size_t col, bool json);

/* One value of a row (v: its modes and interval): strings bare (CSV) or
 * quoted (JSON), the round medians separated by ';' (CSV) or as an array
 * (JSON). */
static void write_value(FILE *fp, const mm_row *w, const row_view *v, size_t col, bool json, unsigned char mark) {
  const mm_stats *s = &w->st;
  const char *text = NULL;
  switch (col) {
    case MM_COL_op: text = w->op; break;
    case MM_COL_path: text = w->path; break;
    case MM_COL_payload: text = w->payload; break;
    case MM_COL_metric: text = w->metric; break;
    case MM_COL_unit: text = w->unit; break;
    case MM_COL_bytes: fprintf(fp, "%zu", w->bytes); return;
    case MM_COL_wire_bytes: fprintf(fp, "%zu", w->wire_bytes); return;
    case MM_COL_samples: fprintf(fp, "%zu", s->n); return;
    case MM_COL_iterations: fprintf(fp, "%lld", w->iterations); return;
    case MM_COL_min: fprintf(fp, "%.6g", s->min); return;
    case MM_COL_median: fprintf(fp, "%.6g", s->median); return;
    case MM_COL_mean: fprintf(fp, "%.6g", s->mean); return;
    case MM_COL_max: fprintf(fp, "%.6g", s->max); return;
    case MM_COL_p99: fprintf(fp, "%.6g", s->p99); return;
    case MM_COL_ci_low:
    case MM_COL_ci_high: fprintf(fp, "%.6g", col == MM_COL_ci_low ? v->lo : v->hi); return;
    case MM_COL_rounds: fprintf(fp, "%d", w->rounds); return;
    case MM_COL_round_min: fprintf(fp, "%.6g", w->round_min); return;
    case MM_COL_round_max: fprintf(fp, "%.6g", w->round_max); return;
    case MM_COL_unstable: fprintf(fp, "%d", mark != MM_MARK_NONE); return;
    case MM_COL_late: fprintf(fp, "%lld", w->late); return;
    case MM_COL_round_medians: write_list(fp, w->round_median, w->rounds > 0 ? (size_t)w->rounds : 0, json); return;
    case MM_COL_round_probes_ns: write_list(fp, w->round_probe, mm_row_probes(w), json); return;
    case MM_COL_modes:
    case MM_COL_mode_medians:
    case MM_COL_mode_ci_low:
    case MM_COL_mode_ci_high:
    case MM_COL_mode_shares:
    case MM_COL_mode_probe_ns: write_modes(fp, v, col, json); return;
    default: return;
  }
  if (json) mm_output_json_string(fp, text);
  else csv_put(fp, text, false);
}

size_t mm_csv_text(char *out, size_t n, const char *in, bool meta) {
  size_t len = 0;
#define PUT(c) (len + 1 < n ? (void)(out[len] = (c)) : (void)0, len++)
  bool quote = !meta && strpbrk(in, ",\"") != NULL, cell_start = !meta;
  if (quote) PUT('"');
  for (const char *p = in; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (cell_start && (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t')) PUT('\'');
    cell_start = meta && c == ',';
    if (c < 0x20 || c == 0x7f) c = ' ';
    if (quote && c == '"') PUT('"');
    PUT((char)c);
  }
  if (quote) PUT('"');
#undef PUT
  if (n) out[len < n ? len : n - 1] = '\0';
  return len;
}

/* s through mm_csv_text, onto fp. */
static void csv_put(FILE *fp, const char *s, bool meta) {
  char small[512];
  size_t need = mm_csv_text(small, sizeof small, s, meta);
  if (need < sizeof small) {
    fputs(small, fp);
    return;
  }
  char *big = malloc(need + 1);
  if (!big) return;  /* memory out: the value is left out, the file stays a CSV */
  mm_csv_text(big, need + 1, s, meta);
  fputs(big, fp);
  free(big);
}

static void write_modes(FILE *fp, const row_view *v, size_t col, bool json) {
  const mm_mode *m = v->m;
  double x[MM_MAX_MODES];
  size_t k = v->k, all = 0;
  for (size_t j = 0; j < k; j++) all += m[j].count;
  for (size_t j = 0; j < k; j++)
    x[j] = col == MM_COL_mode_medians ? m[j].median
           : col == MM_COL_mode_ci_low ? m[j].ci_low
           : col == MM_COL_mode_ci_high ? m[j].ci_high
           : col == MM_COL_mode_probe_ns ? v->probe[j]
                                        : (double)m[j].count / (double)all;
  if (col == MM_COL_modes) fprintf(fp, "%zu", k);
  else write_list(fp, x, k, json);
}

mm_format mm_output_format_for(const char *path) {
  size_t n = strlen(path);
  return n >= 5 && !strcmp(path + n - 5, ".json") ? MM_FORMAT_JSON : MM_FORMAT_CSV;
}

/* ---- CSV: #@key=value metadata, one header row, one row per result ---- */

/* #@stalls of r's rows (marks.h), computed as it is written: a file read
 * back (merge, compare) says what its own rows hold. */
static const char *stalls_meta(const mm_results *r, char *buf, size_t n) {
  return mm_marks_stalls(r, buf, n) ? buf : NULL;
}

void mm_output_csv_meta(FILE *fp, const mm_results *r) {
  char stalls[1024];
  for (size_t i = 0; i < r->n_meta; i++) {
    if (!strcmp(r->meta[i].key, "stalls")) continue;
    fprintf(fp, "#@%s=", r->meta[i].key);
    csv_put(fp, r->meta[i].value, true);
    fputc('\n', fp);
  }
  if (stalls_meta(r, stalls, sizeof stalls)) {
    fputs("#@stalls=", fp);
    csv_put(fp, stalls, true);
    fputc('\n', fp);
  }
}

/* The marks of r's rows (marks.h), or NULL when memory runs out. */
static unsigned char *row_marks(const mm_results *r, mm_stability *s) {
  unsigned char *marks = malloc(r->n_rows ? r->n_rows : 1);
  if (marks && mm_marks_compute(r, marks, s)) {
    free(marks);
    return NULL;
  }
  return marks;
}

static int write_csv(FILE *fp, const mm_results *r) {
  int merged = mm_results_meta(r, "merge") != NULL;
  mm_stability st;
  unsigned char *marks = row_marks(r, &st);
  if (!marks) return -1;
  mm_output_csv_meta(fp, r);
  for (size_t c = 0; c < MM_N_COLUMNS; c++) fprintf(fp, "%s%s", c ? "," : "", mm_output_column(c, merged));
  fputc('\n', fp);
  for (size_t i = 0; i < r->n_rows; i++) {
    row_view v;
    row_view_of(r, &r->rows[i], &v);
    for (size_t c = 0; c < MM_N_COLUMNS; c++) {
      if (c) fputc(',', fp);
      write_value(fp, &r->rows[i], &v, c, false, marks[i]);
    }
    fputc('\n', fp);
  }
  free(marks);
  return 0;
}

/* ---- JSON: {"metadata": {...}, "results": [{...}, ...]} ---- */

void mm_output_json_string(FILE *fp, const char *s) {
  fputc('"', fp);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(fp, "\\%c", c);
    else if (c < 0x20) fprintf(fp, "\\u%04x", c);
    else fputc(c, fp);
  }
  fputc('"', fp);
}

void mm_output_json_meta(FILE *fp, const mm_results *r) {
  char stalls[1024];
  fprintf(fp, "{\n  \"metadata\": {");
  bool first = true;
  for (size_t i = 0; i < r->n_meta; i++) {
    if (!strcmp(r->meta[i].key, "stalls")) continue;
    fprintf(fp, "%s\n    ", first ? "" : ",");
    first = false;
    mm_output_json_string(fp, r->meta[i].key);
    fprintf(fp, ": ");
    mm_output_json_string(fp, r->meta[i].value);
  }
  if (stalls_meta(r, stalls, sizeof stalls)) {
    fprintf(fp, "%s\n    \"stalls\": ", first ? "" : ",");
    mm_output_json_string(fp, stalls);
  }
  fprintf(fp, "\n  }");
}

static int write_json(FILE *fp, const mm_results *r) {
  int merged = mm_results_meta(r, "merge") != NULL;
  mm_stability st;
  unsigned char *marks = row_marks(r, &st);
  if (!marks) return -1;
  mm_output_json_meta(fp, r);
  fprintf(fp, ",\n  \"results\": [");
  for (size_t i = 0; i < r->n_rows; i++) {
    fprintf(fp, "%s\n    {", i ? "," : "");
    row_view v;
    row_view_of(r, &r->rows[i], &v);
    for (size_t c = 0; c < MM_N_COLUMNS; c++) {
      fprintf(fp, "%s\"%s\": ", c ? ", " : "", mm_output_column(c, merged));
      write_value(fp, &r->rows[i], &v, c, true, marks[i]);
    }
    fputc('}', fp);
  }
  fprintf(fp, "\n  ]\n}\n");
  free(marks);
  return 0;
}

/* ---- Table: one block per operation, a line per (size, path), a column
 * group per metric; on each object (pkl5) line, its latency over the
 * buffer path's. The default fits 100 columns: each median with its
 * interval as +-% of it; wide (--wide) shows both ends and the payload. ---- */

/* The paths in order (paths.def): lines of one size, and a ratio to the
 * first (buffer) for each of the others. */
static const char *const path_order[] = {
#define MM_PATH(id, name) #name,
#include "paths.def"
#undef MM_PATH
};
#define N_PATHS (sizeof path_order / sizeof *path_order)
#define RATIO_WIDTH 22 /* wide: a ratio column that another one follows */
#define MAX_METRICS 8

typedef struct line_key {
  size_t bytes;
  const char *path, *payload;
  size_t wire_bytes;
} line_key;

/* One operation's block: its metrics, lines, ratio paths and marks. */
typedef struct op_block {
  const mm_results *r;
  const unsigned char *marks;
  const char *op, *metrics[MAX_METRICS], *units[MAX_METRICS], *ratio_paths[N_PATHS];
  size_t n_metrics, n_lines, n_ratios;
  line_key *lines;
  const char *interval; /* "95% PI" or "95% CI" */
} op_block;

static int path_rank(const char *path) {
  for (size_t k = 0; k < N_PATHS; k++)
    if (!strcmp(path, path_order[k])) return (int)k;
  return (int)N_PATHS;
}

static int cmp_line(const void *a, const void *b) {
  const line_key *x = a, *y = b;
  if (x->bytes != y->bytes) return x->bytes < y->bytes ? -1 : 1;
  return path_rank(x->path) - path_rank(y->path); /* buffer, object, pkl5 */
}

/* The index of the row of op at line k's size with this path and metric
 * (the line's own payload on its own path), or -1. */
static long find_row(const op_block *b, const line_key *k, const char *path, const char *metric) {
  for (size_t i = 0; i < b->r->n_rows; i++) {
    const mm_row *w = &b->r->rows[i];
    if (!strcmp(w->op, b->op) && w->bytes == k->bytes && !strcmp(w->path, path) &&
        !strcmp(w->metric, metric) && (path != k->path || !strcmp(w->payload, k->payload)))
      return (long)i;
  }
  return -1;
}

static int collect_block(op_block *b) {
  const mm_results *r = b->r;
  b->lines = calloc(r->n_rows ? r->n_rows : 1, sizeof *b->lines);
  if (!b->lines) return -1;
  int rounds = 1;
  for (size_t i = 0; i < r->n_rows; i++) {
    const mm_row *w = &r->rows[i];
    if (strcmp(w->op, b->op)) continue;
    rounds = w->rounds;
    bool seen = false;
    for (size_t m = 0; m < b->n_metrics; m++) seen |= !strcmp(b->metrics[m], w->metric);
    if (!seen && b->n_metrics < MAX_METRICS)
      b->metrics[b->n_metrics] = w->metric, b->units[b->n_metrics++] = w->unit;
    seen = false;
    for (size_t l = 0; l < b->n_lines; l++)
      seen |= b->lines[l].bytes == w->bytes && !strcmp(b->lines[l].path, w->path) &&
              !strcmp(b->lines[l].payload, w->payload);
    if (!seen) b->lines[b->n_lines++] = (line_key){w->bytes, w->path, w->payload, w->wire_bytes};
  }
  qsort(b->lines, b->n_lines, sizeof *b->lines, cmp_line);
  /* A ratio for each pickling path present next to the buffer path. */
  bool has_buffer = false;
  for (size_t l = 0; l < b->n_lines; l++) has_buffer |= !strcmp(b->lines[l].path, path_order[0]);
  for (size_t k = 1; k < N_PATHS && has_buffer; k++)
    for (size_t l = 0; l < b->n_lines; l++)
      if (!strcmp(b->lines[l].path, path_order[k])) {
        b->ratio_paths[b->n_ratios++] = path_order[k];
        break;
      }
  b->interval = mm_interval_name((size_t)rounds);
  return 0;
}

/* Line k's rows of its path and of the buffer path, its first metric's
 * (latency; pairs: bandwidth), or -1 when it has no ratio. */
static int ratio_rows(const op_block *b, const line_key *k, const mm_row **num, const mm_row **den) {
  if (!strcmp(k->path, path_order[0])) return -1;
  long o = find_row(b, k, k->path, b->metrics[0]), f = find_row(b, k, path_order[0], b->metrics[0]);
  if (o < 0 || f < 0) return -1;
  *num = &b->r->rows[o], *den = &b->r->rows[f];
  return 0;
}

/* The modes of line k's per-round ratios to the buffer path (both paths
 * measured back to back), by the states its rounds ran in (the buffer
 * row's probes; mm_ratio_modes, which the report calls too); probe[j] each
 * mode's (or NULL). 0 when there is no ratio or it is one group. */
static size_t ratio_modes(const op_block *b, const line_key *k, mm_mode *m, double *probe) {
  const mm_row *num, *den;
  if (ratio_rows(b, k, &num, &den) || num->rounds != den->rounds || num->rounds < 2) return 0;
  size_t n = (size_t)num->rounds;
  return mm_ratio_modes(num->round_median, den->round_median,
                        mm_row_probes(den) == n ? den->round_probe : NULL, n, m, probe);
}

/* Line k's ratio to the buffer path at its size, paired by round: the
 * median of the per-round ratios and a repeat run's 95% interval, widened
 * over their modes (as a row's). */
static int line_ratio(const op_block *b, const line_key *k, double *ratio, double *lo, double *hi) {
  const mm_row *num, *den;
  if (ratio_rows(b, k, &num, &den)) return -1;
  int n = num->rounds < den->rounds ? num->rounds : den->rounds;
  if (mm_stats_paired_ratio(num->round_median, den->round_median, (size_t)n, true, ratio, lo, hi))
    return -1;
  mm_mode m[MM_MAX_MODES];
  mm_modes_widen(m, ratio_modes(b, k, m, NULL), lo, hi);
  return 0;
}

/* Whether any row of line k stands out of the run. */
static bool line_marked(const op_block *b, const line_key *k) {
  for (size_t m = 0; m < b->n_metrics; m++) {
    long i = find_row(b, k, k->path, b->metrics[m]);
    if (i >= 0 && b->marks[i]) return true;
  }
  return false;
}

/* Today's wide layout: payload, and every interval as [low, high]. */
static void write_block_wide(FILE *fp, const op_block *b) {
  fprintf(fp, "%10s  %-6s  %-10s %10s", "size", "path", "payload", "wire bytes");
  for (size_t m = 0; m < b->n_metrics; m++) {
    char head[48];
    snprintf(head, sizeof head, "%s (%s) median [%s]", b->metrics[m], b->units[m], b->interval);
    fprintf(fp, "  %-36s", head);
  }
  for (size_t q = 0; q < b->n_ratios; q++) {
    char head[48];
    snprintf(head, sizeof head, "%s/buffer [%s]", b->ratio_paths[q], b->interval);
    fprintf(fp, "  %-*s", q + 1 < b->n_ratios ? RATIO_WIDTH : 0, head);
  }
  fputc('\n', fp);
  for (size_t l = 0; l < b->n_lines; l++) {
    const line_key *k = &b->lines[l];
    char size[32];
    fprintf(fp, "%10s  %-6s  %-10s %10zu", mm_size_human(k->bytes, size, sizeof size), k->path,
            k->payload, k->wire_bytes);
    for (size_t m = 0; m < b->n_metrics; m++) {
      long i = find_row(b, k, k->path, b->metrics[m]);
      char cell[64] = "-";
      if (i >= 0) {
        const mm_row *w = &b->r->rows[i];
        double lo, hi;
        row_interval(b->r, w, &lo, &hi);
        snprintf(cell, sizeof cell, "%10.3f [%.3f, %.3f]%s", w->st.median, lo, hi,
                 b->marks[i] ? " !" : "");
      }
      fprintf(fp, "  %-36s", cell);
    }
    double ratio, lo, hi; /* in its path's column (at most one is filled) */
    for (size_t q = 0; q < b->n_ratios; q++)
      if (!strcmp(k->path, b->ratio_paths[q]) && !line_ratio(b, k, &ratio, &lo, &hi))
        fprintf(fp, "%*s  %6.2fx [%.2f, %.2f]", (int)q * (RATIO_WIDTH + 2), "", ratio, lo, hi);
    fputc('\n', fp);
  }
}

/* A median with at least 4 significant digits (at most 9 characters). */
static void value_text(char *buf, size_t n, double v) {
  snprintf(buf, n, v < 1000 ? "%.3f" : v < 100000 ? "%.1f" : "%.0f", v);
}

/* An interval as the larger of its two distances from the median, in % of
 * it ("+-12%", "+-2.1%"; the CSV keeps both ends): at most 6 characters. */
static void spread_text(char *buf, size_t n, double median, double lo, double hi) {
  double up = hi / median - 1.0, down = 1.0 - lo / median, p = 100.0 * (up > down ? up : down);
  if (!(median > 0) || !isfinite(p)) snprintf(buf, n, "-");
  else if (p >= 999.5) snprintf(buf, n, "+->999");
  else snprintf(buf, n, p < 9.95 ? "+-%.1f%%" : "+-%.0f%%", p);
}

static void put_value(FILE *fp, double v) {
  char t[32];
  value_text(t, sizeof t, v);
  fprintf(fp, "%9s", t);
}

static void put_spread(FILE *fp, double median, double lo, double hi) {
  char t[32];
  spread_text(t, sizeof t, median, lo, hi);
  fprintf(fp, " %6s", t);
}

/* A median as a cell shows it: value_text, or a ratio ("2.50x"). */
static void median_text(char *buf, size_t n, double median, bool ratio) {
  if (ratio) snprintf(buf, n, "%.2fx", median);
  else value_text(buf, n, median);
}

const char *mm_output_cell(double median, double lo, double hi, bool ratio, char *buf, size_t n) {
  char v[32], s[32];
  median_text(v, sizeof v, median, ratio);
  spread_text(s, sizeof s, median, lo, hi);
  snprintf(buf, n, "%s %s", v, s);
  return buf;
}

const char *mm_output_modes(const mm_mode *m, size_t k, const double *probe, size_t total, bool ratio,
                            char *buf, size_t n) {
  size_t len = 0;
  if (n) buf[0] = '\0';
  for (size_t j = 0; j < k; j++) {
    char cell[64], state[32] = "";
    bool interval = isfinite(m[j].ci_low); /* the cell as the table shows it, or its median alone */
    if (interval) mm_output_cell(m[j].median, m[j].ci_low, m[j].ci_high, ratio, cell, sizeof cell);
    else median_text(cell, sizeof cell, m[j].median, ratio);
    if (probe && isfinite(probe[j])) snprintf(state, sizeof state, ", line %.0f ns", probe[j]);
    int at = snprintf(buf + len, len < n ? n - len : 0, "%s%s (%zu of %zu%s%s)", j ? " | " : "", cell,
                      m[j].count, total, interval ? "" : ", no interval", state);
    if (at > 0) len += (size_t)at;
  }
  /* Two modes whose probes are one state (MM_STATE_RATIO): the probe
   * names where each began, not why they differ (a launch whose state
   * changed after its probe: 1 B read 0.130 and 0.371 us at 58 and 59 ns) */
  bool alike = false;
  for (size_t j = 0; probe && j < k; j++)
    for (size_t l = j + 1; l < k; l++)
      alike |= isfinite(probe[j]) && isfinite(probe[l]) && probe[j] > 0 && probe[l] > 0 &&
               fabs(log(probe[j] / probe[l])) <= log(MM_STATE_RATIO);
  if (alike) snprintf(buf + len, len < n ? n - len : 0, "; the state probe does not tell them apart");
  return buf;
}

/* Under a line whose first metric's rounds (launches) fall into modes, each
 * mode (mm_output_modes); under one whose object/buffer ratios do, theirs
 * ("to buffer: 2.52x +-3.0% (5 of 6, ...) | 1.65x (1 of 6, ...)"). */
static void put_modes_line(FILE *fp, const op_block *b, const line_key *k) {
  long i = find_row(b, k, k->path, b->metrics[0]);
  if (i < 0) return;
  const mm_row *w = &b->r->rows[i];
  mm_mode m[MM_MAX_MODES];
  double probe[MM_MAX_MODES];
  char text[512];
  size_t n = row_modes(b->r, w, m, probe);
  if (n >= 2)
    fprintf(fp, "%17s modes: %s\n", "", mm_output_modes(m, n, probe, (size_t)w->rounds, false, text, sizeof text));
  n = ratio_modes(b, k, m, probe); /* the object/buffer ratio's, by the same rule */
  if (n >= 2)
    fprintf(fp, "%17s to buffer: %s\n", "", mm_output_modes(m, n, probe, (size_t)w->rounds, true, text, sizeof text));
}

/* The default layout: 100 columns for up to three metrics and a ratio. */
static void write_block(FILE *fp, const op_block *b) {
  /* The payload of each path, once, above the block (if one path has
   * several, each line's path says which: "object:floats"). */
  bool one_payload = true;
  for (size_t l = 0; l < b->n_lines; l++)
    for (size_t j = 0; j < l; j++)
      one_payload &= strcmp(b->lines[j].path, b->lines[l].path) ||
                     !strcmp(b->lines[j].payload, b->lines[l].payload);
  if (one_payload) {
    fprintf(fp, "# payload:");
    for (size_t l = 0; l < b->n_lines; l++) {
      bool first = true;
      for (size_t j = 0; j < l; j++) first &= strcmp(b->lines[j].path, b->lines[l].path) != 0;
      if (first) fprintf(fp, " %s %s;", b->lines[l].path, b->lines[l].payload);
    }
    fprintf(fp, " medians, +- the %s's half-width in %%\n", b->interval);
  }
  /* Two header lines: the metric over its unit and the interval. */
  const char *pm = strcmp(b->interval, "95% CI") ? "+-PI" : "+-CI";
  fprintf(fp, "%8s  %-6s %7s", "", "", "");
  for (size_t m = 0; m < b->n_metrics; m++) fprintf(fp, "  %9s %6s", b->metrics[m], "");
  char ratio_head[40]; /* the ratio is of the first metric (latency; pairs: bandwidth) */
  snprintf(ratio_head, sizeof ratio_head, "%s ratio", b->n_metrics ? b->metrics[0] : "");
  if (b->n_ratios) fprintf(fp, "  %16s", ratio_head);
  fprintf(fp, "\n%8s  %-6s %7s", "size", "path", "wire B");
  for (size_t m = 0; m < b->n_metrics; m++) fprintf(fp, "  %9s %6s", b->units[m], pm);
  if (b->n_ratios) fprintf(fp, "  %9s %6s", "to buffer", pm);
  fputc('\n', fp);
  for (size_t l = 0; l < b->n_lines; l++) {
    const line_key *k = &b->lines[l];
    char size[32], path[40];
    snprintf(path, sizeof path, one_payload ? "%s" : "%s:%s", k->path, k->payload);
    fprintf(fp, "%8s  %-6s %7zu", mm_size_human(k->bytes, size, sizeof size), path, k->wire_bytes);
    for (size_t m = 0; m < b->n_metrics; m++) {
      long i = find_row(b, k, k->path, b->metrics[m]);
      if (i < 0) {
        fprintf(fp, "  %9s %6s", "-", "");
        continue;
      }
      const mm_row *w = &b->r->rows[i];
      double lo, hi;
      row_interval(b->r, w, &lo, &hi);
      fprintf(fp, "  ");
      put_value(fp, w->st.median);
      put_spread(fp, w->st.median, lo, hi);
    }
    double ratio, lo, hi;
    if (b->n_ratios && !line_ratio(b, k, &ratio, &lo, &hi)) {
      fprintf(fp, "  %8.2fx", ratio);
      put_spread(fp, ratio, lo, hi);
    } else if (b->n_ratios && line_marked(b, k)) {
      fprintf(fp, "  %16s", ""); /* the mark in its column */
    }
    if (line_marked(b, k)) fprintf(fp, " !");
    fputc('\n', fp);
    put_modes_line(fp, b, k);
  }
}

/* A "# " line of the table, broken at spaces into lines of at most 100
 * columns, the later ones indented ("#   "). */
#define TABLE_COLUMNS 100
static void put_note(FILE *fp, const char *text) {
  const char *p = text;
  size_t room = TABLE_COLUMNS;
  while (strlen(p) > room) {
    const char *cut = p + room;
    while (cut > p && *cut != ' ') cut--;
    if (cut == p) break; /* one word longer than a line: as it is */
    fprintf(fp, "%.*s\n#  ", (int)(cut - p), p);
    p = cut;
    room = TABLE_COLUMNS - 3;
  }
  fprintf(fp, "%s\n", p);
}

/* Pickled rows from this size up get the heap note (#@heap=default). */
#define MM_HEAP_NOTE_BYTES (1u << 20)

/* The states line from the run's probes per round (#@state_probe_ns: files
 * whose rows have no probes of their own), or "" without. */
static void run_states_note(const mm_results *r, const char *level, char *line, size_t size) {
  double ns[MM_MAX_ROUNDS];
  size_t probes = run_probes(r, ns);
  mm_mode states[MM_MAX_MODES];
  size_t n_states = probes ? mm_states(ns, probes, states, NULL) : 0;
  line[0] = '\0';
  if (!n_states) return;
  int at = snprintf(line, size, "# states of the machine (a cache line between ranks 0 and 1, #@state_probe_ns):");
  for (size_t j = 0; j < n_states && at > 0 && (size_t)at < size; j++)
    at += snprintf(line + at, size - (size_t)at, "%s line %.0f ns in %zu of %zu %s", j ? "," : "",
                   states[j].median, states[j].count, probes, level);
  if (n_states == 1 && at > 0 && (size_t)at < size)
    snprintf(line + at, size - (size_t)at, "; one state seen: the machine may have others");
}

/* The states line from the rows' own probes (round_probes_ns: every size
 * of every operation probed as it began), each state's share of the rows'
 * rounds (launches); -1 when no row has them or memory runs out. */
static int row_states_note(const mm_results *r, const char *level, char *line, size_t size) {
  size_t n = 0;
  for (size_t i = 0; i < r->n_rows; i++) n += mm_row_probes(&r->rows[i]);
  double *all = n ? malloc(n * sizeof *all) : NULL;
  if (!all) return -1;
  n = 0;
  for (size_t i = 0; i < r->n_rows; i++) {
    size_t k = mm_row_probes(&r->rows[i]);
    memcpy(all + n, r->rows[i].round_probe, k * sizeof *all);
    n += k;
  }
  mm_mode states[MM_MAX_MODES];
  size_t n_states = mm_states(all, n, states, NULL);
  free(all);
  if (!n_states) return -1;
  int at = snprintf(line, size, "# states of the machine (a cache line between ranks 0 and 1, probed as each "
                    "size of each operation began):");
  for (size_t j = 0; j < n_states && at > 0 && (size_t)at < size; j++) {
    double share = 100.0 * (double)states[j].count / (double)n;
    char pct[32];
    if (share < 0.5) snprintf(pct, sizeof pct, "under 1%%"); /* a disturbed probe or two */
    else snprintf(pct, sizeof pct, "%.0f%%", share);
    at += snprintf(line + at, size - (size_t)at, "%s line %.0f ns in %s", j ? "," : "", states[j].median, pct);
  }
  if (at > 0 && (size_t)at < size) at += snprintf(line + at, size - (size_t)at, " of the rows' %s", level);
  if (n_states == 1 && at > 0 && (size_t)at < size)
    snprintf(line + at, size - (size_t)at, "; one state seen: the machine may have others");
  return 0;
}

/* The notes under the table: rows that dropped many late calls, the marks,
 * the run's stability, and what one launch's intervals leave out. */
static void write_table_notes(FILE *fp, const mm_results *r, const mm_stability *st) {
  for (size_t i = 0; i < r->n_rows; i++) {
    const mm_row *w = &r->rows[i];
    long long tried = w->iterations + w->late;
    if (tried > 0 && (double)w->late > 0.10 * (double)tried && !strcmp(w->metric, "latency")) {
      char size[32], note[256];
      snprintf(note, sizeof note, "# note: %s %s (%s path): %lld of %lld calls (%.0f%%) dropped: "
               "a rank reached the start window late", w->op,
               mm_size_human(w->bytes, size, sizeof size), w->path, w->late, tried,
               100.0 * (double)w->late / (double)tried);
      put_note(fp, note);
    }
  }
  const char *level = mm_results_meta(r, "merge") ? "launches" : "rounds";
  char line[sizeof r->meta[0].value + 128];
  const char *binding = mm_results_meta(r, "binding");
  if (binding && mm_binding_is_loose(binding)) {
    snprintf(line, sizeof line, "# placement: %s (timings then depend on where the scheduler "
             "puts each rank: #@placement)", binding);
    put_note(fp, line);
  }
  const char *skipped = mm_results_meta(r, "memory_skipped"), *bound = mm_results_meta(r, "memory_bound_bytes");
  const char *how = mm_results_meta(r, "memory_bound");
  if (skipped && strcmp(skipped, "none") && bound) {
    char amount[32];
    snprintf(line, sizeof line, "# skipped, over the memory bound of %s per rank (%s): %s",
             mm_bytes_human(atof(bound), amount, sizeof amount),
             how && !strncmp(how, "auto", 4) ? "the default; --memory sets it" : "--memory", skipped);
    put_note(fp, line);
  }
  const char *heap = mm_results_meta(r, "heap");
  bool large_pickles = false;
  for (size_t i = 0; i < r->n_rows; i++)
    large_pickles |= strcmp(r->rows[i].path, "buffer") && r->rows[i].bytes >= MM_HEAP_NOTE_BYTES;
  if (heap && !strcmp(heap, "default") && large_pickles) {
    int at = snprintf(line, sizeof line, "# heap: each pickled size as a program that sets nothing and "
                      "sends only that size has it (glibc maps fresh pages above a threshold that "
                      "follows the largest block freed: a program that has also sent larger "
                      "messages pays less; docs/performance.md). --heap pinned measures what "
                      "keeping the pages saves, and a job gets it with");
#define MM_HEAP(param, number, value) \
  if (at > 0 && (size_t)at < sizeof line) at += snprintf(line + at, sizeof line - (size_t)at, " MALLOC%s_=%d", #param + 1, value);
#include "heap.def"
#undef MM_HEAP
    put_note(fp, line);
  }
  char stalls[sizeof line - 128];
  if (stalls_meta(r, stalls, sizeof stalls)) {
    snprintf(line, sizeof line, "# ! stalled: %s: a rank was stopped or lost its CPU for that long "
             "(the median stands; max, mean and p99 do not)", stalls);
    put_note(fp, line);
  }
  if (st->marked) {
    snprintf(line, sizeof line, "# ! a row that stands out of the run: its %s split into two "
             "groups, or spread over %.0fx the typical row's, or a call stalled", level,
             MM_MARK_SPREAD_FACTOR);
    put_note(fp, line);
  }
  size_t moded = 0, rows = 0;
  for (size_t i = 0; i < r->n_rows; i++) {
    mm_mode m[MM_MAX_MODES];
    rows += r->rows[i].rounds >= 2;
    moded += row_modes(r, &r->rows[i], m, NULL) > 1;
  }
  if (moded) {
    snprintf(line, sizeof line, "# modes: %zu of %zu rows fall into separate groups of %s (the machine "
             "ran at different speeds, or a %s went astray): each group's median, interval and "
             "share are under the row; compare mode with mode", moded, rows, level,
             strcmp(level, "rounds") ? "launch" : "round");
    put_note(fp, line);
  }
  if (!row_states_note(r, level, line, sizeof line)) {
    put_note(fp, line);
  } else {
    run_states_note(r, level, line, sizeof line);
    if (line[0]) put_note(fp, line);
  }
  mm_marks_describe(r, st, level, line, sizeof line);
  fprintf(fp, "%s\n", line);
  const char *rounds = mm_results_meta(r, "rounds");
  if (rounds && atoi(rounds) >= 2 && !mm_results_meta(r, "launch") && !mm_results_meta(r, "merge"))
    put_note(fp, mm_one_launch_note);
}

static int write_table(FILE *fp, const mm_results *r, bool wide) {
  /* The mpi4py runner's and a merged measurement's keys too, when present. */
  const char *keys[] = {"mpi_library", "ranks", "nodes", "p2p_placement", "date_utc", "rounds",
                        "sync", "rank_time", "runner", "python_version", "mpi4py_version",
                        "launches", NULL};
  for (size_t i = 0; keys[i]; i++) {
    const char *v = mm_results_meta(r, keys[i]);
    char line[sizeof r->meta[0].value + 64];
    snprintf(line, sizeof line, "# %s: %s", keys[i], v ? v : "");
    if (v) put_note(fp, line);
  }
  mm_stability st;
  unsigned char *marks = row_marks(r, &st);
  if (!marks) return -1;
  int err = 0;
  for (size_t i = 0; i < r->n_rows && !err; i++) {
    bool first = true;
    for (size_t j = 0; j < i && first; j++) first = strcmp(r->rows[j].op, r->rows[i].op) != 0;
    if (!first) continue;
    op_block b = {.r = r, .marks = marks, .op = r->rows[i].op};
    if (collect_block(&b)) {
      err = -1;
      break;
    }
    fprintf(fp, "\n# %s\n", b.op);
    if (wide) write_block_wide(fp, &b);
    else write_block(fp, &b);
    free(b.lines);
  }
  fputc('\n', fp);
  if (!err) write_table_notes(fp, r, &st);
  free(marks);
  return err;
}

char *mm_output_text(const mm_results *r, mm_format format) {
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&text, &len);
  if (!fp) return NULL;
  int bad = mm_output_write(fp, r, format);
  if (fclose(fp) != 0 || bad) {
    free(text);
    return NULL;
  }
  return text;
}

void mm_output_text_free(char *text) { free(text); }

const size_t mm_row_size = sizeof(mm_row), mm_meta_size = sizeof(mm_meta);

int mm_output_write(FILE *fp, const mm_results *r, mm_format format) {
  int err;
  switch (format) {
    case MM_FORMAT_CSV: err = write_csv(fp, r); break;
    case MM_FORMAT_JSON: err = write_json(fp, r); break;
    default: err = write_table(fp, r, format == MM_FORMAT_WIDE); break;
  }
  return err || ferror(fp) ? -1 : 0;
}

void mm_validation_failed(const char *op, const char *path, size_t bytes, int rank, const char *why) {
  char size[32];
  fprintf(stderr, "mpimark: validation failed: %s (%s path), %s: rank %d: %s\n", op, path,
          mm_size_human(bytes, size, sizeof size), rank, why);
  fflush(stderr);
}

typedef struct results_file {
  const mm_results *results;
  mm_format format;
} results_file;

static int write_results_file(FILE *fp, const void *arg) {
  const results_file *f = arg;
  return mm_output_write(fp, f->results, f->format);
}

int mm_output_results(const mm_results *r, mm_format format, const char *path, bool force) {
  char line[1024];
  int stdout_err = MM_OK;
  errno = 0;
  if (mm_output_write(stdout, r, format) || fflush(stdout) || ferror(stdout)) {
    fprintf(stderr, "mpimark: cannot write the results to standard output: %s\n",
            errno ? strerror(errno) : "write error");
    stdout_err = MM_EIO;
  }
  if (!path) return stdout_err;
  const results_file file = {r, mm_output_format_for(path)};
  char why[512];
  int err = mm_write_file_atomic(path, force, write_results_file, &file, why, sizeof why);
  if (err) fprintf(stderr, "mpimark: %s\n", mm_error_line(line, sizeof line, why));
  /* Writing failed after a full run: a runtime failure, not a usage error. */
  return err ? MM_EIO : stdout_err;
}
