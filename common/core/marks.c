#include "marks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"
#include "sizes.h"
#include "stats.h"


/* The log round medians of a row, sorted; how many (0 if any is not > 0). */
static size_t sorted_logs(const mm_row *w, double *x) {
  size_t n = w->rounds > 0 ? (size_t)w->rounds : 0;
  if (n > MM_MAX_ROUNDS) n = MM_MAX_ROUNDS;
  for (size_t i = 0; i < n; i++) {
    if (!(w->round_median[i] > 0)) return 0;
    x[i] = log(w->round_median[i]);
  }
  qsort(x, n, sizeof *x, mm_cmp_double);
  return n;
}

/* The widest gap between neighbours of sorted x[0..n) that leaves at least
 * two values on each side, if it is more than twice the wider side's range;
 * else 0. */
static double split_gap(const double *x, size_t n) {
  double best = 0;
  for (size_t k = 2; k + 2 <= n; k++) { /* x[0..k) below, x[k..n) above */
    double gap = x[k] - x[k - 1];
    double lo = x[k - 1] - x[0], hi = x[n - 1] - x[k], wider = lo > hi ? lo : hi;
    if (gap > 2.0 * wider && gap > best) best = gap;
  }
  return best;
}

/* The states of a row's rounds (mm_states over its round_probes_ns) into
 * state[]; how many (0 or 1: none to tell apart). */
static size_t row_states(const mm_row *w, size_t *state) {
  size_t n = mm_row_probes(w);
  mm_mode m[MM_MAX_MODES];
  return n >= 2 ? mm_states(w->round_probe, n, m, state) : 0;
}

/* A row's spread and split gap (logs), within each state of its rounds
 * where they ran in several (the largest of them), else over all of them;
 * *all: the spread over all; -1 each with fewer than two rounds. Returns
 * whether the row ran in several states. */
static bool row_spread(const mm_row *w, double *spread, double *gap, double *all) {
  double x[MM_MAX_ROUNDS], in[MM_MAX_ROUNDS];
  size_t n = sorted_logs(w, x), state[MM_MAX_ROUNDS];
  *all = *spread = n >= 2 ? x[n - 1] - x[0] : -1;
  *gap = n >= 2 ? split_gap(x, n) : 0;
  size_t k = n >= 2 ? row_states(w, state) : 0;
  if (k < 2) return false;
  *spread = *gap = 0;
  for (size_t j = 0; j < k; j++) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
      if (state[i] == j) in[m++] = log(w->round_median[i]);
    qsort(in, m, sizeof *in, mm_cmp_double);
    if (m >= 2 && in[m - 1] - in[0] > *spread) *spread = in[m - 1] - in[0];
    double g = split_gap(in, m);
    if (g > *gap) *gap = g;
  }
  return true;
}

int mm_marks_compute(const mm_results *r, unsigned char *marks, mm_stability *s) {
  *s = (mm_stability){0};
  /* Per row its spread and split gap (one pass over its medians), and the
   * spreads again, sorted, for the typical one. */
  size_t cap = r->n_rows ? r->n_rows : 1;
  double *spread = malloc(4 * cap * sizeof *spread);
  if (!spread) return -1;
  double *gap = spread + cap, *sorted = gap + cap, *all = sorted + cap;
  for (size_t i = 0; i < r->n_rows; i++) {
    double whole;
    s->by_state += row_spread(&r->rows[i], &spread[i], &gap[i], &whole);
    if (spread[i] < 0) continue;
    all[s->rows] = whole;
    sorted[s->rows++] = spread[i];
    if (spread[i] > log1p(s->worst)) s->worst = expm1(spread[i]), s->worst_row = i;
  }
  qsort(sorted, s->rows, sizeof *sorted, mm_cmp_double);
  qsort(all, s->rows, sizeof *all, mm_cmp_double);
  double typical = s->rows ? mm_quantile_sorted(sorted, s->rows, 0.5) : 0;
  s->typical = expm1(typical);
  s->across = s->rows ? expm1(mm_quantile_sorted(all, s->rows, 0.5)) : 0;
  double floor_ = log1p(MM_MARK_FLOOR);
  for (size_t i = 0; i < r->n_rows; i++) {
    marks[i] = MM_MARK_NONE;
    if (mm_mark_stalled(&r->rows[i])) {
      marks[i] = MM_MARK_STALL;
      s->marked++;
      continue;
    }
    if (spread[i] < 0) continue;
    if (gap[i] > floor_ && gap[i] > MM_MARK_GAP_FACTOR * typical) marks[i] = MM_MARK_SPLIT;
    else if (spread[i] > floor_ && spread[i] > MM_MARK_SPREAD_FACTOR * typical)
      marks[i] = MM_MARK_WIDE;
    s->marked += marks[i] != MM_MARK_NONE;
  }
  free(spread);
  return 0;
}

bool mm_mark_stalled(const mm_row *w) {
  const mm_stats *st = &w->st;
  return !strcmp(w->metric, "latency") && st->median > 0 && st->max > MM_MARK_STALL_FACTOR * st->median &&
         st->max - st->median > MM_MARK_STALL_US;
}

size_t mm_marks_stalls(const mm_results *r, char *buf, size_t n) {
  size_t found = 0, len = 0;
  if (n) buf[0] = '\0';
  for (size_t i = 0; i < r->n_rows; i++) {
    const mm_row *w = &r->rows[i];
    if (!mm_mark_stalled(w)) continue;
    char size[32];
    int k = snprintf(buf + len, len < n ? n - len : 0, "%s%s %s %s: %.3g s (%.2gx its median)",
                     found ? "; " : "", w->op, mm_size_human(w->bytes, size, sizeof size), w->path,
                     w->st.max / 1e6, w->st.max / w->st.median);
    if (k > 0 && len + (size_t)k < n) len += (size_t)k;
    found++;
  }
  return found;
}

void mm_marks_describe(const mm_results *r, const mm_stability *s, const char *level, char *buf,
                       size_t n) {
  if (!s->rows) {
    snprintf(buf, n, "# stability: one round per row, nothing to compare");
    return;
  }
  const mm_row *w = &r->rows[s->worst_row];
  char size[32];
  int len = snprintf(buf, n,
                     "# stability: %sa row's %s differed by %.0f%% typically (largest/smallest "
                     "median),\n#   %.0f%% at worst (%s %s %s %s); %zu of %zu rows stand out (!)",
                     s->by_state ? "within a state,\n#   " : "", level, 100.0 * s->typical,
                     100.0 * s->worst, w->op, mm_size_human(w->bytes, size, sizeof size), w->path,
                     w->metric, s->marked, s->rows);
  if (len > 0 && (size_t)len < n && s->by_state)
    len += snprintf(buf + len, n - (size_t)len,
                    "\n# across its states, a row's %s differed by %.0f%% typically (%zu of %zu rows ran"
                    "\n#   in two states or more): compare state with state (the modes)",
                    level, 100.0 * s->across, s->by_state, s->rows);
  /* Why, as far as the state probes tell: rows that ran in two states
   * say the machine's speed changed; probes that saw one state say the
   * spread came from something they do not see. */
  bool probed = false;
  for (size_t i = 0; i < r->n_rows && !probed; i++) probed = mm_row_probes(&r->rows[i]) > 0;
  const char *why = s->by_state ? "the machine's speed changed while it ran"
                    : probed    ? "not between the states the probe tells apart (another program's load,\n#   "
                                  "the heap, where a launch's memory fell)"
                                : "the machine's speed or load changed while it ran";
  if (len > 0 && (size_t)len < n && s->typical > MM_MARK_NOISY)
    snprintf(buf + len, n - (size_t)len, "\n# a noisy run: %s; compare runs only interleaved", why);
}
