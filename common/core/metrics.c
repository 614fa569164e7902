#include "metrics.h"

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
