#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The limits above as values, for the Python side (ctypes cannot read a #define). */
const size_t mm_stats_max_rounds = MM_MAX_ROUNDS;

const char *const mm_ci_method_rounds =
    "95% prediction interval of a repeat run's median, from the round medians (Student's t "
    "on their log scale: median -+ t(R-1) * sd * sqrt(pi/R))";
const char *const mm_one_launch_note =
    "# intervals: from this launch's rounds; another launch of the job can differ by a few "
    "percent more (scripts/measure merges launches)";
const char *const mm_ci_method_samples =
    "95% CI of the median from the samples of one round (order statistics)";

const char *mm_interval_name(size_t rounds) { return rounds >= 2 ? "95% PI" : "95% CI"; }

#define MM_PI 3.14159265358979323846 /* as Python's math.pi */

int mm_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double mm_quantile_sorted(const double *sorted, size_t n, double q) {
  if (n == 0) return NAN;
  double h = (double)(n - 1) * q;
  size_t lo = (size_t)floor(h);
  if (lo + 1 >= n) return sorted[n - 1];
  return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/* P(B = i) for B ~ binomial(n, 1/2), in log space so that n in the
 * thousands neither overflows nor underflows. */
static double binom_half_pmf(size_t n, size_t i) {
  return exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
             lgamma((double)(n - i) + 1) - (double)n * log(2.0));
}

void mm_median_ci_ranks(size_t n, size_t *lo, size_t *hi) {
  *lo = 0;
  *hi = n ? n - 1 : 0;
  if (n < 6) return;
  /* The interval [x_(l), x_(n-l+1)] (1-based) covers the median with
   * probability 1 - 2 P(B <= l-1); take the largest l that keeps >= 95%. */
  size_t l = 0;
  if (n <= 2000) {
    double cdf = binom_half_pmf(n, 0);
    while (cdf <= 0.025) cdf += binom_half_pmf(n, ++l);
  } else {
    l = (size_t)floor((double)n / 2.0 - 1.959964 * sqrt((double)n) / 2.0);
  }
  if (l < 1) l = 1;
  *lo = l - 1;
  *hi = n - l;
}

int mm_stats_compute(const double *samples, size_t n, mm_stats *out) {
  if (n == 0) return -1;
  double *s = malloc(n * sizeof *s);
  if (!s) return -1;
  memcpy(s, samples, n * sizeof *s);
  qsort(s, n, sizeof *s, mm_cmp_double);

  double sum = 0.0;
  for (size_t i = 0; i < n; i++) sum += s[i];
  size_t lo, hi;
  mm_median_ci_ranks(n, &lo, &hi);

  out->n = n;
  out->min = s[0];
  out->max = s[n - 1];
  out->mean = sum / (double)n;
  out->median = mm_quantile_sorted(s, n, 0.5);
  out->p99 = mm_quantile_sorted(s, n, 0.99);
  out->ci_low = s[lo];
  out->ci_high = s[hi];
  free(s);
  return 0;
}

double mm_stats_rel_ci(const mm_stats *s) {
  if (!(s->median > 0)) return INFINITY;
  return (s->ci_high - s->ci_low) / (2.0 * s->median);
}

int mm_stats_rounds(const double *medians, size_t r, mm_round_stats *out) {
  if (r == 0 || r > MM_MAX_ROUNDS) return -1;
  size_t lowest = 0, highest = 0;
  for (size_t i = 0; i < r; i++) {
    if (medians[i] < medians[lowest]) lowest = i;
    if (medians[i] > medians[highest]) highest = i;
  }
  mm_stats st; /* the round medians as samples: their median */
  if (mm_stats_compute(medians, r, &st)) return -1;
  out->median = st.median, out->ci_low = st.ci_low, out->ci_high = st.ci_high;
  if (r >= 2) mm_stats_predict(medians, r, st.median, &out->ci_low, &out->ci_high);
  out->round_min = medians[lowest];
  out->round_max = medians[highest];
  return 0;
}

double mm_t975(size_t df) {
  const double p = 0.975, z = 1.959963984540054; /* the normal's 97.5% quantile */
  if (df == 1) return tan(MM_PI * (p - 0.5));
  if (df == 2) return (2.0 * p - 1.0) * sqrt(2.0 / (4.0 * p * (1.0 - p)));
  double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2, v = (double)df;
  double g1 = (z3 + z) / 4.0;
  double g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
  double g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
  double g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;
  return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

int mm_stats_predict(const double *v, size_t r, double centre, double *lo, double *hi) {
  if (r < 2) return -1;
  size_t n = r < MM_MAX_ROUNDS ? r : MM_MAX_ROUNDS;
  bool logs = centre > 0;
  for (size_t i = 0; i < n; i++) logs = logs && v[i] > 0;
  double x[MM_MAX_ROUNDS], mean = 0.0, ss = 0.0;
  for (size_t i = 0; i < n; i++) x[i] = logs ? log(v[i]) : v[i];
  for (size_t i = 0; i < n; i++) mean += x[i];
  mean /= (double)n;
  for (size_t i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  double h = mm_t975(n - 1) * sqrt(ss / (double)(n - 1)) * sqrt(MM_PI / (double)n);
  /* every metric is >= 0 (a time, a rate, a ratio, an overlap %): a
   * repeat run cannot land below 0 */
  *lo = logs ? centre * exp(-h) : (centre - h > 0 ? centre - h : 0.0);
  *hi = logs ? centre * exp(h) : centre + h;
  return 0;
}

int mm_stats_paired_ratio(const double *num, const double *den, size_t r, bool repeat,
                          double *median, double *ci_low, double *ci_high) {
  double v[MM_MAX_ROUNDS] = {0};
  size_t n = 0;
  for (size_t i = 0; i < r && i < MM_MAX_ROUNDS; i++)
    if (den[i] > 0) v[n++] = num[i] / den[i];
  mm_stats st;
  if (mm_stats_compute(v, n, &st)) return -1;
  *median = st.median, *ci_low = st.ci_low, *ci_high = st.ci_high;
  if (repeat && n >= 2) mm_stats_predict(v, n, st.median, ci_low, ci_high);
  return 0;
}
