#include "time_split.h"

#include <stdio.h>

const size_t mm_spent_count = MM_SPENT_COUNT;
const char *const mm_spent_names[MM_SPENT_COUNT] = {
    [MM_SPENT_TIMED] = "timed", [MM_SPENT_SAMPLING] = "sampling",
    [MM_SPENT_WARMUP] = "warm-up", [MM_SPENT_CALIBRATION] = "calibration",
    [MM_SPENT_CLOCKSYNC] = "clock sync", [MM_SPENT_SETUP] = "set-up and checks",
    [MM_SPENT_PROBE] = "state probe"};

char *mm_time_split_text(double total, const double spent[MM_SPENT_COUNT], char *buf, size_t size) {
  size_t at = (size_t)snprintf(buf, size, "%.2f:", total);
  double other = total;
  for (int i = 0; i < MM_SPENT_COUNT && at < size; i++) {
    at += (size_t)snprintf(buf + at, size - at, " %s %.2f,", mm_spent_names[i], spent[i]);
    other -= spent[i];
  }
  if (at < size) snprintf(buf + at, size - at, " other %.2f", other);
  return buf;
}
