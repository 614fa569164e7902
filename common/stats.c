#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const mm_ci_method_rounds =
    "95% CI of the median from the round medians (order statistics; fewer than 6 rounds: "
    "[min, max] of the round medians, confidence 1-2^(1-rounds))";
const char *const mm_ci_method_samples =
    "95% CI of the median from the samples of one round (order statistics)";

static int cmp_double(const void *a, const void *b) {
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
  qsort(s, n, sizeof *s, cmp_double);

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

int mm_stats_rounds(const double *medians, const double *round_ci_low,
                    const double *round_ci_high, size_t r, mm_round_stats *out) {
  if (r == 0 || r > MM_MAX_ROUNDS) return -1;
  size_t lowest = 0, highest = 0;
  for (size_t i = 0; i < r; i++) {
    if (medians[i] < medians[lowest]) lowest = i;
    if (medians[i] > medians[highest]) highest = i;
  }
  mm_stats st; /* the round medians as samples: their median and its CI */
  if (mm_stats_compute(medians, r, &st)) return -1;
  out->median = st.median, out->ci_low = st.ci_low, out->ci_high = st.ci_high;
  out->round_min = medians[lowest];
  out->round_max = medians[highest];
  out->unstable = r >= 2 && out->round_max > (1.0 + MM_UNSTABLE_SPREAD) * out->round_min &&
                  round_ci_high[lowest] < round_ci_low[highest];
  return 0;
}

int mm_stats_paired_ratio(const double *num, const double *den, size_t r, double *median,
                          double *ci_low, double *ci_high) {
  double v[MM_MAX_ROUNDS];
  size_t n = 0;
  for (size_t i = 0; i < r && i < MM_MAX_ROUNDS; i++)
    if (den[i] > 0) v[n++] = num[i] / den[i];
  mm_stats st;
  if (mm_stats_compute(v, n, &st)) return -1;
  *median = st.median, *ci_low = st.ci_low, *ci_high = st.ci_high;
  return 0;
}
