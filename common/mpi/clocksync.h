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
#include "testhooks.h"

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
  const mm_test_hooks *hooks; /* the clock hooks this rank's clock reads with (NULL: none) */
} mm_clocksync;

/* What the clock sync keeps over a run, owned by its caller: zeroed before
 * the first visit, mm_clocksync_state_free after the last (collective). The
 * ranks' clock domains and their leaders (made on the first visit), this
 * rank's model, rank 0's facts of the last estimate (|offset|, uncertainty,
 * |drift|, residual, error rate over the ranks) and the time spent. */
typedef struct mm_clocksync_state {
  bool made, estimated;
  MPI_Comm domain, leaders;
  mm_clock_model model;
  double facts[5];
  double seconds;
} mm_clocksync_state;

void mm_clocksync_state_free(mm_clocksync_state *st);

/* This rank's clock, as the window uses it: mm_clock_now(), plus, under
 * the clock test hooks (testhooks.h; h may be NULL), its emulated node's
 * skew and drift, which tests use to prove the estimator finds them. */
double mm_clocksync_local(const mm_test_hooks *h, int rank);

/* The clock sync for one visit of a cell (collective): the run's model (st),
 * estimated again first when it is due. When all ranks run on one node they
 * read one clock: offsets are 0 and nothing is exchanged, unless the clock
 * hooks give each emulated node a clock of its own (offsets_only fits
 * offsets without drift, the method the drift tests show failing). */
void mm_clocksync_refresh(MPI_Comm comm, const mm_test_hooks *h, mm_clocksync_state *st,
                          mm_clocksync *out);

/* The global clock (rank 0's) on this rank. */
static inline double mm_clocksync_now(const mm_clocksync *s, int rank) {
  return mm_clock_model_global(&s->model, mm_clocksync_local(s->hooks, rank));
}

#endif
