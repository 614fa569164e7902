/* The metrics' formulas and factors (metrics.h), written out: nccl-tests'
 * algbw bytes and busbw factors, and the pairs operation's aggregate
 * bandwidth and message rate (every pair's messages over the slowest
 * pair's time; an odd rank count leaves one rank out), and OSU's overlap. */
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
  mm_metric_args a = {.bytes = mm_algbw_bytes(MM_BUSBW_PAIRS, 1000, 5), .window = 64, .pairs = 5 / 2};
  CHECK_NEAR(a.bytes, 2000, 0);
  CHECK_NEAR(mm_metric_stream_bw(&a, 1e-3), 128.0, 1e-9);    /* MB/s */
  CHECK_NEAR(mm_metric_message_rate(&a, 1e-3), 128000, 1e-6); /* msg/s */
  /* a collective's: algbw, and busbw with its factor */
  mm_metric_args g = {.bytes = mm_algbw_bytes(MM_BUSBW_GATHER, 1000, 4),
                      .busbw_factor = mm_busbw_factor(MM_BUSBW_GATHER, 4)};
  CHECK_NEAR(mm_metric_algbw(&g, 1e-3), 4.0, 1e-12);
  CHECK_NEAR(mm_metric_busbw(&g, 1e-3), 3.0, 1e-12);
  /* OSU's overlap with a 1 ms compute phase as long as the call alone:
   * all hidden at 1 ms, half at 1.5 ms, none at 2 ms and after */
  mm_metric_args o = {.compute_s = 1e-3};
  CHECK_NEAR(mm_metric_overlap_pct(&o, 1e-3), 100, 1e-9);
  CHECK_NEAR(mm_metric_overlap_pct(&o, 1.5e-3), 50, 1e-9);
  CHECK_NEAR(mm_metric_overlap_pct(&o, 2.5e-3), 0, 0);
  CHECK_NEAR(mm_metric_compute_us(&o, 7e-3), 1000, 1e-9);
  return unit_report("test_metrics");
}
