#include "window.h"

#include <stdio.h>
#include <stdlib.h>

#include "stats.h"

double mm_call_time(double dt, double read_cost, double resolution) {
  double t = dt - read_cost;
  return t < resolution ? resolution : t;
}

size_t mm_window_samples(double t0, double w, size_t n, const double *exit_max,
                         const double *late_any, double read_cost, double resolution,
                         double *out, size_t *late) {
  size_t valid = 0;
  *late = 0;
  for (size_t k = 0; k < n; k++) {
    if (late_any[k] != 0.0) {
      ++*late;
      continue;
    }
    out[valid++] = mm_call_time(exit_max[k] - mm_window_start(t0, w, k), read_cost, resolution);
  }
  return valid;
}

double mm_window_next(double w, size_t late, size_t n) {
  return n > 0 && (double)late > MM_WINDOW_LATE_MAX * (double)n ? w * MM_WINDOW_GROWTH : w;
}

double mm_window_fit(double w, double *t, size_t n, double margin) {
  if (n == 0) return w;
  qsort(t, n, sizeof *t, mm_cmp_double);
  double fit = MM_WINDOW_FIT * mm_quantile_sorted(t, n, MM_WINDOW_FIT_QUANTILE) + margin;
  return fit < w ? fit : w;
}

int mm_window_runaway(double w, double first, double uncertainty) {
  return uncertainty > 0 && w > MM_WINDOW_RUNAWAY * first && w > MM_WINDOW_RUNAWAY_MIN;
}

int mm_window_runaway_text(char *buf, size_t len, double first, double w, double uncertainty) {
  return snprintf(buf, len,
                  "the start window grew from %.1f us to %.1f us with calls still late: the ranks' "
                  "clocks disagree by more than the clock sync's stated uncertainty (%.3g us); "
                  "measure with --sync barrier",
                  first * 1e6, w * 1e6, uncertainty * 1e6);
}
