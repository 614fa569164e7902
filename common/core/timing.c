#include "timing.h"

const char *mm_sync_name(mm_sync s) {
  return s == MM_SYNC_BARRIER ? "barrier" : s == MM_SYNC_BATCH ? "batch" : "window";
}

const char *mm_rank_time_name(mm_rank_time t) {
  return t == MM_RANK_AVERAGE ? "average" : t == MM_RANK_FASTEST ? "fastest" : "slowest";
}
