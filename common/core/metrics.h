/* What a kernel's time per iteration means: the formulas common/defs/metrics.def
 * names, and the nccl-tests bus-bandwidth factors. The C suite and the
 * mpi4py runner (through python/mpimark_py/core.py) both compute with them. */
#ifndef MM_METRICS_H
#define MM_METRICS_H

#include <stddef.h>

#include "results.h"

/* What turns a kernel's t seconds per iteration into its metrics: the
 * bytes of one message (as nccl-tests counts a collective's: algbw bytes;
 * pairs: every pair's), the messages per iteration (streams), the
 * collective's bus-bandwidth factor, the pairs streaming at once. */
typedef struct mm_metric_args {
  double bytes;
  int window;
  double busbw_factor;
  double pairs; /* the pairs P ranks make, P/2 (the pairs operation) */
  double compute_s; /* overlap kernels: the compute phase, s, as long as the call alone */
} mm_metric_args;

/* A metric from t seconds per iteration. Latencies in us, bandwidths in
 * MB/s (10^6 B/s), message rates in messages per second. */
typedef double (*mm_metric_fn)(const mm_metric_args *a, double t);
double mm_metric_half_round_trip_us(const mm_metric_args *a, double t);
double mm_metric_latency_us(const mm_metric_args *a, double t);
double mm_metric_algbw(const mm_metric_args *a, double t);
double mm_metric_busbw(const mm_metric_args *a, double t);
double mm_metric_stream_bw(const mm_metric_args *a, double t);
double mm_metric_bistream_bw(const mm_metric_args *a, double t);
double mm_metric_message_rate(const mm_metric_args *a, double t); /* of every pair together */
/* OSU's overlap, %: 100 x (1 - (t - compute) / pure), at least 0, with
 * compute = pure = a->compute_s (the compute phase is as long as the call
 * alone): the share of the call hidden behind the compute phase. */
double mm_metric_overlap_pct(const mm_metric_args *a, double t);
/* The compute phase of those calls, us (OSU's Compute column): the same
 * in every sample. */
double mm_metric_compute_us(const mm_metric_args *a, double t);

/* A cell's row of one metric (both runners' suites): from rank 0's samples
 * t (seconds per iteration; round r's end at round_end[r]) turned into the
 * metric by value, the pooled statistics, with the median and its interval
 * from the round medians when there are 2 rounds or more. Sets row->st,
 * rounds, round_median, round_min and round_max; the rest is the caller's.
 * Returns 0, or -1 when memory runs out. */
int mm_metric_row(mm_row *row, mm_metric_fn value, const mm_metric_args *a, const double *t,
                  const size_t *round_end, int rounds);

/* What one iteration of a kernel is, which fixes how its time per
 * iteration becomes metrics (metrics.def). */
typedef enum {
  MM_SHAPE_NONE = 0,
  MM_SHAPE_PINGPONG,   /* a round trip between ranks 0 and 1: latency = half */
  MM_SHAPE_COLLECTIVE, /* one collective call: latency, algbw, busbw */
  MM_SHAPE_STREAM,     /* `window` messages 0 -> 1, then an ack: bandwidth */
  MM_SHAPE_BISTREAM,   /* `window` messages each way at once: bibw */
  MM_SHAPE_SYNC,       /* one call that moves no data (barrier): latency, one row per path */
  MM_SHAPE_PAIRS,      /* every pair streams a window at once: aggregate bandwidth, message rate */
  MM_SHAPE_OVERLAP,    /* a non-blocking call, a compute phase as long as the call alone, the wait */
  MM_SHAPE_COUNT
} mm_shape;
/* The shapes as the mpi4py runner names them ("pingpong", ...; "" for NONE). */
extern const char *const mm_shape_names[MM_SHAPE_COUNT];
extern const size_t mm_shape_count;

/* One line of metrics.def: a metric of a shape, its unit and formula. */
typedef struct mm_metric_def {
  mm_shape shape;
  const char *name, *unit;
  mm_metric_fn value;
} mm_metric_def;
extern const mm_metric_def mm_metric_defs[];
extern const size_t mm_n_metric_defs;

/* nccl-tests' convention for collectives, by kind (one: bcast, reduce;
 * gather: scatter, gather; allreduce; none: point-to-point). */
/* PAIRS (not nccl-tests'): P/2 pairs at once, the bytes of one message of
 * every pair; no bus factor. */
typedef enum {
  MM_BUSBW_NONE = 0,
  MM_BUSBW_ONE,
  MM_BUSBW_GATHER,
  MM_BUSBW_ALLREDUCE,
  MM_BUSBW_PAIRS,
  MM_BUSBW_COUNT
} mm_busbw;
/* The kinds as the mpi4py runner names them ("one", ...; "" for NONE). */
extern const char *const mm_busbw_names[MM_BUSBW_COUNT];
extern const size_t mm_busbw_count;
/* The bytes of one call that algbw counts, from SIZE (the buffer of bcast,
 * reduce and allreduce; the message to or from each rank of scatter and
 * gather): SIZE, or SIZE x n for scatter and gather (the root's whole
 * buffer, as nccl-tests' gather and scatter count it). algbw = those
 * bytes / time. */
double mm_algbw_bytes(mm_busbw kind, double size, int n);
/* Bus bandwidth = algbw * factor(ranks): what makes collective figures
 * comparable to link speed: 1, (n-1)/n, 2(n-1)/n (0 for NONE). */
double mm_busbw_factor(mm_busbw kind, int n);

#endif
