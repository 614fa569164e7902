#include "model.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "stats.h"

const size_t mm_model_size = sizeof(mm_model), mm_regime_size = sizeof(mm_regime);

/* A line y = a + c x through points [first, last], by least squares on
 * relative errors (weights 1/y^2: a 1 us message and a 1 ms one count
 * alike), a and c kept >= 0 (a time that shrinks with size, or a negative
 * time at no bytes, is noise). Returns the weighted squared error. */
static double line(const double *x, const double *y, size_t stride, size_t first, size_t last, double *a,
                   double *c) {
  double s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = first; i <= last; i++) {
    double yi = y[i * stride], w = 1.0 / (yi * yi);
    s += w, sx += w * x[i], sy += w * yi, sxx += w * x[i] * x[i], sxy += w * x[i] * yi;
  }
  double det = s * sxx - sx * sx;
  *c = det > 0 ? (s * sxy - sx * sy) / det : 0;
  *a = (sy - *c * sx) / s;
  if (*c < 0) *c = 0, *a = sy / s;
  if (*a < 0) *a = 0, *c = sxx > 0 ? sxy / sxx : 0;
  double err = 0;
  for (size_t i = first; i <= last; i++) {
    double yi = y[i * stride], d = (yi - *a - *c * x[i]) / yi;
    err += d * d;
  }
  return err;
}

/* The best bounds for k = 1 .. MM_MODEL_MAX_REGIMES regimes (dynamic
 * programming over the last regime's first point), then the k with the
 * least n ln(error / n) + 1.5 (3k - 1) ln n (alpha, beta per regime, a
 * breakpoint between two): 1.5 times BIC's penalty, because the breakpoints
 * are searched for. In tests/unit/test_model.c (3% noise per round, 10
 * rounds, 200 trials), a straight line got a second regime in 47 trials
 * with BIC's own penalty, 6 with 1.5 times it, none with twice; but on real
 * curves twice missed Open MPI's 2-4 KiB switch (sendrecv, buffer path:
 * 1.5 times finds 8 B|16 B, 2 KiB|4 KiB, 512 KiB|1 MiB in two runs, and
 * 32 KiB|64 KiB for the last with the single copy off; docs/model.md).
 * starts[k - 1][j]: the first point of regime j. */
static size_t segment(const double *x, const double *y, size_t n, size_t starts[][MM_MODEL_MAX_REGIMES]) {
  enum { K = MM_MODEL_MAX_REGIMES, M = MM_MODEL_MIN_POINTS };
  double *best = malloc(K * n * sizeof *best); /* best[k * n + j]: k + 1 regimes over points 0..j */
  size_t *from = malloc(K * n * sizeof *from);
  if (!best || !from) {
    free(best), free(from);
    return 0;
  }
  for (size_t i = 0; i < K * n; i++) best[i] = INFINITY, from[i] = 0;
  double a, c;
  for (size_t j = M - 1; j < n; j++) best[j] = line(x, y, 1, 0, j, &a, &c);
  for (size_t k = 1; k < K; k++)
    for (size_t j = (k + 1) * M - 1; j < n; j++)
      for (size_t i = k * M; i + M - 1 <= j; i++) {
        double e = best[(k - 1) * n + i - 1] + line(x, y, 1, i, j, &a, &c);
        if (e < best[k * n + j]) best[k * n + j] = e, from[k * n + j] = i;
      }
  size_t chosen = 1;
  double least = INFINITY, floor = 1e-12; /* exact data: no log of 0 */
  for (size_t k = 0; k < K && (k + 1) * M <= n; k++) {
    size_t end = n - 1;
    for (size_t r = k + 1; r-- > 0;) { /* the bounds, from the last regime back */
      starts[k][r] = r ? from[r * n + end] : 0;
      if (r) end = starts[k][r] - 1;
    }
    double bic = (double)n * log(fmax(best[k * n + n - 1] / (double)n, floor)) +
                 1.5 * (3.0 * (double)(k + 1) - 1.0) * log((double)n);
    if (bic < least - 1e-9) least = bic, chosen = k + 1;
  }
  free(best), free(from);
  return chosen;
}

/* A regime's interval: the fits of each round's values, around the fit of
 * the medians (mm_stats_predict); NaN with fewer than 2 rounds. */
static int intervals(const double *x, const double *rounds, size_t r, mm_regime *g) {
  g->alpha_low = g->alpha_high = g->us_per_byte_low = g->us_per_byte_high = NAN;
  if (!rounds || r < 2) return 0;
  double *a = malloc(2 * r * sizeof *a), *c = a + r;
  if (!a) return -1;
  for (size_t k = 0; k < r; k++) line(x, rounds + k, r, g->first, g->last, &a[k], &c[k]);
  mm_stats_predict(a, r, g->alpha, &g->alpha_low, &g->alpha_high);
  mm_stats_predict(c, r, g->us_per_byte, &g->us_per_byte_low, &g->us_per_byte_high);
  free(a);
  return 0;
}

int mm_model_fit(const double *bytes, const double *us, size_t n, const double *rounds, size_t r,
                 mm_model *m) {
  *m = (mm_model){0};
  if (n < MM_MODEL_MIN_POINTS) return -1;
  for (size_t i = 0; i < n; i++)
    if (!(us[i] > 0) || !isfinite(us[i]) || (i && bytes[i] <= bytes[i - 1])) return -1;
  for (size_t i = 0; rounds && i < n * r; i++)
    if (!(rounds[i] > 0) || !isfinite(rounds[i])) return -1;
  size_t starts[MM_MODEL_MAX_REGIMES][MM_MODEL_MAX_REGIMES];
  size_t k = segment(bytes, us, n, starts);
  if (!k) return -1;
  m->n_regimes = k;
  for (size_t j = 0; j < k; j++) {
    mm_regime *g = &m->regime[j];
    g->first = starts[k - 1][j];
    g->last = j + 1 < k ? starts[k - 1][j + 1] - 1 : n - 1;
    line(bytes, us, 1, g->first, g->last, &g->alpha, &g->us_per_byte);
    if (intervals(bytes, rounds, r, g)) return -1;
  }
  for (size_t i = 0; i < n; i++)
    m->worst_error = fmax(m->worst_error, fabs(mm_model_predict(m, bytes, bytes[i]) - us[i]) / us[i]);
  return 0;
}

const size_t mm_pform_size = sizeof(mm_pform);

const char *mm_pform_name(int kind) { return kind == MM_PFORM_LOG2 ? "ceil(log2 P)" : "P - 1"; }

double mm_pform_x(int kind, double p) { return kind == MM_PFORM_LOG2 ? ceil(log2(p)) : p - 1; }

int mm_model_fit_p(const double *p, const double *v, size_t n, mm_pform *out) {
  size_t distinct = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(p[i] >= 1) || !(v[i] > 0)) return -1;
    bool seen = false;
    for (size_t j = 0; j < i; j++) seen |= p[j] == p[i];
    distinct += !seen;
  }
  if (distinct < 3) return -1;
  double *x = malloc(n * sizeof *x);
  if (!x) return -1;
  out->worst_error = INFINITY;
  for (int kind = 0; kind < MM_PFORM_COUNT; kind++) {
    for (size_t i = 0; i < n; i++) x[i] = mm_pform_x(kind, p[i]);
    mm_pform f = {.kind = kind};
    line(x, v, 1, 0, n - 1, &f.a, &f.b);
    for (size_t i = 0; i < n; i++) f.worst_error = fmax(f.worst_error, fabs(f.a + f.b * x[i] - v[i]) / v[i]);
    if (f.worst_error < out->worst_error) *out = f;
  }
  free(x);
  return 0;
}

size_t mm_model_gap(const mm_model *m, const double *bytes, double at) {
  for (size_t j = 1; j < m->n_regimes; j++)
    if (at > bytes[m->regime[j - 1].last] && at < bytes[m->regime[j].first]) return j;
  return 0;
}

double mm_model_regime_at(const mm_model *m, size_t j, double at) {
  return m->regime[j].alpha + m->regime[j].us_per_byte * at;
}

double mm_model_predict(const mm_model *m, const double *bytes, double at) {
  size_t j = 0;
  while (j + 1 < m->n_regimes && at >= bytes[m->regime[j + 1].first]) j++;
  return mm_model_regime_at(m, j, at);
}
