/* Clock offsets against rank 0, SKaMPI style: each rank exchanges a few
 * ping-pongs with rank 0 and keeps the one with the shortest round trip;
 * rank 0's clock read in the middle of it, minus the midpoint of the
 * rank's own reads, is the offset, and half that round trip bounds its
 * error. The harness estimates offsets again for every cell of every round,
 * so clock drift between nodes (ppm) stays far below the uncertainty
 * (docs/method.md). */
#ifndef MM_CLOCKSYNC_H
#define MM_CLOCKSYNC_H

#include <mpi.h>
#include <stdbool.h>

#define MM_CLOCKSYNC_EXCHANGES 25

typedef struct mm_clocksync {
  bool estimated;     /* false: all ranks on one node share one clock, offsets are 0 */
  double offset;      /* seconds to add to this rank's clock to get rank 0's */
  double uncertainty; /* half the shortest round trip: |error| is below it */
  /* Valid at rank 0, over all ranks: */
  double max_abs_offset, max_uncertainty;
} mm_clocksync;

/* This rank's clock, as the window uses it: mm_clock_now(), plus a test
 * skew (MPIMARK_TEST_CLOCK_SKEW_US times the rank) that tests use to prove
 * the estimator finds a real offset. */
double mm_clocksync_local(int rank);

/* Estimates every rank's offset (collective). When all ranks run on one
 * node they read one clock: the offsets are 0 and nothing is exchanged,
 * unless MPIMARK_TEST_CLOCK_SKEW_US is set (tests of the estimator). */
void mm_clocksync_estimate(MPI_Comm comm, mm_clocksync *out);

/* How the offsets were obtained, for the metadata (#@clock_sync). */
const char *mm_clocksync_method(bool estimated);

/* The global clock (rank 0's) on this rank. */
static inline double mm_clocksync_now(const mm_clocksync *s, int rank) {
  return mm_clocksync_local(rank) + s->offset;
}

#endif
