#include "modes.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "stats.h"

const size_t mm_mode_size = sizeof(mm_mode), mm_max_modes = MM_MAX_MODES;
const double mm_state_ratio = MM_STATE_RATIO;

/* The range (last - first) of sorted x[a..b). */
static double range(const double *x, size_t a, size_t b) { return x[b - 1] - x[a]; }

/* How far the cut at c[j] stands out of the two segments of sorted x it
 * separates (bounded by the neighbouring cuts): its gap over the wider
 * segment's range. Two single values have no spread to compare a gap
 * with: 0, no cut (1, 2, 3 are one noisy group, not three states). */
static double strength(const double *x, size_t n, const size_t *c, size_t nc, size_t j) {
  size_t a = j ? c[j - 1] : 0, b = j + 1 < nc ? c[j + 1] : n;
  double lo = range(x, a, c[j]), hi = range(x, c[j], b), wider = lo > hi ? lo : hi;
  double gap = x[c[j]] - x[c[j] - 1];
  if (c[j] - a < 2 && b - c[j] < 2) return 0;
  return wider > 0 ? gap / wider : INFINITY;
}

/* A mode of the values x[0..m) (scratch, sorted here): median, and the 95%
 * PI of a repeat's median from MM_MODE_MIN_FOR_INTERVAL values on (up to
 * MM_MAX_ROUNDS: more are not round medians but, say, a run's probes). */
static mm_mode mode_of(double *x, size_t m) {
  qsort(x, m, sizeof *x, mm_cmp_double);
  mm_mode o = {.median = mm_quantile_sorted(x, m, 0.5), .ci_low = NAN, .ci_high = NAN, .count = m};
  if (m >= MM_MODE_MIN_FOR_INTERVAL && m <= MM_MAX_ROUNDS)
    mm_stats_predict(x, m, o.median, &o.ci_low, &o.ci_high);
  return o;
}

/* Groups of v[0..n) (x, lin, c: n each of scratch): every gap of the
 * sorted logs over log(1 + floor) is a candidate cut; with factor > 0, the weakest cut that does not stand out
 * of its two segments by factor goes, and again (segments grow as cuts
 * go); then the narrowest gaps beyond MM_MAX_MODES - 1 cuts. Bottom up, so
 * that three evenly spaced states are three groups. */
static size_t cut(const double *v, size_t n, double floor, double factor, mm_mode *out, size_t *which,
                  double *x, double *lin, size_t *c) {
  for (size_t i = 0; i < n; i++) {
    if (!(v[i] > 0)) return 0;
    x[i] = log(v[i]);
  }
  qsort(x, n, sizeof *x, mm_cmp_double);
  size_t nc = 0;
  for (size_t i = 1; i < n; i++)
    if (x[i] - x[i - 1] > log1p(floor)) c[nc++] = i;
  for (;;) {
    size_t drop = nc;
    double weakest = INFINITY;
    for (size_t j = 0; j < nc && factor > 0; j++) {
      double st = strength(x, n, c, nc, j);
      if (st <= factor && st < weakest) weakest = st, drop = j;
    }
    if (drop == nc && nc + 1 > MM_MAX_MODES) { /* too many: the narrowest gap goes */
      drop = 0;
      for (size_t j = 1; j < nc; j++)
        if (x[c[j]] - x[c[j] - 1] < x[c[drop]] - x[c[drop] - 1]) drop = j;
    }
    if (drop == nc) break;
    for (size_t j = drop; j + 1 < nc; j++) c[j] = c[j + 1];
    nc--;
  }
  for (size_t j = 0; j <= nc; j++) {
    size_t a = j ? c[j - 1] : 0, b = j < nc ? c[j] : n, m = b - a;
    for (size_t i = 0; i < m; i++) lin[i] = exp(x[a + i]);
    out[j] = mode_of(lin, m);
  }
  /* Each value's group: the one whose sorted range holds its log. */
  for (size_t i = 0; which && i < n; i++) {
    double l = log(v[i]);
    which[i] = 0;
    for (size_t j = 0; j < nc; j++)
      if (l >= x[c[j]]) which[i] = j + 1;
  }
  return nc + 1;
}

/* groups() with its scratch: on the stack for a row's rounds, else (a
 * run's probes) from the heap; 0 when memory runs out. */
static size_t groups(const double *v, size_t n, double floor, double factor, mm_mode *out, size_t *which) {
  if (n == 0) return 0;
  if (n <= MM_MAX_ROUNDS) {
    double x[MM_MAX_ROUNDS], lin[MM_MAX_ROUNDS];
    size_t c[MM_MAX_ROUNDS];
    return cut(v, n, floor, factor, out, which, x, lin, c);
  }
  double *x = malloc(2 * n * sizeof *x);
  size_t *c = malloc(n * sizeof *c), k = x && c ? cut(v, n, floor, factor, out, which, x, x + n, c) : 0;
  free(x);
  free(c);
  return k;
}

size_t mm_modes(const double *v, size_t n, mm_mode *out, size_t *which) {
  return groups(v, n, MM_MODE_FLOOR, MM_MODE_GAP_FACTOR, out, which);
}

size_t mm_states(const double *probe, size_t n, mm_mode *out, size_t *which) {
  return groups(probe, n, MM_STATE_RATIO - 1, 0, out, which);
}

size_t mm_modes_probed(const double *v, const double *probe, size_t n, mm_mode *out, size_t *which) {
  mm_mode st[MM_MAX_MODES];
  size_t state[MM_MAX_ROUNDS];
  size_t k = 0;
  for (size_t i = 0; probe && i < n && i < MM_MAX_ROUNDS; i++)
    if (!(probe[i] > 0)) probe = NULL;
  if (probe && n <= MM_MAX_ROUNDS) k = mm_states(probe, n, st, state);
  if (k < 2) return mm_modes(v, n, out, which);
  /* Each state's values' median; states in order of it. */
  double x[MM_MAX_ROUNDS], med[MM_MAX_MODES];
  size_t order[MM_MAX_MODES], group[MM_MAX_MODES];
  for (size_t s = 0; s < k; s++) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
      if (state[i] == s) {
        if (!(v[i] > 0)) return 0;
        x[m++] = v[i];
      }
    med[s] = mode_of(x, m).median;
    order[s] = s;
  }
  for (size_t a = 1; a < k; a++) /* insertion sort of at most MM_MAX_MODES */
    for (size_t b = a; b > 0 && med[order[b]] < med[order[b - 1]]; b--) {
      size_t t = order[b];
      order[b] = order[b - 1], order[b - 1] = t;
    }
  /* Neighbouring states whose medians are within MM_MODE_FLOOR are one
   * mode: the state did not change these values. */
  size_t modes = 0;
  for (size_t a = 0; a < k; a++) {
    if (a > 0 && med[order[a]] > med[order[a - 1]] * (1 + MM_MODE_FLOOR)) modes++;
    group[order[a]] = modes;
  }
  if (++modes < 2) return mm_modes(v, n, out, which);
  for (size_t j = 0; j < modes; j++) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
      if (group[state[i]] == j) x[m++] = v[i];
    out[j] = mode_of(x, m);
  }
  for (size_t i = 0; which && i < n; i++) which[i] = group[state[i]];
  return modes;
}

void mm_modes_widen(const mm_mode *m, size_t k, double *lo, double *hi) {
  for (size_t j = 0; k >= 2 && j < k; j++) {
    bool interval = isfinite(m[j].ci_low) && isfinite(m[j].ci_high);
    *lo = fmin(*lo, interval ? m[j].ci_low : m[j].median);
    *hi = fmax(*hi, interval ? m[j].ci_high : m[j].median);
  }
}

void mm_mode_probes(const size_t *which, const double *probe_of, size_t n, size_t k, double *probe) {
  for (size_t j = 0; j < k; j++) {
    double mine[MM_MAX_ROUNDS];
    size_t c = 0;
    for (size_t i = 0; probe_of && i < n && c < MM_MAX_ROUNDS; i++)
      if (which[i] == j) mine[c++] = probe_of[i];
    qsort(mine, c, sizeof *mine, mm_cmp_double);
    probe[j] = c ? mm_quantile_sorted(mine, c, 0.5) : NAN;
  }
}

size_t mm_ratio_modes(const double *num, const double *den, const double *probe, size_t n,
                      mm_mode *out, double *probe_out) {
  if (n < 2 || n > MM_MAX_ROUNDS) return 0;
  double r[MM_MAX_ROUNDS];
  size_t which[MM_MAX_ROUNDS];
  for (size_t i = 0; i < n; i++) {
    if (!(num[i] > 0 && den[i] > 0)) return 0;
    r[i] = num[i] / den[i];
  }
  size_t k = mm_modes_probed(r, probe, n, out, which);
  if (k < 2) return 0;
  if (probe_out) mm_mode_probes(which, probe, n, k, probe_out);
  return k;
}
