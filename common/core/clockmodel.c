#include "clockmodel.h"

#include <math.h>
#include <stddef.h>

const size_t mm_clock_model_size = sizeof(mm_clock_model);
const double mm_clock_baseline_first = MM_CLOCK_BASELINE_FIRST,
             mm_clock_error_growth = MM_CLOCK_ERROR_GROWTH;
const char *const mm_clock_sync_estimated =
    "offset and drift against rank 0: node leaders in a binomial tree (SKaMPI: the shortest of "
    "25 ping-pongs per pair, uncertainty half its round trip, added along the path), a line per "
    "rank from its first estimate to its latest, estimated again once its error bound has doubled";
const char *const mm_clock_sync_one_clock =
    "none needed: all ranks on one node read one CLOCK_MONOTONIC (offsets 0)";

double mm_clock_model_global(const mm_clock_model *m, double local) {
  return local + m->offset + m->drift * (local - m->t_ref);
}

void mm_clock_model_add(mm_clock_model *m, double t, double offset, double uncertainty, bool drift) {
  if (m->estimates == 0) {
    m->t_first = t;
    m->offset_first = offset;
    m->u_first = uncertainty;
    m->residual = 0.0;
  } else {
    m->residual = fabs(offset - (m->offset + m->drift * (t - m->t_ref)));
    if (drift && t > m->t_first) m->drift = (offset - m->offset_first) / (t - m->t_first);
  }
  m->t_ref = t;
  m->offset = offset;
  m->uncertainty = uncertainty;
  m->estimates++;
}

double mm_clock_model_rate(const mm_clock_model *m) { return -m->drift / (1.0 + m->drift); }

double mm_clock_model_error_rate(const mm_clock_model *m) {
  double baseline = m->t_ref - m->t_first;
  return m->estimates >= 2 && baseline > 0 ? (m->u_first + m->uncertainty) / baseline : 0.0;
}

bool mm_clock_model_due(double since, double u, double g) {
  return since >= MM_CLOCK_INTERVAL_MAX || g * since > (MM_CLOCK_ERROR_GROWTH - 1.0) * u;
}
