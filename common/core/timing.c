#include "timing.h"

#include <stddef.h>

const char *mm_sync_name(mm_sync s) {
  return s == MM_SYNC_BARRIER ? "barrier" : s == MM_SYNC_BATCH ? "batch" : "window";
}

const char *mm_rank_time_name(mm_rank_time t) {
  return t == MM_RANK_AVERAGE ? "average" : t == MM_RANK_FASTEST ? "fastest" : "slowest";
}

const size_t mm_sync_facts_size = sizeof(mm_sync_facts);

void mm_sync_facts_merge(mm_sync_facts *into, const mm_sync_facts *from) {
  into->late += from->late;
  into->window = from->window > into->window ? from->window : into->window;
  into->max_offset = from->max_offset > into->max_offset ? from->max_offset : into->max_offset;
  if (from->offset_uncertainty > into->offset_uncertainty)
    into->offset_uncertainty = from->offset_uncertainty;
  into->offsets_estimated |= from->offsets_estimated;
  /* The drift of the latest model (most estimates): its first lines, two
   * estimates 10 ms apart, are the least certain and would set a maximum. */
  if (from->estimates > into->estimates ||
      (from->estimates == into->estimates && from->max_drift > into->max_drift))
    into->max_drift = from->max_drift;
  into->max_residual = from->max_residual > into->max_residual ? from->max_residual : into->max_residual;
  into->estimates = from->estimates > into->estimates ? from->estimates : into->estimates;
  if (from->estimate_seconds > into->estimate_seconds) into->estimate_seconds = from->estimate_seconds;
}
