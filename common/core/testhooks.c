#include "testhooks.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const size_t mm_test_hooks_size = sizeof(mm_test_hooks);

/* The variable's value, NULL when unset or empty. */
static const char *value(const char *name) {
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

static int bad(const char *name, const char *v, const char *want, char *err, size_t n) {
  snprintf(err, n, "bad %s '%.64s': expected %s", name, v, want);
  return -1;
}

/* A whole number in [lo, hi] from all of s. */
static bool whole(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return false;
  return *out = v, true;
}

static bool real(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !isfinite(v) || v < 0) return false;
  return *out = v, true;
}

int mm_test_hooks_read(mm_test_hooks *h, double start, char *err, size_t n) {
  *h = (mm_test_hooks){.start = start, .node_ranks = 1, .late_rank = -1, .slow_rank = -1,
                       .slow = -1, .corrupt_rank = -1};
  const char *v;
  long k;
  if ((v = value("MPIMARK_TEST_CLOCK_SKEW_US"))) {
    if (!real(v, &h->clock_skew)) return bad("MPIMARK_TEST_CLOCK_SKEW_US", v, "microseconds >= 0", err, n);
    h->clock_skew *= 1e-6, h->clocks = true;
  }
  if ((v = value("MPIMARK_TEST_CLOCK_DRIFT_PPM"))) {
    if (!real(v, &h->clock_drift)) return bad("MPIMARK_TEST_CLOCK_DRIFT_PPM", v, "ppm >= 0", err, n);
    h->clock_drift *= 1e-6, h->clocks = true;
  }
  if ((v = value("MPIMARK_TEST_CLOCK_NODE_RANKS"))) {
    if (!whole(v, 1, 1 << 20, &k)) return bad("MPIMARK_TEST_CLOCK_NODE_RANKS", v, "ranks >= 1", err, n);
    h->node_ranks = (int)k;
  }
  h->offsets_only = value("MPIMARK_TEST_CLOCK_OFFSETS_ONLY") != NULL;
  if ((v = value("MPIMARK_TEST_LATE_RANK"))) {
    if (!whole(v, 0, 1 << 30, &k)) return bad("MPIMARK_TEST_LATE_RANK", v, "a rank", err, n);
    h->late_rank = (int)k;
  }
  if ((v = value("MPIMARK_TEST_CORRUPT_RANK"))) {
    if (!whole(v, 0, 1 << 30, &k)) return bad("MPIMARK_TEST_CORRUPT_RANK", v, "a rank", err, n);
    h->corrupt_rank = (int)k;
  }
  if ((v = value("MPIMARK_TEST_SLOW_RANK"))) {
    const char *colon = strchr(v, ':');
    char rank[32];
    if (!colon || (size_t)(colon - v) >= sizeof rank)
      return bad("MPIMARK_TEST_SLOW_RANK", v, "RANK:MICROSECONDS", err, n);
    memcpy(rank, v, (size_t)(colon - v));
    rank[colon - v] = '\0';
    if (!whole(rank, 0, 1 << 30, &k) || !real(colon + 1, &h->slow))
      return bad("MPIMARK_TEST_SLOW_RANK", v, "RANK:MICROSECONDS", err, n);
    h->slow_rank = (int)k, h->slow *= 1e-6;
  }
  return 0;
}
