#include "membw.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "stats.h"

enum { MAX_COPIES = 64, MIN_COPIES = 3 };

double mm_memcpy_mbs(size_t bytes, double seconds) {
  unsigned char *src = malloc(bytes), *dst = malloc(bytes);
  double t[MAX_COPIES], mbs = 0;
  if (src && dst) {
    memset(src, 1, bytes); /* real pages, not the shared zero page */
    memset(dst, 2, bytes);
    size_t n = 0;
    double start = mm_clock_now();
    while (n < MAX_COPIES && (n < MIN_COPIES || mm_clock_now() - start < seconds)) {
      double t0 = mm_clock_now();
      memcpy(dst, src, bytes);
      t[n++] = mm_clock_now() - t0;
      src[n % bytes] = dst[(n * 7) % bytes]; /* the copy's result is used */
    }
    mm_stats st;
    if (mm_stats_compute(t, n, &st) == 0 && st.median > 0) mbs = (double)bytes / st.median / 1e6;
  }
  free(src);
  free(dst);
  return mbs;
}
