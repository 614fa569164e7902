/* The window scheduler's arithmetic: a call some rank started late is
 * dropped and counted, the others are timed from their scheduled start, a
 * time never goes below the clock's resolution, the window grows when
 * too many calls are late and fits the calls' 95th percentile. */
#include "unit.h"
#include <string.h>

#include "window.h"

int main(void) {
  const double t0 = 100.0, w = 1e-3, read = 20e-9, res = 1e-9;
  /* Five calls; every one ends 0.4 ms after its start, but call 2 had a
   * rank arrive late. */
  double exits[5], late[5] = {0, 0, 1, 0, 0}, out[5];
  for (int k = 0; k < 5; k++) exits[k] = mm_window_start(t0, w, (size_t)k) + 0.4e-3;
  size_t n_late = 99;
  size_t n = mm_window_samples(t0, w, 5, exits, late, read, res, out, &n_late);
  CHECK(n == 4);
  CHECK(n_late == 1);
  for (size_t i = 0; i < n; i++) CHECK_NEAR(out[i], 0.4e-3 - read, 1e-12);

  /* A call that ended before its clock read could tell: the resolution. */
  exits[0] = mm_window_start(t0, w, 0) + 5e-9;
  n = mm_window_samples(t0, w, 1, exits, late, read, res, out, &n_late);
  CHECK(n == 1 && out[0] == res && n_late == 0);
  CHECK(mm_call_time(1e-6, read, res) == 1e-6 - read);

  /* All late: nothing valid, all counted. */
  double all_late[3] = {1, 1, 1};
  CHECK(mm_window_samples(t0, w, 3, exits, all_late, read, res, out, &n_late) == 0);
  CHECK(n_late == 3);

  /* Growth: 1 late in 10 keeps w, 2 in 10 grows it. */
  CHECK(mm_window_next(w, 1, 10) == w);
  CHECK_NEAR(mm_window_next(w, 2, 10), w * MM_WINDOW_GROWTH, 1e-15);
  CHECK(mm_window_next(w, 0, 0) == w);

  /* Fit: MM_WINDOW_FIT times the 95th percentile of the calls (sorted
   * here), plus the margin; never longer than w, and w with no call. */
  double t[21];
  for (int k = 0; k < 21; k++) t[k] = (20 - k) * 1e-5; /* 0 .. 0.2 ms, p95 0.19 ms */
  CHECK_NEAR(mm_window_fit(w, t, 21, 2e-6), MM_WINDOW_FIT * 0.19e-3 + 2e-6, 1e-15);
  CHECK(t[0] == 0.0 && t[20] == 2e-4);
  double slow[2] = {0.8e-3, 0.9e-3};
  CHECK(mm_window_fit(w, slow, 2, 0) == w);
  CHECK(mm_window_fit(w, t, 0, 0) == w);

  /* Runaway: past 1000 times the first window and past 10 ms, not before,
   * and only with more than one clock (uncertainty above 0). */
  double u = 1e-6;
  CHECK(!mm_window_runaway(999 * 20e-6, 20e-6, u));
  CHECK(!mm_window_runaway(1001 * 5e-6, 5e-6, u)); /* 5 ms: under the floor */
  CHECK(mm_window_runaway(1001 * 20e-6, 20e-6, u));
  CHECK(!mm_window_runaway(900 * 1e-3, 1e-3, u));
  CHECK(mm_window_runaway(1001 * 1e-3, 1e-3, u));
  CHECK(!mm_window_runaway(1001 * 1e-3, 1e-3, 0)); /* one clock: a descheduled rank */
  char line[320];
  mm_window_runaway_text(line, sizeof line, 20e-6, 25e-3, 1.5e-6);
  CHECK(strstr(line, "from 20.0 us to 25000.0 us") && strstr(line, "(1.5 us)") &&
        strstr(line, "--sync barrier"));
  return unit_report("test_window");
}
