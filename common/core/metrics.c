#include "metrics.h"

#include <stdlib.h>

#include "stats.h"

double mm_metric_half_round_trip_us(const mm_metric_args *a, double t) {
  (void)a;
  return t * 1e6 / 2.0;
}
double mm_metric_latency_us(const mm_metric_args *a, double t) {
  (void)a;
  return t * 1e6;
}
double mm_metric_algbw(const mm_metric_args *a, double t) { return a->bytes / t / 1e6; }
double mm_metric_busbw(const mm_metric_args *a, double t) { return mm_metric_algbw(a, t) * a->busbw_factor; }
double mm_metric_stream_bw(const mm_metric_args *a, double t) { return a->bytes * a->window / t / 1e6; }
double mm_metric_bistream_bw(const mm_metric_args *a, double t) { return 2.0 * mm_metric_stream_bw(a, t); }
double mm_metric_message_rate(const mm_metric_args *a, double t) { return a->pairs * a->window / t; }
double mm_metric_compute_us(const mm_metric_args *a, double t) {
  (void)t;
  return a->compute_s * 1e6;
}
double mm_metric_overlap_pct(const mm_metric_args *a, double t) {
  if (!(a->compute_s > 0)) return 0.0;
  double hidden = 1.0 - (t - a->compute_s) / a->compute_s;
  return 100.0 * (hidden > 0.0 ? hidden : 0.0);
}

const char *const mm_shape_names[MM_SHAPE_COUNT] = {"", "pingpong", "collective", "stream", "bistream", "sync", "pairs", "overlap"};
const size_t mm_shape_count = MM_SHAPE_COUNT;
const char *const mm_busbw_names[MM_BUSBW_COUNT] = {"", "one", "gather", "allreduce", "pairs"};
const size_t mm_busbw_count = MM_BUSBW_COUNT;

const mm_metric_def mm_metric_defs[] = {
#define MM_METRIC(shape, metric, unit, formula) {MM_SHAPE_##shape, #metric, unit, mm_metric_##formula},
#include "metrics.def"
#undef MM_METRIC
};
const size_t mm_n_metric_defs = sizeof mm_metric_defs / sizeof *mm_metric_defs;

double mm_algbw_bytes(mm_busbw kind, double size, int n) {
  if (kind == MM_BUSBW_PAIRS) return size * (n / 2);
  return kind == MM_BUSBW_GATHER ? size * n : size;
}

double mm_busbw_factor(mm_busbw kind, int n) {
  switch (kind) {
  case MM_BUSBW_ONE: return 1.0;
  case MM_BUSBW_GATHER: return (double)(n - 1) / n;
  case MM_BUSBW_ALLREDUCE: return 2.0 * (n - 1) / n;
  default: return 0.0;
  }
}

int mm_metric_row(mm_row *row, mm_metric_fn value, const mm_metric_args *a, const double *t,
                  const size_t *round_end, int rounds) {
  size_t n = rounds > 0 ? round_end[rounds - 1] : 0;
  double *values = malloc((n ? n : 1) * sizeof *values);
  if (!values) return -1;
  for (size_t i = 0; i < n; i++) values[i] = value(a, t[i]);
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
