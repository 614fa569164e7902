#include "metrics.h"

#include <stdlib.h>

#include "stats.h"

double mm_metric_half_round_trip_us(double bytes, int window, double busbw_factor, double t) {
  (void)bytes, (void)window, (void)busbw_factor;
  return t * 1e6 / 2.0;
}
double mm_metric_latency_us(double bytes, int window, double busbw_factor, double t) {
  (void)bytes, (void)window, (void)busbw_factor;
  return t * 1e6;
}
double mm_metric_algbw(double bytes, int window, double busbw_factor, double t) {
  (void)window, (void)busbw_factor;
  return bytes / t / 1e6;
}
double mm_metric_busbw(double bytes, int window, double busbw_factor, double t) {
  return mm_metric_algbw(bytes, window, busbw_factor, t) * busbw_factor;
}
double mm_metric_stream_bw(double bytes, int window, double busbw_factor, double t) {
  (void)busbw_factor;
  return bytes * window / t / 1e6;
}
double mm_metric_bistream_bw(double bytes, int window, double busbw_factor, double t) {
  return 2.0 * mm_metric_stream_bw(bytes, window, busbw_factor, t);
}

double mm_algbw_bytes_one(double size, int n) {
  (void)n;
  return size;
}
double mm_algbw_bytes_gather(double size, int n) { return size * n; }
double mm_algbw_bytes_allreduce(double size, int n) { return mm_algbw_bytes_one(size, n); }

double mm_busbw_one(int n) {
  (void)n;
  return 1.0;
}
double mm_busbw_gather(int n) { return (double)(n - 1) / n; }
double mm_busbw_allreduce(int n) { return 2.0 * (n - 1) / n; }

int mm_metric_row(mm_row *row, mm_metric_fn value, double bytes, int window, double busbw_factor,
                  const double *t, const size_t *round_end, int rounds) {
  size_t n = rounds > 0 ? round_end[rounds - 1] : 0;
  double *values = malloc((n ? n : 1) * sizeof *values);
  if (!values) return -1;
  for (size_t i = 0; i < n; i++) values[i] = value(bytes, window, busbw_factor, t[i]);
  int err = 0;
  size_t from = 0;
  for (int r = 0; r < rounds && !err; r++) {
    mm_stats st;
    if (!(err = mm_stats_compute(values + from, round_end[r] - from, &st))) row->round_median[r] = st.median;
    from = round_end[r];
  }
  mm_round_stats rs;
  if (!err)
    err = mm_stats_compute(values, n, &row->st) || mm_stats_rounds(row->round_median, (size_t)rounds, &rs);
  free(values);
  if (err) return -1;
  row->rounds = rounds;
  row->round_min = rs.round_min;
  row->round_max = rs.round_max;
  if (rounds >= 2) row->st.median = rs.median, row->st.ci_low = rs.ci_low, row->st.ci_high = rs.ci_high;
  return 0;
}
