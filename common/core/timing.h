/* How collectives are timed, as --sync and --rank-time name it: the
 * harness's choices (common/mpi/harness.h), in the MPI-free core so that
 * the option parser, which both runners share, can hold them. */
#ifndef MM_TIMING_H
#define MM_TIMING_H

#include <stdbool.h>
#include <stddef.h>

/* How collective calls are synchronized and timed (docs/method.md).
 * Point-to-point kernels always time batches. */
typedef enum { MM_SYNC_WINDOW = 0, MM_SYNC_BARRIER = 1, MM_SYNC_BATCH = 2 } mm_sync;

/* Which rank's time a collective's sample is (--rank-time): the slowest
 * rank's (the latest exit: when the collective is over for everyone), the
 * average over ranks of each rank's own time (what OSU prints), or the
 * fastest rank's (IMB's t_min). Point-to-point samples are rank 0's. */
typedef enum { MM_RANK_SLOWEST = 0, MM_RANK_AVERAGE = 1, MM_RANK_FASTEST = 2 } mm_rank_time;

/* Their names as --sync and --rank-time spell them. */
const char *mm_sync_name(mm_sync s);
const char *mm_rank_time_name(mm_rank_time t);

/* -x auto: the harness picks the warmup count (harness.h, MM_AUTO_WARMUP). */
#define MM_WARMUP_AUTO (-1L)

/* What the window sync reports of one visit; merged (mm_sync_facts_merge)
 * into a cell's over its rounds and into the run's over its cells, whose
 * facts go into the metadata (runmeta.h: mm_sync_facts_meta). */
typedef struct mm_sync_facts {
  long long late;          /* calls dropped because a rank started late */
  double window;           /* window length, seconds (merged: the largest) */
  double max_offset, offset_uncertainty; /* the clock sync's, seconds (merged: largest) */
  double max_drift, max_residual; /* its model's drift (s/s) and residual (s) (merged: largest) */
  int estimates;           /* clock estimates made in the run so far (merged: largest) */
  double estimate_seconds; /* rank 0: their time so far (merged: largest) */
  bool offsets_estimated;  /* false while all ranks share one node's clock */
} mm_sync_facts;

void mm_sync_facts_merge(mm_sync_facts *into, const mm_sync_facts *from);

extern const size_t mm_sync_facts_size; /* sizeof(mm_sync_facts), for the mpi4py runner */

#endif
