/* Statistics against values computed by hand (and by numpy/scipy once). */
#include "stats.h"
#include "unit.h"

/* Synthetic rounds of 40 samples each around `level` (+-1%, deterministic). */
static void fill_round(double *v, double level, unsigned seed) {
  for (int i = 0; i < 40; i++) v[i] = level * (0.99 + 0.02 * (double)((seed * 7919u + (unsigned)i * 104729u) % 1000u) / 1000.0);
}

/* Intervals from rounds: a two-state machine (4 rounds at 1.0, 2 at 2.0)
 * must give a CI that covers both states and a flag; one state, a narrow
 * CI and no flag. The pooled samples' own CI would cover one state only. */
static void test_rounds(void) {
  double v[6][40], med[6], lo[6], hi[6], all[240];
  const double mixed[6] = {1.0, 2.0, 1.0, 1.0, 2.0, 1.0};
  mm_stats st;
  mm_round_stats rs;
  for (int r = 0; r < 6; r++) {
    fill_round(v[r], mixed[r], (unsigned)r + 1);
    mm_stats_compute(v[r], 40, &st);
    med[r] = st.median, lo[r] = st.ci_low, hi[r] = st.ci_high;
    memcpy(all + 40 * r, v[r], sizeof v[r]);
  }
  CHECK(mm_stats_rounds(med, lo, hi, 6, &rs) == 0);
  CHECK(rs.ci_low <= 1.01 && rs.ci_high >= 1.98); /* both states inside */
  CHECK(rs.unstable == 1);
  CHECK(rs.round_min < 1.01 && rs.round_max > 1.98);
  mm_stats_compute(all, 240, &st);
  CHECK(st.ci_high < 1.5); /* what the pooled samples claim: one state only */

  for (int r = 0; r < 6; r++) {
    fill_round(v[r], 1.0, (unsigned)r + 1);
    mm_stats_compute(v[r], 40, &st);
    med[r] = st.median, lo[r] = st.ci_low, hi[r] = st.ci_high;
  }
  CHECK(mm_stats_rounds(med, lo, hi, 6, &rs) == 0);
  CHECK((rs.ci_high - rs.ci_low) / (2 * rs.median) < 0.01);
  CHECK(rs.unstable == 0);
  CHECK(mm_stats_rounds(med, lo, hi, 0, &rs) == -1);

  /* Paired ratios: a consistent 2x across rounds whose levels swing 3x
   * is 2x with a tight CI; the ratio of the medians would not be paired. */
  double a[6] = {1, 3, 1, 3, 1, 3}, b[6] = {2, 6, 2.1, 6, 1.9, 6.2}, m, l, h;
  CHECK(mm_stats_paired_ratio(b, a, 6, &m, &l, &h) == 0);
  CHECK(l >= 1.9 && h <= 2.1 && fabs(m - 2.0) < 0.05);
  double zero[2] = {0, 0};
  CHECK(mm_stats_paired_ratio(b, zero, 2, &m, &l, &h) == -1);
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
  return unit_report("test_stats");
}
