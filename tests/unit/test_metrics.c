/* The metrics' formulas and factors (metrics.h), written out: nccl-tests'
 * algbw bytes and busbw factors, and the pairs operation's aggregate
 * bandwidth and message rate (every pair's messages over the slowest
 * pair's time; an odd rank count leaves one rank out). */
#include "metrics.h"
#include "unit.h"

int main(void) {
  /* nccl-tests at 4 ranks */
  CHECK_NEAR(mm_algbw_bytes(MM_BUSBW_ONE, 1000, 4), 1000, 0);
  CHECK_NEAR(mm_algbw_bytes(MM_BUSBW_GATHER, 1000, 4), 4000, 0);
  CHECK_NEAR(mm_busbw_factor(MM_BUSBW_GATHER, 4), 0.75, 1e-12);
  CHECK_NEAR(mm_busbw_factor(MM_BUSBW_ALLREDUCE, 4), 1.5, 1e-12);
  /* pairs: 5 ranks make 2 pairs; a window of 64 messages of 1000 bytes
   * each in 1 ms: 128 messages, 128 kB, per ms */
  double bytes = mm_algbw_bytes(MM_BUSBW_PAIRS, 1000, 5), pairs = mm_busbw_factor(MM_BUSBW_PAIRS, 5);
  CHECK_NEAR(bytes, 2000, 0);
  CHECK_NEAR(pairs, 2, 0);
  CHECK_NEAR(mm_metric_stream_bw(bytes, 64, pairs, 1e-3), 128.0, 1e-9);    /* MB/s */
  CHECK_NEAR(mm_metric_message_rate(bytes, 64, pairs, 1e-3), 128000, 1e-6); /* msg/s */
  CHECK_NEAR(mm_busbw_factor(MM_BUSBW_PAIRS, 2), 1, 0);
  return unit_report("test_metrics");
}
