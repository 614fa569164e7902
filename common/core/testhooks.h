/* The test hooks: environment variables with which the tests make a
 * machine misbehave on purpose (clocks that are off and drift, a rank that
 * starts late or leaves slowly, data corrupted on arrival), so that they can
 * show the clock sync, the window and validation catching it. Read once, by
 * this one parser, into a struct that the program owns and hands to the
 * harness, the clock sync and the suite (both runners: the mpi4py runner
 * through libmpimark_harness). An empty variable is an unset one. Not for
 * users; docs/development.md lists them. */
#ifndef MM_TESTHOOKS_H
#define MM_TESTHOOKS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct mm_test_hooks {
  /* MPIMARK_TEST_CLOCK_SKEW_US, MPIMARK_TEST_CLOCK_DRIFT_PPM: emulated node
   * k's clock reads k times this many seconds ahead, and runs k times this
   * fast (s/s), from `start`; with either set, every emulated node has a
   * clock of its own and the clock sync estimates them. */
  double clock_skew, clock_drift, start;
  bool clocks;
  /* MPIMARK_TEST_CLOCK_NODE_RANKS: consecutive ranks per emulated node (1:
   * every rank its own node), so that the ranks that are not a node's
   * leader take their leader's estimate, as on a real cluster. */
  int node_ranks;
  bool offsets_only;  /* MPIMARK_TEST_CLOCK_OFFSETS_ONLY: no drift model */
  int late_rank;      /* MPIMARK_TEST_LATE_RANK: starts every 4th windowed call late; -1 none */
  int slow_rank;      /* MPIMARK_TEST_SLOW_RANK=R:US: rank R leaves each timed call */
  double slow;        /* ... this many seconds late (-1 none) */
  int corrupt_rank;   /* MPIMARK_TEST_CORRUPT_RANK: changes what it received before the check */
} mm_test_hooks;

/* Reads the hooks from the environment (start: the clock now). Returns 0,
 * or -1 with one line in err (a hook set wrongly would otherwise test
 * nothing). */
int mm_test_hooks_read(mm_test_hooks *h, double start, char *err, size_t n);

/* The emulated node of a rank (0 without clock hooks: one clock). */
static inline int mm_test_hooks_node(const mm_test_hooks *h, int rank) {
  return h && h->clocks ? rank / h->node_ranks : 0;
}

extern const size_t mm_test_hooks_size; /* sizeof, for the runner's ctypes mirror */

#endif
