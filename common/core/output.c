#include "output.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sizes.h"

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
      default: break;
    }
  }
  return mm_csv_columns[i];
}

/* One value of a row: strings bare (CSV) or quoted (JSON), the round
 * medians separated by ';' (CSV) or as an array (JSON). */
static void write_value(FILE *fp, const mm_row *w, size_t col, bool json) {
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
    case MM_COL_ci_low: fprintf(fp, "%.6g", s->ci_low); return;
    case MM_COL_ci_high: fprintf(fp, "%.6g", s->ci_high); return;
    case MM_COL_rounds: fprintf(fp, "%d", w->rounds); return;
    case MM_COL_round_min: fprintf(fp, "%.6g", w->round_min); return;
    case MM_COL_round_max: fprintf(fp, "%.6g", w->round_max); return;
    case MM_COL_unstable: fprintf(fp, "%d", w->unstable); return;
    case MM_COL_late: fprintf(fp, "%lld", w->late); return;
    case MM_COL_round_medians:
      if (json) fputc('[', fp);
      for (int i = 0; i < w->rounds; i++) fprintf(fp, "%s%.6g", i ? (json ? ", " : ";") : "", w->round_median[i]);
      if (json) fputc(']', fp);
      return;
    default: return;
  }
  if (json) mm_output_json_string(fp, text);
  else fputs(text, fp);
}

mm_format mm_output_format_for(const char *path) {
  size_t n = strlen(path);
  return n >= 5 && !strcmp(path + n - 5, ".json") ? MM_FORMAT_JSON : MM_FORMAT_CSV;
}

/* ---- CSV: #@key=value metadata, one header row, one row per result ---- */

void mm_output_csv_meta(FILE *fp, const mm_results *r) {
  for (size_t i = 0; i < r->n_meta; i++)
    fprintf(fp, "#@%s=%s\n", r->meta[i].key, r->meta[i].value);
}

static void write_csv(FILE *fp, const mm_results *r) {
  int merged = mm_results_meta(r, "merge") != NULL;
  mm_output_csv_meta(fp, r);
  for (size_t c = 0; c < MM_N_COLUMNS; c++) fprintf(fp, "%s%s", c ? "," : "", mm_output_column(c, merged));
  fputc('\n', fp);
  for (size_t i = 0; i < r->n_rows; i++) {
    for (size_t c = 0; c < MM_N_COLUMNS; c++) {
      if (c) fputc(',', fp);
      write_value(fp, &r->rows[i], c, false);
    }
    fputc('\n', fp);
  }
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
  fprintf(fp, "{\n  \"metadata\": {");
  for (size_t i = 0; i < r->n_meta; i++) {
    fprintf(fp, "%s\n    ", i ? "," : "");
    mm_output_json_string(fp, r->meta[i].key);
    fprintf(fp, ": ");
    mm_output_json_string(fp, r->meta[i].value);
  }
  fprintf(fp, "\n  }");
}

static void write_json(FILE *fp, const mm_results *r) {
  int merged = mm_results_meta(r, "merge") != NULL;
  mm_output_json_meta(fp, r);
  fprintf(fp, ",\n  \"results\": [");
  for (size_t i = 0; i < r->n_rows; i++) {
    fprintf(fp, "%s\n    {", i ? "," : "");
    for (size_t c = 0; c < MM_N_COLUMNS; c++) {
      fprintf(fp, "%s\"%s\": ", c ? ", " : "", mm_output_column(c, merged));
      write_value(fp, &r->rows[i], c, true);
    }
    fputc('}', fp);
  }
  fprintf(fp, "\n  ]\n}\n");
}

/* ---- Table: one block per operation, a line per (size, path), a column
 * group per metric; next to the buffer path, the object/buffer (and
 * pkl5/buffer) ratio of the first metric (latency) on each object (pkl5)
 * line. ---- */

/* The paths in order (paths.def): lines of one size, and a ratio column to
 * the first (buffer) for each of the others; the width of a ratio column
 * that another one follows. */
static const char *const path_order[] = {
#define MM_PATH(id, name) #name,
#include "paths.def"
#undef MM_PATH
};
#define N_PATHS (sizeof path_order / sizeof *path_order)
#define RATIO_WIDTH 22

typedef struct line_key {
  size_t bytes;
  const char *path, *payload;
  size_t wire_bytes;
} line_key;

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

static const mm_row *find_row(const mm_results *r, const char *op, const line_key *k,
                              const char *path, const char *metric) {
  for (size_t i = 0; i < r->n_rows; i++) {
    const mm_row *w = &r->rows[i];
    if (!strcmp(w->op, op) && w->bytes == k->bytes && !strcmp(w->path, path) &&
        !strcmp(w->metric, metric) && (path != k->path || !strcmp(w->payload, k->payload)))
      return w;
  }
  return NULL;
}

/* The paired ratio num/den of two rows measured back to back in each
 * round: the median of the per-round ratios and the 95% interval a repeat
 * run's would fall in. */
static int paired_ratio(const mm_row *num, const mm_row *den, double *ratio, double *lo,
                        double *hi) {
  int n = num->rounds < den->rounds ? num->rounds : den->rounds;
  return mm_stats_paired_ratio(num->round_median, den->round_median, (size_t)n, true, ratio, lo, hi);
}

static void write_table_op(FILE *fp, const mm_results *r, const char *op) {
  const char *metrics[8], *units[8];
  size_t n_metrics = 0, n_lines = 0;
  line_key *lines = calloc(r->n_rows, sizeof *lines);
  if (!lines) return;
  for (size_t i = 0; i < r->n_rows; i++) {
    const mm_row *w = &r->rows[i];
    if (strcmp(w->op, op)) continue;
    bool seen = false;
    for (size_t m = 0; m < n_metrics; m++) seen |= !strcmp(metrics[m], w->metric);
    if (!seen && n_metrics < 8) metrics[n_metrics] = w->metric, units[n_metrics++] = w->unit;
    seen = false;
    for (size_t l = 0; l < n_lines; l++)
      seen |= lines[l].bytes == w->bytes && !strcmp(lines[l].path, w->path) &&
              !strcmp(lines[l].payload, w->payload);
    if (!seen) lines[n_lines++] = (line_key){w->bytes, w->path, w->payload, w->wire_bytes};
  }
  qsort(lines, n_lines, sizeof *lines, cmp_line);
  /* A ratio column per pickling path present next to the buffer path. */
  const char *ratio_paths[N_PATHS];
  size_t n_ratios = 0;
  bool has_buffer = false;
  for (size_t l = 0; l < n_lines; l++) has_buffer |= !strcmp(lines[l].path, path_order[0]);
  for (size_t k = 1; k < N_PATHS && has_buffer; k++)
    for (size_t l = 0; l < n_lines; l++)
      if (!strcmp(lines[l].path, path_order[k])) {
        ratio_paths[n_ratios++] = path_order[k];
        break;
      }

  int rounds = 1;
  for (size_t i = 0; i < r->n_rows; i++)
    if (!strcmp(r->rows[i].op, op)) rounds = r->rows[i].rounds;
  const char *interval = mm_interval_name((size_t)rounds);
  fprintf(fp, "\n# %s\n", op);
  fprintf(fp, "%10s  %-6s  %-10s %10s", "size", "path", "payload", "wire bytes");
  for (size_t m = 0; m < n_metrics; m++) {
    char head[48];
    snprintf(head, sizeof head, "%s (%s) median [%s]", metrics[m], units[m], interval);
    fprintf(fp, "  %-36s", head);
  }
  for (size_t k = 0; k < n_ratios; k++) {
    char head[48];
    snprintf(head, sizeof head, "%s/buffer [%s]", ratio_paths[k], interval);
    fprintf(fp, "  %-*s", k + 1 < n_ratios ? RATIO_WIDTH : 0, head);
  }
  fputc('\n', fp);

  for (size_t l = 0; l < n_lines; l++) {
    const line_key *k = &lines[l];
    char size[32];
    fprintf(fp, "%10s  %-6s  %-10s %10zu", mm_size_human(k->bytes, size, sizeof size), k->path,
            k->payload, k->wire_bytes);
    for (size_t m = 0; m < n_metrics; m++) {
      const mm_row *w = find_row(r, op, k, k->path, metrics[m]);
      char cell[64] = "-";
      if (w)
        snprintf(cell, sizeof cell, "%10.3f [%.3f, %.3f]%s", w->st.median, w->st.ci_low,
                 w->st.ci_high, w->unstable ? " !" : "");
      fprintf(fp, "  %-36s", cell);
    }
    /* The line's ratio in its path's column (at most one is filled). */
    for (size_t q = 0; q < n_ratios; q++) {
      if (strcmp(k->path, ratio_paths[q])) continue;
      const mm_row *o = find_row(r, op, k, ratio_paths[q], metrics[0]);
      const mm_row *b = find_row(r, op, k, path_order[0], metrics[0]);
      double ratio, lo, hi;
      if (!o || !b || paired_ratio(o, b, &ratio, &lo, &hi)) continue;
      fprintf(fp, "%*s  %6.2fx [%.2f, %.2f]", (int)q * (RATIO_WIDTH + 2), "", ratio, lo, hi);
    }
    fputc('\n', fp);
  }
  free(lines);
}


/* The notes under the table: rows that dropped many late calls, rows
 * whose rounds disagree, and what one launch's intervals leave out. */
static void write_table_notes(FILE *fp, const mm_results *r) {
  size_t unstable = 0;
  for (size_t i = 0; i < r->n_rows; i++) {
    const mm_row *w = &r->rows[i];
    unstable += w->unstable;
    long long tried = w->iterations + w->late;
    if (tried > 0 && (double)w->late > 0.10 * (double)tried && !strcmp(w->metric, "latency")) {
      char size[32];
      fprintf(fp, "# note: %s %s (%s path): %lld of %lld calls (%.0f%%) dropped: a rank reached "
              "the start window late\n", w->op, mm_size_human(w->bytes, size, sizeof size),
              w->path, w->late, tried, 100.0 * (double)w->late / (double)tried);
    }
  }
  if (unstable)
    fprintf(fp, "# ! %zu of %zu rows changed by more than %.0f%% between rounds: the machine's "
            "performance changed during the run\n", unstable, r->n_rows,
            100.0 * MM_UNSTABLE_SPREAD);
  const char *rounds = mm_results_meta(r, "rounds");
  if (rounds && atoi(rounds) >= 2 && !mm_results_meta(r, "launch") && !mm_results_meta(r, "merge"))
    fprintf(fp, "%s\n", mm_one_launch_note);
}

static void write_table(FILE *fp, const mm_results *r) {
  /* The mpi4py runner's and a merged measurement's keys too, when present. */
  const char *keys[] = {"mpi_library", "ranks", "nodes", "p2p_placement", "date_utc", "rounds",
                        "sync", "runner", "python_version", "mpi4py_version", "launches", NULL};
  for (size_t i = 0; keys[i]; i++) {
    const char *v = mm_results_meta(r, keys[i]);
    if (v) fprintf(fp, "# %s: %s\n", keys[i], v);
  }
  for (size_t i = 0; i < r->n_rows; i++) {
    bool first = true;
    for (size_t j = 0; j < i && first; j++) first = strcmp(r->rows[j].op, r->rows[i].op) != 0;
    if (first) write_table_op(fp, r, r->rows[i].op);
  }
  fputc('\n', fp);
  write_table_notes(fp, r);
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
  switch (format) {
    case MM_FORMAT_CSV: write_csv(fp, r); break;
    case MM_FORMAT_JSON: write_json(fp, r); break;
    default: write_table(fp, r); break;
  }
  return ferror(fp) ? -1 : 0;
}
