/* Statistics against values computed by hand (and by numpy/scipy once). */
#include "stats.h"
#include "unit.h"

/* Synthetic rounds of 40 samples each around `level` (+-1%, deterministic). */
static void fill_round(double *v, double level, unsigned seed) {
  for (int i = 0; i < 40; i++) v[i] = level * (0.99 + 0.02 * (double)((seed * 7919u + (unsigned)i * 104729u) % 1000u) / 1000.0);
}

/* Intervals from rounds: a two-state machine (4 rounds at 1.0, 2 at 2.0)
 * must give an interval that covers what a repeat run's median can be (1.0,
 * or 1.5 with one more round at 2.0: a third of repeats) and a flag; half
 * and half, both states; one state, a narrow interval and no flag. The
 * pooled samples' own CI would cover one state only. */
static void test_rounds(void) {
  double v[6][40], med[6], all[240];
  const double mixed[6] = {1.0, 2.0, 1.0, 1.0, 2.0, 1.0}, halves[6] = {1, 2, 2, 1, 1, 2};
  mm_stats st;
  mm_round_stats rs;
  for (int r = 0; r < 6; r++) {
    fill_round(v[r], mixed[r], (unsigned)r + 1);
    mm_stats_compute(v[r], 40, &st);
    med[r] = st.median;
    memcpy(all + 40 * r, v[r], sizeof v[r]);
  }
  CHECK(mm_stats_rounds(med, 6, &rs) == 0);
  CHECK(rs.ci_low <= 1.0 && rs.ci_high >= 1.5);
  CHECK(rs.round_min < 1.01 && rs.round_max > 1.98);
  mm_stats_compute(all, 240, &st);
  CHECK(st.ci_high < 1.5); /* what the pooled samples claim: one state only */
  for (int r = 0; r < 6; r++) {
    fill_round(v[r], halves[r], (unsigned)r + 1);
    mm_stats_compute(v[r], 40, &st);
    med[r] = st.median;
  }
  CHECK(mm_stats_rounds(med, 6, &rs) == 0);
  CHECK(rs.ci_low <= 1.0 && rs.ci_high >= 2.0); /* both states inside */

  for (int r = 0; r < 6; r++) {
    fill_round(v[r], 1.0, (unsigned)r + 1);
    mm_stats_compute(v[r], 40, &st);
    med[r] = st.median;
  }
  CHECK(mm_stats_rounds(med, 6, &rs) == 0);
  CHECK((rs.ci_high - rs.ci_low) / (2 * rs.median) < 0.01);
  CHECK(mm_stats_rounds(med, 0, &rs) == -1);

  /* Paired ratios: a consistent 2x across rounds whose levels swing 3x
   * is 2x with a tight CI; the ratio of the medians would not be paired. */
  double a[6] = {1, 3, 1, 3, 1, 3}, b[6] = {2, 6, 2.1, 6, 1.9, 6.2}, m, l, h;
  CHECK(mm_stats_paired_ratio(b, a, 6, false, &m, &l, &h) == 0);
  CHECK(l >= 1.9 && h <= 2.1 && fabs(m - 2.0) < 0.05);
  CHECK(mm_stats_paired_ratio(b, a, 6, true, &m, &l, &h) == 0);
  CHECK(l >= 1.8 && l < 1.95 && h > 2.05 && h <= 2.2); /* a repeat's: wider, still tight */
  double zero[2] = {0, 0};
  CHECK(mm_stats_paired_ratio(b, zero, 2, false, &m, &l, &h) == -1);
}

/* The prediction interval of a repeat run's median: Student's t quantiles,
 * the interval of values known by hand, its scales, its width against R. */
static void test_predict(void) {
  CHECK_NEAR(mm_t975(1), 12.7062, 1e-4);
  CHECK_NEAR(mm_t975(2), 4.3027, 1e-4);
  CHECK_NEAR(mm_t975(5), 2.5706, 5e-4);
  CHECK_NEAR(mm_t975(30), 2.0423, 1e-4);
  /* log values 0, 0.2 (e^0 = 1, e^0.2): sd = 0.2/sqrt(2), h = t(1) * sd * sqrt(pi/2) */
  double two[2] = {1.0, exp(0.2)}, lo, hi;
  double h = 12.706204736174698 * (0.2 / sqrt(2.0)) * sqrt(3.14159265358979323846 / 2.0);
  CHECK(mm_stats_predict(two, 2, 1.1, &lo, &hi) == 0);
  CHECK_NEAR(lo, 1.1 * exp(-h), 1e-9);
  CHECK_NEAR(hi, 1.1 * exp(h), 1e-9);
  CHECK(mm_stats_predict(two, 1, 1.0, &lo, &hi) == -1);
  /* a zero among the values: the linear scale around the centre, cut at 0
   * (no metric is negative: an overlap of 0%) */
  double zeros[3] = {0.0, 0.0, 3.0};
  CHECK(mm_stats_predict(zeros, 3, 0.0, &lo, &hi) == 0);
  CHECK(lo == 0.0);
  CHECK(hi > 3.0);
  CHECK(mm_stats_predict(zeros, 3, 1.0, &lo, &hi) == 0);
  CHECK(lo == 0.0 && hi > 4.0);
  /* equal values: a point; 1% noise: a few % wide, narrower with more rounds */
  double flat[6] = {5, 5, 5, 5, 5, 5}, noisy[12];
  CHECK(mm_stats_predict(flat, 6, 5, &lo, &hi) == 0);
  CHECK_NEAR(lo, 5, 1e-12);
  CHECK_NEAR(hi, 5, 1e-12);
  for (int i = 0; i < 12; i++) noisy[i] = 1.0 + 0.01 * (i % 2 ? 1 : -1);
  double lo6, hi6;
  CHECK(mm_stats_predict(noisy, 6, 1.0, &lo6, &hi6) == 0);
  CHECK(mm_stats_predict(noisy, 12, 1.0, &lo, &hi) == 0);
  CHECK(hi6 > 1.02 && hi6 < 1.05 && hi < hi6 && lo > lo6);
}

int main(void) {
  mm_stats s;
  double five[] = {5, 1, 4, 2, 3};
  CHECK(mm_stats_compute(five, 5, &s) == 0);
  CHECK(s.n == 5);
  CHECK_NEAR(s.min, 1, 0);
  CHECK_NEAR(s.max, 5, 0);
  CHECK_NEAR(s.median, 3, 0);
  CHECK_NEAR(s.mean, 3, 1e-12);
  CHECK_NEAR(s.p99, 4.96, 1e-12); /* (n-1)*0.99 = 3.96: 4 + 0.96 * (5 - 4) */
  CHECK_NEAR(s.ci_low, 1, 0);     /* n < 6: the whole range */
  CHECK_NEAR(s.ci_high, 5, 0);
  CHECK(five[0] == 5 && five[1] == 1); /* input left unsorted */

  double four[] = {4, 1, 3, 2};
  CHECK(mm_stats_compute(four, 4, &s) == 0);
  CHECK_NEAR(s.median, 2.5, 0);

  /* Order statistics of the 95% CI of the median (0-based), from the
   * binomial(n, 1/2) tables: n=10 -> x(2), x(9); n=20 -> x(6), x(15);
   * n=100 -> x(40), x(61) in 1-based ranks. */
  size_t lo, hi;
  mm_median_ci_ranks(10, &lo, &hi);
  CHECK(lo == 1 && hi == 8);
  mm_median_ci_ranks(20, &lo, &hi);
  CHECK(lo == 5 && hi == 14);
  mm_median_ci_ranks(100, &lo, &hi);
  CHECK(lo == 39 && hi == 60);
  mm_median_ci_ranks(1000, &lo, &hi);
  CHECK(lo == 468 && hi == 531);
  mm_median_ci_ranks(6, &lo, &hi);
  CHECK(lo == 0 && hi == 5);
  mm_median_ci_ranks(5000, &lo, &hi); /* normal approximation beyond 2000 */
  CHECK(lo >= 2425 && lo <= 2432 && hi == 5000 - lo - 1);

  double ten[10];
  for (int i = 0; i < 10; i++) ten[i] = 10 - i; /* 10..1 */
  CHECK(mm_stats_compute(ten, 10, &s) == 0);
  CHECK_NEAR(s.ci_low, 2, 0);
  CHECK_NEAR(s.ci_high, 9, 0);
  CHECK_NEAR(s.median, 5.5, 0);
  CHECK_NEAR(mm_stats_rel_ci(&s), 7.0 / 11.0, 1e-12);

  CHECK(mm_stats_compute(ten, 0, &s) == -1);
  test_rounds();
  test_predict();
  return unit_report("test_stats");
}
