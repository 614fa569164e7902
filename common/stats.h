/* Summary statistics of a set of samples: the figures every result row carries. */
#ifndef MM_STATS_H
#define MM_STATS_H

#include <stddef.h>

typedef struct mm_stats {
  size_t n;
  double min, median, mean, max, p99;
  double ci_low, ci_high; /* nonparametric 95% confidence interval of the median */
} mm_stats;

/* Computes the statistics of samples[0..n) (n >= 1) without modifying them.
 * Returns 0, or -1 when n is 0 or memory runs out. */
int mm_stats_compute(const double *samples, size_t n, mm_stats *out);

/* The quantile q (0..1) of sorted[0..n), interpolated linearly between
 * order statistics (numpy's default, "type 7"). */
double mm_quantile_sorted(const double *sorted, size_t n, double q);

/* 0-based indices (lo, hi) into the sorted samples that bound the 95% CI of
 * the median, from the binomial(n, 1/2) distribution of the sample ranks.
 * For n < 6 no pair reaches 95%, and the whole range (0, n-1) is returned. */
void mm_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/* Relative half-width of the CI, (ci_high - ci_low) / (2 * median). */
double mm_stats_rel_ci(const mm_stats *s);

#endif
