/* The clock model: a clock that runs 100 ppm fast and starts 5 ms ahead is
 * predicted from two estimates to within their uncertainty, and the
 * offset-only model misses by the drift times the interval; a new
 * estimate is due once the error bound has doubled. */
#include <math.h>

#include "clockmodel.h"
#include "unit.h"

/* The true offset of the made-up clock at local time t: global - local. */
static double truth(double t) { return -5e-3 - 100e-6 * t; }

int main(void) {
  mm_clock_model d = {0}, o = {0};
  const double u = 1e-6; /* each estimate's uncertainty */
  mm_clock_model_add(&d, 1.0, truth(1.0) + 0.5e-6, u, true);
  mm_clock_model_add(&o, 1.0, truth(1.0) + 0.5e-6, u, false);
  CHECK(d.estimates == 1 && d.drift == 0 && d.residual == 0);
  mm_clock_model_add(&d, 11.0, truth(11.0) - 0.5e-6, u, true);
  mm_clock_model_add(&o, 11.0, truth(11.0) - 0.5e-6, u, false);
  /* Slope from the first estimate: -100 ppm within 2u / 10 s. */
  CHECK_NEAR(d.drift, -100e-6, 2 * u / 10.0);
  CHECK(o.drift == 0.0);
  CHECK_NEAR(d.residual, 1e-3, 2e-6); /* the first model had no drift: 10 s x 100 ppm */
  /* 10 s later: the drift model holds to within u + the drift's error x 10 s. */
  double t = 21.0, global = t + truth(t);
  CHECK(fabs(mm_clock_model_global(&d, t) - global) <= u + 2 * u);
  CHECK(fabs(mm_clock_model_global(&o, t) - global) > 0.9e-3);
  /* A third estimate the drift model predicts: a small residual. */
  mm_clock_model_add(&d, t, truth(t), u, true);
  CHECK(d.residual <= 3 * u && d.estimates == 3);

  /* The error rate: both ends' uncertainty over the 20 s baseline; due
   * once it has grown the error by as much again as u. */
  CHECK_NEAR(mm_clock_model_error_rate(&d), 2 * u / 20.0, 1e-18);
  mm_clock_model one = {0};
  mm_clock_model_add(&one, 1.0, 0.0, u, true);
  CHECK(mm_clock_model_error_rate(&one) == 0.0);
  double g = mm_clock_model_error_rate(&d);
  CHECK(!mm_clock_model_due(0.9 * u / g, u, g) && mm_clock_model_due(1.1 * u / g, u, g));
  CHECK(mm_clock_model_due(MM_CLOCK_INTERVAL_MAX, u, 0.0) && !mm_clock_model_due(1.0, u, 0.0));

  /* The rate per global second: a clock 5% fast reads 5% (its offset per
   * local second is -0.05 / 1.05). */
  mm_clock_model fast = {0};
  mm_clock_model_add(&fast, 1.05, 1.0 - 1.05, 0.0, true);
  mm_clock_model_add(&fast, 2.10, 2.0 - 2.10, 0.0, true);
  CHECK_NEAR(fast.drift, -0.05 / 1.05, 1e-12);
  CHECK_NEAR(mm_clock_model_rate(&fast), 0.05, 1e-12);
  return unit_report("test_clockmodel");
}
