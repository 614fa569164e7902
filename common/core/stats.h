/* Summary statistics of a set of samples: the figures every result row carries. */
#ifndef MM_STATS_H
#define MM_STATS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct mm_stats {
  size_t n;
  double min, median, mean, max, p99;
  double ci_low, ci_high; /* nonparametric 95% CI of the median (a row from rounds: the
                           * prediction interval of mm_stats_rounds instead) */
} mm_stats;

/* Computes the statistics of samples[0..n) (n >= 1) without modifying them.
 * Returns 0, or -1 when n is 0 or memory runs out. */
int mm_stats_compute(const double *samples, size_t n, mm_stats *out);

/* The quantile q (0..1) of sorted[0..n), interpolated linearly between
 * order statistics (numpy's default, "type 7"). */
double mm_quantile_sorted(const double *sorted, size_t n, double q);

/* qsort's comparison of doubles, ascending. */
int mm_cmp_double(const void *a, const void *b);

/* 0-based indices (lo, hi) into the sorted samples that bound the 95% CI of
 * the median, from the binomial(n, 1/2) distribution of the sample ranks.
 * For n < 6 no pair reaches 95%, and the whole range (0, n-1) is returned. */
void mm_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/* Rounds: the most a run can have (--rounds). */
#define MM_MAX_ROUNDS 64
extern const size_t mm_stats_max_rounds;    /* MM_MAX_ROUNDS */

/* A row's centre and interval from its R round medians (in round order):
 * median = the median of the round medians; CI = the 95% prediction
 * interval of a repeat run's median (mm_stats_predict; R = 1: the round's
 * own samples' CI, set by the caller); round_min/max. Whether a row stands
 * out of its run is the output's to say, from all rows (marks.h). Returns
 * 0, or -1 if R is 0 or above MM_MAX_ROUNDS, or memory runs out. */
typedef struct mm_round_stats {
  double median, ci_low, ci_high, round_min, round_max;
} mm_round_stats;
int mm_stats_rounds(const double *medians, size_t r, mm_round_stats *out);

/* The 95% prediction interval of the median of a repeat run of R rounds,
 * from this run's R >= 2 round values v (centre: this run's median of them).
 * On the log scale when every value is positive (latencies, bandwidths,
 * ratios), else on the linear scale: centre -+ t * s * sqrt(pi / R), where s
 * is the standard deviation of the values, t Student's 97.5% quantile with
 * R - 1 degrees of freedom, and pi/(2R) the (asymptotic) variance of a median
 * of R normal values over sigma^2, once for this run's median and once for
 * the repeat's. Rounds that disagree (a machine that changed state) widen
 * it; two rounds give a wide interval, as they should. A zero or less
 * among the values (an overlap of 0%): the linear scale, the interval cut
 * at 0, which no metric goes below. Returns 0, or -1 when R < 2. */
int mm_stats_predict(const double *v, size_t r, double centre, double *lo, double *hi);

/* Student's t distribution's 97.5% quantile for df >= 1 degrees of freedom:
 * exact for 1 and 2, the Cornish-Fisher expansion (Abramowitz & Stegun
 * 26.7.5) from 3 (within 0.12% at 3, 0.02% at 5, 0.001% from 8). */
double mm_t975(size_t df);

/* A paired ratio num_i / den_i over R rounds (both measured back to back in
 * each round): the median of the per-round ratios and either the 95% CI of
 * that median (repeat false: order statistics as mm_median_ci_ranks; what a
 * verdict tests) or the prediction interval of a repeat run's (repeat
 * true: mm_stats_predict; what a table shows). Returns 0, or -1 if no pair
 * has a positive denominator. */
int mm_stats_paired_ratio(const double *num, const double *den, size_t r, bool repeat,
                          double *median, double *ci_low, double *ci_high);

/* What a row's interval is, for table headers: "95% PI" (a repeat run's
 * median, from R >= 2 rounds) or "95% CI" (the median's, from one round). */
const char *mm_interval_name(size_t rounds);

/* Under the table of one launch: its prediction intervals come from its
 * rounds, and what differs from one launch to the next is not in them. */
extern const char *const mm_one_launch_note;

/* How a row's CI was obtained, for the metadata (#@ci). */
extern const char *const mm_ci_method_rounds, *const mm_ci_method_samples;

/* Relative half-width of the CI, (ci_high - ci_low) / (2 * median). */
double mm_stats_rel_ci(const mm_stats *s);

#endif
