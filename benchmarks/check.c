/* Validation helpers every operation's check() uses. */
#include <stdint.h>
#include <stdio.h>

#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "op.h"

int mm_check_bytes(const mm_ctx *ctx, const void *buf, size_t n, unsigned seed, char *why,
                   size_t len) {
  size_t bad = mm_pattern_check(buf, n, seed);
  if (bad == SIZE_MAX) return MM_OK;
  snprintf(why, len, "byte %zu of %zu is 0x%02x, expected 0x%02x", bad, n,
           ((const uint8_t *)buf)[bad], mm_pattern_byte(bad, seed));
  (void)ctx;
  return MM_EVALIDATE;
}

int mm_check_slots(const mm_ctx *ctx, mm_seed_fn seed, char *why, size_t len) {
  int err = MM_OK;
  for (int r = 0; r < ctx->nranks && !err; r++)
    err = mm_check_bytes(ctx, ctx->rbuf + (size_t)r * ctx->bytes, ctx->bytes, seed(ctx, r), why, len);
  return err;
}

int mm_check_sums(const mm_ctx *ctx, const double *v, size_t count, int ranks, char *why,
                  size_t len) {
  (void)ctx;
  for (size_t i = 0; i < count; i++) {
    double want = 0.0;
    for (int r = 0; r < ranks; r++) want += mm_pattern_double(i, mm_seed_of_rank(r));
    if (v[i] != want) {
      snprintf(why, len, "float64 element %zu of %zu is %.17g, expected %.17g", i, count, v[i],
               want);
      return MM_EVALIDATE;
    }
  }
  return MM_OK;
}

void mm_prepare_own_bytes(mm_ctx *ctx) {
  mm_pattern_fill(ctx->sbuf, ctx->bytes, mm_seed_of_rank(ctx->rank));
}

void mm_prepare_own_doubles(mm_ctx *ctx) {
  mm_pattern_fill_doubles((double *)ctx->sbuf, ctx->bytes / sizeof(double),
                          mm_seed_of_rank(ctx->rank));
}
