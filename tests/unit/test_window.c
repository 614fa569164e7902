/* The window scheduler's arithmetic: a call some rank started late is
 * dropped and counted, the others are timed from their scheduled start, a
 * time never goes below the clock's resolution, and the window grows when
 * too many calls are late. */
#include "unit.h"
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
  return unit_report("test_window");
}
