/* What a kernel's time per iteration means: the formulas common/defs/metrics.def
 * names, and the nccl-tests bus-bandwidth factors. The C suite and the
 * mpi4py runner (through python/mpimark_py/core.py) both compute with them. */
#ifndef MM_METRICS_H
#define MM_METRICS_H

#include <stddef.h>

/* A metric from t seconds per iteration of a kernel that moves `bytes` per
 * message, `window` messages per iteration (streams), with the collective's
 * bus-bandwidth factor. Latencies in us, bandwidths in MB/s (10^6 B/s). */
typedef double (*mm_metric_fn)(double bytes, int window, double busbw_factor, double t);
double mm_metric_half_round_trip_us(double bytes, int window, double busbw_factor, double t);
double mm_metric_latency_us(double bytes, int window, double busbw_factor, double t);
double mm_metric_algbw(double bytes, int window, double busbw_factor, double t);
double mm_metric_busbw(double bytes, int window, double busbw_factor, double t);
double mm_metric_stream_bw(double bytes, int window, double busbw_factor, double t);
double mm_metric_bistream_bw(double bytes, int window, double busbw_factor, double t);

/* Bus bandwidth = algorithmic bandwidth * factor(ranks): what makes
 * collective figures comparable to link speed (nccl-tests). */
double mm_busbw_one(int n);
double mm_busbw_gather(int n);
double mm_busbw_allreduce(int n);

#endif
