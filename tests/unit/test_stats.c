/* Statistics against values computed by hand (and by numpy/scipy once). */
#include "stats.h"
#include "unit.h"

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
  return unit_report("test_stats");
}
