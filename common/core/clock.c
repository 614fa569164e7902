#include "clock.h"

#include <time.h>

/* CLOCK_MONOTONIC is read through the vDSO (tens of ns), so batches of a few
 * microseconds already keep the clock's cost under 1% of what is timed. */
double mm_clock_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double mm_clock_resolution_ns(void) {
  struct timespec ts;
  if (clock_getres(CLOCK_MONOTONIC, &ts) != 0) return 0.0;
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

const char *mm_clock_name(void) { return "clock_gettime(CLOCK_MONOTONIC)"; }

/* The median of many back-to-back reads' differences: what one read adds
 * to an interval it ends. Measured once and cached. */
double mm_clock_read_cost(void) {
  static double cost = -1.0;
  if (cost >= 0) return cost;
  enum { N = 257 };
  double d[N];
  for (int i = 0; i < N; i++) {
    double a = mm_clock_now(), b = mm_clock_now();
    d[i] = b - a;
  }
  /* insertion sort: N is small and this runs once */
  for (int i = 1; i < N; i++)
    for (int j = i; j > 0 && d[j - 1] > d[j]; j--) {
      double t = d[j];
      d[j] = d[j - 1], d[j - 1] = t;
    }
  cost = d[N / 2];
  return cost;
}
