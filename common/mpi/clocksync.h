/* The global clock (rank 0's) on every rank, for the window sync.
 *
 * Ranks of one node read one CLOCK_MONOTONIC and need no estimate; the
 * node leaders estimate their offsets in a binomial tree, ceil(log2 N)
 * rounds for N nodes: in round k every leader that has its offset exchanges
 * ping-pongs with one that has not (SKaMPI style: the one with the shortest
 * round trip of MM_CLOCKSYNC_EXCHANGES gives the offset against the
 * parent, half that round trip bounds its error) and passes its own offset
 * on; errors add up along the path. Each rank fits a line of offset and
 * drift to its estimates (common/core/clockmodel.c); they are made twice at
 * the start and then only as often as the line's error requires
 * (docs/method.md). */
#ifndef MM_CLOCKSYNC_H
#define MM_CLOCKSYNC_H

#include <mpi.h>
#include <stdbool.h>

#include "clockmodel.h"

#define MM_CLOCKSYNC_EXCHANGES 25

typedef struct mm_clocksync {
  bool estimated;      /* false: all ranks on one node share one clock, offsets are 0 */
  mm_clock_model model; /* this rank's clock against rank 0's */
  /* Valid at rank 0, over all ranks: the largest offset; the model's error
   * bound until the next estimate (MM_CLOCK_ERROR_GROWTH times the largest
   * uncertainty); the largest drift (s/s) and residual (how far a model
   * missed the next estimate); estimates made. */
  double max_abs_offset, max_uncertainty, max_drift, max_residual;
  int estimates;
  double seconds;       /* rank 0: time in the estimates so far (not the first baseline's wait) */
} mm_clocksync;

/* This rank's clock, as the window uses it: mm_clock_now(), plus the test
 * hooks' skew (MPIMARK_TEST_CLOCK_SKEW_US times the rank) and drift
 * (MPIMARK_TEST_CLOCK_DRIFT_PPM times the rank: its clock runs that many
 * millionths fast), which tests use to prove the estimator finds them. */
double mm_clocksync_local(int rank);

/* The clock sync for one visit of a cell (collective): the process's model,
 * estimated again first when it is due. When all ranks run on one node they
 * read one clock: offsets are 0 and nothing is exchanged, unless a test
 * hook is set (MPIMARK_TEST_CLOCK_SKEW_US, MPIMARK_TEST_CLOCK_DRIFT_PPM;
 * MPIMARK_TEST_CLOCK_OFFSETS_ONLY=1 fits offsets without drift, the method
 * the drift tests show failing). */
void mm_clocksync_refresh(MPI_Comm comm, mm_clocksync *out);

/* How the clocks were synchronized, for the metadata (#@clock_sync). */
const char *mm_clocksync_method(bool estimated);

/* The global clock (rank 0's) on this rank. */
static inline double mm_clocksync_now(const mm_clocksync *s, int rank) {
  return mm_clock_model_global(&s->model, mm_clocksync_local(rank));
}

#endif
