/* The test hooks' one parser: unset and empty mean none, each hook's value
 * is read whole (a bad one is one line naming it, not a silent default:
 * the runner used to crash on an empty MPIMARK_TEST_LATE_RANK and C to make
 * rank 0 late), and the emulated nodes group consecutive ranks. */
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#include "testhooks.h"

static const char *const all[] = {"MPIMARK_TEST_CLOCK_SKEW_US", "MPIMARK_TEST_CLOCK_DRIFT_PPM",
                                  "MPIMARK_TEST_CLOCK_NODE_RANKS", "MPIMARK_TEST_CLOCK_OFFSETS_ONLY",
                                  "MPIMARK_TEST_LATE_RANK", "MPIMARK_TEST_SLOW_RANK",
                                  "MPIMARK_TEST_CORRUPT_RANK"};

static void clear(void) {
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) unsetenv(all[i]);
}

/* One hook set to value: whether it reads, and the message if not. */
static int read_one(const char *name, const char *value, mm_test_hooks *h, char *err, size_t n) {
  clear();
  setenv(name, value, 1);
  return mm_test_hooks_read(h, 5.0, err, n);
}

int main(void) {
  mm_test_hooks h;
  char err[256];
  clear();
  CHECK(mm_test_hooks_read(&h, 5.0, err, sizeof err) == 0);
  CHECK(!h.clocks && h.late_rank == -1 && h.slow_rank == -1 && h.corrupt_rank == -1);
  CHECK(h.node_ranks == 1 && !h.offsets_only && h.start == 5.0);
  CHECK(mm_test_hooks_node(&h, 7) == 0); /* no clock hooks: one clock */

  /* Empty is unset. */
  CHECK(read_one("MPIMARK_TEST_LATE_RANK", "", &h, err, sizeof err) == 0 && h.late_rank == -1);
  CHECK(read_one("MPIMARK_TEST_LATE_RANK", "1", &h, err, sizeof err) == 0 && h.late_rank == 1);

  /* Bad values: -1 and one line naming the hook and the value. */
  const char *bad[][2] = {{"MPIMARK_TEST_LATE_RANK", "one"},  {"MPIMARK_TEST_LATE_RANK", "-1"},
                          {"MPIMARK_TEST_LATE_RANK", "1x"},   {"MPIMARK_TEST_CORRUPT_RANK", "0.5"},
                          {"MPIMARK_TEST_SLOW_RANK", "1"},    {"MPIMARK_TEST_SLOW_RANK", "1:"},
                          {"MPIMARK_TEST_SLOW_RANK", ":500"}, {"MPIMARK_TEST_SLOW_RANK", "1:-5"},
                          {"MPIMARK_TEST_CLOCK_SKEW_US", "nan"},
                          {"MPIMARK_TEST_CLOCK_DRIFT_PPM", "1e999"},
                          {"MPIMARK_TEST_CLOCK_NODE_RANKS", "0"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    CHECK(read_one(bad[i][0], bad[i][1], &h, err, sizeof err) == -1);
    CHECK(strstr(err, bad[i][0]) != NULL && strchr(err, '\n') == NULL);
  }

  CHECK(read_one("MPIMARK_TEST_SLOW_RANK", "2:250", &h, err, sizeof err) == 0);
  CHECK(h.slow_rank == 2);
  CHECK_NEAR(h.slow, 250e-6, 1e-15);

  /* Clock hooks in seconds; emulated nodes of 2 ranks: 0 1 | 2 3 | 4. */
  clear();
  setenv("MPIMARK_TEST_CLOCK_SKEW_US", "20000", 1);
  setenv("MPIMARK_TEST_CLOCK_DRIFT_PPM", "5000", 1);
  setenv("MPIMARK_TEST_CLOCK_NODE_RANKS", "2", 1);
  CHECK(mm_test_hooks_read(&h, 0.0, err, sizeof err) == 0 && h.clocks);
  CHECK_NEAR(h.clock_skew, 0.02, 1e-15);
  CHECK_NEAR(h.clock_drift, 0.005, 1e-15);
  CHECK(mm_test_hooks_node(&h, 0) == 0 && mm_test_hooks_node(&h, 1) == 0);
  CHECK(mm_test_hooks_node(&h, 3) == 1 && mm_test_hooks_node(&h, 4) == 2);
  return unit_report("testhooks");
}
